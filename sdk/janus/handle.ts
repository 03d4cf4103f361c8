/**
 * A plugin handle on janus.js: plugin messages, and the handle's PeerConnection as janus.js
 * negotiates it (offers, answers, tracks, the data channel). What plugin messages mean is the
 * plugin module's business (videoroom.ts); this file only carries them.
 */
import mitt from 'mitt';
import { Code, KtError } from '../errors';
import { getLogger } from '../logger';
import { coreError, JANUS_UNAUTHORIZED } from './errors';
import { applyEncodings, changeSenders, dropHandlers, isSimulcast, localMids, transceiverOf } from './peer-connection';
import { asDtlsServer } from './sdp';
import type { HandleEvents, Jsep, LocalTrackSpec, PluginData, PluginHandle } from './types';

const log = getLogger('gateway');

// janus.js ships loose typings; keep its objects `any` inside this folder only.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type JanusJs = any;

export class JanusPluginHandle implements PluginHandle {
  private gone = false;

  constructor(
    private readonly handle: JanusJs,
    readonly events: ReturnType<typeof mitt<HandleEvents>>,
    private readonly onUnauthorized: (reason: string) => void,
  ) {}

  get id(): number {
    return this.handle.getId();
  }

  send(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginData | undefined> {
    return new Promise((resolve, reject) => {
      this.handle.send({
        message: body,
        jsep,
        success: (data?: PluginData) => resolve(data),
        error: (cause: unknown) => {
          const err = coreError(cause);
          if (err.janusCode === JANUS_UNAUTHORIZED) this.onUnauthorized(`the gateway no longer accepts our token (${err.reason ?? 'unauthorized'})`);
          reject(err);
        },
      });
    });
  }

  createOffer(tracks: LocalTrackSpec[]): Promise<Jsep> {
    return this.offer(
      tracks.map((t) => ({
        type: t.kind,
        capture: t.track,
        recv: false,
        ...(isSimulcast(t) ? { simulcast: true, sendEncodings: t.encodings } : {}),
      })),
      'createOffer failed',
    );
  }

  async renegotiate(change: { add?: LocalTrackSpec[]; stop?: string[] }): Promise<Jsep> {
    const pc = this.peerConnection();
    if (!pc) throw new KtError(Code.MEDIA_ERROR, 'no PeerConnection to renegotiate');
    await changeSenders(pc, change);
    return this.offer([], 'renegotiation failed');
  }

  private offer(tracks: unknown[], failure: string): Promise<Jsep> {
    return new Promise((resolve, reject) => {
      this.handle.createOffer({
        tracks,
        success: (jsep: Jsep) => {
          // Every track we send is the app's: a hangup Janus starts itself (after a `leave`, when
          // janus.js cleans the PeerConnection up) must not stop them either.
          this.keepAppTracks();
          resolve(jsep);
        },
        error: (cause: unknown) => reject(new KtError(Code.MEDIA_ERROR, `${failure}: ${String(cause)}`)),
      });
    });
  }

  applyEncodings(tracks: LocalTrackSpec[]): Promise<void> {
    return applyEncodings(this.peerConnection(), tracks);
  }

  async replaceTrack(mid: string, track: MediaStreamTrack | null): Promise<void> {
    const transceiver = transceiverOf(this.peerConnection(), mid);
    if (!transceiver) throw new KtError(Code.MEDIA_ERROR, `no sender for mid ${mid}`);
    await transceiver.sender.replaceTrack(track);
  }

  createAnswer(offer: Jsep): Promise<Jsep> {
    return new Promise((resolve, reject) => {
      this.handle.createAnswer({
        jsep: offer,
        // Audio/video m-lines not listed here are accepted receive-only; data is accepted if offered.
        tracks: [{ type: 'data' }],
        customizeSdp: (jsep: Jsep) => {
          jsep.sdp = asDtlsServer(jsep.sdp);
        },
        success: (jsep: Jsep) => resolve(jsep),
        error: (cause: unknown) => reject(new KtError(Code.MEDIA_ERROR, `createAnswer failed: ${String(cause)}`)),
      });
    });
  }

  applyAnswer(answer: Jsep): Promise<void> {
    return new Promise((resolve, reject) => {
      this.handle.handleRemoteJsep({
        jsep: answer,
        success: () => resolve(),
        error: (cause: unknown) => reject(new KtError(Code.MEDIA_ERROR, `remote SDP rejected: ${String(cause)}`)),
      });
    });
  }

  localMids(): Map<MediaStreamTrack, string> {
    return localMids(this.peerConnection());
  }

  remoteTrack(mid: string): MediaStreamTrack | undefined {
    return transceiverOf(this.peerConnection(), mid)?.receiver.track;
  }

  peerConnection(): RTCPeerConnection | undefined {
    return this.handle.webrtcStuff?.pc ?? undefined;
  }

  hangup(tellGateway = true): void {
    this.keepAppTracks();
    const pc = this.peerConnection();
    try {
      this.handle.hangup(tellGateway);
    } catch (err) {
      log.warn('hangup failed', err);
    }
    dropHandlers(pc);
  }

  detach(): Promise<void> {
    this.keepAppTracks();
    const pc = this.peerConnection();
    return new Promise<void>((resolve) => {
      const done = () => {
        // The fallback timer must not outlive the detach: it would keep this handle, and its
        // closed PeerConnection, reachable for its whole delay.
        clearTimeout(timer);
        dropHandlers(pc);
        // janus.js calls `ondetached` only when Janus detaches a handle by itself, not after our
        // own detach: say it here, so the session lets go of the handle (and its PeerConnection).
        if (!this.gone) this.events.emit('detached', undefined);
        this.gone = true;
        resolve();
      };
      const timer = setTimeout(done, 3000);
      try {
        this.handle.detach({ success: done, error: done });
      } catch (err) {
        log.warn('detach failed', err);
        done();
      }
    });
  }

  /**
   * janus.js stops the tracks it was given when it cleans up a PeerConnection. Those tracks belong
   * to the app (the stream it passed to publishVideo), so mark them external first.
   */
  keepAppTracks(): void {
    if (this.handle.webrtcStuff) this.handle.webrtcStuff.streamExternal = true;
  }
}
