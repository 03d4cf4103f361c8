/**
 * Room lifecycle on a real Janus: the host's powers (kickOut, destroyRoom) and everyone else's
 * '413', memberList from inside and outside, capacity ('444'), destroy=false rooms that outlive
 * their members, and talking presence from Janus audio levels.
 */
import { createAndJoin, disconnectAll, initAll, newRoomId, useMembers, waitUntil } from '../support/call';

const open = useMembers();

test('only the host kicks and destroys; the kicked member is cleanly out, a destroyed room is gone', async () => {
  const [host, guest, victim, outsider] = await open(4);
  const roomId = newRoomId('host');
  await initAll([host, guest, victim, outsider], ['host', 'guest', 'victim', 'outsider']);
  await createAndJoin([host, guest, victim], roomId, 'Standup');
  expect(await victim.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);

  // memberList, from inside and from outside the room.
  const inside = await guest.call('memberList', roomId);
  expect(Object.keys(inside.members).sort()).toEqual(['guest', 'host', 'victim']);
  expect(inside.members.host).toMatchObject({ userType: 'host', name: 'Name host' });
  expect(inside.members.guest.userType).toBe('guest');
  await waitUntil('the victim listed as publishing', async () => (await outsider.call('memberList', roomId)).members?.victim?.publishing === true);
  const outside = await outsider.call('memberList', roomId);
  expect(Object.keys(outside.members).sort()).toEqual(['guest', 'host', 'victim']);
  expect(outside.members.host.userType).toBe('host');

  // Not the host: refused, nothing happens.
  expect(await guest.call('kickOut', 'victim')).toMatchObject({ code: '413' });
  expect(await guest.call('destroyRoom', roomId)).toMatchObject({ code: '413' });
  expect(await outsider.call('destroyRoom', roomId)).toMatchObject({ code: '413' });
  // Bad targets.
  expect(await host.call('kickOut')).toMatchObject({ code: '421' });
  expect(await host.call('kickOut', 'nobody')).toMatchObject({ code: '410' });
  expect(await host.call('kickOut', 'host')).toMatchObject({ code: '422' });
  expect(await outsider.call('kickOut', 'victim')).toMatchObject({ code: '400' });
  expect(await host.call('destroyRoom', 'no-such-room-x')).toMatchObject({ code: '441' });

  expect(await host.call('kickOut', 'victim')).toEqual({ code: '200' });
  expect(await victim.waitForPresence((p) => p.type === 'kickOut')).toEqual({
    eventOp: 'presence',
    type: 'kickOut',
    roomId,
    user: 'victim',
    reason: 'kicked',
  });
  await guest.waitForPresence((p) => p.type === 'leave' && p.user === 'victim');
  await guest.waitForPresence((p) => p.type === 'unpublish' && p.user === 'victim');
  expect(await victim.call('getRoomId')).toBeNull();
  await waitUntil('the kicked member holds no PeerConnection', async () => (await victim.harness('openPeerConnectionKinds')).length === 0);
  // Cleanly out: the same instance can come back.
  expect((await victim.call('joinRoom', roomId)).code).toBe('200');

  expect(await host.call('destroyRoom', roomId)).toEqual({ code: '200' });
  for (const [m, id] of [
    [guest, 'guest'],
    [victim, 'victim'],
  ] as const) {
    expect(await m.waitForPresence((p) => p.type === 'kickOut' && p.reason === 'destroyed')).toMatchObject({ user: id, roomId });
    expect(await m.call('getRoomId')).toBeNull();
  }
  expect(await host.call('getRoomId')).toBeNull();
  expect(await guest.call('joinRoom', roomId)).toMatchObject({ code: '441' });
  expect(await outsider.call('memberList', roomId)).toMatchObject({ code: '441' });
  await disconnectAll([host, guest, victim, outsider]);
});

test('capacity: the member over it gets 444; a 1:1 room holds two', async () => {
  const [a, b, c] = await open(3);
  await initAll([a, b, c], ['cap-a', 'cap-b', 'cap-c']);
  const group = newRoomId('cap');
  await createAndJoin([a, b], group, 'Two seats', 2);
  expect(await c.call('joinRoom', group)).toMatchObject({ code: '444' });
  expect(await b.call('leaveRoom', group)).toEqual({ code: '200' });
  expect((await c.call('joinRoom', group)).code).toBe('200');
  expect(await c.call('leaveRoom', group)).toEqual({ code: '200' });
  expect(await a.call('leaveRoom', group)).toEqual({ code: '200' });

  const oneToOne = newRoomId('p2p');
  expect(await a.call('createRoom', oneToOne)).toEqual({ code: '200', roomId: oneToOne });
  expect((await a.call('joinRoom', oneToOne)).code).toBe('200');
  expect((await b.call('joinRoom', oneToOne)).code).toBe('200');
  expect(await c.call('joinRoom', oneToOne)).toMatchObject({ code: '444' });
  expect(await a.call('createRoom', oneToOne)).toMatchObject({ code: '443' });
  expect(await a.call('createRoom', 'bad id!')).toMatchObject({ code: '422' });
  expect(await a.call('createRoom', undefined, 'T', 0)).toMatchObject({ code: '422' });
  await disconnectAll([a, b, c]);
});

test('a room created with destroy=false outlives its members until the host destroys it', async () => {
  const [a] = await open(1);
  await initAll([a], ['keeper']);
  const roomId = newRoomId('keep');
  expect(await a.call('createVideoRoom', roomId, 'Kept', undefined, false)).toEqual({ code: '200', roomId });
  expect((await a.call('joinRoom', roomId)).code).toBe('200');
  expect(await a.call('leaveRoom', roomId)).toEqual({ code: '200' });
  expect((await a.call('joinRoom', roomId)).code).toBe('200');
  expect(await a.call('leaveRoom', roomId)).toEqual({ code: '200' });
  // The host may destroy it from outside.
  expect(await a.call('destroyRoom', roomId)).toEqual({ code: '200' });
  expect(await a.call('joinRoom', roomId)).toMatchObject({ code: '441' });
  await disconnectAll([a]);
});

test('talkingNoty: a loud member is talking for everyone, and stops when it mutes', async () => {
  const [speaker, listener] = await open(2);
  await initAll([speaker, listener], ['loud', 'ear']);
  const roomId = newRoomId('talk');
  await createAndJoin([speaker, listener], roomId, 'Talk', undefined, true, true);
  expect((await listener.call('memberList', roomId)).code).toBe('200');
  await speaker.harness('canvas', 'voice', '#00ff00', { tone: true });
  expect(await speaker.harness('use', 'publishVideo', 'cam', { $stream: 'voice' })).toBe(true);
  expect(await listener.waitForPresence((p) => p.type === 'talking' && p.talking === true)).toEqual({
    eventOp: 'presence',
    type: 'talking',
    roomId,
    user: 'loud',
    talking: true,
  });
  await speaker.waitForPresence((p) => p.type === 'talking' && p.user === 'loud' && p.talking === true);
  // Muting sends silence: the talking stops.
  expect(await speaker.call('editUserInfo', undefined, undefined, false)).toEqual({ code: '200' });
  await listener.waitForPresence((p) => p.type === 'talking' && p.user === 'loud' && p.talking === false);
  await disconnectAll([speaker, listener]);
});

test('a room without talkingNoty sends no talking presence', async () => {
  const [speaker, listener] = await open(2);
  await initAll([speaker, listener], ['quiet-loud', 'quiet-ear']);
  const roomId = newRoomId('notalk');
  await createAndJoin([speaker, listener], roomId);
  await speaker.harness('canvas', 'voice', '#00ff00', { tone: true });
  expect(await speaker.harness('use', 'publishVideo', 'cam', { $stream: 'voice' })).toBe(true);
  await listener.waitForPresence((p) => p.type === 'publish');
  expect(await listener.harness('subscribe', 'quiet-loud', 'cam')).toEqual({ audio: 1, video: 1 });
  // Audio has flowed long enough for a talking decision (50 packets = 1 s) several times over.
  const samples = await listener.harness('audioSamples', 'quiet-loud', 'cam');
  expect(samples.second).toBeGreaterThan(samples.first);
  await new Promise((r) => setTimeout(r, 2000));
  expect((await listener.presence()).filter((p) => p.type === 'talking')).toEqual([]);
  await disconnectAll([speaker, listener]);
});
