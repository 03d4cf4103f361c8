/**
 * Signalling drops (issue 7): a member's WebSocket goes through a TCP proxy of the test's own,
 * in front of the suite's gateway guard (JANUS_URL), which is cut. The guard holds the session of
 * a vanished connection for its reclaim window, and the SDK reclaims it on a new connection (`reconnecting`, then
 * `reconnected`), media never stops, nobody sees the member leave or join again, joins and leaves
 * that happened during an outage are announced afterwards, and a gateway that stays away ends in
 * `disconnected` within the configured window. And `init` tries an unreachable gateway again, with
 * backoff and a cap.
 */
import net from 'node:net';
import type { MemberPage } from '../support/browser';
import { disconnectAll, expectFrames, initAll, instanceEvents, newRoomId, useMembers, waitUntil } from '../support/call';
import { waitForNoSessions } from '../support/admin';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { janusUrl } from '../support/browser';

const open = useMembers();
const CAMERA = { video: { width: 320, height: 240 }, audio: true };
let proxy: TcpProxy | undefined;

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

/** A member whose gateway connection goes through the proxy. */
async function behindProxy(reconnectMs = 15000): Promise<MemberPage> {
  proxy = await startTcpProxy(janusUrl());
  const [m] = await open(1);
  await m.page.evaluate((opts) => (window as any).harness.create(opts), { server: proxy.url, reconnectMs });
  return m;
}

test('a dropped connection is reclaimed: media goes on, nobody sees a leave or a second join', async () => {
  const a = await behindProxy();
  const [b] = await open(1);
  await initAll([a, b], ['dropper', 'watcher']);
  const roomId = newRoomId('drop');
  expect(await b.call('createVideoRoom', roomId)).toEqual({ code: '200', roomId });
  for (const m of [a, b]) {
    expect((await m.call('joinRoom', roomId)).code).toBe('200');
    expect(await m.harness('publish', 'cam', CAMERA)).toBe(true);
  }
  await a.waitForPresence((p) => p.type === 'publish');
  await b.waitForPresence((p) => p.type === 'publish');
  expect(await a.harness('subscribe', 'watcher', 'cam')).toEqual({ audio: 1, video: 1 });
  expect(await b.harness('subscribe', 'dropper', 'cam')).toEqual({ audio: 1, video: 1 });

  proxy!.drop();
  await waitUntil('reconnecting, then reconnected', async () => (await instanceEvents(a)).join() === 'reconnecting,reconnected');
  // Media flows both ways, on the same PeerConnections.
  await expectFrames(a, 'watcher', 'cam');
  await expectFrames(b, 'dropper', 'cam');
  // The session is usable again.
  expect(await a.call('chat', 'back')).toEqual({ code: '200' });
  await b.waitForPresence((p) => p.type === 'chat' && p.message === 'back');
  // The dropper was there before the watcher came: the watcher saw no join or leave at all.
  expect((await b.presence()).filter((p) => p.type === 'join' || p.type === 'leave')).toEqual([]);
  expect((await b.presence()).filter((p) => p.type === 'publish')).toHaveLength(1);
  expect((await a.presence()).filter((p) => p.type === 'join' || p.type === 'leave').map((p) => p.user.id ?? p.user)).toEqual(['watcher']);
  await disconnectAll([a, b]);
});

test('joins and leaves during an outage are announced once the session is back', async () => {
  const a = await behindProxy();
  const [b, c] = await open(2);
  await initAll([a, b, c], ['away', 'leaver', 'comer']);
  const roomId = newRoomId('outage');
  expect(await b.call('createVideoRoom', roomId, 'Outage', undefined, false)).toEqual({ code: '200', roomId });
  for (const m of [a, b]) expect((await m.call('joinRoom', roomId)).code).toBe('200');
  await a.waitForPresence((p) => p.type === 'join' && p.user.id === 'leaver');

  const outage = proxy!.outage(4000);
  await waitUntil('reconnecting', async () => (await instanceEvents(a)).includes('reconnecting'));
  expect(await b.call('leaveRoom', roomId)).toEqual({ code: '200' });
  expect((await c.call('joinRoom', roomId)).code).toBe('200');
  await outage;
  await waitUntil('reconnected', async () => (await instanceEvents(a)).includes('reconnected'), 20000);
  await a.waitForPresence((p) => p.type === 'leave' && p.user === 'leaver');
  await a.waitForPresence((p) => p.type === 'join' && p.user.id === 'comer');
  expect(Object.keys((await a.call('memberList', roomId)).members).sort()).toEqual(['away', 'comer']);
  expect(await c.call('leaveRoom', roomId)).toEqual({ code: '200' });
  expect(await a.call('leaveRoom', roomId)).toEqual({ code: '200' });
  expect(await b.call('destroyRoom', roomId)).toEqual({ code: '200' });
  await disconnectAll([a, b, c]);
});

test('a gateway that stays away ends in disconnected within the window; disconnect() still works', async () => {
  const a = await behindProxy(3000);
  await initAll([a], ['stranded']);
  const roomId = newRoomId('gone');
  expect(await a.call('createVideoRoom', roomId)).toEqual({ code: '200', roomId });
  expect((await a.call('joinRoom', roomId)).code).toBe('200');
  await proxy!.close();
  await waitUntil('disconnected', async () => (await instanceEvents(a)).join() === 'reconnecting,disconnected', 15000);
  expect(await a.call('getUserId')).toBeNull();
  expect(await a.call('chat', 'anyone?')).toMatchObject({ code: '400' });
  await a.call('disconnect');
  expect(await a.openPeerConnections()).toBe(0);
  // The cut-off session stays on the gateway until its reclaim timeout (20 s) runs out.
  expect(await waitForNoSessions(40000)).toEqual({ sessions: 0, handles: 0 });
  expect(a.pageErrors).toEqual([]);
}, 90_000);

test('init tries an unreachable gateway again with backoff: one that comes up in time is joined', async () => {
  proxy = await startTcpProxy(janusUrl());
  const [m] = await open(1);
  // The gateway is down for 1.5 s from now; init is called at once and must not give up.
  const outage = proxy.outage(1500);
  await m.page.evaluate((server) => (window as any).harness.create({ server, requestTimeoutMs: 8000 }), proxy.url);
  const result = await m.call('init', 'cp', 'key', 'patient');
  await outage;
  expect(result).toEqual({ code: '200', userId: 'patient' });
  await disconnectAll([m]);
});

test('init against a gateway that stays away: 504 within its timeout, after more than one try', async () => {
  // Accepts and hangs up at once, counting the attempts.
  let attempts = 0;
  const refuser = net.createServer((s) => {
    attempts++;
    s.destroy();
  });
  await new Promise<void>((resolve) => refuser.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(refuser.address() as net.AddressInfo).port}`;
  const [m] = await open(1);
  await m.page.evaluate((server) => (window as any).harness.create({ server, requestTimeoutMs: 3000 }), url);
  const started = Date.now();
  expect(await m.call('init', 'cp', 'key')).toMatchObject({ code: '504' });
  const took = Date.now() - started;
  await new Promise<void>((resolve) => refuser.close(() => resolve()));
  // Backoff 250 ms doubling: a handful of tries in 3 s, not a storm.
  expect(attempts).toBeGreaterThan(1);
  expect(attempts).toBeLessThan(10);
  expect(took).toBeLessThan(8000);
  expect(await m.openPeerConnections()).toBe(0);
});
