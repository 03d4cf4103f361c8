/**
 * Every bad input of the core calls resolves with its documented code (SPEC §2): nothing throws,
 * nothing rejects, no unhandled rejection reaches the page, and the instance still works after.
 */
import type { Browser } from 'playwright-core';
import { waitForNoSessions } from '../support/admin';
import { launchBrowser, MemberPage } from '../support/browser';

let browser: Browser;
let a: MemberPage;
let b: MemberPage;
const suffix = `${process.pid}${Date.now() % 100000}`;
const ROOM = `bad-${suffix}`;

beforeAll(async () => {
  browser = await launchBrowser();
  [a, b] = await Promise.all([MemberPage.open(browser), MemberPage.open(browser)]);
});

afterAll(async () => {
  await a?.close();
  await b?.close();
  await browser?.close();
});

const code = async (m: MemberPage, method: string, ...args: unknown[]) => (await m.call(method, ...args)).code;

test('before init: room calls are refused with 400, publish/subscribe with false', async () => {
  expect(await code(a, 'createVideoRoom', ROOM)).toBe('400');
  expect(await code(a, 'joinRoom', ROOM)).toBe('400');
  expect(await code(a, 'leaveRoom', ROOM)).toBe('400');
  expect(await a.harness('publish', 'cam', { video: true })).toBe(false);
  expect(await a.call('subscribeVideo', 'someone', 'cam')).toBe(false);
  expect(await a.call('getUserId')).toBeNull();
  expect(await a.call('getRoomId')).toBeNull();
});

test('before init: the rest of the API answers 400 / false / nothing, never throws', async () => {
  const results = await a.page.evaluate(async () => {
    const kt = (window as any).harness.kt;
    const stream = new MediaStream();
    const canvas = document.body.appendChild(document.createElement('canvas'));
    const calls: [string, unknown[]][] = [
      ['permit', ['someone', true]],
      ['editRoomInfo', ['some-room', 'title']],
      ['whiteBoardStart', [canvas]],
      ['documentStart', [canvas]],
      ['documentShare', ['https://example.com/a.png']],
      ['reqCanvasImage', ['someone']],
      ['createGroup', [['someone']]],
      ['endGroup', ['some-group']],
      ['canvasInit', [canvas]],
      ['drawingInit', []],
      ['drawingStop', []],
      ['setTool', ['pen', 'red', 3]],
      ['canvasClear', []],
      ['getAllPeers', []],
      ['getPeer', ['someone']],
      ['isMedia', []],
      ['getShareType', []],
      ['getSocket', []],
      ['drawingClassStart', []],
      ['createRoom', []],
      ['memberList', ['some-room']],
      ['destroyRoom', ['some-room']],
      ['kickOut', ['someone']],
      ['chat', ['hi']],
      ['inform', [{ a: 1 }]],
      ['editUserInfo', ['name']],
      ['screenStart', [stream]],
      ['shareStop', []],
      ['removePeer', ['someone', 'cam']],
      ['removeLocalPeer', ['someone', 'cam']],
      ['changeLocalStream', [stream]],
      ['publishP2P', ['someone', 'cam', stream]],
    ];
    const out: Record<string, unknown> = {};
    for (const [method, args] of calls) {
      const r = await kt[method](...args);
      out[method] = typeof r === 'object' && r !== null && 'code' in r ? r.code : r === undefined ? null : r;
    }
    out.getStream = kt.getStream('someone') ?? null;
    out.getAllStreams = kt.getAllStreams();
    out.getName = kt.getName() ?? null;
    out.userId = kt.userId ?? null;
    out.streams = kt.streams;
    return out;
  });
  expect(results).toEqual({
    permit: '400',
    editRoomInfo: '400',
    whiteBoardStart: false,
    documentStart: '400',
    documentShare: '400',
    reqCanvasImage: '400',
    createGroup: '400',
    endGroup: '400',
    canvasInit: null,
    drawingInit: false,
    drawingStop: false,
    setTool: null,
    canvasClear: null,
    getAllPeers: {},
    getPeer: null,
    isMedia: false,
    getShareType: null,
    getSocket: '501',
    drawingClassStart: false,
    userId: null,
    streams: {},
    createRoom: '400',
    memberList: '400',
    destroyRoom: '400',
    kickOut: '400',
    chat: '400',
    inform: '400',
    editUserInfo: '400',
    screenStart: false,
    shareStop: '400',
    removePeer: false,
    removeLocalPeer: false,
    changeLocalStream: false,
    publishP2P: false,
    getStream: null,
    getAllStreams: {},
    getName: null,
  });
});

test('init: missing, empty and wrong-type arguments', async () => {
  expect(await code(a, 'init')).toBe('421');
  expect(await code(a, 'init', '')).toBe('421');
  expect(await code(a, 'init', 'cp')).toBe('421');
  expect(await code(a, 'init', 'cp', '')).toBe('421');
  expect(await code(a, 'init', 42, 'key')).toBe('422');
  expect(await code(a, 'init', 'cp', { token: 1 })).toBe('422');
  expect(await code(a, 'init', 'cp', 'key', 'has space')).toBe('422');
  expect(await code(a, 'init', 'cp', 'key', 'x'.repeat(65))).toBe('422');
  expect(await code(a, 'init', 'cp', 'key', 12345)).toBe('422');
  expect(await code(a, 'init', 'cp', 'key', 'ok-id', ['name'])).toBe('422');
  expect(await code(a, 'init', 'cp', 'key', 'ok-id', 'name', 7)).toBe('422');
  // None of those connected anything.
  expect(await a.call('getUserId')).toBeNull();
});

test('init: an unreachable gateway answers 504 within the timeout', async () => {
  const started = Date.now();
  const result = await a.page.evaluate(async () => {
    const kt = new (window as any).Knowledgetalk({ server: 'ws://127.0.0.1:9', requestTimeoutMs: 3000 });
    return kt.init('cp', 'key');
  });
  expect(result.code).toBe('504');
  expect(Date.now() - started).toBeLessThan(10000);
});

test('init twice is refused; a generated userId follows the id rule', async () => {
  const first = await a.call('init', 'cp', 'key');
  expect(first.code).toBe('200');
  expect(first.userId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  expect(await code(a, 'init', 'cp', 'key')).toBe('400');
  expect(await a.call('getUserId')).toBe(first.userId);
  expect(await code(b, 'init', 'cp', 'key', `b-${suffix}`, 'Bee')).toBe('200');
});

test('createVideoRoom: invalid arguments and a duplicate room', async () => {
  expect(await code(a, 'createVideoRoom', 'bad room!')).toBe('422');
  expect(await code(a, 'createVideoRoom', 123)).toBe('422');
  expect(await code(a, 'createVideoRoom', '')).toBe('421');
  expect(await code(a, 'createVideoRoom', ROOM, 99)).toBe('422');
  for (const capacity of [0, -1, 1.5, '3', Number.NaN, 1e9]) {
    expect(await code(a, 'createVideoRoom', ROOM, 't', capacity)).toBe('422');
  }
  expect(await code(a, 'createVideoRoom', ROOM, 't', 1, 'yes')).toBe('422');
  expect(await code(a, 'createVideoRoom', ROOM, 't', 1, true, 1)).toBe('422');
  const generated = await a.call('createVideoRoom');
  expect(generated.code).toBe('200');
  expect(generated.roomId).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  expect(await a.call('createVideoRoom', ROOM, 'Capacity one', 1, false)).toEqual({ code: '200', roomId: ROOM });
  const duplicate = await a.call('createVideoRoom', ROOM);
  expect(duplicate).toEqual(expect.objectContaining({ code: '443', janusCode: 427 }));
});

test('joinRoom: missing, invalid, unknown, full, and the same user twice', async () => {
  expect(await code(a, 'joinRoom')).toBe('421');
  expect(await code(a, 'joinRoom', '')).toBe('421');
  expect(await code(a, 'joinRoom', { room: ROOM })).toBe('422');
  expect(await code(a, 'joinroom', '../etc')).toBe('422');
  const unknown = await a.call('joinRoom', `nope-${suffix}`);
  expect(unknown).toEqual(expect.objectContaining({ code: '441', janusCode: 426 }));
  expect(await code(a, 'joinroom', ROOM)).toBe('200');
  expect(await code(a, 'joinRoom', ROOM)).toBe('442');
  // Room of capacity 1 with a in it.
  expect(await code(b, 'joinRoom', ROOM)).toBe('444');
  expect(await b.call('getRoomId')).toBeNull();
  // A second instance claiming a's userId is refused while a is in the room.
  const twin = await a.page.evaluate(
    async ([server, id, room]) => {
      const kt = new (window as any).Knowledgetalk({ server });
      const init = await kt.init('cp', 'key', id);
      const join = await kt.joinRoom(room);
      await kt.disconnect();
      return [init.code, join.code];
    },
    [process.env.JANUS_URL, await a.call('getUserId'), ROOM],
  );
  expect(twin).toEqual(['200', '442']);
});

test('publish and subscribe: bad types, missing stream, non-members, yourself', async () => {
  expect(await b.harness('publish', 'cam', { video: true })).toBe(false); // not in a room
  expect(await a.call('publishVideo')).toBe(false);
  expect(await a.call('publishVideo', 'cam')).toBe(false);
  expect(await a.call('publishVideo', 'cam', { not: 'a stream' })).toBe(false);
  expect(await a.harness('publish', 'tv', { video: true })).toBe(false);
  expect(await a.call('subscribeVideo')).toBe(false);
  expect(await a.call('subscribeVideo', `ghost-${suffix}`, 'cam')).toBe(false);
  expect(await a.call('subscribeVideo', await a.call('getUserId'), 'cam')).toBe(false);
  expect(await a.call('subscribeVideo', `b-${suffix}`, 'movie')).toBe(false);
  expect(await a.harness('publish', 'cam', { video: true, audio: true })).toBe(true);
  expect(await code(a, 'leaveRoom')).toBe('421');
  expect(await code(a, 'leaveRoom', `other-${suffix}`)).toBe('400');
});

test('after all that, both instances still hold a working call, then leave nothing behind', async () => {
  const room = `after-${suffix}`;
  expect(await code(a, 'leaveRoom', ROOM)).toBe('200');
  expect(await code(b, 'createVideoRoom', room)).toBe('200');
  expect(await code(a, 'joinRoom', room)).toBe('200');
  expect(await code(b, 'joinRoom', room)).toBe('200');
  expect(await b.harness('publish', 'cam', { video: true, audio: false })).toBe(true);
  await a.waitForPresence((d) => d.type === 'publish' && d.roomId === room);
  expect(await a.harness('subscribe', `b-${suffix}`, 'cam')).toEqual({ audio: 0, video: 1 });
  expect((await a.harness('frames', `b-${suffix}`, 'cam', 5)).frames).toBeGreaterThanOrEqual(5);
  await a.call('disconnect');
  await b.call('disconnect');
  expect(await waitForNoSessions()).toEqual({ sessions: 0, handles: 0 });
  expect(await a.openPeerConnections()).toBe(0);
  expect(await b.openPeerConnections()).toBe(0);
  expect(a.pageErrors).toEqual([]);
  expect(b.pageErrors).toEqual([]);
});
