/** Public types of the Knowledgetalk API (SPEC §2). */
import type { ResponseCode } from './errors';

export type FeedType = 'cam' | 'screen';

export interface Member {
  /** Same value as `userId`: older Knowledgetalk apps read one, newer ones the other. */
  id: string;
  userId: string;
  name: string;
  userType: 'host' | 'guest';
  device: string;
  video: boolean;
  audio: boolean;
  publishing: boolean;
}

export interface Feed extends Member {
  type: FeedType;
}

export interface Result {
  code: ResponseCode;
  /** The Janus error code behind a failure, when Janus gave one. */
  janusCode?: number;
  /** Why it failed, in Janus's or our words. */
  reason?: string;
}

export interface InitResult extends Result {
  userId?: string;
}

export interface RoomResult extends Result {
  roomId?: string;
}

export interface MembersResult extends Result {
  members?: Record<string, Member>;
}

export interface JoinResult extends Result {
  roomId?: string;
  title?: string;
  talkingNoty?: boolean;
  isRecording?: boolean;
  createdAt?: number;
  host?: string;
  members?: Record<string, Member>;
}

interface PresenceBase {
  eventOp: 'presence';
  roomId: string;
}

export type PresenceDetail = PresenceBase &
  (
    | { type: 'join'; user: Member }
    | { type: 'leave'; user: string }
    | { type: 'publish'; feeds: Feed[] }
    | { type: 'unpublish'; user: string; feedType: FeedType }
    /** A member published to us with publishP2P; `getStream(user)` has it. */
    | { type: 'subscribed'; user: string; cam: boolean; feedType: FeedType }
    | { type: 'chat'; user: string; message: string; whisper: boolean }
    | { type: 'inform'; user: string; message: unknown; whisper: boolean }
    | { type: 'editUserInfo'; user: string; name: string; video: boolean; audio: boolean }
    | { type: 'talking'; user: string; talking: boolean }
    | { type: 'screen'; user: string }
    | { type: 'shareStop'; user: string }
    /** We are out of the room: kicked by the host (`reason: 'kicked'`) or the room was destroyed. */
    | { type: 'kickOut'; user: string; reason: 'kicked' | 'destroyed' }
    /** Extension: the gateway started (true) or stopped recording the room; everyone gets it, the host too. */
    | { type: 'recording'; recording: boolean }
  );

export type PresenceType = PresenceDetail['type'];

/** How good a feed's connection is (extension; the scale and its thresholds: quality/score.ts). */
export type ConnectionQuality = 'excellent' | 'good' | 'poor' | 'lost';

/** The `connectionQuality` instance event: a feed's quality changed. */
export interface ConnectionQualityDetail {
  /** Whose feed: our own id for what we send. */
  userId: string;
  type: FeedType;
  direction: 'send' | 'receive';
  quality: ConnectionQuality;
  /** 'unknown' for a feed's first report. */
  previous: ConnectionQuality | 'unknown';
  /** Share of the feed's packets (audio and video) lost over the last window, 0..1. */
  lossRate: number;
  /** Round-trip time to the gateway, seconds, when known. */
  rtt?: number;
  /** Janus reported a slow link (`slowlink`) for this feed during the last window. */
  slowlink: boolean;
}

/** How a feed's video is sent (publishVideo's `options`, extension). */
export interface PublishOptions {
  /** Three layers (full, 1/2 and 1/4 size) that receivers choose from with setQuality. */
  simulcast?: boolean;
  /** Cap in bits/s of the video (of its full-size layer when simulcasting). */
  maxBitrate?: number;
}

/** One kind (audio or video) of a feed's getStats figures. */
export interface KindStats {
  /** bits per second over the window */
  bitrate: number;
  packetsLost: number;
  /** share of the window's packets lost, 0..1 (receiving side) */
  lossRate: number;
  jitter?: number;
  /** video only */
  fps?: number;
  width?: number;
  height?: number;
}

/** getStats's figures of a feed (extension). */
export interface FeedStats {
  userId: string;
  type: FeedType;
  direction: 'send' | 'receive';
  audio?: KindStats;
  video?: KindStats;
  /** round-trip time to the gateway, seconds (from the ICE candidate pair) */
  rtt?: number;
}

export interface DeviceInfo {
  deviceId: string;
  label: string;
  groupId: string;
}

/** getDevices's lists (extension); labels are empty until the page had camera/mic permission. */
export interface DeviceLists {
  cameras: DeviceInfo[];
  microphones: DeviceInfo[];
  speakers: DeviceInfo[];
}

/**
 * The instance's connection to the gateway (extension; `getConnectionState()` and the
 * `connectionStateChanged` event): 'disconnected' before init and after disconnect or a lost
 * connection, 'connecting' during init, 'connected', and 'reconnecting' while a dropped connection
 * is reclaimed or the session rebuilt after a gateway restart.
 */
export type ConnectionState = 'disconnected' | 'connecting' | 'connected' | 'reconnecting';

export interface ConnectionStateDetail {
  state: ConnectionState;
  previous: ConnectionState;
  /** Why, when it was not the app's own call (a dropped connection, a refused token...). */
  reason?: string;
}

export interface KnowledgetalkOptions {
  /** Janus URL(s): ws://, wss://, http(s)://…/janus, or an array tried in order. */
  server?: string | string[];
  iceServers?: RTCIceServer[];
  logLevel?: 'trace' | 'debug' | 'info' | 'error' | 'off';
  /** How long a request to the gateway may take before it resolves with '504' (ms, default 10000). */
  requestTimeoutMs?: number;
  /**
   * How long to keep reclaiming the session after the connection to the gateway dropped, firing
   * `reconnecting` then `reconnected` (ms, default 15000; 0: give up at once with `disconnected`).
   */
  reconnectMs?: number;
}

/**
 * The instance's events (each dispatched as a `CustomEvent` of that name, `detail` the payload;
 * `reconnected` has an empty detail).
 */
export type InstanceEvents = {
  presence: PresenceDetail;
  /** The connection state changed (connection/state.ts). */
  connectionStateChanged: ConnectionStateDetail;
  /** The gateway connection is gone; the instance is back to "not initialised". */
  disconnected: { reason: string };
  /** The connection dropped; the SDK is reclaiming its session (media keeps flowing meanwhile). */
  reconnecting: { reason: string };
  /** The session is back; missed joins and leaves were announced. */
  reconnected: undefined;
  /** Progress of init and joinRoom, 0-100 (as Connect Live's `connecting`). */
  connecting: { progress: number; step: string };
  /** joinRoom is done: we are in the room with these members (ourselves included). */
  connected: { roomId: string; members: Record<string, Member> };
  /** A feed we send or receive changed connection quality. */
  connectionQuality: ConnectionQualityDetail;
};
