/**
 * The guard's teaching rules as pure logic (sdk/server/guard/policy-kt.ts, board-store.ts,
 * rooms.ts): who may do what, and the board's store of Yjs updates.
 */
import * as Y from 'yjs';
import { decide, type HandleState, type SessionState } from '../../sdk/server/guard/policy';
import { BoardStore, MAX_BOARD_BYTES } from '../../sdk/server/guard/board-store';
import { RoomRegistry, type Member, type RoomMeta } from '../../sdk/server/guard/rooms';
import type { Identity } from '../../sdk/server/guard/identity';

const FULL = { chat: true, draw: true, screen: true, whiteboard: true, document: true };
const meta = (over: Partial<RoomMeta> = {}): RoomMeta => ({
  title: 't',
  capacity: null,
  host: 'host',
  destroy: true,
  talkingNoty: false,
  p2p: false,
  recording: false,
  createdAt: 0,
  pinRequired: false,
  parent: null,
  guestPermit: FULL,
  ...over,
});
const signed = (userId: string): Identity => ({ userId, name: userId, signed: true, rooms: ['r'], canCreate: false, role: 'guest', expiresAt: Infinity });
const seat = (userId: string, session: number, userType: 'host' | 'guest' = 'guest'): Member => ({
  userId,
  name: userId,
  userType,
  device: '',
  video: true,
  audio: true,
  sessionId: session,
  handleId: 1,
});

let rooms: RoomRegistry;
function memberSession(userId: string, id: number): SessionState {
  const handle: HandleState = { id: 1, role: 'publisher', room: 'r', joined: true, privateId: 1, labels: new Map() };
  return { id, identity: signed(userId), handles: new Map([[1, handle]]) };
}
const pub = (s: SessionState) => s.handles.get(1)!;
const kind = (d: ReturnType<typeof decide>) => (d.kind === 'refuse' ? `refuse:${d.error.kt}` : d.kind);

beforeEach(() => {
  rooms = new RoomRegistry();
  rooms.add('r', meta(), 's', null);
  for (const [id, n, type] of [
    ['host', 1, 'host'],
    ['guest', 2, 'guest'],
  ] as const) {
    rooms.reserve(signed(id), 'r', seat(id, n, type));
    rooms.admit('r', `${n}:1`);
  }
});

test('permits: the host has everything; a withdrawn permit is refused at the guard, and kept for the user id', () => {
  const host = memberSession('host', 1);
  const guest = memberSession('guest', 2);
  const room = rooms.get('r')!;
  expect(kind(decide(guest, pub(guest), { request: 'kt_permit', room: 'r', target: 'host', chat: false }, undefined, rooms))).toBe('refuse:413');
  expect(decide(host, pub(host), { request: 'kt_permit', room: 'r', target: 'guest', chat: false, draw: false }, undefined, rooms)).toEqual({
    kind: 'permit',
    room: 'r',
    target: 'guest',
    patch: { chat: false, draw: false },
  });
  room.permits.set('guest', { ...FULL, chat: false, draw: false });
  expect(kind(decide(guest, pub(guest), { request: 'kt_message', room: 'r', body: { k: 'chat', m: 'x' } }, undefined, rooms))).toBe('refuse:413');
  expect(kind(decide(guest, pub(guest), { request: 'kt_message', room: 'r', body: { k: 'inform', m: 'x' } }, undefined, rooms))).toBe('message');
  expect(kind(decide(host, pub(host), { request: 'kt_message', room: 'r', body: { k: 'chat', m: 'x' } }, undefined, rooms))).toBe('message');
  // The permit stays after the guest leaves (a reload gains nothing).
  rooms.depart('r', 2, 1);
  expect(rooms.permitOf(room, 'guest')).toMatchObject({ chat: false, draw: false, screen: true });
  expect(rooms.permitOf(room, 'host')).toEqual(FULL);
});

test('shares and boards: one at a time, the board of the current share only, bytes checked before anything is kept', () => {
  const host = memberSession('host', 1);
  const guest = memberSession('guest', 2);
  expect(kind(decide(guest, pub(guest), { request: 'kt_share', room: 'r', type: 'whiteboard' }, undefined, rooms))).toBe('share');
  const share = rooms.takeShare('r', 'guest', 'whiteboard')!;
  expect(rooms.takeShare('r', 'host', 'document')).toBeNull();
  const board = (b: number, update: unknown) => kind(decide(host, pub(host), { request: 'kt_board', room: 'r', board: b, update }, undefined, rooms));
  expect(board(share.board, 'AAA=')).toBe('board');
  expect(board(share.board + 1, 'AAA=')).toBe('refuse:412');
  expect(board(share.board, 'not base64')).toBe('refuse:422');
  expect(board(share.board, 'A'.repeat(300 * 1024))).toBe('refuse:445');
  expect(kind(decide(host, pub(host), { request: 'kt_board', room: 'r', board: share.board }, undefined, rooms))).toBe('refuse:422');
  expect(kind(decide(host, pub(host), { request: 'kt_board', room: 'r', board: share.board, transient: { s: 'x'.repeat(2000) } }, undefined, rooms))).toBe(
    'refuse:422',
  );
  rooms.get('r')!.permits.set('guest', { ...FULL, draw: false });
  expect(kind(decide(guest, pub(guest), { request: 'kt_board', room: 'r', board: share.board, update: 'AAA=' }, undefined, rooms))).toBe('refuse:413');
  // documentShare's address: a web address or an image data URL, nothing else.
  const doc = (url: unknown) =>
    kind(decide(host, pub(host), { request: 'kt_share', room: 'r', type: 'document', document: { url, page: 1 } }, undefined, rooms));
  expect(doc('https://example.com/a.pdf')).toBe('share');
  expect(doc('data:image/png;base64,AAAA')).toBe('share');
  for (const bad of ['javascript:alert(1)', 'data:text/html;base64,AAAA', 'https://x/"><script>', 5]) expect(doc(bad)).toBe('refuse:422');
});

test('the board store: updates merge, a stale or broken one is refused, the size is capped, a new share starts empty', () => {
  const store = new BoardStore();
  const a = new Y.Doc();
  const b = new Y.Doc();
  const updates: Uint8Array[] = [];
  a.on('update', (u: Uint8Array) => updates.push(u));
  b.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 100; i++) (i % 2 ? a : b).getArray('items').push([`stroke ${i}`]);
  for (const u of updates) expect(store.append('r', 1, u)).toBeNull();
  const late = new Y.Doc();
  Y.applyUpdate(late, store.state('r', 1));
  expect(late.getArray('items').length).toBe(100);
  expect(store.append('r', 0, updates[0])).toBe('stale');
  expect(store.append('r', 1, new Uint8Array([1, 2, 3]))).toBe('invalid');
  expect(store.append('r', 1, new Uint8Array(0))).toBe('invalid');
  // Past the cap: refused, and what was kept stays.
  const big = new Y.Doc();
  const chunk = 'x'.repeat(1024 * 1024);
  let refused: string | null = null;
  for (let i = 0; i < 10 && !refused; i++) {
    big.getArray('items').push([chunk + i]);
    refused = store.append('r', 1, Y.encodeStateAsUpdate(big));
  }
  expect(refused).toBe('full');
  expect(store.bytes('r')).toBeLessThanOrEqual(MAX_BOARD_BYTES);
  expect(store.append('r', 2, updates[0])).toBeNull();
  const fresh = new Y.Doc();
  Y.applyUpdate(fresh, store.state('r', 2));
  expect(fresh.getArray('items').length).toBe(1);
  store.clear();
  expect(store.bytes('r')).toBe(0);
});

test('editRoomInfo, groups and uploads: the host and its limits', () => {
  const host = memberSession('host', 1);
  const guest = memberSession('guest', 2);
  const d = (s: SessionState, body: Record<string, unknown>) => kind(decide(s, pub(s), body, undefined, rooms));
  expect(d(guest, { request: 'kt_room_edit', room: 'r', title: 'x' })).toBe('refuse:413');
  expect(d(host, { request: 'kt_room_edit', room: 'r', capacity: 1 })).toBe('refuse:412');
  expect(d(host, { request: 'kt_room_edit', room: 'r', capacity: 1001 })).toBe('refuse:422');
  expect(d(host, { request: 'kt_room_edit', room: 'r', host: 'ghost' })).toBe('refuse:410');
  expect(d(host, { request: 'kt_room_edit', room: 'r', host: 'guest', title: 'T', capacity: 5 })).toBe('editRoom');
  expect(d(guest, { request: 'kt_group', room: 'r' })).toBe('refuse:413');
  expect(d(host, { request: 'kt_group', room: 'r', list: ['guest', 'bad id'] })).toBe('refuse:422');
  expect(d(host, { request: 'kt_group', room: 'r', list: ['guest', 'guest'], title: 'T' })).toBe('group');
  rooms.add('g', meta({ parent: 'r' }), 's2', null);
  expect(d(host, { request: 'kt_group_end', room: 'r', group: 'g' })).toBe('groupEnd');
  expect(d(host, { request: 'kt_group_end', room: 'r', group: 'r' })).toBe('refuse:451');
  expect(d(guest, { request: 'kt_upload', room: 'r', size: 10, name: 'a.png' })).toBe('upload');
  expect(d(guest, { request: 'kt_upload', room: 'r', size: 0 })).toBe('refuse:422');
  rooms.get('r')!.permits.set('guest', { ...FULL, document: false });
  expect(d(guest, { request: 'kt_upload', room: 'r', size: 10 })).toBe('refuse:413');
  // The host hand-over in the registry: roles swap, permits follow the role.
  const room = rooms.get('r')!;
  rooms.setHost(room, 'guest');
  expect(room.members.get('guest')!.userType).toBe('host');
  expect(room.members.get('host')!.userType).toBe('guest');
  expect(rooms.permitOf(room, 'guest')).toEqual(FULL);
});
