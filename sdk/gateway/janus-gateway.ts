/**
 * The one module that talks to janus.js. It turns janus.js's callback API into the promise/event
 * interfaces of `types.ts`; the rest of the SDK never sees a janus.js callback or object.
 */
import Janus from 'janus-gateway';
import { detectBrowser } from 'webrtc-adapter/src/js/utils.js';
import mitt from 'mitt';
import { Code, KtError, coreError, pluginError } from '../errors';
import { getLogger, loggerControl, type LogLevel } from '../logger';
import { withTimeout } from '../util/timeout';
import { asDtlsServer } from './sdp';
import type {
  ConnectOptions,
  GatewaySession,
  HandleEvents,
  Jsep,
  LocalTrackSpec,
  PluginData,
  PluginHandle,
  SessionEvents,
} from './types';

const log = getLogger('gateway');

// janus.js ships loose typings; keep its objects `any` inside this module only.
/* eslint-disable @typescript-eslint/no-explicit-any */
type JanusJs = any;
const JanusLib: JanusJs = Janus;

/**
 * Mirrors our log level into janus.js's console functions. janus.js reads its `debug` option only
 * in the first Janus.init, so later changes set the functions directly.
 */
function applyJanusLogLevel(level: LogLevel): void {
  const on = (name: string): boolean => {
    if (level === 'trace' || level === 'debug') return true;
    if (level === 'info') return ['log', 'warn', 'error'].includes(name);
    return level === 'error' && name === 'error';
  };
  const sinks: Record<string, (...a: unknown[]) => void> = {
    trace: console.debug.bind(console),
    debug: console.debug.bind(console),
    vdebug: console.debug.bind(console),
    log: console.log.bind(console),
    warn: console.warn.bind(console),
    error: console.error.bind(console),
  };
  for (const [name, sink] of Object.entries(sinks)) JanusLib[name] = on(name) ? sink : JanusLib.noop;
}

let initialised: Promise<void> | undefined;

/**
 * Janus.init once per page. janus.js takes webrtc-adapter as a dependency but reads nothing from it
 * except `browserDetails`, so it gets adapter's browser detection only, not the whole library:
 * adapter's shims (for browsers without standard WebRTC 1.0 APIs) cost 11 KB of the 40 KB budget.
 * A page that needs them loads adapter.js itself (the shims patch the browser globally).
 */
function initJanusJs(): Promise<void> {
  initialised ??= new Promise<void>((resolve) => {
    JanusLib.init({
      debug: false,
      dependencies: JanusLib.useDefaultDependencies({ adapter: { browserDetails: detectBrowser(window) } }),
      callback: () => {
        applyJanusLogLevel(loggerControl.getLevel());
        loggerControl.onChange(applyJanusLogLevel);
        resolve();
      },
    });
  });
  return initialised;
}

/**
 * Connects and creates one Janus session. An unreachable gateway (it may be restarting) is tried
 * again with backoff (250 ms doubling, at most 2 s apart) until `timeoutMs` is used up, then '504'.
 * Any answer from the gateway itself, a refused token above all, is final: no retry hammers it.
 */
export async function connectJanus(options: ConnectOptions): Promise<GatewaySession> {
  await initJanusJs();
  if (!JanusLib.isWebrtcSupported()) throw new KtError(Code.MEDIA_ERROR, 'WebRTC is not supported here');
  const deadline = Date.now() + options.timeoutMs;
  for (let delay = 250; ; delay = Math.min(delay * 2, 2000)) {
    const left = deadline - Date.now();
    try {
      return await connectOnce({ ...options, timeoutMs: left });
    } catch (err) {
      const unreachable = err instanceof KtError && err.code === Code.GATEWAY_TIMEOUT;
      if (!unreachable || deadline - Date.now() <= delay) throw err;
      log.warn(`gateway unreachable, trying again in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

async function connectOnce(options: ConnectOptions): Promise<GatewaySession> {
  let janus: JanusJs;
  let connected = false;
  let session: JanusSession | undefined;
  const events = mitt<SessionEvents>();
  const sockets = captureSockets();
  const ready = new Promise<void>((resolve, reject) => {
    janus = new JanusLib({
      server: options.servers.length === 1 ? options.servers[0] : options.servers,
      token: options.token,
      iceServers: options.iceServers,
      // Tell Janus when we are gone quickly rather than waiting for the session timeout.
      destroyOnUnload: true,
      success: () => {
        connected = true;
        resolve();
      },
      error: (cause: unknown) => {
        if (!connected) {
          reject(coreError(cause));
          return;
        }
        log.warn('gateway connection dropped:', cause);
        void session?.reclaim(String(cause));
      },
    });
  });
  sockets.stop();
  try {
    await withTimeout(ready, options.timeoutMs, 'connecting to the gateway');
  } catch (err) {
    // Stop janus.js retrying in the background; nothing else holds it.
    try {
      janus.destroy({ notifyDestroyed: false, cleanupHandles: true });
    } catch {
      /* not connected, nothing to free */
    }
    sockets.closeAll();
    throw err;
  }
  session = new JanusSession(janus, events, options);
  return session;
}

/**
 * janus.js leaves its WebSocket open when Janus refuses to create the session (a bad token) and
 * has no way to close it. Its constructor opens the socket synchronously, so the sockets opened
 * between this call and stop() are this attempt's. (With a server list, the sockets for the next
 * servers, opened after one fails, are not seen.)
 */
function captureSockets(): { stop(): void; closeAll(): void } {
  const sockets: WebSocket[] = [];
  const open = JanusLib.newWebSocket;
  JanusLib.newWebSocket = (server: string, protocol: string) => {
    const ws = open(server, protocol);
    sockets.push(ws);
    return ws;
  };
  return {
    stop: () => {
      JanusLib.newWebSocket = open;
    },
    closeAll: () => sockets.forEach((ws) => ws.close()),
  };
}

class JanusSession implements GatewaySession {
  private destroyed = false;
  private reclaiming = false;
  private readonly handles = new Set<JanusPluginHandle>();

  constructor(
    private readonly janus: JanusJs,
    readonly events: ReturnType<typeof mitt<SessionEvents>>,
    private readonly options: ConnectOptions,
  ) {}

  /**
   * The connection dropped (a network blip, a proxy restart): claim the session on a new one,
   * with backoff, within `reconnectMs` (keep it under the gateway's reclaim_session_timeout).
   * Janus keeps the session's handles, and the PeerConnections never depended on the socket, so
   * media goes on; only requests made meanwhile fail. Gone for good after that: `lost`.
   */
  async reclaim(reason: string): Promise<void> {
    if (this.reclaiming || this.destroyed) return;
    this.reclaiming = true;
    this.events.emit('reconnecting', { reason });
    const deadline = Date.now() + this.options.reconnectMs;
    for (let delay = 250; Date.now() < deadline && !this.destroyed; delay = Math.min(delay * 2, 2000)) {
      const claimed = await this.claimOnce();
      if (claimed === 'ok') {
        this.reclaiming = false;
        log.info('session reclaimed');
        this.events.emit('reconnected', undefined);
        return;
      }
      if (claimed === 'gone') {
        // The gateway answers but no longer knows the session: it was restarted.
        this.reclaiming = false;
        if (!this.destroyed) this.events.emit('lost', { reason: 'the gateway restarted', restarted: true });
        return;
      }
      await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(0, deadline - Date.now()))));
    }
    this.reclaiming = false;
    if (!this.destroyed) this.events.emit('lost', { reason });
  }

  /** One claim: 'ok', 'gone' (Janus answered that the session does not exist), or 'fail'. */
  private claimOnce(): Promise<'ok' | 'gone' | 'fail'> {
    const attempt = new Promise<'ok' | 'gone' | 'fail'>((resolve) => {
      try {
        this.janus.reconnect({
          success: () => resolve('ok'),
          error: (cause: unknown) => resolve(/no such session/i.test(String(cause)) ? 'gone' : 'fail'),
        });
      } catch {
        resolve('fail');
      }
    });
    return withTimeout(attempt, Math.min(this.options.timeoutMs, 5000), 'reclaiming the session').catch(() => 'fail' as const);
  }

  get id(): number {
    return this.janus.getSessionId();
  }

  attach(plugin: string): Promise<PluginHandle> {
    if (this.destroyed) return Promise.reject(new KtError(Code.BAD_REQUEST, 'session destroyed'));
    const events = mitt<HandleEvents>();
    return new Promise<PluginHandle>((resolve, reject) => {
      this.janus.attach({
        plugin,
        success: (raw: JanusJs) => {
          const handle = new JanusPluginHandle(raw, events, (reason) => this.fail(reason));
          this.handles.add(handle);
          events.on('detached', () => this.handles.delete(handle));
          resolve(handle);
        },
        error: (cause: unknown) => reject(coreError(cause)),
        onmessage: (data: PluginData, jsep?: Jsep) => events.emit('message', { data, jsep }),
        onremotetrack: (track: MediaStreamTrack, mid: string, on: boolean) =>
          events.emit('remoteTrack', { track, mid, on }),
        webrtcState: (up: boolean, reason?: string) => events.emit('webrtcState', { up, reason }),
        slowLink: (uplink: boolean, lost: number, mid?: string) => events.emit('slowLink', { uplink, lost, mid }),
        ondetached: () => events.emit('detached', undefined),
        ondataopen: () => events.emit('dataOpen', undefined),
        ondata: (text: unknown) => events.emit('data', { text: String(text) }),
      });
    });
  }

  /**
   * The gateway refused a request of this session as unauthorized: its token expired (Janus checks
   * it on every request, keepalives too), so nothing more will work. Report it as a lost connection
   * at once, rather than when the session times out a minute later with a misleading reason.
   */
  private fail(reason: string): void {
    if (this.destroyed) return;
    log.error(reason);
    this.events.emit('lost', { reason });
  }

  destroy(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.destroyed = true;
    this.handles.forEach((h) => h.keepAppTracks());
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      // janus.js never calls back when the socket is already gone; do not hang disconnect().
      const timer = setTimeout(done, 3000);
      try {
        // cleanupHandles closes every PeerConnection before the session goes.
        this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false, success: done, error: done });
      } catch (err) {
        log.warn('destroy failed', err);
        done();
      }
    });
  }
}

class JanusPluginHandle implements PluginHandle {
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
        success: (data?: PluginData) => {
          // Synchronous plugin errors come back as a "success" carrying error_code.
          if (data && typeof data.error_code === 'number') {
            reject(pluginError(data.error_code, String(data.error ?? '')));
          } else {
            resolve(data);
          }
        },
        error: (cause: unknown) => {
          const err = coreError(cause);
          if (err.janusCode === 403) this.onUnauthorized(`the gateway no longer accepts our token (${err.reason ?? 'unauthorized'})`);
          reject(err);
        },
      });
    });
  }

  createOffer(tracks: LocalTrackSpec[]): Promise<Jsep> {
    return new Promise((resolve, reject) => {
      this.handle.createOffer({
        // janus.js takes `sendEncodings` only on its simulcast path; a single encoding is set on the
        // sender once it exists (see applyEncodings).
        tracks: tracks.map((t) => ({
          type: t.kind,
          capture: t.track,
          recv: false,
          ...(isSimulcast(t) ? { simulcast: true, sendEncodings: t.encodings } : {}),
        })),
        success: (jsep: Jsep) => resolve(jsep),
        error: (cause: unknown) => reject(new KtError(Code.MEDIA_ERROR, `createOffer failed: ${String(cause)}`)),
      });
    });
  }

  async renegotiate({ add = [], stop = [] }: { add?: LocalTrackSpec[]; stop?: string[] }): Promise<Jsep> {
    const pc = this.peerConnection();
    if (!pc) throw new KtError(Code.MEDIA_ERROR, 'no PeerConnection to renegotiate');
    // Changes are made on the PeerConnection directly (janus.js would stop the app's tracks it
    // removes); janus.js then only creates and sets the offer, so its own SDP state stays right.
    for (const mid of stop) {
      const transceiver = this.transceiver(mid);
      if (!transceiver) continue;
      await transceiver.sender.replaceTrack(null);
      transceiver.direction = 'inactive';
    }
    for (const spec of add) {
      const { kind, track } = spec;
      // Recycle an m-line we stopped earlier (Janus re-enables a stream whose m-line sends again),
      // so start/stop cycles do not grow the SDP.
      // An m-line's number of encodings is fixed, so a simulcast track never takes a plain one.
      const idle = isSimulcast(spec)
        ? undefined
        : pc
            .getTransceivers()
            .find((t) => t.direction === 'inactive' && t.mid !== null && !stop.includes(t.mid) && t.receiver.track.kind === kind);
      if (idle) {
        await idle.sender.replaceTrack(track);
        idle.direction = 'sendonly';
      } else {
        pc.addTransceiver(track, { direction: 'sendonly', ...(isSimulcast(spec) ? { sendEncodings: spec.encodings } : {}) });
      }
    }
    return new Promise((resolve, reject) => {
      this.handle.createOffer({
        tracks: [],
        success: (jsep: Jsep) => resolve(jsep),
        error: (cause: unknown) => reject(new KtError(Code.MEDIA_ERROR, `renegotiation failed: ${String(cause)}`)),
      });
    });
  }

  async applyEncodings(tracks: LocalTrackSpec[]): Promise<void> {
    const pc = this.peerConnection();
    for (const spec of tracks) {
      if (!spec.encodings || isSimulcast(spec)) continue;
      const sender = pc?.getSenders().find((s) => s.track === spec.track);
      if (!sender) continue;
      const params = sender.getParameters();
      if (params.encodings.length === 0) continue; // before negotiation: nothing to change yet
      params.encodings = params.encodings.map((e, i) => (i === 0 ? { ...e, ...spec.encodings![0] } : e));
      await sender.setParameters(params);
    }
  }

  async replaceTrack(mid: string, track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.transceiver(mid);
    if (!transceiver) throw new KtError(Code.MEDIA_ERROR, `no sender for mid ${mid}`);
    await transceiver.sender.replaceTrack(track);
  }

  sendData(text: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.handle.data({
        text,
        success: () => resolve(),
        error: (cause: unknown) => reject(new KtError(Code.SERVER_ERROR, `data channel send failed: ${String(cause)}`)),
      });
    });
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
    const mids = new Map<MediaStreamTrack, string>();
    for (const t of this.peerConnection()?.getTransceivers() ?? []) {
      if (t.sender.track && t.mid !== null) mids.set(t.sender.track, t.mid);
    }
    return mids;
  }

  remoteTrack(mid: string): MediaStreamTrack | undefined {
    return this.transceiver(mid)?.receiver.track;
  }

  private transceiver(mid: string): RTCRtpTransceiver | undefined {
    return this.peerConnection()
      ?.getTransceivers()
      .find((t) => t.mid === mid);
  }

  peerConnection(): RTCPeerConnection | undefined {
    return this.handle.webrtcStuff?.pc ?? undefined;
  }

  hangup(): void {
    this.keepAppTracks();
    const pc = this.peerConnection();
    try {
      this.handle.hangup(true);
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

const PC_HANDLERS = [
  'onicecandidate',
  'onicecandidateerror',
  'ontrack',
  'ondatachannel',
  'onnegotiationneeded',
  'onsignalingstatechange',
  'oniceconnectionstatechange',
  'onicegatheringstatechange',
  'onconnectionstatechange',
] as const;

/**
 * Chromium keeps a PeerConnection closed while ICE gathering is still running alive from its own
 * C++ side (a heap snapshot of the 100-cycle leak test shows it retained by
 * RTCPeerConnection::ChangeIceGatheringState). The handlers janus.js set on it, and on its remote
 * tracks, would keep their closures (and through them our handle) alive with it: drop them.
 */
function dropHandlers(pc: RTCPeerConnection | undefined): void {
  if (!pc || pc.signalingState !== 'closed') return;
  for (const name of PC_HANDLERS) pc[name] = null;
  for (const t of pc.getTransceivers()) {
    const track = t.receiver.track;
    track.onended = null;
    track.onmute = null;
    track.onunmute = null;
  }
}

function isSimulcast(spec: LocalTrackSpec): boolean {
  return (spec.encodings?.length ?? 0) > 1;
}
