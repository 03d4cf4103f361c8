/**
 * What the host decides for the others, enforced by the gateway guard between Chromium pages on a
 * real Janus: permits (Member.permit everywhere, refusals with the documented code, kept across a
 * reload, and a page that bypasses the SDK refused too), editRoomInfo (title, capacity, handing the
 * host role on), breakout groups, init's `forced` take-over, user ids as apps use them (Hangul,
 * e-mail), and the older getters.
 */
import { createAndJoin, disconnectAll, expectFrames, initAll, newRoomId, useMembers, waitUntil } from '../support/call';

const open = useMembers();
const FULL = { chat: true, draw: true, screen: true, whiteboard: true, document: true };

test('permit: every Member has one; the host withdraws chat and screen, the guard refuses them, also after a reload and past the SDK', async () => {
  const [h, g] = await open(2);
  const roomId = newRoomId('permit');
  await initAll([h, g], ['teacher-p', 'pupil-p']);
  await createAndJoin([h, g], roomId);
  const joinSeen = await h.waitForPresence((p) => p.type === 'join' && p.user.id === 'pupil-p');
  expect(joinSeen.user.permit).toEqual(FULL);
  expect((await g.call('memberList', roomId)).members['teacher-p']).toMatchObject({ userType: 'host', permit: FULL });

  expect(await g.call('permit', 'teacher-p', false)).toMatchObject({ code: '413' }); // a guest gives nothing
  expect(await h.call('permit', 'pupil-p')).toMatchObject({ code: '421' });
  expect(await h.call('permit', 'pupil-p', 'no')).toMatchObject({ code: '422' });
  expect(await h.call('permit', 'nobody-here', true)).toMatchObject({ code: '410' });
  expect(await h.call('permit', 'pupil-p', false, undefined, false)).toEqual({ code: '200' });
  expect((await g.waitForPresence((p) => p.type === 'permit')).permit).toEqual({ ...FULL, chat: false, screen: false });
  expect((await h.waitForPresence((p) => p.type === 'permit' && p.user === 'pupil-p')).permit.chat).toBe(false);

  expect(await g.call('chat', 'may I?', roomId)).toMatchObject({ code: '413' });
  expect(await g.call('inform', { ask: 1 })).toEqual({ code: '200' }); // inform is not chat
  await g.harness('canvas', 'screen', '#00ff00');
  expect(await g.harness('use', 'screenStart', { $stream: 'screen' })).toBe(false);
  // Past the SDK: the page sends a chat envelope straight through its control handle.
  const raw = await g.page.evaluate(async (room) => {
    const control = (window as any).harness.kt.client.connection.control;
    return control.message(room, { k: 'chat', m: 'sneaky' }).then(
      () => 'sent',
      (e: any) => e.code,
    );
  }, roomId);
  expect(raw).toBe('413');

  // A reload gains nothing: the permit is the identity's in that room.
  await g.call('disconnect');
  await initAll([g], ['pupil-p']);
  const back = await g.call('joinRoom', roomId);
  expect(back.members['pupil-p'].permit).toEqual({ ...FULL, chat: false, screen: false });
  expect(await g.call('chat', 'again?', roomId)).toMatchObject({ code: '413' });

  expect(await h.call('permit', 'pupil-p', true, undefined, true)).toEqual({ code: '200' });
  await waitUntil('the permit back', async () => (await g.call('memberList', roomId)).members['pupil-p'].permit.chat === true);
  expect(await g.call('chat', 'thank you', roomId)).toEqual({ code: '200' });
  expect(await h.waitForPresence((p) => p.type === 'chat' && p.message === 'thank you')).toMatchObject({ user: 'pupil-p' });
  expect(await g.harness('use', 'screenStart', { $stream: 'screen' })).toEqual({ code: '200' });
  await disconnectAll([h, g]);
});

test('a room whose guests start without permits (createVideoRoom options.guestPermit)', async () => {
  const [h, g] = await open(2);
  const roomId = newRoomId('strict');
  await initAll([h, g], ['strict-h', 'strict-g']);
  await createAndJoin([h, g], roomId, 'Exam', 4, true, false, { guestPermit: { chat: false, draw: false, screen: false } });
  const joined = await g.call('memberList', roomId);
  expect(joined.members['strict-g'].permit).toEqual({ ...FULL, chat: false, draw: false, screen: false });
  expect(joined.members['strict-h'].permit).toEqual(FULL);
  expect(await g.call('chat', 'hello?', roomId)).toMatchObject({ code: '413' });
  expect(await h.call('chat', 'quiet please', roomId)).toEqual({ code: '200' });
  await disconnectAll([h, g]);
});

test('editRoomInfo: title and capacity for everyone, the host role handed on; the old host is a guest', async () => {
  const [h, g, x] = await open(3);
  const roomId = newRoomId('edit');
  await initAll([h, g, x], ['first-host', 'next-host', 'third']);
  await createAndJoin([h, g], roomId, 'Before', 4);
  expect(await g.call('editRoomInfo', roomId, 'Hijack')).toMatchObject({ code: '413' });
  expect(await h.call('editRoomInfo', roomId)).toMatchObject({ code: '421' });
  expect(await h.call('editRoomInfo', roomId, undefined, 1)).toMatchObject({ code: '412' }); // two members are in
  expect(await h.call('editRoomInfo', roomId, undefined, undefined, 'not-a-member')).toMatchObject({ code: '410' });
  expect(await h.call('editRoomInfo', roomId, 'After', 2)).toEqual({ code: '200' });
  expect(await g.waitForPresence((p) => p.type === 'editRoomInfo')).toMatchObject({ title: 'After', capacity: 2, host: 'first-host' });
  // Capacity 2 with two members in: the third is refused by the guard.
  expect(await x.call('joinRoom', roomId)).toMatchObject({ code: '444' });

  expect(await h.call('editRoomInfo', roomId, undefined, undefined, 'next-host')).toEqual({ code: '200' });
  expect(await g.waitForPresence((p) => p.type === 'editRoomInfo' && p.host === 'next-host')).toBeTruthy();
  await waitUntil('the roles swapped', async () => {
    const m = (await h.call('memberList', roomId)).members;
    return m['next-host'].userType === 'host' && m['first-host'].userType === 'guest';
  });
  expect(await h.call('kickOut', 'next-host')).toMatchObject({ code: '413' });
  expect(await g.call('editRoomInfo', roomId, undefined, 3)).toEqual({ code: '200' });
  expect((await x.call('joinRoom', roomId)).host).toMatchObject({ id: 'next-host', userType: 'host' });
  expect(await g.call('kickOut', 'first-host')).toEqual({ code: '200' });
  expect(await h.waitForPresence((p) => p.type === 'kickOut')).toMatchObject({ reason: 'kicked' });
  await disconnectAll([h, g, x]);
});

test('breakout groups: listed members hear createGroup, move, talk there, hear endGroup and come back', async () => {
  const [h, a, b] = await open(3);
  const main = newRoomId('main');
  await initAll([h, a, b], ['group-host', 'group-a', 'group-b']);
  await createAndJoin([h, a, b], main, 'Class', 10);
  expect(await a.call('createGroup', ['group-b'])).toMatchObject({ code: '413' });
  expect(await h.call('createGroup', 'group-a')).toMatchObject({ code: '422' });
  const made = await h.call('createGroup', ['group-a', 'group-b'], 'Team 1');
  expect(made).toMatchObject({ code: '200', groupId: expect.any(String) });
  for (const m of [a, b])
    expect(await m.waitForPresence((p) => p.type === 'createGroup')).toMatchObject({ user: 'group-host', groupId: made.groupId, title: 'Team 1' });
  for (const m of [a, b]) {
    expect(await m.call('leaveRoom', main)).toEqual({ code: '200' });
    expect(await m.call('joinRoom', made.groupId)).toMatchObject({ code: '200', title: 'Team 1', parent: main });
  }
  // Media and chat in the group.
  expect(await a.harness('publish', 'cam', { video: { width: 320, height: 240 } })).toBe(true);
  await b.waitForPresence((p) => p.type === 'publish' && p.feeds.some((f: any) => f.id === 'group-a'));
  expect(await b.harness('subscribe', 'group-a', 'cam')).toMatchObject({ video: 1 });
  await expectFrames(b, 'group-a', 'cam');
  expect(await a.call('chat', 'in the group', made.groupId)).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'chat' && p.message === 'in the group');
  // The main room did not hear it.
  expect((await h.presence()).some((p) => p.type === 'chat')).toBe(false);

  expect(await h.call('endGroup', 'no-such-group')).toMatchObject({ code: '451' });
  expect(await h.call('endGroup', made.groupId)).toEqual({ code: '200' });
  for (const m of [a, b]) expect(await m.waitForPresence((p) => p.type === 'endGroup')).toMatchObject({ groupId: made.groupId, mainRoomId: main });
  for (const m of [a, b]) {
    await m.waitForPresence((p) => p.type === 'kickOut' && p.reason === 'destroyed');
    expect(await m.call('joinRoom', main)).toMatchObject({ code: '200' });
  }
  await waitUntil('both back in the main room', async () => Object.keys((await h.call('memberList', main)).members).length === 3);
  await disconnectAll([h, a, b]);
});

test('init(..., forced): a second sign-in of the same id takes over; the first is told and disconnected', async () => {
  const [first, second] = await open(2);
  const roomId = newRoomId('forced');
  await initAll([first], ['twin@example.com']);
  // Not destroyed when it empties: the first sign-in's seat goes with it.
  await createAndJoin([first], roomId, 'Twins', 4, false);
  const server = process.env.JANUS_URL;
  expect(await second.call('init', 'cp', 'key', 'twin@example.com', 'Twin', 'phone', true)).toMatchObject({ code: '200', userId: 'twin@example.com' });
  expect(await first.waitForPresence((p) => p.type === 'kickOut')).toMatchObject({ reason: 'replaced', user: 'twin@example.com' });
  await waitUntil('the first instance disconnected', async () => (await first.call('getConnectionState')) === 'disconnected');
  expect(await second.call('joinRoom', roomId)).toMatchObject({ code: '200' });
  expect(server).toBeTruthy();
  await disconnectAll([first, second]);
});

test('ids as apps use them: Hangul and e-mail addresses chat with each other; a space or a slash is still refused', async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('한글방');
  expect(await a.call('init', 'cp', 'key', '김철수', '김철수')).toMatchObject({ code: '200', userId: '김철수' });
  expect(await b.call('init', 'cp', 'key', 'lee.young+class@example.co.kr')).toMatchObject({ code: '200' });
  await createAndJoin([a, b], roomId);
  expect(await a.call('chat', '안녕하세요', undefined, 'lee.young+class@example.co.kr')).toEqual({ code: '200' });
  expect(await b.waitForPresence((p) => p.type === 'chat')).toMatchObject({ user: '김철수', message: '안녕하세요', whisper: true });
  expect(await a.call('kickOut', 'has space')).toMatchObject({ code: '422' });
  expect(await a.call('kickOut', 'a/b')).toMatchObject({ code: '422' });
  expect(await a.call('kickOut', 'x'.repeat(65))).toMatchObject({ code: '422' });
  await disconnectAll([a, b]);
});

test('the older getters: peers, media, share type, userId and streams; getSocket is 501', async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('getters');
  await initAll([a, b], ['get-a', 'get-b']);
  await createAndJoin([a, b], roomId);
  expect(await a.call('isMedia')).toBe(true);
  expect(await a.harness('publish', 'cam', { video: { width: 320, height: 240 } })).toBe(true);
  await b.waitForPresence((p) => p.type === 'publish');
  expect(await b.harness('subscribe', 'get-a', 'cam')).toMatchObject({ video: 1 });
  const peers = await b.page.evaluate(() => {
    const kt = (window as any).harness.kt;
    const all = kt.getAllPeers();
    return { keys: Object.keys(all).sort(), pc: kt.getPeer('get-a') instanceof RTCPeerConnection, userId: kt.userId, streams: Object.keys(kt.streams) };
  });
  expect(peers).toEqual({ keys: ['get-a'], pc: true, userId: 'get-b', streams: ['get-a'] });
  expect(await a.page.evaluate(() => Object.keys((window as any).harness.kt.getAllPeers()))).toEqual(['get-a']);
  expect(await a.call('getSocket')).toMatchObject({ code: '501' });
  expect(
    await a.page.evaluate(() => {
      const kt = (window as any).harness.kt;
      try {
        kt.userId = 'someone-else';
      } catch {
        /* read-only: strict mode throws, sloppy ignores */
      }
      return kt.userId;
    }),
  ).toBe('get-a');
  // A 1:1 room (createRoom) is not a media-server room for the app's logic.
  const p2p = newRoomId('p2p');
  expect(await a.call('leaveRoom', roomId)).toEqual({ code: '200' });
  expect(await a.call('createRoom', p2p)).toMatchObject({ code: '200' });
  expect(await a.call('joinRoom', p2p)).toMatchObject({ code: '200', media: false });
  expect(await a.call('isMedia')).toBe(false);
  await disconnectAll([a, b]);
});

test('screenStart(stream, target): that member alone receives it, with presence subscribed (cam: false)', async () => {
  const [a, b, c] = await open(3);
  const roomId = newRoomId('p2pscreen');
  await initAll([a, b, c], ['shower', 'target', 'bystander']);
  await createAndJoin([a, b, c], roomId);
  await a.harness('canvas', 'screen', '#ff0000');
  expect(await a.harness('use', 'screenStart', { $stream: 'screen' }, 'target')).toEqual({ code: '200' });
  expect(await b.waitForPresence((p) => p.type === 'subscribed')).toMatchObject({ user: 'shower', cam: false });
  await waitUntil('the target has the screen stream', async () => (await b.harness('use', 'getStream', 'screen')) !== null);
  await new Promise((r) => setTimeout(r, 1000));
  expect((await c.presence()).some((p) => p.type === 'subscribed')).toBe(false);
  await disconnectAll([a, b, c]);
});
