/**
 * A raw Janus API client over WebSocket (the `ws` package): what a modified browser client would
 * send, without janus.js or the SDK in between. For the guard's tests (and its latency bench).
 */
import WebSocket from 'ws';

export type Frame = Record<string, any>;

export interface OpenOptions {
  /** false: never answer the server's WebSocket pings (a page that froze or lost its network). */
  autoPong?: boolean;
}

export class RawJanus {
  readonly ws: WebSocket;
  readonly frames: Frame[] = [];
  private waiters: Array<{ match: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  private n = 0;
  readonly closed: Promise<{ code: number }>;

  private constructor(url: string, protocol: string | null, opts: OpenOptions) {
    this.ws = new WebSocket(url, protocol === null ? [] : [protocol], { perMessageDeflate: false, autoPong: opts.autoPong ?? true });
    this.ws.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        frame = { unparsable: data.toString() };
      }
      this.frames.push(frame);
      const w = this.waiters.find((x) => x.match(frame));
      if (w) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(frame);
      }
    });
    this.ws.on('error', () => {});
    this.closed = new Promise((resolve) => this.ws.on('close', (code) => resolve({ code })));
  }

  /** `protocol` null: no subprotocol at all. */
  static async open(url: string, protocol: string | null = 'janus-protocol', opts: OpenOptions = {}): Promise<RawJanus> {
    const c = new RawJanus(url, protocol, opts);
    await new Promise<void>((resolve, reject) => {
      c.ws.once('open', () => resolve());
      c.ws.once('error', reject);
      c.ws.once('close', () => reject(new Error('closed before open')));
    });
    return c;
  }

  tx(): string {
    return `t${++this.n}`;
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** The next frame matching, or undefined after `ms`. */
  wait(match: (f: Frame) => boolean, ms = 5000): Promise<Frame | undefined> {
    const old = this.frames.find(match);
    if (old) return Promise.resolve(old);
    return new Promise((resolve) => {
      const w = { match, resolve };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      }, ms).unref();
    });
  }

  /** Sends a request and resolves with its first answer (success, error or ack). */
  async request(frame: Frame, ms = 5000): Promise<Frame> {
    const transaction = frame.transaction ?? this.tx();
    this.ws.send(JSON.stringify({ ...frame, transaction }));
    const answer = await this.wait((f) => f.transaction === transaction && f.janus !== 'event', ms);
    if (!answer) throw new Error(`no answer to ${JSON.stringify(frame).slice(0, 200)}`);
    return answer;
  }

  /** An asynchronous plugin request: resolves with the event that carries its transaction. */
  async requestEvent(frame: Frame, ms = 5000): Promise<Frame> {
    const transaction = this.tx();
    this.ws.send(JSON.stringify({ ...frame, transaction }));
    const event = await this.wait((f) => f.transaction === transaction && (f.janus === 'event' || f.janus === 'error'), ms);
    if (!event) throw new Error(`no event for ${JSON.stringify(frame).slice(0, 200)}`);
    return event;
  }

  close(): void {
    this.ws.close();
  }
}

/** A session with helpers for its handles. */
export class RawSession {
  constructor(
    readonly c: RawJanus,
    readonly id: number,
    readonly token: string | undefined,
  ) {}

  static async create(url: string, token: string | undefined, opts: OpenOptions = {}): Promise<RawSession> {
    const c = await RawJanus.open(url, 'janus-protocol', opts);
    const answer = await c.request({ janus: 'create', ...(token === undefined ? {} : { token }) });
    if (answer.janus !== 'success') {
      c.close();
      throw Object.assign(new Error(`create refused: ${JSON.stringify(answer.error)}`), { answer });
    }
    return new RawSession(c, answer.data.id, token);
  }

  private base(): Frame {
    return { session_id: this.id, ...(this.token === undefined ? {} : { token: this.token }) };
  }

  async attach(plugin = 'janus.plugin.videoroom'): Promise<number> {
    const answer = await this.c.request({ janus: 'attach', plugin, ...this.base() });
    if (answer.janus !== 'success') throw Object.assign(new Error(`attach refused: ${JSON.stringify(answer.error)}`), { answer });
    return answer.data.id;
  }

  /** A synchronous plugin request: the plugin's data (an error is data with error_code). */
  async sync(handle: number, body: Frame): Promise<Frame> {
    const answer = await this.c.request({ janus: 'message', handle_id: handle, body, ...this.base() });
    if (answer.janus === 'error') return { core_error: answer.error.code, reason: answer.error.reason };
    return answer.plugindata?.data ?? answer;
  }

  /** An asynchronous plugin request: the data of its event, and the event's JSEP. */
  async async(handle: number, body: Frame, jsep?: Frame): Promise<Frame & { jsep?: Frame }> {
    const event = await this.c.requestEvent({ janus: 'message', handle_id: handle, body, ...(jsep ? { jsep } : {}), ...this.base() });
    if (event.janus === 'error') return { core_error: event.error.code, reason: event.error.reason };
    return { ...(event.plugindata?.data ?? {}), ...(event.jsep ? { jsep: event.jsep } : {}) };
  }

  core(frame: Frame): Promise<Frame> {
    return this.c.request({ ...frame, ...this.base() });
  }

  close(): void {
    this.c.close();
  }
}

/**
 * A WebRTC offer Janus accepts from a client that will never do ICE: audio (mid 0) and video
 * (mid 1) both sendonly, or only the ones listed in `sending`.
 */
export function fakeOffer(sending: string[] = ['0', '1'], videoMids: string[] = ['1']): { type: 'offer'; sdp: string } {
  const mids = ['0', ...videoMids];
  const lines = ['v=0', 'o=- 4611731400430051336 2 IN IP4 127.0.0.1', 's=-', 't=0 0', `a=group:BUNDLE ${mids.join(' ')}`, 'a=msid-semantic: WMS'];
  for (const mid of mids) {
    const audio = mid === '0';
    const dir = sending.includes(mid) ? 'sendonly' : 'inactive';
    lines.push(
      audio ? 'm=audio 9 UDP/TLS/RTP/SAVPF 111' : 'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'c=IN IP4 0.0.0.0',
      'a=rtcp:9 IN IP4 0.0.0.0',
      'a=ice-ufrag:abcd',
      'a=ice-pwd:abcdefghijklmnopqrstuvwx',
      'a=ice-options:trickle',
      'a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08',
      'a=setup:actpass',
      `a=mid:${mid}`,
      `a=${dir}`,
      'a=rtcp-mux',
      audio ? 'a=rtpmap:111 opus/48000/2' : 'a=rtpmap:96 VP8/90000',
      `a=ssrc:${1000 + Number(mid)} cname:raw`,
    );
  }
  return { type: 'offer', sdp: lines.join('\r\n') + '\r\n' };
}
