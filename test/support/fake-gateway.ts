/**
 * A scripted stand-in for the gateway layer (Janus behind the guard), for unit tests of the logic
 * above it. Each handle answers `send` with what the test's `reply` function returns, and lets the
 * test push events. It fakes the transport only; real media, the real guard and real Janus are the
 * integration tests' job.
 */
import mitt from 'mitt';
import { videoRoomError } from '../../sdk/janus/videoroom';
import type { ClaimOutcome, ConnectGateway, GatewaySession, HandleEvents, Jsep, PluginData, PluginHandle, SessionEvents } from '../../sdk/janus/types';

export interface Sent {
  handle: number;
  body: Record<string, any>;
  jsep?: Jsep;
}

/** Returns sync data, `undefined` for an ack, or throws a KtError; may push events on the handle. */
export type Reply = (sent: Sent, handle: FakeHandle) => PluginData | undefined | Promise<PluginData | undefined>;

export class FakeHandle implements PluginHandle {
  readonly events = mitt<HandleEvents>();
  readonly tracks = new Map<string, MediaStreamTrack>();
  detached = false;

  constructor(
    readonly id: number,
    readonly plugin: string,
    private readonly gateway: FakeGateway,
  ) {}

  async send(body: Record<string, unknown>, jsep?: Jsep): Promise<PluginData | undefined> {
    const sent = { handle: this.id, body: body as Record<string, any>, jsep };
    this.gateway.sent.push(sent);
    const reply = await this.gateway.reply(sent, this);
    // The guard tells a session who it is; unless the test says otherwise, who it asked to be.
    if (reply === undefined && body.request === 'kt_whoami') return { videoroom: 'kt_identity', id: body.id, name: body.name ?? '', signed: false };
    return reply;
  }

  /** Pushes an event as Janus would, after the current call stack. */
  emit(data: PluginData, jsep?: Jsep): void {
    setTimeout(() => this.events.emit('message', { data, jsep }), 0);
  }

  fail(janusCode: number, reason: string): never {
    throw videoRoomError(janusCode, reason);
  }

  async createOffer(): Promise<Jsep> {
    return { type: 'offer', sdp: 'fake-offer' };
  }
  async renegotiate(): Promise<Jsep> {
    return { type: 'offer', sdp: 'fake-reoffer' };
  }
  async replaceTrack(): Promise<void> {}
  async applyEncodings(): Promise<void> {}
  async createAnswer(): Promise<Jsep> {
    return { type: 'answer', sdp: 'fake-answer' };
  }
  async applyAnswer(): Promise<void> {}
  localMids(): Map<MediaStreamTrack, string> {
    return new Map();
  }
  remoteTrack(mid: string): MediaStreamTrack | undefined {
    if (!this.tracks.has(mid)) this.tracks.set(mid, fakeTrack(`track-${mid}`));
    return this.tracks.get(mid);
  }
  peerConnection(): RTCPeerConnection | undefined {
    return undefined;
  }
  hangup(): void {}
  async detach(): Promise<void> {
    this.detached = true;
  }
}

/** A receiving track as far as the SDK uses one: it is cloned for the app and the clone stopped. */
function fakeTrack(id: string): MediaStreamTrack {
  const track = {
    id,
    kind: 'video',
    readyState: 'live',
    clone: () => ({ ...fakeTrack(`${id}-clone`), source: track }),
    stop() {
      this.readyState = 'ended';
    },
  };
  return track as unknown as MediaStreamTrack;
}

export class FakeGateway {
  readonly sent: Sent[] = [];
  readonly handles: FakeHandle[] = [];
  sessions = 0;
  destroyed = 0;
  private nextId = 1;

  constructor(public reply: Reply = () => undefined) {}

  attach = async (plugin = 'janus.plugin.videoroom'): Promise<FakeHandle> => {
    const handle = new FakeHandle(this.nextId++, plugin, this);
    this.handles.push(handle);
    return handle;
  };

  /** The handles attached to one plugin, in order. */
  handlesOf(plugin: 'videoroom'): FakeHandle[] {
    return this.handles.filter((h) => h.plugin === `janus.plugin.${plugin}`);
  }

  /** What a claim of the session after `dropped` answers (connection/reconnect.ts). */
  claimWith: ClaimOutcome = 'ok';
  /** The last session connect() made, to push its events. */
  session?: GatewaySession;

  connect: ConnectGateway = async () => {
    this.sessions++;
    const session: GatewaySession = {
      id: this.sessions,
      events: mitt<SessionEvents>(),
      attach: (plugin: string) => this.attach(plugin),
      claim: async () => this.claimWith,
      destroy: async () => {
        this.destroyed++;
      },
    };
    this.session = session;
    return session;
  };

  requests(name: string): Sent[] {
    return this.sent.filter((s) => s.body.request === name);
  }
}

/** Just enough of MediaStream for the logic that builds the streams it returns. */
export class FakeMediaStream {
  private tracks: MediaStreamTrack[] = [];
  constructor(tracks: MediaStreamTrack[] = []) {
    this.tracks = [...tracks];
  }
  getTracks(): MediaStreamTrack[] {
    return [...this.tracks];
  }
  getAudioTracks(): MediaStreamTrack[] {
    return this.tracks.filter((t) => t.kind === 'audio');
  }
  getVideoTracks(): MediaStreamTrack[] {
    return this.tracks.filter((t) => t.kind === 'video');
  }
  addTrack(t: MediaStreamTrack): void {
    this.tracks.push(t);
  }
  removeTrack(t: MediaStreamTrack): void {
    this.tracks = this.tracks.filter((x) => x !== t);
  }
}

export function installFakeMediaStream(): void {
  (globalThis as any).MediaStream = FakeMediaStream;
}
