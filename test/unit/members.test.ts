import { infoOf, MemberTable } from '../../sdk/room/members';
import { resyncEvents, seedFromJoined, translateRoomEvent } from '../../sdk/room/presence';

/** The guard's view of a member, as it annotates Janus's entries (`kt`). */
const kt = (id: string, name: string, more: Record<string, unknown> = {}) => ({ id, name, userType: 'guest', device: '', video: true, audio: true, ...more });

const ROOM = 'r1';
const SELF = 'me';
const cam = (mid: string, type = 'video') => ({ type, mid, mindex: Number(mid), description: 'cam' });

function table(): MemberTable {
  return new MemberTable('host1');
}

test('joining becomes join with a full Member (id and userId)', () => {
  const t = table();
  const out = translateRoomEvent(t, ROOM, SELF, {
    videoroom: 'event',
    joining: { id: 'host1', display: 'Host', kt: kt('host1', 'Host', { device: 'pc', userType: 'host' }) },
  });
  expect(out).toEqual([
    {
      eventOp: 'presence',
      type: 'join',
      roomId: ROOM,
      user: {
        id: 'host1',
        userId: 'host1',
        name: 'Host',
        userType: 'host',
        device: 'pc',
        video: false,
        audio: false,
        publishing: false,
        permit: { chat: true, draw: true, screen: true, whiteboard: true, document: true },
      },
    },
  ]);
});

test('publishers become one publish with a feed per member and type', () => {
  const t = table();
  t.add('a', infoOf({ display: 'A' }));
  const out = translateRoomEvent(t, ROOM, SELF, {
    videoroom: 'event',
    publishers: [
      { id: 'a', display: 'A', streams: [cam('0', 'audio'), cam('1')] },
      { id: 'b', display: 'B', streams: [{ type: 'video', mid: '0' }] },
    ],
  });
  // b was unknown (a room without notify_joining): it is announced before its feed.
  expect(out.map((p) => p.type)).toEqual(['join', 'publish']);
  const publish = out[1] as any;
  expect(publish.feeds).toEqual([
    expect.objectContaining({ id: 'a', userId: 'a', type: 'cam', video: true, audio: true, publishing: true }),
    expect.objectContaining({ id: 'b', type: 'cam', video: true, audio: false }),
  ]);
  expect(t.streamsOf('a', 'cam').map((s) => s.mid)).toEqual(['0', '1']);
});

test('a repeated publishers event or a second unpublished yields nothing new', () => {
  const t = table();
  const ev = { videoroom: 'event', publishers: [{ id: 'a', streams: [cam('0')] }] };
  expect(translateRoomEvent(t, ROOM, SELF, ev).map((p) => p.type)).toEqual(['join', 'publish']);
  expect(translateRoomEvent(t, ROOM, SELF, ev)).toEqual([]);
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', unpublished: 'a' })).toEqual([
    { eventOp: 'presence', type: 'unpublish', roomId: ROOM, user: 'a', feedType: 'cam' },
  ]);
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', unpublished: 'a' })).toEqual([]);
});

test('leaving and kicked become leave with the userId string, once', () => {
  const t = table();
  t.add('a', infoOf({ display: 'A' }));
  t.add('b', infoOf({ display: 'B' }));
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', leaving: 'a' })).toEqual([{ eventOp: 'presence', type: 'leave', roomId: ROOM, user: 'a' }]);
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', leaving: 'a' })).toEqual([]);
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', kicked: 'b' })).toEqual([{ eventOp: 'presence', type: 'leave', roomId: ROOM, user: 'b' }]);
  expect(t.size).toBe(0);
});

test('events about ourselves are not presence', () => {
  const t = table();
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', joining: { id: SELF } })).toEqual([]);
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', publishers: [{ id: SELF, streams: [cam('0')] }] })).toEqual([]);
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', leaving: 'ok' })).toEqual([]);
});

test('a stream labelled screen is a separate feed; disabled and data streams are ignored', () => {
  const t = table();
  const out = translateRoomEvent(t, ROOM, SELF, {
    videoroom: 'event',
    publishers: [
      {
        id: 'a',
        streams: [cam('0'), { type: 'video', mid: '1', description: 'screen' }, { type: 'data', mid: '2' }, { type: 'audio', mid: '3', disabled: true }],
      },
    ],
  }) as any[];
  expect(out[1].feeds.map((f: any) => f.type)).toEqual(['cam', 'screen']);
  // Knowledgetalk apps hear of a share through `screen`.
  expect(out[2]).toEqual({ eventOp: 'presence', type: 'screen', roomId: ROOM, user: 'a' });
  expect(t.sharer()).toBe('a');
  expect(t.streamsOf('a', 'screen')).toEqual([{ mid: '1', kind: 'video', feedType: 'screen' }]);
  // The screen stream goes away (Janus marks it disabled): unpublish and shareStop for screen only.
  const disabled = { type: 'video', mid: '1', disabled: true };
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', publishers: [{ id: 'a', streams: [cam('0'), disabled] }] })).toEqual([
    { eventOp: 'presence', type: 'unpublish', roomId: ROOM, user: 'a', feedType: 'screen' },
    { eventOp: 'presence', type: 'shareStop', roomId: ROOM, user: 'a' },
  ]);
  expect(t.sharer()).toBeUndefined();
});

test('a member who leaves unpublishes its feeds (and stops sharing) before leaving', () => {
  const t = table();
  translateRoomEvent(t, ROOM, SELF, {
    videoroom: 'event',
    publishers: [{ id: 'a', streams: [{ type: 'video', mid: '1', description: 'screen' }] }],
  });
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', leaving: 'a' })).toEqual([
    { eventOp: 'presence', type: 'unpublish', roomId: ROOM, user: 'a', feedType: 'screen' },
    { eventOp: 'presence', type: 'shareStop', roomId: ROOM, user: 'a' },
    { eventOp: 'presence', type: 'leave', roomId: ROOM, user: 'a' },
  ]);
});

test('talking events become presence, the speaker included', () => {
  const t = table();
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'talking', id: SELF })).toEqual([
    { eventOp: 'presence', type: 'talking', roomId: ROOM, user: SELF, talking: true },
  ]);
  expect(translateRoomEvent(t, ROOM, SELF, { videoroom: 'stopped-talking', id: 'a' })).toEqual([
    { eventOp: 'presence', type: 'talking', roomId: ROOM, user: 'a', talking: false },
  ]);
});

test("a member's change from the guard updates it without presence; the camera switch shows in video", () => {
  const t = table();
  translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', publishers: [{ id: 'a', display: 'A', kt: kt('a', 'A'), streams: [cam('0')] }] });
  expect(t.get('a')).toMatchObject({ name: 'A', video: true });
  const out = translateRoomEvent(t, ROOM, SELF, { videoroom: 'kt_member', room: ROOM, member: kt('a', 'B', { video: false }) });
  expect(out).toEqual([]);
  expect(t.get('a')).toMatchObject({ name: 'B', video: false, publishing: true });
  // A client that is not ours renames itself through its display.
  translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', id: 'a', display: 'C' });
  expect(t.get('a')).toMatchObject({ name: 'C' });
});

test("the guard's view decides who is host, also a signed host who did not create the room", () => {
  const t = table();
  translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', joining: { id: 'teacher', display: 'T', kt: kt('teacher', 'T', { userType: 'host' }) } });
  translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', joining: { id: 'plain', display: 'P' } });
  expect(t.get('teacher')?.userType).toBe('host');
  expect(t.get('plain')?.userType).toBe('guest');
  expect(t.get('host1')).toBeUndefined();
});

test('joined seeds attendees and publishers, announcing only the feeds', () => {
  const t = table();
  const out = seedFromJoined(t, ROOM, SELF, {
    videoroom: 'joined',
    id: SELF,
    attendees: [{ id: 'quiet', display: 'Q' }],
    publishers: [{ id: 'host1', display: 'H', streams: [cam('0')] }],
  });
  expect(out).toEqual([
    { eventOp: 'presence', type: 'publish', roomId: ROOM, feeds: [expect.objectContaining({ id: 'host1', type: 'cam', userType: 'host' })] },
  ]);
  expect(
    t
      .all()
      .map((m) => m.id)
      .sort(),
  ).toEqual(['host1', 'quiet']);
});

test('after an outage, the participant list brings the table up to date: leaves, then joins', () => {
  const t = table();
  translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', publishers: [{ id: 'gone', streams: [cam('0')] }] });
  translateRoomEvent(t, ROOM, SELF, { videoroom: 'event', joining: { id: 'stays' } });
  const out = resyncEvents(t, ROOM, SELF, [{ id: SELF }, { id: 'stays' }, { id: 'new', display: 'N', kt: kt('new', 'N') }]);
  expect(out.map((p: any) => [p.type, p.user?.id ?? p.user, p.feedType])).toEqual([
    ['unpublish', 'gone', 'cam'],
    ['leave', 'gone', undefined],
    ['join', 'new', undefined],
  ]);
  expect(t.get('new')?.name).toBe('N');
  // Nothing changed: nothing to say.
  expect(resyncEvents(t, ROOM, SELF, [{ id: 'stays' }, { id: 'new' }])).toEqual([]);
});
