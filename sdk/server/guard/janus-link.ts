/**
 * One WebSocket connection from the guard to Janus (loopback, `janus-protocol`). Used twice:
 * - raw, one per browser connection: the guard relays that client's requests on it, so that Janus
 *   sees one transport per client exactly as without the guard (claim, session timeouts and the
 *   transport-gone cleanup keep their meaning);
 * - as the guard's own admin session (authority.ts): `request()` sends and awaits the answer.
 */
import WebSocket from 'ws';
import { randomBytes } from 'node:crypto';

export type Frame = Record<string, unknown>;

export interface LinkOptions {
  url: string;
  /** Janus `api_secret`, when the gateway has one: added to every request. */
  apiSecret?: string;
  /** How long `request()` waits for an answer. */
  timeoutMs?: number;
}

export class JanusLink {
  private readonly ws: WebSocket;
  private readonly waiting = new Map<string, { resolve: (f: Frame) => void; reject: (e: Error) => void; timer: NodeJS.Timeout; ack: boolean }>();
  private readonly prefix = randomBytes(4).toString('hex');
  private counter = 0;
  readonly opened: Promise<void>;
  onFrame: (frame: Frame) => void = () => {};
  onClose: () => void = () => {};
  closed = false;

  constructor(private readonly opts: LinkOptions) {
    this.ws = new WebSocket(opts.url, 'janus-protocol', { perMessageDeflate: false, maxPayload: 16 * 1024 * 1024 });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.opened.catch(() => {});
    this.ws.on('error', () => {}); // 'close' follows; the owner hears of it there
    this.ws.on('message', (data) => this.receive(data.toString()));
    this.ws.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.values()) {
        clearTimeout(w.timer);
        w.reject(new Error('gateway connection closed'));
      }
      this.waiting.clear();
      this.onClose();
    });
  }

  /** A transaction id no client can have chosen (clients' ids are mapped, see connection.ts). */
  transaction(): string {
    return `g${this.prefix}${(this.counter++).toString(36)}`;
  }

  send(frame: Frame): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.opts.apiSecret) frame.apisecret = this.opts.apiSecret;
    this.ws.send(JSON.stringify(frame));
  }

  /**
   * Sends and resolves with the answer: `success`/`error` for synchronous requests, or the event
   * that follows the `ack` of an asynchronous one (`awaitEvent`). Rejects on a Janus error frame.
   */
  request(frame: Frame, awaitEvent = false): Promise<Frame> {
    const transaction = this.transaction();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(transaction);
        reject(new Error(`gateway did not answer '${String(frame.janus)}' in time`));
      }, this.opts.timeoutMs ?? 10000);
      this.waiting.set(transaction, { resolve, reject, timer, ack: awaitEvent });
      this.send({ ...frame, transaction });
    });
  }

  close(): void {
    this.closed = true;
    this.ws.close();
  }

  private receive(text: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(text) as Frame;
    } catch {
      return; // Janus sends JSON; anything else is not ours to interpret
    }
    const w = typeof frame.transaction === 'string' ? this.waiting.get(frame.transaction) : undefined;
    if (!w) return this.onFrame(frame);
    if (frame.janus === 'ack' && w.ack) return;
    clearTimeout(w.timer);
    this.waiting.delete(frame.transaction as string);
    if (frame.janus === 'error') {
      const err = frame.error as { code?: number; reason?: string } | undefined;
      w.reject(Object.assign(new Error(`Janus error ${err?.code} ${err?.reason}`), { janusCode: err?.code }));
    } else {
      w.resolve(frame);
    }
  }
}

/** The guard's own Janus session with one VideoRoom handle, kept alive. */
export class AdminSession {
  private keepalive?: NodeJS.Timeout;
  sessionId = 0;
  private handle = 0;

  constructor(readonly link: JanusLink) {}

  async start(): Promise<void> {
    await this.link.opened;
    const created = await this.link.request({ janus: 'create' });
    this.sessionId = (created.data as { id: number }).id;
    const attached = await this.link.request({ janus: 'attach', session_id: this.sessionId, plugin: 'janus.plugin.videoroom' });
    this.handle = (attached.data as { id: number }).id;
    this.keepalive = setInterval(() => this.link.send({ janus: 'keepalive', session_id: this.sessionId, transaction: this.link.transaction() }), 25000);
    this.keepalive.unref();
  }

  /** A synchronous VideoRoom request; resolves with its `plugindata.data`, rejects on an error in it. */
  async videoroom(body: Frame): Promise<Frame> {
    const answer = await this.link.request({ janus: 'message', session_id: this.sessionId, handle_id: this.handle, body });
    const data = ((answer.plugindata as Frame | undefined)?.data ?? {}) as Frame;
    if (typeof data.error_code === 'number') {
      throw Object.assign(new Error(`videoroom error ${data.error_code} ${String(data.error)}`), { pluginCode: data.error_code, reason: data.error });
    }
    return data;
  }

  stop(): void {
    clearInterval(this.keepalive);
    this.link.close();
  }
}
