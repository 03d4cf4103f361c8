/**
 * The guard's own requests (`kt_*`, the contract in index.ts): what it answers from its state, and
 * the rules that protect one member from another where Janus has no word for them: who may chat,
 * draw, share (the host's `permit`), who may change the room or hand the host role on, who may
 * open or end breakout groups. Pure: the decision says what to do, perform.ts does it.
 */
import { bindUserId, displayName, isValidId } from './identity';
import { VR } from './errors';
import type { RoomRegistry } from './rooms';
import { readPatch } from './member-info';
import { badField, denied, isObj, joinFirst, memberHandle, refuse, type Decision, type HandleState, type Json, type SessionState } from './decision';
import { PERMIT_KEYS, type Permit } from '../../janus/guard-views';

/**
 * Largest body of a guard message (chat, inform) in bytes of JSON: the SDK's `inform` allows 32 KiB
 * of JSON and wraps it in an envelope, so twice that leaves room for the envelope and for escaping.
 */
export const MAX_MESSAGE_BYTES = 64 * 1024;
/** A board update (base64 in the frame: 4/3 of this must stay under the guard's 256 KiB frames). */
export const MAX_BOARD_UPDATE_BYTES = 160 * 1024;
/** A pointer position and the like: small, and not kept. */
const MAX_TRANSIENT_BYTES = 1024;
/** documentShare's URL: a web address, or an image inlined as a data URL of at most this. */
const MAX_DOCUMENT_URL = 192 * 1024;
const MAX_GROUP_LIST = 100;
const MAX_TITLE = 256;
const MAX_CAPACITY = 1000;

export const GUARD_REQUESTS = new Set([
  'kt_whoami',
  'kt_room',
  'kt_message',
  'kt_user',
  'kt_permit',
  'kt_room_edit',
  'kt_share',
  'kt_share_stop',
  'kt_board',
  'kt_board_state',
  'kt_group',
  'kt_group_end',
  'kt_upload',
]);

const notMember = (who: string): Decision => refuse(VR.NO_SUCH_FEED, `No such member (${who})`, '410');
const invalid = (what: string): Decision => refuse(VR.INVALID_ELEMENT, `Invalid element (${what})`, '422');
const missing = (what: string): Decision => refuse(VR.MISSING_ELEMENT, `Missing element (${what})`, '421');
const notPermitted = (what: keyof Permit): Decision => refuse(VR.UNAUTHORIZED, `Not permitted: ${what} (the host's permit)`, '413');

export function decideGuardRequest(session: SessionState, _handle: HandleState, body: Json, rooms: RoomRegistry): Decision {
  const id = session.identity;
  const request = body.request as string;
  const room = body.room;
  const roomOf = () => (isValidId(room) ? rooms.get(room) : undefined);
  const needRoom = (): Decision | null => (roomOf() ? null : refuse(VR.NO_SUCH_ROOM, `No such room (${String(room)})`, '441'));
  const needMember = (): Decision | null => needRoom() ?? (memberHandle(session, room as string) ? null : joinFirst('Join the room first'));
  const needHost = (): Decision | null => needRoom() ?? (rooms.isHost(id, room as string) ? null : refuse(VR.UNAUTHORIZED, 'Only the host may do this', '413'));
  const may = (what: keyof Permit): Decision | null => (rooms.permitOf(roomOf()!, id.userId!)[what] ? null : notPermitted(what));
  switch (request) {
    case 'kt_whoami': {
      const bad = badField(body, ['id', 'name', 'forced']);
      if (bad) return bad;
      if (body.forced !== undefined && typeof body.forced !== 'boolean') return invalid('forced');
      const userId = bindUserId(id, body.id);
      return { kind: 'whoami', userId, name: displayName(id, body.name), forced: body.forced === true };
    }
    case 'kt_room':
      return badField(body, ['room']) ?? needRoom() ?? (rooms.mayInspect(id, room as string) ? { kind: 'room', room: room as string } : denied('this room'));
    case 'kt_message': {
      const bad = badField(body, ['room', 'to', 'body']) ?? needMember();
      if (bad) return bad;
      if (body.to !== undefined && !isValidId(body.to)) return invalid('to');
      if (body.to !== undefined && !rooms.member(room as string, body.to as string)) return notMember(body.to as string);
      if (body.body === undefined) return missing('body');
      if (Buffer.byteLength(JSON.stringify(body.body)) > MAX_MESSAGE_BYTES) return refuse(VR.INVALID_ELEMENT, `body over ${MAX_MESSAGE_BYTES} bytes`, '445');
      // Chat is the SDK's envelope kind 'chat' (sdk/messaging/envelope.ts): the one the host's
      // permit governs. Another kind reaches others as what it is, never as chat.
      if (isObj(body.body) && body.body.k === 'chat') return may('chat') ?? message(room as string, body);
      return message(room as string, body);
    }
    case 'kt_user': {
      const { request: _request, room: _room, ...fields } = body;
      const read = readPatch(fields, ['name', 'device', 'video', 'audio']);
      if ('error' in read) return { kind: 'refuse', error: read.error };
      const bad = needMember();
      if (bad) return bad;
      // A signed name is the token's: the app server vouches for it, the page cannot change it.
      if (read.patch.name !== undefined && id.signed && read.patch.name !== id.name) return refuse(VR.UNAUTHORIZED, "The name is the token's", '413');
      return { kind: 'user', room: room as string, patch: read.patch };
    }
    case 'kt_permit': {
      const bad = badField(body, ['room', 'target', ...PERMIT_KEYS]) ?? needHost();
      if (bad) return bad;
      if (body.target === undefined) return missing('target');
      if (!isValidId(body.target)) return invalid('target');
      const patch: Partial<Permit> = {};
      for (const key of PERMIT_KEYS) {
        if (body[key] === undefined) continue;
        if (typeof body[key] !== 'boolean') return invalid(key);
        patch[key] = body[key] as boolean;
      }
      if (Object.keys(patch).length === 0) return missing('chat, draw, screen, whiteboard or document');
      if (!rooms.member(room as string, body.target)) return notMember(body.target);
      return { kind: 'permit', room: room as string, target: body.target, patch };
    }
    case 'kt_room_edit':
      return editRoom(body, rooms, needHost);
    case 'kt_share': {
      const bad = badField(body, ['room', 'type', 'document']) ?? needMember();
      if (bad) return bad;
      if (body.type !== 'whiteboard' && body.type !== 'document') return invalid('type');
      const denial = may(body.type);
      if (denial) return denial;
      if (body.document === undefined) return { kind: 'share', room: room as string, type: body.type };
      if (body.type !== 'document') return invalid('document');
      const d = body.document;
      if (!isObj(d) || badField({ request, ...d }, ['url', 'page']) || !isDocumentUrl(d.url)) return invalid('document.url');
      const page = d.page ?? 1;
      if (!Number.isInteger(page) || (page as number) < 1 || (page as number) > 100000) return invalid('document.page');
      return { kind: 'share', room: room as string, type: 'document', document: { url: d.url, page: page as number } };
    }
    case 'kt_share_stop':
      return badField(body, ['room']) ?? needMember() ?? { kind: 'shareStop', room: room as string };
    case 'kt_board':
      return board(body, rooms, needMember, may);
    case 'kt_board_state':
      return badField(body, ['room']) ?? needMember() ?? { kind: 'boardState', room: room as string };
    case 'kt_group': {
      const bad = badField(body, ['room', 'list', 'title']) ?? needHost();
      if (bad) return bad;
      if (roomOf()!.meta.parent !== null) return refuse(VR.INVALID_REQUEST, 'A group cannot have groups', '412');
      const list = body.list ?? [];
      if (!Array.isArray(list) || list.length > MAX_GROUP_LIST || !list.every(isValidId)) return invalid('list');
      const title = body.title ?? '';
      if (typeof title !== 'string' || title.length > MAX_TITLE) return invalid('title');
      return { kind: 'group', room: room as string, list: [...new Set(list as string[])], title };
    }
    case 'kt_group_end': {
      const bad = badField(body, ['room', 'group']) ?? needHost();
      if (bad) return bad;
      if (body.group === undefined) return missing('group');
      const group = isValidId(body.group) ? rooms.get(body.group) : undefined;
      if (!group || group.meta.parent !== room) return refuse(VR.NO_SUCH_ROOM, `No group ${String(body.group)} of this room`, '451');
      return { kind: 'groupEnd', room: room as string, group: group.id };
    }
    case 'kt_upload': {
      // A file for documentShare: a one-use ticket for the file store (files.ts checks size and quota).
      const bad = badField(body, ['room', 'name', 'size']) ?? needMember() ?? may('document');
      if (bad) return bad;
      if (body.size === undefined) return missing('size');
      if (!Number.isInteger(body.size) || (body.size as number) < 1) return invalid('size');
      if (body.name !== undefined && (typeof body.name !== 'string' || body.name.length > 4096)) return invalid('name');
      return { kind: 'upload', room: room as string, name: (body.name as string | undefined) ?? 'document', size: body.size as number };
    }
    default:
      return denied(`'${request}'`);
  }
}

function message(room: string, body: Json): Decision {
  return { kind: 'message', room, to: (body.to as string | undefined) ?? null, body: body.body };
}

function editRoom(body: Json, rooms: RoomRegistry, needHost: () => Decision | null): Decision {
  const bad = badField(body, ['room', 'title', 'capacity', 'host']) ?? needHost();
  if (bad) return bad;
  const room = rooms.get(body.room as string)!;
  const { title, capacity, host } = body;
  if (title === undefined && capacity === undefined && host === undefined) return missing('title, capacity or host');
  if (title !== undefined && (typeof title !== 'string' || title.length > MAX_TITLE)) return invalid('title');
  if (capacity !== undefined) {
    if (!Number.isInteger(capacity) || (capacity as number) < 1 || (capacity as number) > MAX_CAPACITY) return invalid('capacity');
    // The members in the room stay: a capacity below their number cannot be.
    if ((capacity as number) < room.members.size + room.pending.size) return refuse(VR.INVALID_ELEMENT, `${room.members.size} members are in the room`, '412');
  }
  if (host !== undefined) {
    if (!isValidId(host)) return invalid('host');
    if (!room.members.has(host)) return notMember(host);
  }
  return { kind: 'editRoom', room: room.id, title: title as string | undefined, capacity: capacity as number | undefined, host: host as string | undefined };
}

function board(body: Json, rooms: RoomRegistry, needMember: () => Decision | null, may: (what: keyof Permit) => Decision | null): Decision {
  const bad = badField(body, ['room', 'board', 'update', 'transient']) ?? needMember() ?? may('draw');
  if (bad) return bad;
  const room = rooms.get(body.room as string)!;
  if (!Number.isInteger(body.board)) return invalid('board');
  // Strokes belong to the share they were drawn on: one for an ended share would resurrect it.
  if (!room.share || room.share.board !== body.board) return refuse(VR.INVALID_ELEMENT, 'Not the current board', '412');
  if ((body.update === undefined) === (body.transient === undefined)) return invalid('update or transient');
  if (body.transient !== undefined) {
    if (!isObj(body.transient) || Buffer.byteLength(JSON.stringify(body.transient)) > MAX_TRANSIENT_BYTES) return invalid('transient');
    return { kind: 'board', room: room.id, board: body.board as number, transient: body.transient };
  }
  if (typeof body.update !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(body.update)) return invalid('update');
  const update = Buffer.from(body.update, 'base64');
  if (update.byteLength > MAX_BOARD_UPDATE_BYTES) return refuse(VR.INVALID_ELEMENT, `update over ${MAX_BOARD_UPDATE_BYTES} bytes`, '445');
  return { kind: 'board', room: room.id, board: body.board as number, update: new Uint8Array(update) };
}

/** What documentShare may show: a web address, or an image inlined as a data URL. */
function isDocumentUrl(v: unknown): v is string {
  if (typeof v !== 'string' || v.length > MAX_DOCUMENT_URL) return false;
  if (/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(v)) return true;
  return v.length <= 2048 && /^https?:\/\/[^\s"'<>]+$/.test(v);
}
