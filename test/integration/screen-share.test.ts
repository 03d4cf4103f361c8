/**
 * Screen share next to the camera on one PeerConnection: presence `screen`/`shareStop`, one sharer
 * per room ('440'), frames of both feeds on the receiving side, and the bad inputs of the calls.
 * A canvas stands in for the screen (getDisplayMedia needs a person to pick a window).
 */
import { createAndJoin, disconnectAll, expectFrames, initAll, isBlue, isRed, newRoomId, useMembers, waitForPixel, waitUntil } from '../support/call';
import type { MemberPage } from '../support/browser';

const open = useMembers();

/**
 * screenStart resolves false on failure (the docs' samples test `if (!result)`), its reason logged:
 * the code is read from the page's log (the SDK's 'info' level shows warnings).
 */
async function screenStartFails(m: MemberPage, code: string, ...args: unknown[]): Promise<void> {
  await m.page.evaluate(() => (window as any).Knowledgetalk.logger.setLevel('info'));
  const before = m.logs.length;
  expect(await m.harness('use', 'screenStart', ...(args.length ? args : [{ $stream: 'screen' }]))).toBe(false);
  await waitUntil(`screenStart's ${code} in the log`, async () => m.logs.slice(before).some((line) => line.includes(`screenStart -> ${code}`)));
  await m.page.evaluate(() => (window as any).Knowledgetalk.logger.setLevel('error'));
}

test('a member shares a screen next to its camera; others see both, then the share stops', async () => {
  const [a, b, c] = await open(3);
  const roomId = newRoomId('share');
  await initAll([a, b, c], ['sharer', 'viewer', 'other']);
  await createAndJoin([a, b, c], roomId);
  expect(await a.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  await a.harness('canvas', 'screen', '#ff0000');

  expect(await a.harness('use', 'screenStart', { $stream: 'screen' })).toEqual({ code: '200' });
  // Both feeds travel on A's one sending PeerConnection, its only one.
  expect(await a.openPeerConnections()).toBe(1);

  for (const m of [b, c]) {
    await m.waitForPresence((p) => p.type === 'publish' && p.feeds.some((f: any) => f.id === 'sharer' && f.type === 'screen'));
    await m.waitForPresence((p) => p.type === 'screen' && p.user === 'sharer');
  }
  expect(await b.harness('subscribe', 'sharer', 'cam')).toEqual({ audio: 1, video: 1 });
  expect(await b.harness('subscribe', 'sharer', 'screen')).toEqual({ audio: 0, video: 1 });
  await expectFrames(b, 'sharer', 'cam');
  await expectFrames(b, 'sharer', 'screen');
  await waitForPixel(b, 'sharer', 'screen', isRed);
  expect(await b.harness('use', 'getStream', 'screen')).toEqual({ audio: 0, video: 1 });

  // One sharer per room.
  await c.harness('canvas', 'screen', '#0000ff');
  await screenStartFails(c, '440');
  expect(await c.harness('use', 'publishVideo', 'screen', { $stream: 'screen' })).toBe(false);
  // A second share from the sharer itself is a bad request.
  expect(await a.harness('use', 'publishVideo', 'screen', { $stream: 'screen' })).toBe(false);

  expect(await a.call('shareStop')).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'unpublish' && p.user === 'sharer' && p.feedType === 'screen');
  await b.waitForPresence((p) => p.type === 'shareStop' && p.user === 'sharer');
  // The screen stream B holds ends; the camera keeps coming.
  await waitUntil('the screen stream ended', async () => (await b.harness('trackStates', 'sharer', 'screen')).every((s: string) => s === 'ended'));
  expect(await b.harness('trackStates', 'sharer', 'cam')).toEqual(['live', 'live']);
  await expectFrames(b, 'sharer', 'cam');

  // Now C may share (through publishVideo, the group API), and B receives it.
  expect(await c.harness('use', 'publishVideo', 'screen', { $stream: 'screen' })).toBe(true);
  await b.waitForPresence((p) => p.type === 'screen' && p.user === 'other');
  expect(await b.harness('subscribe', 'other', 'screen')).toEqual({ audio: 0, video: 1 });
  await waitForPixel(b, 'other', 'screen', isBlue);
  expect(await c.call('shareStop')).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'shareStop' && p.user === 'other');

  // A shares again on the same PeerConnection (its stopped m-line is reused).
  await a.harness('canvas', 'screen2', '#0000ff');
  expect(await a.harness('use', 'screenStart', { $stream: 'screen2' })).toEqual({ code: '200' });
  await waitUntil('a second screen presence', async () => (await b.presence()).filter((p) => p.type === 'screen' && p.user === 'sharer').length === 2);
  expect(await b.harness('subscribe', 'sharer', 'screen')).toEqual({ audio: 0, video: 1 });
  await waitForPixel(b, 'sharer', 'screen', isBlue);
  expect(await a.openPeerConnections()).toBe(1);

  await disconnectAll([a, b, c]);
});

test('a sharer that leaves ends its share for the others', async () => {
  const [a, b] = await open(2);
  const roomId = newRoomId('share');
  await initAll([a, b], ['leaver', 'stayer']);
  await createAndJoin([a, b], roomId);
  await a.harness('canvas', 'screen', '#ff0000');
  expect(await a.harness('use', 'screenStart', { $stream: 'screen' })).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'screen' && p.user === 'leaver');
  expect(await a.call('leaveRoom', roomId)).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'shareStop' && p.user === 'leaver');
  await b.waitForPresence((p) => p.type === 'leave' && p.user === 'leaver');
  // With the sharer gone, B may share.
  await b.harness('canvas', 'screen', '#0000ff');
  expect(await b.harness('use', 'screenStart', { $stream: 'screen' })).toEqual({ code: '200' });
  await disconnectAll([a, b]);
});

test('bad screen-share calls resolve with their codes and change nothing', async () => {
  const [a] = await open(1);
  await a.harness('canvas', 'screen', '#ff0000');
  // Not initialised / not in a room.
  await screenStartFails(a, '400');
  expect(await a.call('shareStop')).toMatchObject({ code: '400' });
  await initAll([a], ['lonely']);
  await screenStartFails(a, '400');
  const roomId = newRoomId('share');
  await createAndJoin([a], roomId);
  await screenStartFails(a, '421', undefined);
  await screenStartFails(a, '422', 'not a stream');
  await screenStartFails(a, '422', { getTracks: 1 });
  await screenStartFails(a, '422', { $stream: 'screen' }, 'not a member!');
  expect(await a.call('shareStop')).toMatchObject({ code: '400' });
  // Still works afterwards.
  expect(await a.harness('use', 'screenStart', { $stream: 'screen' })).toEqual({ code: '200' });
  expect(await a.harness('use', 'getStream', 'screen')).toEqual({ audio: 0, video: 1 });
  expect(await a.call('shareStop')).toEqual({ code: '200' });
  await disconnectAll([a]);
});
