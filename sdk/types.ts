/** Public types of the Knowledgetalk API (SPEC §2). */
import type { ResponseCode } from './errors';
import type { Permit, ShareType } from './janus/guard-views';
import type { LogLevel } from './logger';
import type { ShapeType, Tool } from './board/types';

/** A member's two feeds: its camera (with its microphone) and its shared screen. */
export type FeedType = 'cam' | 'screen';

/** What a member may do besides talk and watch (`permit`, set by the host; the host may do all). */
export type { Permit, ShareType };

/** setTool's tools and shapes (web/share.md). */
export type { ShapeType, Tool };

/** setQuality's simulcast layers: 'l' (1/4 size), 'm' (1/2), 'h' (full). */
export type SimulcastQuality = 'l' | 'm' | 'h';

/** The room's one share at a time: a screen, the whiteboard or a document, and who shares it. */
export interface Share {
  type: ShareType;
  user: string;
}

/** A member of a room, as joinRoom, memberList and presence `join` give it. */
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
  /** What the member may do (chat, draw, share a screen, the whiteboard, a document). */
  permit: Permit;
}

/** One published feed of a member (presence `publish`). */
export interface Feed extends Member {
  type: FeedType;
}

/** Every code but '200': the call failed, nothing changed. */
export type FailureCode = Exclude<ResponseCode, '200'>;

/** A call that succeeded: code '200' and what the call gives. */
export type Success<T extends object = object> = { code: '200'; janusCode?: undefined; reason?: undefined } & T;

/** A call that failed: why, and nothing else. */
export interface Failure {
  code: FailureCode;
  /** The Janus error code behind the failure, when Janus gave one. */
  janusCode?: number;
  /** Why it failed, in Janus's or our words. */
  reason: string;
}

/**
 * What a call resolves with: narrow on `code` (`if (r.code === '200')`) to reach what it gives.
 * `Outcome<{ roomId: string }>` is `{ code: '200', roomId }` or a Failure.
 */
export type Outcome<T extends object = object> = Success<T> | Failure;

/** A call that gives nothing but its code. */
export type Result = Outcome;

/** init: our user id (the token's, or the one given in development). */
export type InitResult = Outcome<{ userId: string }>;

/** createVideoRoom / createRoom: the room's id (the one given, or a generated one). */
export type RoomResult = Outcome<{ roomId: string }>;

/** memberList: the room's members by user id, ourselves included. */
export type MembersResult = Outcome<{ members: Record<string, Member> }>;

/** joinRoom's answer (web/room.md): the room and who is in it. */
export interface JoinedRoom {
  roomId: string;
  title: string;
  talkingNoty: boolean;
  isRecording: boolean;
  /** When the room was made, as the original writes it: "2024/05/30 13:38:37" (local time). */
  createdAt: string;
  /** The room's host, when it is in the room; else its user id only (`{ id, userId }`). */
  host: Member | { id: string; userId: string };
  /** Everyone in the room, ourselves included. */
  members: Record<string, Member>;
  /** Whether the room is relayed by the media server: true for createVideoRoom rooms, false for createRoom's 1:1 rooms (the app uses publishP2P there). */
  media: boolean;
  /** What is being shared in the room now, if anything. */
  share: Share | null;
  /** Where documentShare's files are stored (the gateway's file store), when it has one. */
  fileServerUrl?: string;
  /** Extension: the room's capacity (null: the gateway's limit). */
  capacity: number | null;
  /** Extension: for a breakout group, its main room. */
  parent: string | null;
}

/** joinRoom: the room and its members. */
export type JoinResult = Outcome<JoinedRoom>;

/** createGroup: the breakout group's id (a room: leaveRoom, then joinRoom it). */
export type GroupResult = Outcome<{ groupId: string }>;

/** getStats: a feed's figures. */
export type StatsResult = Outcome<{ stats: FeedStats }>;

/** getRemoteAudioLevels: how loud each member we receive is, 0..1, by user id. */
export type AudioLevelsResult = Outcome<{ levels: Record<string, number> }>;

/** getDevices: the cameras, microphones and speakers. */
export type DevicesResult = Outcome<DeviceLists>;

/** setSpeaker: how many media elements were switched. */
export type SpeakerResult = Outcome<{ elements: number }>;

/** uploadDocument: the stored file's address, for documentShare. */
export type UploadResult = Outcome<{ url: string }>;

/** What every presence event carries. */
export interface PresenceBase {
  eventOp: 'presence';
  roomId: string;
}

/** The `presence` event's detail: one union member per `type`, narrowed by it. */
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
    /**
     * We are out of the room: kicked by the host (`reason: 'kicked'`), the room was destroyed, or
     * our user id signed in elsewhere with init's `forced` (`'replaced'`: this instance is disconnected).
     */
    | { type: 'kickOut'; user: string; reason: 'kicked' | 'destroyed' | 'replaced' }
    /** Extension: the gateway started (true) or stopped recording the room; everyone gets it, the host too. */
    | { type: 'recording'; recording: boolean }
    /** A member started the whiteboard (whiteBoardStart). */
    | { type: 'whiteboard'; user: string }
    /** A member started sharing documents (documentStart). */
    | { type: 'document'; user: string }
    /** The document shown (documentShare): `img` is its URL; `page` the page of a PDF. */
    | { type: 'documentShare'; user: string; img: string; page: number }
    /** `sender` asked for our canvas (reqCanvasImage): the SDK sends it by itself. */
    | { type: 'reqCanvasImage'; sender: string }
    /** The canvas image we asked `sender` for: a PNG data URL, already drawn on our canvas. */
    | { type: 'updateImage'; sender: string; img: string }
    /** The host made a breakout group with us on its list: leaveRoom, then joinRoom(groupId). */
    | { type: 'createGroup'; user: string; groupId: string; title: string }
    /** Extension: the host ended the breakout group we are in; `mainRoomId` is where it came from. */
    | { type: 'endGroup'; groupId: string; mainRoomId: string }
    /** Extension: the host changed the room (editRoomInfo): its title, capacity or host. */
    | { type: 'editRoomInfo'; title: string; capacity: number | null; host: string }
    /** Extension: what a member may do changed (the host's permit); `user` may be ourselves. */
    | { type: 'permit'; user: string; permit: Permit }
  );

/** The `type`s of presence events. */
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

/** publishVideo's `options` (extension). */
export interface PublishVideoOptions extends PublishOptions {
  /** Asks the camera for 640×480, 1280×720 or 1920×1080 (as ideals: a camera keeps its own size if it must). */
  resolution?: 'sd' | 'hd' | 'fhd';
}

/** createVideoRoom's and createRoom's `options` (extension). */
export interface RoomOptions {
  /** Joining needs this PIN (joinRoom's `pin`; a wrong one resolves '411'). */
  pin?: string;
  /** What guests may do until the host permits otherwise (default: everything). */
  guestPermit?: Partial<Permit>;
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

/** One camera, microphone or speaker. */
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

/** The `connectionStateChanged` event's detail. */
export interface ConnectionStateDetail {
  state: ConnectionState;
  previous: ConnectionState;
  /** Why, when it was not the app's own call (a dropped connection, a refused token...). */
  reason?: string;
}

/** `new Knowledgetalk(options)`: where the gateway is and how to talk to it. */
export interface KnowledgetalkOptions {
  /** Janus URL(s): ws://, wss://, http(s)://…/janus, or an array tried in order. */
  server?: string | string[];
  iceServers?: RTCIceServer[];
  logLevel?: LogLevel;
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

/**
 * The instance's events as `addEventListener` sees them: each a `CustomEvent` whose `detail` is
 * typed (`kt.addEventListener('presence', ({ detail }) => { if (detail.type === 'join') ... })`).
 */
export type KnowledgetalkEventMap = {
  [K in keyof InstanceEvents]: CustomEvent<InstanceEvents[K] extends undefined ? Record<string, never> : InstanceEvents[K]>;
} & {
  /** A camera, microphone or speaker came or went (while initialised): the new lists. */
  devicechange: CustomEvent<DeviceLists>;
};

/** The names of the instance's events. */
export type KnowledgetalkEventName = keyof KnowledgetalkEventMap;
