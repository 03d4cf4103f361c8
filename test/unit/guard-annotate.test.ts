/** The guard's MemberView annotations (sdk/server/guard/annotate.ts) and views (views.ts). */
import { annotate, type FindMember } from '../../sdk/server/guard/annotate';
import { memberView, roomView } from '../../sdk/server/guard/views';
import { RoomRegistry, type RoomMeta } from '../../sdk/server/guard/rooms';

const FULL = { chat: true, draw: true, screen: true, whiteboard: true, document: true };
const view = (id: string) => ({ id, name: id.toUpperCase(), userType: 'guest' as const, device: 'd', video: true, audio: false, permit: FULL });
/** Knows alice and bob in room 'r' only. */
const find: FindMember = (room, id) => (room === 'r' && ['alice', 'bob'].includes(id) ? view(id) : undefined);

test('joined: attendees and publishers get kt; Janus fields untouched; unknown users get none', () => {
  const data: Record<string, any> = {
    videoroom: 'joined',
    room: 'r',
    id: 'me',
    attendees: [
      { id: 'alice', display: 'Alice' },
      { id: 'plain', display: 'plain janus.js' },
    ],
    publishers: [{ id: 'bob', display: 'Bob', streams: [{ mid: '0' }] }, 'garbage', null],
  };
  const before = JSON.parse(JSON.stringify(data));
  annotate(data, find);
  expect(data.attendees[0]).toEqual({ ...before.attendees[0], kt: view('alice') });
  expect(data.attendees[1]).toEqual(before.attendees[1]);
  expect(data.publishers[0]).toEqual({ ...before.publishers[0], kt: view('bob') });
  expect(data.publishers.slice(1)).toEqual(['garbage', null]);
  expect(data.kt).toBeUndefined();
});

test('events: joining and publishers; participants of a listparticipants answer', () => {
  const event: Record<string, any> = { videoroom: 'event', room: 'r', joining: { id: 'alice', display: 'Alice' }, publishers: [{ id: 'bob' }] };
  annotate(event, find);
  expect(event.joining.kt).toEqual(view('alice'));
  expect(event.publishers[0].kt).toEqual(view('bob'));
  const list: Record<string, any> = { videoroom: 'participants', room: 'r', participants: [{ id: 'alice', display: 'Alice', publisher: false }, { id: 'x' }] };
  annotate(list, find);
  expect(list.participants[0]).toEqual({ id: 'alice', display: 'Alice', publisher: false, kt: view('alice') });
  expect(list.participants[1].kt).toBeUndefined();
});

test('nothing else is touched: other rooms, other requests, a missing room, leaving events', () => {
  for (const data of [
    { videoroom: 'joined', room: 'other', attendees: [{ id: 'alice' }] },
    { videoroom: 'joined', attendees: [{ id: 'alice' }] },
    { videoroom: 'event', room: 'r', leaving: 'alice', attendees: [{ id: 'alice' }] },
    { videoroom: 'attached', room: 'r', publishers: [{ id: 'alice' }] },
    { videoroom: 'participants', room: 'r', participants: 'alice' },
    { videoroom: 'event', room: 'r', joining: 'alice' },
  ]) {
    const copy = JSON.parse(JSON.stringify(data));
    annotate(data as Record<string, unknown>, find);
    expect(data).toEqual(copy);
  }
});

test('views: a MemberView has exactly the contract fields; a RoomView lists MemberViews, no secret or PIN', () => {
  const reg = new RoomRegistry();
  const meta: RoomMeta = {
    title: 't',
    capacity: 2,
    host: 'a',
    destroy: true,
    talkingNoty: false,
    p2p: false,
    recording: false,
    createdAt: 1,
    pinRequired: true,
    parent: null,
    guestPermit: { ...FULL, draw: false },
  };
  reg.add('r', meta, 'the-secret', '1234');
  const m = { userId: 'a', name: 'A', userType: 'host' as const, device: 'Firefox', video: false, audio: true, sessionId: 9, handleId: 8 };
  reg.reserve({ userId: 'a', name: 'A', signed: false, rooms: [], canCreate: true, role: 'guest', expiresAt: Infinity }, 'r', m);
  reg.admit('r', '9:8');
  const room = reg.get('r')!;
  // The host may do everything, whatever the room's default for guests.
  expect(memberView(reg, room, m)).toEqual({ id: 'a', name: 'A', userType: 'host', device: 'Firefox', video: false, audio: true, permit: FULL });
  const v = roomView(reg, room);
  expect(v.members).toEqual([memberView(reg, room, m)]);
  expect(v.share).toBeNull();
  expect(JSON.stringify(v)).not.toMatch(/the-secret|1234/);
});
