/**
 * One browser's WebSocket to the guard, and its own WebSocket on to Janus. Client frames are read,
 * checked and either relayed (with the guard's transaction ids, so a client can neither collide
 * with nor answer for anyone) or answered here; Janus's frames come back through observe.ts, which
 * keeps the guard's view of handles and rooms in step before the client sees them.
 *
 * A client can only name its own sessions and handles: anything else is "no such session/handle"
 * from the guard, never forwarded (Janus itself does not tie a session id to its transport).
 */
import WebSocket from 'ws';
import { JanusLink, type Frame } from './janus-link';
import { identify, isExpired, type IdentityOptions } from './identity';
import { CORE, UNAUTHORIZED_REASON, VIDEOROOM, coreError, pluginErrorData } from './errors';
import { decide, isAsync, type Json } from './policy';
import type { GuardCore, GuardSession, SessionOwner } from './core';
import { RateLimit, type RateOptions } from './rate-limit';
import { observe } from './observe';
import { perform } from './perform';

export interface ConnectionOptions {
  janusUrl: string;
  janusApiSecret?: string;
  identity: IdentityOptions;
  rate: RateOptions;
  maxSessions: number;
  maxHandles: number;
  maxPending: number;
}

/** What a relayed request is waiting for; `event` for async plugin requests (after their ack). */
export interface Pending {
  clientTx: string;
  janus: string;
  session?: GuardSession;
  handleId?: number;
  join?: 'publisher' | 'subscriber';
  room?: string;
  screen?: boolean;
  /** An asynchronous plugin request: its `ack` is not the end, the event after it is. */
  async?: boolean;
  at: number;
}

const PENDING_TTL_MS = 60000;

export class ClientConnection implements SessionOwner {
  readonly up: JanusLink;
  readonly sessions = new Set<GuardSession>();
  readonly pending = new Map<string, Pending>();
  private readonly rate: RateLimit;
  private sweeper: NodeJS.Timeout;
  closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly core: GuardCore,
    readonly opts: ConnectionOptions,
  ) {
    this.rate = new RateLimit(opts.rate);
    this.up = new JanusLink({ url: opts.janusUrl, apiSecret: opts.janusApiSecret });
    this.up.onFrame = (frame) => observe(this, frame);
    this.up.onClose = () => this.upstreamGone();
    this.up.opened.catch(() => this.ws.close(1011, 'gateway unreachable'));
    ws.on('message', (data, isBinary) => {
      // Each frame on its own; whatever it holds, one client's frame can only fail that client.
      try {
        this.receive(isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString());
      } catch (err) {
        this.core.opts.log(`client frame failed: ${String(err)}`);
        this.ws.close(1011, 'internal error');
      }
    });
    ws.on('close', () => this.clientGone());
    ws.on('error', () => {});
    this.sweeper = setInterval(() => this.sweep(), PENDING_TTL_MS / 2);
    this.sweeper.unref();
  }

  push(frame: Json): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private receive(text: string): void {
    const verdict = this.rate.take();
    if (verdict === 'close') return this.ws.close(1008, 'too many requests');
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch (err) {
      return this.push(coreError(undefined, CORE.INVALID_JSON, `JSON error: ${(err as Error).message}`));
    }
    if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return this.push(coreError(undefined, CORE.INVALID_JSON_OBJECT, 'JSON error: not an object'));
    const m = msg as Json;
    const tx = m.transaction;
    if (typeof tx !== 'string' || tx.length === 0 || tx.length > 64) return this.push(coreError(undefined, CORE.MISSING_MANDATORY_ELEMENT, 'Missing mandatory element (transaction)'));
    if (verdict === 'refuse') return this.push(coreError(tx, CORE.UNKNOWN, 'Too many requests: slow down'));
    if (typeof m.janus !== 'string') return this.push(coreError(tx, CORE.MISSING_REQUEST, 'Missing request'));
    if (this.pending.size >= this.opts.maxPending) return this.push(coreError(tx, CORE.UNKNOWN, 'Too many requests in flight'));
    if (m.janus === 'create') return void this.create(m, tx);
    if (m.janus === 'claim') return this.claim(m, tx);
    if (m.janus === 'ping') return this.push({ janus: 'pong', transaction: tx });
    const session = typeof m.session_id === 'number' ? [...this.sessions].find((s) => s.id === m.session_id) : undefined;
    if (!session) return this.push(coreError(tx, CORE.SESSION_NOT_FOUND, `No such session ${String(m.session_id)}`));
    // The token is checked on every request of the session, like Janus's own token auth.
    if (m.token !== session.token || isExpired(session.identity)) return this.push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON, session.id));
    switch (m.janus) {
      case 'keepalive':
      case 'destroy':
        return this.relay({ janus: m.janus, session_id: session.id }, { clientTx: tx, janus: m.janus, session, at: Date.now() });
      case 'attach':
        return this.attach(session, m, tx);
      case 'detach':
      case 'hangup':
      case 'trickle':
      case 'message':
        return this.onHandle(session, m, tx);
      default:
        return this.push(coreError(tx, CORE.UNKNOWN_REQUEST, `Unknown request '${m.janus}'`, session.id));
    }
  }

  private async create(m: Json, tx: string): Promise<void> {
    if (this.sessions.size >= this.opts.maxSessions) return this.push(coreError(tx, CORE.UNKNOWN, 'Too many sessions on this connection'));
    const token = m.token;
    const result = await identify(token, this.opts.identity);
    if (!result.ok) {
      this.core.opts.log(`create refused: ${result.reason}`);
      return this.push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON));
    }
    // The session id is Janus's choice, never the client's (`id` is not forwarded).
    this.relay({ janus: 'create' }, { clientTx: tx, janus: 'create', at: Date.now(), session: undefined }, () => ({ identity: result.identity, token: typeof token === 'string' ? token : undefined }));
  }

  /** Identity and token of a session being created, read by observe.ts when Janus answers. */
  creating = new Map<string, () => { identity: GuardSession['identity']; token: string | undefined }>();

  private claim(m: Json, tx: string): void {
    const session = typeof m.session_id === 'number' ? this.core.sessions.get(m.session_id) : undefined;
    if (!session) return this.push(coreError(tx, CORE.SESSION_NOT_FOUND, `No such session ${String(m.session_id)}`));
    if (m.token !== session.token) return this.push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON));
    // A development token is often one literal key shared by every page of an app: it may only
    // take back a session whose page is gone, never one that is still connected.
    if (!session.identity.signed && session.conn !== null) return this.push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON));
    this.relay({ janus: 'claim', session_id: session.id }, { clientTx: tx, janus: 'claim', session, at: Date.now() });
  }

  private attach(session: GuardSession, m: Json, tx: string): void {
    // VideoRoom alone: every other plugin (TextRoom, Streaming, SIP...) is an attack surface the SDK does not use.
    if (m.plugin !== VIDEOROOM) return this.push(coreError(tx, CORE.PLUGIN_NOT_FOUND, `No such plugin '${String(m.plugin)}'`, session.id));
    if (session.handles.size >= this.opts.maxHandles) return this.push(coreError(tx, CORE.UNKNOWN, 'Too many handles', session.id));
    const frame: Frame = { janus: 'attach', session_id: session.id, plugin: m.plugin };
    if (typeof m.opaque_id === 'string' && m.opaque_id.length <= 64) frame.opaque_id = m.opaque_id;
    this.relay(frame, { clientTx: tx, janus: 'attach', session, at: Date.now() });
  }

  private onHandle(session: GuardSession, m: Json, tx: string): void {
    const handle = typeof m.handle_id === 'number' ? session.handles.get(m.handle_id) : undefined;
    if (!handle) return this.push(coreError(tx, CORE.HANDLE_NOT_FOUND, `No such handle ${String(m.handle_id)} in session ${session.id}`, session.id));
    const base = { session_id: session.id, handle_id: handle.id };
    const pending: Pending = { clientTx: tx, janus: m.janus as string, session, handleId: handle.id, at: Date.now() };
    if (m.janus === 'detach' || m.janus === 'hangup') return this.relay({ janus: m.janus, ...base }, pending);
    if (m.janus === 'trickle') {
      const c = m.candidate ?? m.candidates;
      const ok = (Array.isArray(c) && c.length <= 64 && c.every(isCandidate)) || isCandidate(c);
      if (!ok) return this.push(coreError(tx, CORE.INVALID_ELEMENT_TYPE, 'Invalid element type (candidate)', session.id));
      return this.relay({ janus: 'trickle', ...base, ...(Array.isArray(c) ? { candidates: c } : { candidate: c }) }, pending);
    }
    const body = m.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return this.push(coreError(tx, CORE.INVALID_JSON_OBJECT, 'Invalid body object', session.id));
    const decision = decide(session, handle, body as Json, m.jsep, this.core.rooms);
    const answer = (data: Json) => this.push({ janus: 'success', session_id: session.id, sender: handle.id, transaction: tx, plugindata: { plugin: VIDEOROOM, data } });
    if (decision.kind === 'refuse') {
      this.core.opts.log(`refused '${String((body as Json).request)}' from ${session.identity.userId ?? 'unbound'}: ${decision.error.reason}`);
      const data = pluginErrorData(decision.error);
      if (!isAsync((body as Json).request)) return answer(data);
      this.push({ janus: 'ack', session_id: session.id, transaction: tx });
      return this.push({ janus: 'event', session_id: session.id, sender: handle.id, transaction: tx, plugindata: { plugin: VIDEOROOM, data } });
    }
    if (decision.kind === 'forward') {
      if (decision.join === 'publisher') {
        const why = this.core.rooms.reserve(session.identity, decision.body.room as string, `${session.id}:${handle.id}`);
        if (why) return this.onHandleRefused(session, handle.id, tx, why);
      }
      if (decision.join) {
        handle.role = decision.join;
        handle.room = decision.body.room as string;
      }
      if (handle.role === 'publisher' && Array.isArray(decision.body.descriptions)) {
        for (const d of decision.body.descriptions as Json[]) handle.labels.set(d.mid as string, d.description as string);
      }
      if (decision.screen !== undefined && handle.room) {
        // The turn is taken now, not when Janus answers, so two sharers racing cannot both win.
        const userId = session.identity.userId ?? '';
        if (decision.screen && !this.core.rooms.takeScreen(handle.room, userId)) {
          return this.onHandleRefused(session, handle.id, tx, 'sharing');
        }
        if (!decision.screen) this.core.rooms.releaseScreen(handle.room, userId);
      }
      const frame: Frame = { janus: 'message', ...base, body: decision.body };
      if (decision.jsep) frame.jsep = decision.jsep;
      const async = isAsync(decision.body.request);
      return this.relay(frame, { ...pending, join: decision.join, room: handle.room ?? undefined, screen: decision.screen, async });
    }
    void perform(this, session, decision, answer);
  }

  /** A join (or screen share) the registry refused: answered as Janus would (ack, then an error event). */
  private onHandleRefused(session: GuardSession, handleId: number, tx: string, why: string): void {
    const errors: Record<string, [number, string, string]> = {
      no_such_room: [426, 'No such room', '441'],
      not_allowed: [433, 'Not allowed in this room', '413'],
      full: [432, 'Room full', '444'],
      already_in: [436, 'User ID already exists in this room', '442'],
      sharing: [433, 'Someone else is sharing a screen', '440'],
    };
    const [code, reason, kt] = errors[why];
    this.push({ janus: 'ack', session_id: session.id, transaction: tx });
    this.push({ janus: 'event', session_id: session.id, sender: handleId, transaction: tx, plugindata: { plugin: VIDEOROOM, data: pluginErrorData({ code, reason, kt }) } });
  }

  relay(frame: Frame, pending: Pending, creating?: () => { identity: GuardSession['identity']; token: string | undefined }): void {
    if (this.up.closed) return this.push(coreError(pending.clientTx, CORE.UNKNOWN, 'Gateway unavailable'));
    const upTx = this.up.transaction();
    this.pending.set(upTx, pending);
    if (creating) this.creating.set(upTx, creating);
    void this.up.opened.then(() => this.up.send({ ...frame, transaction: upTx }), () => {});
  }

  /** The browser went away: its sessions wait `reclaimMs` for a claim, then go. */
  private clientGone(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const session of this.sessions) {
      session.conn = null;
      session.held = setTimeout(() => this.release(session), this.core.opts.reclaimMs);
      session.held.unref();
    }
    if (this.sessions.size === 0) this.up.close();
  }

  /** Nobody claimed the session back: destroy it in Janus and forget it. */
  private release(session: GuardSession): void {
    this.sessions.delete(session);
    this.up.send({ janus: 'destroy', session_id: session.id, transaction: this.up.transaction() });
    this.core.endSession(session, 'client gone, not claimed');
    if (this.sessions.size === 0) setTimeout(() => this.up.close(), 1000).unref();
  }

  /** Janus (or the guard's link to it) is gone: so are all our sessions in it. */
  private upstreamGone(): void {
    for (const session of this.sessions) this.core.endSession(session, 'gateway connection closed');
    this.sessions.clear();
    if (!this.closed) this.ws.close(1011, 'gateway connection closed');
  }

  private sweep(): void {
    const old = Date.now() - PENDING_TTL_MS;
    for (const [tx, p] of this.pending) if (p.at < old) this.pending.delete(tx);
  }

  /** A session claimed by this connection from another (or from the held state). */
  adopt(session: GuardSession): void {
    clearTimeout(session.held);
    const home = session.home as ClientConnection | null;
    if (home && home !== this) {
      home.sessions.delete(session);
      // The old link carried only this session: Janus now talks to us about it.
      if (home.closed && home.sessions.size === 0) home.up.close();
    }
    session.conn = this;
    session.home = this;
    this.sessions.add(session);
  }
}

function isCandidate(c: unknown): boolean {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const o = c as Json;
  if (o.completed === true) return Object.keys(o).length === 1;
  return typeof o.candidate === 'string' && o.candidate.length <= 1024 && Object.keys(o).every((k) => ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment'].includes(k));
}
