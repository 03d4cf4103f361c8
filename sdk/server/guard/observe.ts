/**
 * Frames from Janus on a client's link: the guard updates its view (sessions, handles, members,
 * the screen turn) from what Janus confirms, then passes the frame on with the client's own
 * transaction id. Membership changes only on Janus's word (`joined`, `leaving`, `kicked`,
 * `destroyed`, `detached`, `timeout`), so the registry never counts a member Janus does not have.
 */
import type { Pending, Relay } from './relay';
import type { GuardCore, GuardSession } from './core';
import type { HandleState, Json } from './policy';
import { handleKey } from './rooms';
import { memberView, roomView } from './views';
import { annotate } from './annotate';
import { CORE } from './errors';

export function observe(relay: Relay, core: GuardCore, frame: Json): void {
  const tx = frame.transaction;
  const pending = typeof tx === 'string' ? relay.pending.get(tx) : undefined;
  if (pending) {
    if (isFinal(pending, frame)) relay.pending.delete(tx as string);
    frame.transaction = pending.clientTx;
    if (pending.creating) return created(relay, core, pending, frame);
    if (frame.janus === 'success' || frame.janus === 'ack') onSuccess(relay, core, pending, frame);
    // Janus no longer has the session (it timed out unseen, or Janus restarted under a link that
    // had not closed yet): neither has the guard. The client gets Janus's own words for it.
    const error = frame.error as { code?: unknown } | undefined;
    if (frame.janus === 'error' && error?.code === CORE.SESSION_NOT_FOUND && pending.session) core.endSession(pending.session, 'unknown to Janus');
  }
  const session = relay.session(frame.session_id);
  if (!session) {
    // Only answers to session-less requests (create, claim, errors) reach a client without one.
    if (pending) relay.push(frame);
    return;
  }
  const handle = typeof frame.sender === 'number' ? session.handles.get(frame.sender) : undefined;
  if (frame.janus === 'event' && handle) onEvent(core, session, handle, frame, pending);
  else if (frame.janus === 'detached' && handle) {
    core.depart(session, handle);
    session.handles.delete(handle.id);
  } else if (frame.janus === 'hangup' && handle?.role === 'publisher' && handle.room) {
    core.releaseScreen(handle.room, session.identity.userId ?? '');
  } else if (frame.janus === 'timeout') {
    core.endSession(session, 'timed out in Janus');
  }
  const data = (frame.plugindata as { data?: unknown } | undefined)?.data;
  if (handle && typeof data === 'object' && data !== null) {
    annotate(data as Json, (roomId, id) => {
      const room = core.rooms.get(roomId);
      const m = core.rooms.find(roomId, id);
      return room && m && memberView(core.rooms, room, m);
    });
  }
  relay.push(frame);
}

/**
 * Whether this frame ends a request's life in the relay. An asynchronous one gets an `ack` and an
 * event, and Janus sends them in either order: the client needs its own transaction id on both
 * (janus.js resolves a send on the ack), so the mapping stays until both came. Anything else
 * (a success, an error) ends it at once.
 */
function isFinal(pending: Pending, frame: Json): boolean {
  if (!pending.async || (frame.janus !== 'ack' && frame.janus !== 'event')) return true;
  const seen = (pending.seen ??= {});
  seen[frame.janus === 'ack' ? 'ack' : 'event'] = true;
  return seen.ack === true && seen.event === true;
}

function created(relay: Relay, core: GuardCore, pending: Pending, frame: Json): void {
  const id = (frame.data as { id?: unknown } | undefined)?.id;
  if (frame.janus === 'success' && typeof id === 'number' && pending.creating) {
    const { identity, token } = pending.creating;
    const session: GuardSession = { id, identity, token, handles: new Map(), link: relay };
    core.sessions.set(id, session);
    relay.sessions.add(session);
  }
  relay.push(frame);
}

function onSuccess(relay: Relay, core: GuardCore, pending: Pending, frame: Json): void {
  const session = pending.session;
  if (!session) return;
  const data = frame.data as { id?: unknown } | undefined;
  switch (pending.janus) {
    case 'claim':
      if (frame.janus === 'success') {
        clearTimeout(session.held);
        session.held = undefined;
        relay.adopt(session);
      }
      return;
    case 'attach':
      if (typeof data?.id === 'number') {
        session.handles.set(data.id, { id: data.id, role: 'none', room: null, joined: false, privateId: null, labels: new Map() });
      }
      return;
    case 'detach': {
      const handle = session.handles.get(pending.handleId!);
      if (handle) core.depart(session, handle);
      session.handles.delete(pending.handleId!);
      return;
    }
    case 'destroy':
      core.endSession(session, 'destroyed by its client');
      return;
  }
}

function onEvent(core: GuardCore, session: GuardSession, handle: HandleState, frame: Json, pending: Pending | undefined): void {
  const plugindata = frame.plugindata as { data?: Json } | undefined;
  const data = plugindata?.data;
  if (!data) return;
  const rooms = core.rooms;
  const key = handleKey(session.id, handle.id);
  if (pending?.join && typeof data.error_code === 'number') {
    // Janus refused the join (wrong PIN, id taken...): the seat and the handle are free again.
    if (pending.join === 'publisher' && handle.room) rooms.cancel(handle.room, key);
    handle.role = 'none';
    handle.room = null;
    return;
  }
  if (pending?.screen !== undefined && typeof data.error_code === 'number' && handle.room) {
    if (pending.screen) core.releaseScreen(handle.room, session.identity.userId ?? '');
    return;
  }
  if (pending?.join === 'publisher' && data.videoroom === 'joined' && handle.room) {
    const room = rooms.get(handle.room);
    handle.joined = true;
    handle.privateId = typeof data.private_id === 'number' ? data.private_id : null;
    const member = rooms.admit(handle.room, key);
    // What the SDK needs and Janus has no field for: who I am and the room's metadata.
    if (room && member) data.kt = { self: memberView(rooms, room, member), room: roomView(rooms, room) };
    return;
  }
  if (pending?.join === 'subscriber' && data.videoroom === 'attached') {
    handle.joined = true;
    return;
  }
  if (data.videoroom === 'destroyed' || (data.videoroom === 'event' && data.leaving === 'ok')) {
    // I left, was kicked, or the room went: not a member any more.
    core.depart(session, handle);
    return;
  }
  if (data.videoroom === 'event' && data.left === 'ok' && handle.role === 'subscriber') {
    core.depart(session, handle);
    return;
  }
  if (data.videoroom === 'event' && data.unpublished === 'ok' && handle.room) {
    core.releaseScreen(handle.room, session.identity.userId ?? '');
  }
}
