/**
 * What the SDK reads of the guard's views (sdk/janus/guard-views.ts) and of Janus entries
 * (room/members.ts infoOf, room/presence.ts feedTypeOf): defensively, with defaults, and a client
 * that is not ours (a plain janus.js page) read by its display.
 */
import { joinedViewOf, memberViewOf, roomViewOf } from '../../sdk/janus/guard-views';
import { infoOf } from '../../sdk/room/members';

const FULL = { chat: true, draw: true, screen: true, whiteboard: true, document: true };
import { feedTypeOf } from '../../sdk/room/presence';

test('a room view with defaults for what is missing or wrong', () => {
  const view = {
    title: '회의실 "A"',
    capacity: 4,
    host: 'u1',
    destroy: true,
    talkingNoty: false,
    p2p: false,
    recording: true,
    createdAt: 1700000000000,
    pinRequired: true,
    parent: 'main',
  };
  const share = { type: 'document', user: 'u1', board: 3, document: { url: 'https://x/a.pdf', page: 2 } };
  expect(
    roomViewOf({
      ...view,
      guestPermit: { draw: false, extra: 1 },
      share,
      members: [{ id: 'u1', name: 'One', userType: 'host', permit: { chat: false } }, { name: 'no id' }],
    }),
  ).toEqual({
    ...view,
    guestPermit: { ...FULL, draw: false },
    share,
    members: [{ id: 'u1', name: 'One', userType: 'host', device: '', video: true, audio: true, permit: { ...FULL, chat: false } }],
  });
  expect(roomViewOf({ share: { type: 'video', user: 'x' } })).toMatchObject({ share: null, parent: null, guestPermit: FULL });
  expect(roomViewOf({ capacity: -3, host: 5, title: ['x'] })).toMatchObject({ capacity: null, host: '', title: '', members: [] });
  expect(roomViewOf(undefined)).toMatchObject({ title: '', capacity: null, recording: false });
});

test('a member view: switches default to on, anything but host is a guest', () => {
  expect(memberViewOf({ id: 'k', name: 'Kim', userType: 'admin', device: 'pc', video: false })).toEqual({
    id: 'k',
    name: 'Kim',
    userType: 'guest',
    device: 'pc',
    video: false,
    audio: true,
    permit: FULL,
  });
  expect(memberViewOf({ name: 'no id' })).toBeUndefined();
  expect(memberViewOf('k')).toBeUndefined();
});

test('our joined event: who we are and the room', () => {
  const data = { videoroom: 'joined', kt: { self: { id: 'me', name: 'Me', userType: 'host' }, room: { title: 'T', host: 'me' } } };
  expect(joinedViewOf(data)).toMatchObject({ self: { id: 'me', userType: 'host' }, room: { title: 'T', host: 'me' } });
  expect(joinedViewOf({ videoroom: 'joined' })).toMatchObject({ self: undefined, room: { title: '' } });
});

test("a member's info comes from the guard's view; a client that is not ours is its display", () => {
  expect(infoOf({ display: 'ignored', kt: { id: 'k', name: 'Kim', device: 'pc', video: false, audio: true, userType: 'host' } })).toEqual({
    name: 'Kim',
    device: 'pc',
    video: false,
    audio: true,
    userType: 'host',
    permit: FULL,
  });
  expect(infoOf({ display: 'Lee' })).toEqual({ name: 'Lee', device: '', video: true, audio: true });
  expect(infoOf({ display: 42 })).toEqual({ name: '', device: '', video: true, audio: true });
});

test('streams are camera unless labelled screen', () => {
  expect(feedTypeOf('screen')).toBe('screen');
  expect(feedTypeOf('cam')).toBe('cam');
  expect(feedTypeOf(undefined)).toBe('cam');
});
