/**
 * The Knowledgetalk group-call flow (SPEC §2) between Chromium pages on a real Janus, proven by
 * decoded frames on every receiving side, and checked for leaks with the Admin API.
 */
import type { MemberPage } from '../support/browser';
import { disconnectAll, newRoomId, useMembers, waitForPublish } from '../support/call';

const openMembers = useMembers();

/** init, then the first member creates the room; everyone joins and publishes the fake camera. */
async function joinAndPublish(members: MemberPage[], roomId: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, m] of members.entries()) {
    const init = await m.call('init', 'cp-code', 'auth-key', `user${i}-${roomId.slice(-6)}`, `User ${i}`);
    expect(init).toEqual({ code: '200', userId: `user${i}-${roomId.slice(-6)}` });
    ids.push(init.userId);
  }
  expect(await members[0].call('createVideoRoom', roomId, 'Test room')).toEqual({ code: '200', roomId });
  for (const m of members) {
    const joined = await m.call('joinRoom', roomId);
    expect(joined.code).toBe('200');
    expect(await m.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  }
  return ids;
}

/** Each member subscribes to every other member and must decode frames from each. */
async function expectEveryoneSeesEveryone(members: MemberPage[], ids: string[]): Promise<void> {
  await Promise.all(
    members.map(async (m, i) => {
      for (const [j, other] of ids.entries()) {
        if (i === j) continue;
        await waitForPublish(m, other);
        expect(await m.harness('subscribe', other, 'cam')).toEqual({ audio: 1, video: 1 });
      }
      for (const [j, other] of ids.entries()) {
        if (i === j) continue;
        const frames = await m.harness('frames', other, 'cam', 5);
        expect(frames).toEqual(expect.objectContaining({ frames: expect.any(Number), width: 320 }));
        expect(frames.frames).toBeGreaterThanOrEqual(5);
        const audio = await m.harness('audioSamples', other, 'cam');
        expect(audio.second).toBeGreaterThan(audio.first);
      }
    }),
  );
}

test('two members see and hear each other', async () => {
  const members = await openMembers(2);
  const ids = await joinAndPublish(members, newRoomId());
  await expectEveryoneSeesEveryone(members, ids);
  await disconnectAll(members);
  // The default log level ('error') keeps a whole call, janus.js included, out of the console.
  for (const m of members) expect(m.logs).toEqual([]);
});

test('four members: every member decodes every other member', async () => {
  const members = await openMembers(4);
  const ids = await joinAndPublish(members, newRoomId());
  await expectEveryoneSeesEveryone(members, ids);
  await disconnectAll(members);
});

test('a late joiner receives the members already publishing through publish presence', async () => {
  const [a, b, late] = await openMembers(3);
  const roomId = newRoomId();
  const ids = await joinAndPublish([a, b], roomId);
  const init = await late.call('init', 'cp', 'key', 'late-joiner');
  expect(init.code).toBe('200');
  const joined = await late.call('joinRoom', roomId);
  expect(joined).toEqual(
    expect.objectContaining({
      code: '200',
      roomId,
      title: 'Test room',
      host: expect.objectContaining({ id: ids[0], userType: 'host' }),
      media: true,
      share: null,
      isRecording: false,
      talkingNoty: false,
    }),
  );
  expect(Object.keys(joined.members).sort()).toEqual([...ids, 'late-joiner'].sort());
  expect(joined.members[ids[0]]).toEqual({
    id: ids[0],
    userId: ids[0],
    name: 'User 0',
    userType: 'host',
    device: '',
    video: true,
    audio: true,
    publishing: true,
    permit: { chat: true, draw: true, screen: true, whiteboard: true, document: true },
  });
  expect(joined.members['late-joiner']).toEqual(expect.objectContaining({ userType: 'guest', publishing: false }));
  // Exactly what the original sample does: subscribe on 'publish'.
  for (const id of ids) {
    const p = await late.waitForPresence((d) => d.type === 'publish' && d.feeds.some((f: any) => f.id === id));
    expect(p.roomId).toBe(roomId);
    expect(p.feeds.find((f: any) => f.id === id)).toEqual(expect.objectContaining({ id, userId: id, type: 'cam' }));
    expect(await late.harness('subscribe', id, 'cam')).toEqual({ audio: 1, video: 1 });
    expect((await late.harness('frames', id, 'cam', 5)).frames).toBeGreaterThanOrEqual(5);
  }
  // The members already there were told about the newcomer.
  const join = await a.waitForPresence((d) => d.type === 'join' && d.user.id === 'late-joiner');
  expect(join.user).toEqual(expect.objectContaining({ id: 'late-joiner', userId: 'late-joiner', userType: 'guest' }));
  await disconnectAll([a, b, late]);
});

test('leaveRoom gives the others leave, and the room goes when the last member leaves', async () => {
  const [a, b] = await openMembers(2);
  const roomId = newRoomId();
  const [idA, idB] = await joinAndPublish([a, b], roomId);
  await a.waitForPresence((d) => d.type === 'publish' && d.feeds.some((f: any) => f.id === idB));
  expect(await b.call('leaveRoom', roomId)).toEqual({ code: '200' });
  const leave = await a.waitForPresence((d) => d.type === 'leave');
  expect(leave).toEqual({ eventOp: 'presence', type: 'leave', roomId, user: idB });
  expect(await b.call('getRoomId')).toBeNull();
  // Out of the room, no PeerConnection stays open (messages go through the guard, not a data channel).
  expect(await b.harness('openPeerConnectionKinds')).toEqual([]);
  // b is still connected and can come back.
  expect((await b.call('joinRoom', roomId)).code).toBe('200');
  expect(await b.call('leaveRoom', roomId)).toEqual({ code: '200' });
  expect(await a.call('leaveRoom', roomId)).toEqual({ code: '200' });
  // Created with destroy=true (the default): gone with its last member.
  expect((await b.call('joinRoom', roomId)).code).toBe('441');
  expect(await a.call('getUserId')).toBe(idA);
  await disconnectAll([a, b]);
});

test('video-only and audio-only feeds', async () => {
  const [v, a, viewer] = await openMembers(3);
  const roomId = newRoomId();
  for (const [m, id] of [
    [v, 'video-only'],
    [a, 'audio-only'],
    [viewer, 'viewer'],
  ] as const) {
    expect((await m.call('init', 'cp', 'key', id)).code).toBe('200');
  }
  expect((await v.call('createVideoRoom', roomId)).code).toBe('200');
  for (const m of [v, a, viewer]) expect((await m.call('joinRoom', roomId)).code).toBe('200');
  expect(await v.harness('publish', 'cam', { video: true, audio: false })).toBe(true);
  expect(await a.harness('publish', 'cam', { video: false, audio: true })).toBe(true);
  await viewer.waitForPresence((d) => d.type === 'publish' && d.feeds.some((f: any) => f.id === 'video-only'));
  await viewer.waitForPresence((d) => d.type === 'publish' && d.feeds.some((f: any) => f.id === 'audio-only'));
  expect(await viewer.harness('subscribe', 'video-only', 'cam')).toEqual({ audio: 0, video: 1 });
  expect(await viewer.harness('subscribe', 'audio-only', 'cam')).toEqual({ audio: 1, video: 0 });
  expect((await viewer.harness('frames', 'video-only', 'cam', 5)).frames).toBeGreaterThanOrEqual(5);
  const samples = await viewer.harness('audioSamples', 'audio-only', 'cam');
  expect(samples.second).toBeGreaterThan(samples.first);
  const members = (await viewer.call('getMembers')) as Record<string, any>;
  expect(members['video-only']).toEqual(expect.objectContaining({ video: true, audio: false, publishing: true }));
  expect(members['audio-only']).toEqual(expect.objectContaining({ video: false, audio: true, publishing: true }));
  await disconnectAll([v, a, viewer]);
});

test('init and joinRoom report their progress, then connected with the members', async () => {
  const [a, b] = await openMembers(2);
  const roomId = newRoomId();
  await joinAndPublish([a], roomId);
  expect((await b.call('init', 'cp', 'key', 'progress-b')).code).toBe('200');
  expect((await b.call('joinRoom', roomId)).code).toBe('200');
  const progress = await b.page.evaluate(() => (window as any).harness.progress);
  const steps = progress.filter((p: any) => p.type === 'connecting').map((p: any) => p.detail.progress);
  expect(steps).toEqual([0, 30, 40, 70, 100]);
  const connected = progress.filter((p: any) => p.type === 'connected');
  expect(connected).toHaveLength(1);
  expect(connected[0].detail.roomId).toBe(roomId);
  const ids = Object.keys(connected[0].detail.members);
  expect(ids).toHaveLength(2);
  expect(ids).toEqual(expect.arrayContaining(['progress-b', expect.stringMatching(/^user0-/)]));
  // A join that fails goes no further than the join, where the guard refuses it: no 100, no connected.
  const [c] = await openMembers(1);
  expect((await c.call('init', 'cp', 'key')).code).toBe('200');
  expect((await c.call('joinRoom', 'no-such-room-progress')).code).toBe('441');
  const failed = await c.page.evaluate(() => (window as any).harness.progress);
  expect(failed.map((p: any) => p.detail.progress ?? p.type)).toEqual([0, 30, 40, 70]);
  await disconnectAll([a, b, c]);
});

test('getStats: the figures of a feed we receive and of the one we send', async () => {
  const members = await openMembers(2);
  const ids = await joinAndPublish(members, newRoomId());
  const [a, b] = members;
  await waitForPublish(b, ids[0]);
  expect(await b.harness('subscribe', ids[0], 'cam')).toEqual({ audio: 1, video: 1 });
  await b.harness('frames', ids[0], 'cam', 10);
  const received = await b.call('getStats', ids[0], 'cam');
  expect(received.code).toBe('200');
  expect(received.stats).toMatchObject({ userId: ids[0], type: 'cam', direction: 'receive' });
  expect(received.stats.video.bitrate).toBeGreaterThan(0);
  expect(received.stats.video.fps).toBeGreaterThan(0);
  expect(received.stats.video.width).toBe(320);
  expect(received.stats.audio.bitrate).toBeGreaterThan(0);
  expect(received.stats.video.lossRate).toBeGreaterThanOrEqual(0);
  const sent = await a.call('getStats', ids[0], 'cam');
  expect(sent.stats.direction).toBe('send');
  expect(sent.stats.video.bitrate).toBeGreaterThan(0);
  expect(sent.stats.rtt).toBeGreaterThanOrEqual(0);
  // Bad inputs.
  expect(await b.call('getStats')).toMatchObject({ code: '421' });
  expect(await b.call('getStats', 'nobody', 'cam')).toMatchObject({ code: '422' });
  expect(await b.call('getStats', ids[0], 'screen')).toMatchObject({ code: '422' });
  expect(await b.call('getStats', ids[1], 'screen')).toMatchObject({ code: '400' });
  await disconnectAll(members);
});
