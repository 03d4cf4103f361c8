/**
 * What the SDK needs from a Janus gateway, in our own terms. `janus-js.ts` (with session.ts and
 * handle.ts) implements it on janus.js; unit tests implement it with a scripted fake
 * (test/support/fake-gateway.ts). Nothing above this folder knows janus.js, and nothing above it
 * writes a request body: videoroom.ts is the only caller of `send`.
 */
import type { Emitter } from 'mitt';

export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  [extra: string]: unknown;
}

/** The Janus plugin the SDK uses (behind the guard; messages are the guard's, not TextRoom's). */
export const VIDEOROOM = 'janus.plugin.videoroom';

/** The `data` of a plugin response or event (`plugindata.data`). */
export type PluginData = Record<string, unknown>;

export type HandleEvents = {
  /** An asynchronous plugin event, with the SDP Janus attached to it, if any. */
  message: { data: PluginData; jsep?: Jsep };
  /** A remote track appeared (`on: true`) or went away on the handle's PeerConnection. */
  remoteTrack: { track: MediaStreamTrack; mid: string; on: boolean };
  /** ICE+DTLS came up (true) or the PeerConnection was torn down (false). */
  webrtcState: { up: boolean; reason?: string };
  /** Janus reports trouble on this handle's media (`slowlink`). */
  slowLink: { uplink: boolean; lost: number; mid?: string };
  /** The handle no longer exists on the gateway. */
  detached: undefined;
};

export interface LocalTrackSpec {
  kind: 'audio' | 'video';
  track: MediaStreamTrack;
  /** How to send it: several encodings with `rid`s is simulcast; one caps its bitrate. */
  encodings?: RTCRtpEncodingParameters[];
}

export interface PluginHandle {
  readonly id: number;
  readonly events: Emitter<HandleEvents>;
  /**
   * Sends a plugin message. Resolves with the plugin's data for synchronous requests (which may
   * carry the plugin's `error_code`: the plugin's module reads it), or with `undefined` once Janus
   * acknowledged an asynchronous one (its result arrives as a `message`). Rejects with a KtError
   * for an error of the Janus core.
   */
  send(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginData | undefined>;
  /** Creates the first offer of a send-only PeerConnection carrying exactly these tracks. */
  createOffer(tracks: LocalTrackSpec[]): Promise<Jsep>;
  /**
   * A new offer on the existing PeerConnection after adding tracks (each on a transceiver of its
   * own, new or recycled) and/or stopping the senders of some mids (their m-lines go inactive).
   */
  renegotiate(change: { add?: LocalTrackSpec[]; stop?: string[] }): Promise<Jsep>;
  /** Applies a single-encoding spec (bitrate cap) to the senders of these tracks, once negotiated. */
  applyEncodings(tracks: LocalTrackSpec[]): Promise<void>;
  /** Swaps the track a sender sends, without renegotiation (null sends nothing). */
  replaceTrack(mid: string, track: MediaStreamTrack | null): Promise<void>;
  /** Answers an offer from Janus, receive-only. */
  createAnswer(offer: Jsep): Promise<Jsep>;
  /** Applies Janus's answer to our offer. */
  applyAnswer(answer: Jsep): Promise<void>;
  /** The mid of each local track, once an offer was created. */
  localMids(): Map<MediaStreamTrack, string>;
  /** The receiving track of a transceiver, by mid. */
  remoteTrack(mid: string): MediaStreamTrack | undefined;
  /** The handle's PeerConnection, if one was created (for stats and tests). */
  peerConnection(): RTCPeerConnection | undefined;
  /**
   * Closes the PeerConnection but keeps the handle; `tellGateway: false` when the gateway closed
   * its side already (it then needs no hangup request, which could reach a newer PeerConnection).
   */
  hangup(tellGateway?: boolean): void;
  /** Detaches from the plugin; never rejects. */
  detach(): Promise<void>;
}

/** A handle as the layers above this folder hold it: everything but `send` (no request bodies up there). */
export type HandleMedia = Omit<PluginHandle, 'send'>;

export type SessionEvents = {
  /** The connection to the gateway dropped; the session may still be claimed on a new one. */
  dropped: { reason: string };
  /** The gateway refused a request as unauthorized: the token expired, nothing more will work. */
  refused: { reason: string };
};

/** One attempt to claim the session on a new connection (connection/reconnect.ts decides what follows). */
export type ClaimOutcome = 'ok' | 'gone' | 'fail';

export interface GatewaySession {
  readonly id: number;
  readonly events: Emitter<SessionEvents>;
  attach(plugin: string): Promise<PluginHandle>;
  /** Claims the session again after `dropped`: 'gone' means the gateway answered but forgot it (restarted). */
  claim(timeoutMs: number): Promise<ClaimOutcome>;
  /** Destroys the session and every handle; never rejects. */
  destroy(): Promise<void>;
}

export interface ConnectOptions {
  servers: string[];
  token?: string;
  iceServers?: RTCIceServer[];
  timeoutMs: number;
}

export type ConnectGateway = (options: ConnectOptions) => Promise<GatewaySession>;
