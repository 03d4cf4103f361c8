/** The room registry (sdk/server/guard/rooms.ts): capacity, host powers, visibility, destroy-on-empty, one sharer. */
import { RoomRegistry, handleKey, type Member, type RoomMeta } from '../../sdk/server/guard/rooms';
import { unboundIdentity, type Identity } from '../../sdk/server/guard/identity';

const meta = (over: Partial<RoomMeta> = {}): RoomMeta => ({
  title: 't',
  capacity: null,
  host: 'h',
  destroy: true,
  talkingNoty: false,
  p2p: false,
  recording: false,
  createdAt: 0,
  pinRequired: false,
  parent: null,
  guestPermit: { chat: true, draw: true, screen: true, whiteboard: true, document: true },
  ...over,
});
const signed = (userId: string, over: Partial<Identity> = {}): Identity => ({
  userId,
  name: userId,
  signed: true,
  rooms: [],
  canCreate: false,
  role: 'guest',
  expiresAt: Infinity,
  ...over,
});
const dev = (userId: string): Identity => ({ ...unboundIdentity(), userId });

/** The member-to-be of a join by `who` from session `session`, handle `handle`. */
const seat = (who: Identity, session: number, handle = 1): Member => ({
  userId: who.userId!,
  name: who.name ?? '',
  userType: 'guest',
  device: '',
  video: true,
  audio: true,
  sessionId: session,
  handleId: handle,
});

function join(reg: RoomRegistry, who: Identity, room: string, session: number, handle = 1) {
  const why = reg.reserve(who, room, seat(who, session, handle));
  if (why === null) reg.admit(room, handleKey(session, handle));
  return why;
}

test('capacity counts members and joins in flight; a refused join frees its seat', () => {
  const reg = new RoomRegistry();
  reg.add('r', meta({ capacity: 2 }), 's', null);
  expect(join(reg, dev('a'), 'r', 1)).toBeNull();
  expect(reg.reserve(dev('b'), 'r', seat(dev('b'), 2, 1))).toBeNull(); // in flight
  expect(reg.reserve(dev('c'), 'r', seat(dev('c'), 3, 1))).toBe('full');
  reg.cancel('r', handleKey(2, 1));
  expect(reg.reserve(dev('c'), 'r', seat(dev('c'), 3, 1))).toBeNull();
  expect(reg.reserve(dev('d'), 'r', seat(dev('d'), 4, 1))).toBe('full');
});

test('the same user twice is refused; unknown rooms and rooms outside the token too', () => {
  const reg = new RoomRegistry();
  reg.add('r', meta(), 's', null);
  expect(join(reg, dev('a'), 'r', 1)).toBeNull();
  expect(reg.reserve(dev('a'), 'r', seat(dev('a'), 2, 1))).toBe('already_in');
  expect(reg.reserve(dev('a'), 'nope', seat(dev('a'), 2, 1))).toBe('no_such_room');
  expect(reg.reserve(signed('m', { rooms: ['other'] }), 'r', seat(signed('m'), 3, 1))).toBe('not_allowed');
  expect(reg.reserve(signed('g', { rooms: ['r'] }), 'r', seat(signed('g'), 3, 1))).toBeNull();
});

test('host powers go by identity: the creator, or a signed host named in the room', () => {
  const reg = new RoomRegistry();
  reg.add('r', meta({ host: 'alice' }), 's', null);
  expect(reg.isHost(dev('alice'), 'r')).toBe(true);
  expect(reg.isHost(signed('alice'), 'r')).toBe(true);
  expect(reg.isHost(signed('bob', { role: 'host', rooms: ['r'] }), 'r')).toBe(true);
  expect(reg.isHost(signed('bob', { role: 'host', rooms: ['x'] }), 'r')).toBe(false);
  expect(reg.isHost(signed('bob', { role: 'guest', rooms: ['r'] }), 'r')).toBe(false);
  expect(reg.isHost(unboundIdentity(), 'r')).toBe(false);
  // The creator enters its own room although its token names no rooms.
  expect(reg.mayEnter(signed('alice'), 'r')).toBe(true);
});

test('visibility: list shows own, member and named rooms only; PIN rooms hide from non-members', () => {
  const reg = new RoomRegistry();
  reg.add('mine', meta({ host: 'a' }), 's', null);
  reg.add('named', meta({ host: 'x' }), 's', null);
  reg.add('secret', meta({ host: 'x', pinRequired: true }), 's', '1234');
  reg.add('other', meta({ host: 'x' }), 's', null);
  const a = signed('a', { rooms: ['named', 'secret'] });
  expect(
    reg
      .visibleTo(a)
      .map((r) => r.id)
      .sort(),
  ).toEqual(['mine', 'named', 'secret']);
  expect(reg.mayInspect(a, 'named')).toBe(true);
  expect(reg.mayInspect(a, 'secret')).toBe(false);
  expect(reg.mayInspect(a, 'other')).toBe(false);
  expect(join(reg, a, 'secret', 7)).toBeNull();
  expect(reg.mayInspect(a, 'secret')).toBe(true);
  expect(reg.visibleTo(dev('zed'))).toEqual([]);
});

test('destroy-on-empty: whoever departs last (or a whole session) empties a destroy room; other rooms stay', () => {
  const reg = new RoomRegistry();
  reg.add('d', meta({ destroy: true }), 's', null);
  reg.add('k', meta({ destroy: false }), 's', null);
  join(reg, dev('host'), 'd', 1);
  join(reg, dev('guest'), 'd', 2);
  join(reg, dev('guest'), 'k', 2, 5);
  expect(reg.depart('d', 1, 1)).toBeNull();
  expect(reg.departSession(2).map((r) => r.id)).toEqual(['d']);
  expect(reg.get('k')!.members.size).toBe(0);
  expect(reg.depart('d', 1, 1)).toBe(reg.get('d')); // idempotent: still empty
  // A join in flight keeps the room alive.
  reg.reserve(dev('late'), 'd', seat(dev('late'), 9, 1));
  expect(reg.depart('d', 1, 1)).toBeNull();
});

test('one screen sharer per room; the turn is freed by release or departure', () => {
  const reg = new RoomRegistry();
  reg.add('r', meta(), 's', null);
  join(reg, dev('a'), 'r', 1);
  join(reg, dev('b'), 'r', 2);
  const first = reg.takeShare('r', 'a', 'screen');
  expect(first).toMatchObject({ type: 'screen', user: 'a' });
  expect(reg.takeShare('r', 'a', 'screen')).toBe(first); // its own share, kept as it is
  expect(reg.takeShare('r', 'a', 'whiteboard')).toBeNull(); // one share at a time, of any type
  expect(reg.takeShare('r', 'b', 'screen')).toBeNull();
  expect(reg.releaseShare('r', 'b')).toBeNull(); // not b's to release
  expect(reg.releaseShare('r', 'a', 'whiteboard')).toBeNull(); // not that type
  expect(reg.takeShare('r', 'b', 'whiteboard')).toBeNull();
  reg.depart('r', 1, 1);
  const second = reg.takeShare('r', 'b', 'whiteboard');
  expect(second?.board).toBeGreaterThan(first!.board); // a new board with each share
});

test('room limits: per user and per gateway', () => {
  const reg = new RoomRegistry({ maxRooms: 3, maxRoomsPerUser: 2, maxMembers: 10 });
  reg.add('a1', meta({ host: 'a' }), 's', null);
  reg.add('a2', meta({ host: 'a' }), 's', null);
  expect(reg.createRefusal('a3', 'a')).toMatch(/too many rooms created by a/);
  expect(reg.createRefusal('a1', 'b')).toBe('exists');
  expect(reg.createRefusal('b1', 'b')).toBeNull();
  reg.add('b1', meta({ host: 'b' }), 's', null);
  expect(reg.createRefusal('b2', 'b')).toMatch(/too many rooms on this gateway/);
});

test('a member-to-be is known before Janus confirms (others may hear `joining` first); its patch changes its view only', () => {
  const reg = new RoomRegistry();
  reg.add('r', meta(), 's', null);
  expect(reg.reserve(dev('a'), 'r', { ...seat(dev('a'), 1), device: 'Firefox', video: false })).toBeNull();
  expect(reg.find('r', 'a')).toMatchObject({ userId: 'a', device: 'Firefox', video: false, audio: true });
  expect(reg.get('r')!.members.size).toBe(0);
  expect(reg.admit('r', handleKey(1, 1))).toMatchObject({ userId: 'a', device: 'Firefox' });
  expect(reg.admit('r', handleKey(1, 1))).toBeUndefined(); // admitted once
  join(reg, dev('b'), 'r', 2);
  expect(reg.update('r', 'a', { audio: false, name: 'Anna' })).toMatchObject({ userId: 'a', name: 'Anna', audio: false, device: 'Firefox', video: false });
  expect(reg.find('r', 'b')).toMatchObject({ audio: true, device: '' });
  expect(reg.update('r', 'ghost', { audio: false })).toBeUndefined();
  expect(reg.find('nope', 'a')).toBeUndefined();
  expect(reg.seatsOf('r', 'a').map((m) => m.sessionId)).toEqual([1]);
});
