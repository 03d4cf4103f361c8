/**
 * chat / inform / editUserInfo carried by the gateway guard between Chromium pages on a real Janus:
 * room-wide and whispered messages (a whisper reaches its target only), any JSON for inform, and
 * the camera/microphone switches as the others see them (presence, memberList, decoded pixels).
 */
import type { MemberPage } from '../support/browser';
import { createAndJoin, disconnectAll, initAll, isBlack, newRoomId, useMembers, waitForPixel } from '../support/call';

const open = useMembers();

/** Presence of one type received by a member, in order. */
async function received(m: MemberPage, type: string): Promise<any[]> {
  return (await m.presence()).filter((p) => p.type === type);
}

test('chat to the room reaches everyone else; a whisper reaches its target only', async () => {
  const [a, b, c] = await open(3);
  const roomId = newRoomId('chat');
  await initAll([a, b, c], ['alice', 'bob', 'carol']);
  await createAndJoin([a, b, c], roomId);

  const hello = '안녕하세요 <b>everyone</b>';
  expect(await a.call('chat', hello, roomId)).toEqual({ code: '200' });
  for (const m of [b, c]) {
    const chat = await m.waitForPresence((p) => p.type === 'chat');
    expect(chat).toEqual({ eventOp: 'presence', type: 'chat', roomId, user: 'alice', message: hello, whisper: false });
  }
  // The room default: no roomId, no userId.
  expect(await b.call('chat', 'from bob')).toEqual({ code: '200' });
  await c.waitForPresence((p) => p.type === 'chat' && p.user === 'bob');

  // A whisper, then a room message from the same sender: when carol has the room message, she
  // would have had the whisper too (one ordered channel per sender).
  expect(await a.call('chat', 'psst bob', undefined, 'bob')).toEqual({ code: '200' });
  expect(await a.call('chat', 'after the whisper')).toEqual({ code: '200' });
  const whisper = await b.waitForPresence((p) => p.type === 'chat' && p.message === 'psst bob');
  expect(whisper).toMatchObject({ user: 'alice', whisper: true });
  await c.waitForPresence((p) => p.type === 'chat' && p.message === 'after the whisper');
  expect((await received(c, 'chat')).map((p) => p.message)).not.toContain('psst bob');
  // Nobody hears their own messages back.
  expect((await received(a, 'chat')).map((p) => p.user)).not.toContain('alice');

  // inform: any JSON value, to the room or to one member.
  const payload = { type: 'reconnect', n: 3, list: [1, 'two', null], nested: { ok: true }, text: '한국어' };
  expect(await a.call('inform', payload)).toEqual({ code: '200' });
  expect(await b.waitForPresence((p) => p.type === 'inform')).toEqual({
    eventOp: 'presence',
    type: 'inform',
    roomId,
    user: 'alice',
    message: payload,
    whisper: false,
  });
  expect(await c.call('inform', 42, 'alice', roomId)).toEqual({ code: '200' });
  expect(await a.waitForPresence((p) => p.type === 'inform')).toMatchObject({ user: 'carol', message: 42, whisper: true });

  await disconnectAll([a, b, c]);
});

test('editUserInfo turns the camera off for the others, with and without broadcast', async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('info');
  await initAll([a, b], ['speaker', 'watcher']);
  await createAndJoin([a, b], roomId);
  expect(await a.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  await b.waitForPresence((p) => p.type === 'publish');
  expect(await b.harness('subscribe', 'speaker', 'cam')).toEqual({ audio: 1, video: 1 });
  await waitForPixel(b, 'speaker', 'cam', (rgb) => !isBlack(rgb));

  // Camera off, announced: presence, memberList, the local track, and black frames on the other side.
  expect(await a.call('editUserInfo', 'Speaker Kim', false, true, true)).toEqual({ code: '200' });
  expect(await b.waitForPresence((p) => p.type === 'editUserInfo')).toEqual({
    eventOp: 'presence',
    type: 'editUserInfo',
    roomId,
    user: 'speaker',
    name: 'Speaker Kim',
    video: false,
    audio: true,
  });
  expect(await a.page.evaluate(() => (window as any).localStreams.cam.getVideoTracks()[0].enabled)).toBe(false);
  const seen = await b.call('memberList', roomId);
  expect(seen.members.speaker).toMatchObject({ name: 'Speaker Kim', video: false, audio: true, publishing: true });
  expect((await a.call('memberList', roomId)).members.speaker).toMatchObject({ name: 'Speaker Kim', video: false });
  expect(await a.call('getName')).toBe('Speaker Kim');
  await waitForPixel(b, 'speaker', 'cam', isBlack);

  // Microphone off with broadcast false (the default is true, as the current docs say):
  // memberList follows, no presence.
  expect(await a.call('editUserInfo', undefined, true, false, false)).toEqual({ code: '200' });
  const deadline = Date.now() + 10000;
  let member: any;
  do {
    member = (await b.call('memberList', roomId)).members.speaker;
    if (member.audio === false) break;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < deadline);
  expect(member).toMatchObject({ video: true, audio: false });
  expect(await received(b, 'editUserInfo')).toHaveLength(1);
  await waitForPixel(b, 'speaker', 'cam', (rgb) => !isBlack(rgb));

  // A late joiner sees the state in joinRoom's members.
  const [late] = await open(1);
  await initAll([late], ['late']);
  const joined = await late.call('joinRoom', roomId);
  expect(joined.members.speaker).toMatchObject({ name: 'Speaker Kim', video: true, audio: false });

  await disconnectAll([a, b, late]);
});

test('bad message and user-info calls resolve with their codes; the channel still works after', async () => {
  const [a, b] = await open(2);
  expect(await a.call('chat', 'hi')).toMatchObject({ code: '400' });
  expect(await a.call('editUserInfo', 'x')).toMatchObject({ code: '400' });
  const roomId = newRoomId('badmsg');
  await initAll([a, b], ['bad-a', 'bad-b']);
  expect(await a.call('chat', 'not in a room yet')).toMatchObject({ code: '400' });
  // Outside a room, editUserInfo only changes what we will show.
  expect(await a.call('editUserInfo', 'Renamed')).toEqual({ code: '200' });
  await createAndJoin([a, b], roomId);

  const cases: [string, unknown[], string][] = [
    ['chat', [], '421'],
    ['chat', [''], '421'],
    ['chat', [42], '422'],
    ['chat', ['x'.repeat(40 * 1024)], '422'],
    ['chat', ['hi', 'other-room'], '400'],
    ['chat', ['hi', 'bad id!'], '422'],
    ['chat', ['hi', undefined, 'nobody'], '410'],
    ['chat', ['hi', undefined, 'bad-a'], '422'],
    ['inform', [], '421'],
    ['inform', [{ big: 'x'.repeat(40 * 1024) }], '422'],
    ['inform', ['x', 'nobody'], '410'],
    ['inform', ['x', 42], '422'],
    ['editUserInfo', [], '421'],
    ['editUserInfo', [5], '422'],
    ['editUserInfo', ['n', 'yes'], '422'],
    ['editUserInfo', ['n', true, true, 'loud'], '422'],
    ['memberList', [], '421'],
    ['memberList', ['no-such-room-here'], '441'],
  ];
  for (const [method, args, code] of cases) {
    expect([method, args.map((x) => (typeof x === 'string' && x.length > 64 ? `${x.length} chars` : x)), await a.call(method, ...args)]).toEqual([
      method,
      expect.anything(),
      expect.objectContaining({ code }),
    ]);
  }
  // Values JSON cannot carry, made in the page.
  const unjsonable = await a.page.evaluate(async () => {
    const kt = (window as any).harness.kt;
    const cyclic: any = {};
    cyclic.self = cyclic;
    return [(await kt.inform(cyclic)).code, (await kt.inform(10n)).code, (await kt.inform(() => 1)).code];
  });
  expect(unjsonable).toEqual(['422', '422', '422']);

  expect(await a.call('chat', 'still here')).toEqual({ code: '200' });
  expect(await b.waitForPresence((p) => p.type === 'chat')).toMatchObject({ user: 'bad-a', message: 'still here' });
  expect((await b.call('memberList', roomId)).members['bad-a']).toMatchObject({ name: 'Renamed' });
  await disconnectAll([a, b]);
});
