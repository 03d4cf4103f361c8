/**
 * What the guard does with one plugin message from a client: forward it (rewritten), answer it
 * itself, have the room authority do it, or refuse it with a Janus-style error. No I/O: the server
 * applies the decision.
 *
 * Default deny: a request is forwarded only when it is one the SDK sends, with the fields the SDK
 * sends (a field that is not on the request's list is refused, not dropped, so that a client
 * learns it asked for something it may not have). Never forwarded, whoever asks: rtp_forward,
 * publish_remotely and the other remote-publisher requests, edit, allowed, moderate, exists,
 * listforwarders, joinandconfigure, publish, switch, `permanent`, `rec_dir`, `filename`, `record`
 * on a participant, `admin_key`. Rooms are created, destroyed, kicked in and recorded by the guard
 * (authority.ts) with the secret it alone holds.
 *
 * Pure except for one thing: the first request that names a user id binds an unbound development
 * identity to it (identity.ts says why); after that nothing here changes any state.
 */
import { bindUserId, displayName, isValidId, type Identity } from './identity';
import { VR } from './errors';
import type { RoomRegistry } from './rooms';
import { metaFromCreate } from './create-spec';
import { infoOf, readPatch } from './member-info';
import { GUARD_REQUESTS, decideGuardRequest } from './policy-kt';
import {
  badField,
  denied,
  extraField,
  isIntIn,
  isObj,
  isOptBool,
  isOptStr,
  isStr,
  joinFirst,
  memberHandle,
  refuse,
  type Decision,
  type HandleState,
  type Jsep,
  type Json,
  type SessionState,
} from './decision';

export type { Decision, HandleState, Jsep, Json, SessionState } from './decision';
export { memberHandle } from './decision';

/** Janus handles these asynchronously (an `ack`, then an event): a refusal must come the same way. */
const ASYNC = new Set([
  'join',
  'joinandconfigure',
  'configure',
  'publish',
  'unpublish',
  'start',
  'pause',
  'switch',
  'update',
  'subscribe',
  'unsubscribe',
  'leave',
]);
export function isAsync(request: unknown): boolean {
  return typeof request === 'string' && ASYNC.has(request);
}

/** The VideoRoom requests the guard knows (everything else is refused before anything is read). */
const VIDEO_REQUESTS = new Set([
  'create',
  'destroy',
  'kick',
  'enable_recording',
  'list',
  'listparticipants',
  'join',
  'configure',
  'unpublish',
  'leave',
  'update',
  'start',
]);

const MID = 16;

export function decide(session: SessionState, handle: HandleState, body: Json, jsep: unknown, rooms: RoomRegistry): Decision {
  if (typeof body.request !== 'string') return refuse(VR.MISSING_ELEMENT, 'Missing element (request)', '421');
  if (jsep !== undefined && !isJsep(jsep)) return refuse(VR.INVALID_ELEMENT, 'Invalid jsep', '422');
  return decideVideo(session, handle, body, jsep, rooms);
}

function decideVideo(session: SessionState, handle: HandleState, body: Json, jsep: Jsep | undefined, rooms: RoomRegistry): Decision {
  const id = session.identity;
  const request = body.request as string;
  const room = body.room;
  if (GUARD_REQUESTS.has(request))
    return jsep ? refuse(VR.INVALID_ELEMENT, `no jsep with '${request}'`, '422') : decideGuardRequest(session, handle, body, rooms);
  if (!VIDEO_REQUESTS.has(request)) return denied(`'${request}'`);
  if (jsep && !['configure', 'start'].includes(request)) return refuse(VR.INVALID_ELEMENT, `no jsep with '${request}'`, '422');
  const needRoom = (): Decision | null => (isValidId(room) && rooms.get(room) ? null : refuse(VR.NO_SUCH_ROOM, `No such room (${String(room)})`, '441'));
  switch (request) {
    // ---------------------------------------------------------------- synchronous
    case 'create': {
      const spec = metaFromCreate(body);
      if ('error' in spec) return refuse(spec.code, spec.error, spec.kt);
      if (!id.canCreate) return denied('creating rooms');
      // The room's host is its creator: an unbound development identity (one that skipped
      // kt_whoami) gets a generated id now, so that the room has a host at all.
      bindUserId(id, undefined);
      return { kind: 'create', spec };
    }
    case 'destroy':
      return (
        badField(body, ['room', 'secret', 'permanent']) ??
        (body.permanent === true ? denied('permanent') : null) ??
        needRoom() ??
        hostOnly(id, room as string, rooms, { kind: 'destroy', room: room as string })
      );
    case 'kick':
      if (!isValidId(body.id)) return badField(body, ['room', 'id', 'secret']) ?? refuse(VR.MISSING_ELEMENT, 'Missing element (id)', '421');
      return (
        badField(body, ['room', 'id', 'secret']) ??
        needRoom() ??
        hostOnly(id, room as string, rooms, { kind: 'kick', room: room as string, userId: body.id as string })
      );
    case 'enable_recording':
      if (typeof body.record !== 'boolean') return refuse(VR.MISSING_ELEMENT, 'Missing element (record)', '421');
      return (
        badField(body, ['room', 'record', 'secret']) ??
        needRoom() ??
        hostOnly(id, room as string, rooms, { kind: 'record', room: room as string, record: body.record })
      );
    case 'list':
      return badField(body, []) ?? { kind: 'list' };
    case 'listparticipants':
      return (
        badField(body, ['room']) ??
        needRoom() ??
        (rooms.mayInspect(id, room as string) ? { kind: 'forward', body: { request, room } } : denied('listing this room'))
      );
    // ---------------------------------------------------------------- asynchronous
    case 'join':
      if (handle.role !== 'none') return refuse(VR.ALREADY_JOINED, 'Already in as a ' + handle.role, '442');
      if (body.ptype === 'publisher') return publisherJoin(session, body, rooms);
      if (body.ptype === 'subscriber') return subscriberJoin(session, body, rooms);
      return refuse(VR.INVALID_ELEMENT, 'Invalid element (ptype)', '422');
    case 'configure':
      if (!handle.joined) return joinFirst('Join first');
      return handle.role === 'publisher' ? publisherConfigure(session, handle, body, jsep, rooms) : subscriberConfigure(body, jsep);
    case 'unpublish':
    case 'leave':
      if (handle.role === 'none') return joinFirst('Join first');
      if (request === 'unpublish' && handle.role !== 'publisher') return refuse(VR.INVALID_REQUEST, 'Not a publisher', '400');
      return badField(body, []) ?? { kind: 'forward', body: { request } };
    case 'update':
      if (handle.role !== 'subscriber' || !handle.joined) return joinFirst('Subscribe first');
      return (
        badField(body, ['subscribe', 'unsubscribe']) ??
        checkStreams(body.subscribe, false) ??
        checkStreams(body.unsubscribe, true) ?? { kind: 'forward', body: { request, ...pick(body, ['subscribe', 'unsubscribe']) } }
      );
    case 'start':
      if (handle.role !== 'subscriber') return joinFirst('Subscribe first');
      if (!jsep || jsep.type !== 'answer') return refuse(VR.INVALID_ELEMENT, "'start' needs a JSEP answer", '422');
      return badField(body, []) ?? { kind: 'forward', body: { request }, jsep };
    default:
      return denied(`'${request}'`);
  }
}

function hostOnly(id: Identity, room: string, rooms: RoomRegistry, then: Decision): Decision {
  return rooms.isHost(id, room) ? then : refuse(VR.UNAUTHORIZED, 'Only the host may do this', '413');
}

function publisherJoin(session: SessionState, body: Json, rooms: RoomRegistry): Decision {
  const bad = badField(body, ['ptype', 'room', 'id', 'display', 'pin', 'kt']);
  if (bad) return bad;
  if (!isValidId(body.room) || !rooms.get(body.room)) return refuse(VR.NO_SUCH_ROOM, `No such room (${String(body.room)})`, '441');
  if (!isOptStr(body.pin, 256) || !isOptStr(body.display, 4096)) return refuse(VR.INVALID_ELEMENT, 'Invalid element (pin/display)', '422');
  // The member's info (device, switches) is the guard's to hold; Janus has no field for it.
  const read = body.kt === undefined ? { patch: {} } : readPatch(body.kt, ['device', 'video', 'audio']);
  if ('error' in read) return { kind: 'refuse', error: read.error };
  if (memberHandle(session, body.room)) return refuse(VR.ALREADY_JOINED, 'Already in this room', '442');
  // The id and name are the session's, whatever the client sent: this is what stops posing.
  const userId = bindUserId(session.identity, body.id);
  const display = displayName(session.identity, body.display);
  const rewritten: Json = { request: 'join', ptype: 'publisher', room: body.room, id: userId, display };
  if (body.pin !== undefined) rewritten.pin = body.pin;
  return { kind: 'forward', body: rewritten, join: 'publisher', info: infoOf(read.patch) };
}

function subscriberJoin(session: SessionState, body: Json, rooms: RoomRegistry): Decision {
  const bad = badField(body, ['ptype', 'room', 'streams', 'private_id', 'pin']);
  if (bad) return bad;
  if (!isValidId(body.room) || !rooms.get(body.room)) return refuse(VR.NO_SUCH_ROOM, `No such room (${String(body.room)})`, '441');
  // Watching is for members: the room's require_pvtid makes Janus check the private_id, and the
  // guard gives the one of this session's own publisher handle, never the client's.
  const publisher = memberHandle(session, body.room);
  if (!publisher || publisher.privateId === null) return refuse(VR.UNAUTHORIZED, 'Join the room before subscribing', '413');
  if (!Array.isArray(body.streams) || body.streams.length === 0) return refuse(VR.MISSING_ELEMENT, 'Missing element (streams)', '421');
  const bad2 = checkStreams(body.streams, false);
  if (bad2) return bad2;
  if (!isOptStr(body.pin, 256)) return refuse(VR.INVALID_ELEMENT, 'Invalid element (pin)', '422');
  const rewritten: Json = { request: 'join', ptype: 'subscriber', room: body.room, private_id: publisher.privateId, streams: body.streams };
  if (body.pin !== undefined) rewritten.pin = body.pin;
  return { kind: 'forward', body: rewritten, join: 'subscriber' };
}

function publisherConfigure(session: SessionState, handle: HandleState, body: Json, jsep: Jsep | undefined, rooms: RoomRegistry): Decision {
  const bad = badField(body, ['descriptions', 'display', 'update', 'restart']);
  if (bad) return bad;
  if (!isOptBool(body.update) || !isOptBool(body.restart)) return refuse(VR.INVALID_ELEMENT, 'Invalid element (update/restart)', '422');
  if (jsep && jsep.type !== 'offer') return refuse(VR.INVALID_ELEMENT, 'A publisher sends offers', '422');
  const out: Json = { request: 'configure', ...pick(body, ['descriptions', 'update', 'restart']) };
  if (body.descriptions !== undefined) {
    const d = body.descriptions;
    const ok =
      Array.isArray(d) && d.length <= 16 && d.every((x) => isObj(x) && !extraField(x, ['mid', 'description']) && isStr(x.mid, MID) && isStr(x.description, 64));
    if (!ok) return refuse(VR.INVALID_ELEMENT, 'Invalid element (descriptions)', '422');
  }
  if (body.display !== undefined) {
    if (!isStr(body.display, 4096)) return refuse(VR.INVALID_ELEMENT, 'Invalid element (display)', '422');
    out.display = displayName(session.identity, body.display);
  }
  if (!jsep) return { kind: 'forward', body: out };
  // One sharer per room: a screen stream that this offer sends counts as sharing.
  const labels = new Map(handle.labels);
  for (const x of (body.descriptions as Json[] | undefined) ?? []) labels.set(x.mid as string, x.description as string);
  const sending = sendingMids(jsep.sdp);
  const screen = [...labels].some(([mid, label]) => label === 'screen' && sending.has(mid));
  const userId = session.identity.userId!;
  const room = rooms.get(handle.room!);
  if (screen && room && !rooms.permitOf(room, userId).screen) return refuse(VR.UNAUTHORIZED, "Not permitted: screen (the host's permit)", '413');
  const share = room?.share ?? null;
  if (screen && share !== null && (share.user !== userId || share.type !== 'screen'))
    return refuse(VR.UNAUTHORIZED, `${share.user} is already sharing (${share.type})`, '440');
  return { kind: 'forward', body: out, jsep, screen };
}

function subscriberConfigure(body: Json, jsep: Jsep | undefined): Decision {
  if (jsep) return refuse(VR.INVALID_ELEMENT, 'no jsep with a subscriber configure', '422');
  const bad = badField(body, ['streams', 'restart']);
  if (bad) return bad;
  const s = body.streams;
  const ok =
    Array.isArray(s) &&
    s.length > 0 &&
    s.length <= 64 &&
    s.every(
      (x) =>
        isObj(x) &&
        !extraField(x, ['mid', 'substream', 'temporal', 'send']) &&
        isStr(x.mid, MID) &&
        (x.substream === undefined || isIntIn(x.substream, 0, 2)) &&
        (x.temporal === undefined || isIntIn(x.temporal, 0, 2)) &&
        isOptBool(x.send),
    );
  if (!ok || !isOptBool(body.restart)) return refuse(VR.INVALID_ELEMENT, 'Invalid element (streams)', '422');
  return { kind: 'forward', body: { request: 'configure', ...pick(body, ['streams', 'restart']) } };
}

/** `[{feed, mid?}]` (unsubscribe may also name `sub_mid`), at most 64. */
function checkStreams(streams: unknown, unsubscribe: boolean): Decision | null {
  if (streams === undefined) return null;
  const allowed = unsubscribe ? ['feed', 'mid', 'sub_mid'] : ['feed', 'mid'];
  const ok =
    Array.isArray(streams) &&
    streams.length <= 64 &&
    streams.every(
      (x) =>
        isObj(x) &&
        !extraField(x, allowed) &&
        (unsubscribe ? x.feed === undefined || isValidId(x.feed) : isValidId(x.feed)) &&
        isOptStr(x.mid, MID) &&
        isOptStr(x.sub_mid, MID),
    );
  return ok ? null : refuse(VR.INVALID_ELEMENT, 'Invalid element (streams)', '422');
}

/** The mids an SDP offer actually sends on (port not 0, direction sendrecv/sendonly). */
export function sendingMids(sdp: string): Set<string> {
  const mids = new Set<string>();
  for (const section of sdp.split(/\r?\nm=/).slice(1)) {
    const port = Number(section.split(' ')[1]);
    const mid = /\r?\na=mid:(\S+)/.exec(section)?.[1];
    const direction = /\r?\na=(sendrecv|sendonly|recvonly|inactive)/.exec(section)?.[1] ?? 'sendrecv';
    if (mid && port !== 0 && (direction === 'sendrecv' || direction === 'sendonly')) mids.add(mid);
  }
  return mids;
}

function isJsep(v: unknown): v is Jsep {
  if (!isObj(v) || extraField({ request: '', ...v }, ['type', 'sdp', 'trickle', 'e2ee'])) return false;
  return (v.type === 'offer' || v.type === 'answer') && typeof v.sdp === 'string' && isOptBool(v.trickle) && (v.e2ee === undefined || v.e2ee === false);
}

function pick(body: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const k of keys) if (body[k] !== undefined) out[k] = body[k];
  return out;
}
