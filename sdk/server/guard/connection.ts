/**
 * One browser's WebSocket to the guard: frames in (size capped by the server, rate-limited here,
 * parsed, handed to requests.ts), frames out (through the client's Relay, whose Janus link
 * observe.ts reads), and what happens when either side goes: the client gone, its sessions are
 * held for a claim; Janus gone, so are its sessions and the client is told by a close.
 */
import WebSocket from 'ws';
import { CORE, coreError } from './errors';
import type { Json } from './policy';
import type { GuardCore } from './core';
import { RateLimit, type RateOptions } from './rate-limit';
import { Heartbeat } from './heartbeat';
import { Relay } from './relay';
import { Requests, type RequestLimits } from './requests';
import { observe } from './observe';

export interface ConnectionOptions extends RequestLimits {
  janusUrl: string;
  janusApiSecret?: string;
  rate: RateOptions;
  /** WebSocket ping interval; two unanswered pings in a row and the client is terminated. */
  pingMs: number;
}

export class ClientConnection {
  readonly relay: Relay;
  private readonly requests: Requests;
  private readonly rate: RateLimit;

  constructor(
    private readonly ws: WebSocket,
    private readonly core: GuardCore,
    opts: ConnectionOptions,
  ) {
    this.rate = new RateLimit(opts.rate);
    this.relay = new Relay({ url: opts.janusUrl, apiSecret: opts.janusApiSecret }, (frame) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
    });
    this.requests = new Requests(this.relay, core, opts);
    this.relay.up.onFrame = (frame) => observe(this.relay, core, frame);
    this.relay.up.onClose = () => this.upstreamGone();
    this.relay.up.opened.catch(() => ws.close(1011, 'gateway unreachable'));
    ws.on('message', (data, isBinary) => {
      // Each frame on its own; whatever it holds, one client's frame can only fail that client.
      try {
        this.receive(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
      } catch (err) {
        core.opts.log(`client frame failed: ${String(err)}`);
        ws.close(1011, 'internal error');
      }
    });
    const heartbeat = new Heartbeat();
    const pinger = setInterval(() => (heartbeat.tick() === 'terminate' ? ws.terminate() : ws.ping()), opts.pingMs);
    pinger.unref();
    ws.on('pong', () => heartbeat.pong());
    ws.on('close', () => {
      clearInterval(pinger);
      this.clientGone();
    });
    ws.on('error', () => {});
  }

  private receive(text: string): void {
    const verdict = this.rate.take();
    if (verdict === 'close') return this.ws.close(1008, 'too many requests');
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (err) {
      return this.relay.push(coreError(undefined, CORE.INVALID_JSON, `JSON error: ${(err as Error).message}`));
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg))
      return this.relay.push(coreError(undefined, CORE.INVALID_JSON_OBJECT, 'JSON error: not an object'));
    const m = msg as Json;
    const tx = m.transaction;
    if (typeof tx !== 'string' || tx.length === 0 || tx.length > 64)
      return this.relay.push(coreError(undefined, CORE.MISSING_MANDATORY_ELEMENT, 'Missing mandatory element (transaction)'));
    if (verdict === 'refuse') return this.relay.push(coreError(tx, CORE.UNKNOWN, 'Too many requests: slow down'));
    this.requests.handle(m, tx);
  }

  /** The browser went away: its sessions wait reclaimMs for a claim (core.hold), then go. */
  private clientGone(): void {
    for (const session of this.relay.sessions) this.core.hold(session);
    this.relay.clientGone();
  }

  /** Janus (or the guard's link to it) is gone: so are all the sessions on that link. */
  private upstreamGone(): void {
    for (const session of [...this.relay.sessions]) this.core.endSession(session, 'gateway connection closed');
    if (this.relay.clientOpen) this.ws.close(1011, 'gateway connection closed');
  }
}
