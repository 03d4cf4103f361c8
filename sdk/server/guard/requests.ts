/**
 * A client's requests, parsed and rate-checked by connection.ts: the core requests of the Janus
 * API, each either relayed on the client's link (rewritten to what the guard allows) or answered
 * here, and plugin messages, which policy.ts decides on and perform.ts carries out when the guard
 * answers them itself.
 *
 * A client can only name its own sessions and handles: anything else is "no such session/handle"
 * from the guard, never forwarded (Janus itself does not tie a session id to its transport).
 */
import type { Frame } from './janus-link';
import { identify, isExpired, type IdentityOptions } from './identity';
import { CORE, UNAUTHORIZED_REASON, VIDEOROOM, VR, coreError, pluginErrorData, type PluginError } from './errors';
import { decide, isAsync, type HandleState, type Json } from './policy';
import type { GuardCore, GuardSession } from './core';
import type { Pending, Relay } from './relay';
import type { JoinRefusal } from './rooms';
import { perform } from './perform';

export interface RequestLimits {
  identity: IdentityOptions;
  maxSessions: number;
  maxHandles: number;
  maxPending: number;
}

/** The registry's refusals of a join or a screen share, as Janus-style errors. */
const REFUSALS: Record<JoinRefusal | 'sharing', PluginError> = {
  no_such_room: { code: VR.NO_SUCH_ROOM, reason: 'No such room', kt: '441' },
  not_allowed: { code: VR.UNAUTHORIZED, reason: 'Not allowed in this room', kt: '413' },
  full: { code: VR.PUBLISHERS_FULL, reason: 'Room full', kt: '444' },
  already_in: { code: VR.ID_EXISTS, reason: 'User ID already exists in this room', kt: '442' },
  sharing: { code: VR.UNAUTHORIZED, reason: 'Someone else is sharing (a screen, the whiteboard or a document)', kt: '440' },
};

export class Requests {
  constructor(
    private readonly relay: Relay,
    private readonly core: GuardCore,
    private readonly limits: RequestLimits,
  ) {}

  /** One request (an object with a transaction id; the rest is unchecked yet). */
  handle(m: Json, tx: string): void {
    const push = (frame: Json) => this.relay.push(frame);
    if (typeof m.janus !== 'string') return push(coreError(tx, CORE.MISSING_REQUEST, 'Missing request'));
    if (this.relay.pending.size >= this.limits.maxPending) return push(coreError(tx, CORE.UNKNOWN, 'Too many requests in flight'));
    if (m.janus === 'create') return void this.create(m, tx);
    if (m.janus === 'claim') return this.claim(m, tx);
    if (m.janus === 'ping') return push({ janus: 'pong', transaction: tx });
    const session = this.relay.session(m.session_id);
    if (!session) return push(noSuchSession(tx, m.session_id));
    // The token is checked on every request of the session, like Janus's own token auth.
    if (m.token !== session.token || isExpired(session.identity)) return push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON, session.id));
    switch (m.janus) {
      case 'keepalive':
      case 'destroy':
        return this.relay.send({ janus: m.janus, session_id: session.id }, { clientTx: tx, janus: m.janus, session, at: Date.now() });
      case 'attach':
        return this.attach(session, m, tx);
      case 'detach':
      case 'hangup':
      case 'trickle':
      case 'message':
        return this.onHandle(session, m, tx);
      default:
        return push(coreError(tx, CORE.UNKNOWN_REQUEST, `Unknown request '${m.janus}'`, session.id));
    }
  }

  private async create(m: Json, tx: string): Promise<void> {
    if (this.relay.sessions.size >= this.limits.maxSessions) return this.relay.push(coreError(tx, CORE.UNKNOWN, 'Too many sessions on this connection'));
    const token = m.token;
    const result = await identify(token, this.limits.identity);
    if (!result.ok) {
      this.core.opts.log(`create refused: ${result.reason}`);
      return this.relay.push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON));
    }
    // The session id is Janus's choice, never the client's (`id` is not forwarded).
    const creating = { identity: result.identity, token: typeof token === 'string' ? token : undefined };
    this.relay.send({ janus: 'create' }, { clientTx: tx, janus: 'create', creating, at: Date.now() });
  }

  private claim(m: Json, tx: string): void {
    const session = typeof m.session_id === 'number' ? this.core.sessions.get(m.session_id) : undefined;
    // Janus's own answer, to the letter: after a Janus restart this is how janus.js and the SDK
    // learn that the session is gone for good and must be rebuilt (and not retried).
    if (!session) return this.relay.push(noSuchSession(tx, m.session_id));
    if (m.token !== session.token) return this.relay.push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON));
    // A development token is often one literal key shared by every page of an app: it may only
    // take back a session whose page is gone, never one that is still connected.
    if (!session.identity.signed && !session.held) return this.relay.push(coreError(tx, CORE.UNAUTHORIZED, UNAUTHORIZED_REASON));
    this.relay.send({ janus: 'claim', session_id: session.id }, { clientTx: tx, janus: 'claim', session, at: Date.now() });
  }

  private attach(session: GuardSession, m: Json, tx: string): void {
    // VideoRoom alone: every other plugin (TextRoom, Streaming, SIP...) is surface the SDK does not use.
    if (m.plugin !== VIDEOROOM) return this.relay.push(coreError(tx, CORE.PLUGIN_NOT_FOUND, `No such plugin '${String(m.plugin)}'`, session.id));
    if (session.handles.size >= this.limits.maxHandles) return this.relay.push(coreError(tx, CORE.UNKNOWN, 'Too many handles', session.id));
    const frame: Frame = { janus: 'attach', session_id: session.id, plugin: VIDEOROOM };
    if (typeof m.opaque_id === 'string' && m.opaque_id.length <= 64) frame.opaque_id = m.opaque_id;
    this.relay.send(frame, { clientTx: tx, janus: 'attach', session, at: Date.now() });
  }

  private onHandle(session: GuardSession, m: Json, tx: string): void {
    const handle = typeof m.handle_id === 'number' ? session.handles.get(m.handle_id) : undefined;
    if (!handle) return this.relay.push(coreError(tx, CORE.HANDLE_NOT_FOUND, `No such handle ${String(m.handle_id)} in session ${session.id}`, session.id));
    const base = { session_id: session.id, handle_id: handle.id };
    const pending: Pending = { clientTx: tx, janus: m.janus as string, session, handleId: handle.id, at: Date.now() };
    if (m.janus === 'detach' || m.janus === 'hangup') return this.relay.send({ janus: m.janus, ...base }, pending);
    if (m.janus === 'trickle') {
      const c = m.candidate ?? m.candidates;
      const ok = (Array.isArray(c) && c.length <= 64 && c.every(isCandidate)) || isCandidate(c);
      if (!ok) return this.relay.push(coreError(tx, CORE.INVALID_ELEMENT_TYPE, 'Invalid element type (candidate)', session.id));
      return this.relay.send({ janus: 'trickle', ...base, ...(Array.isArray(c) ? { candidates: c } : { candidate: c }) }, pending);
    }
    const body = m.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return this.relay.push(coreError(tx, CORE.INVALID_JSON_OBJECT, 'Invalid body object', session.id));
    const request = (body as Json).request;
    const decision = decide(session, handle, body as Json, m.jsep, this.core.rooms);
    if (decision.kind === 'refuse') {
      this.core.opts.log(`refused '${String(request)}' from ${session.identity.userId ?? 'unbound'}: ${decision.error.reason}`);
      return this.refuse(session, handle, tx, decision.error, isAsync(request));
    }
    if (decision.kind !== 'forward') {
      const answer = (data: Json) =>
        this.relay.push({ janus: 'success', session_id: session.id, sender: handle.id, transaction: tx, plugindata: { plugin: VIDEOROOM, data } });
      return void perform(this.core, session, decision, answer);
    }
    const rooms = this.core.rooms;
    const identity = session.identity;
    let replacing: Set<number> | null = null;
    if (decision.join === 'publisher') {
      const room = decision.body.room as string;
      const userId = identity.userId!;
      const member = {
        userId,
        name: identity.name ?? userId,
        userType: rooms.isHost(identity, room) ? 'host' : 'guest',
        ...decision.info!,
        sessionId: session.id,
        handleId: handle.id,
      } as const;
      // A page that reloaded comes back as a new session while its old one is still held: the
      // new one takes the seat rather than wait reclaimMs for the old one to go.
      replacing = this.core.replaceable(room, userId, session);
      const why = rooms.reserve(identity, room, member, replacing ?? undefined);
      if (why) return this.refuse(session, handle, tx, REFUSALS[why], true);
    }
    if (decision.join) {
      handle.role = decision.join;
      handle.room = decision.body.room as string;
    }
    if (handle.role === 'publisher' && Array.isArray(decision.body.descriptions)) {
      for (const d of decision.body.descriptions as Json[]) handle.labels.set(d.mid as string, d.description as string);
    }
    // A display change (development identities may rename) is the MemberView's name too; Janus
    // tells the others itself (its event with `display`).
    if (handle.role === 'publisher' && handle.room && typeof decision.body.display === 'string' && identity.userId) {
      rooms.update(handle.room, identity.userId, { name: decision.body.display });
    }
    if (decision.screen !== undefined && handle.room) {
      // The turn is taken now, not when Janus answers, so two sharers racing cannot both win.
      const userId = session.identity.userId ?? '';
      const before = rooms.get(handle.room)?.share ?? null;
      const share = decision.screen ? rooms.takeShare(handle.room, userId, 'screen') : null;
      if (decision.screen && !share) return this.refuse(session, handle, tx, REFUSALS.sharing, true);
      if (share && share !== before) this.core.shareChanged(rooms.get(handle.room)!, share);
      if (!decision.screen) this.core.releaseScreen(handle.room, userId);
    }
    const frame: Frame = { janus: 'message', ...base, body: decision.body };
    if (decision.jsep) frame.jsep = decision.jsep;
    const send = () =>
      this.relay.send(frame, {
        ...pending,
        join: decision.join,
        room: handle.room ?? undefined,
        screen: decision.screen,
        async: isAsync(decision.body.request),
      });
    if (!replacing) return send();
    // Janus would refuse the same id twice in a room (436): the old seat must be gone from Janus
    // first (core.evict waits for that). The new seat, reserved above, keeps a
    // destroy-on-empty room from going meanwhile.
    const room = handle.room!;
    void Promise.all([...replacing].map((id) => this.core.evict(id, room))).then(send);
  }

  /** A refusal, shaped as the plugin's: a `success` with the error, or for an asynchronous request an `ack` and then an error event. */
  private refuse(session: GuardSession, handle: HandleState, tx: string, error: PluginError, async: boolean): void {
    const plugindata = { plugin: VIDEOROOM, data: pluginErrorData(error) };
    if (!async) return this.relay.push({ janus: 'success', session_id: session.id, sender: handle.id, transaction: tx, plugindata });
    this.relay.push({ janus: 'ack', session_id: session.id, transaction: tx });
    this.relay.push({ janus: 'event', session_id: session.id, sender: handle.id, transaction: tx, plugindata });
  }
}

/** Janus's answer for a session it does not have (janus.c: the session id echoed when it is one). */
function noSuchSession(tx: string, id: unknown): Json {
  return coreError(tx, CORE.SESSION_NOT_FOUND, `No such session ${String(id)}`, typeof id === 'number' && id > 0 ? id : undefined);
}

function isCandidate(c: unknown): boolean {
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return false;
  const o = c as Json;
  if (o.completed === true) return Object.keys(o).length === 1;
  return (
    typeof o.candidate === 'string' &&
    o.candidate.length <= 1024 &&
    Object.keys(o).every((k) => ['candidate', 'sdpMid', 'sdpMLineIndex', 'usernameFragment'].includes(k))
  );
}
