/**
 * No leaks over many calls (issue 7): one page runs join → publish → subscribe → leave 100 times
 * (LEAK_CYCLES to change it) against a member who stays. Afterwards the gateway holds exactly what
 * it held after the warm-up, no RTCPeerConnection is open, the page's
 * event listeners did not grow, and the JS heap grew by less than 10 MB (after a forced GC).
 * The figures are printed.
 */
import { gatewayUsage } from '../support/admin';
import { disconnectAll, expectFrames, initAll, newRoomId, useMembers } from '../support/call';

const open = useMembers();
const CYCLES = Number(process.env.LEAK_CYCLES ?? 100);
const WARM_UP = 5;

test(`${CYCLES} cycles of join, publish, subscribe, leave leave nothing behind`, async () => {
  const [cycler, peer] = await open(2);
  await initAll([cycler, peer], ['cycler', 'stayer']);
  const roomId = newRoomId('leak');
  expect(await peer.call('createVideoRoom', roomId, 'Leak', undefined, false)).toEqual({ code: '200', roomId });
  expect((await peer.call('joinRoom', roomId)).code).toBe('200');
  expect(await peer.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  await cycler.harness('gum', 'cam', { video: { width: 320, height: 240 }, audio: true });

  const cdp = await cycler.page.context().newCDPSession(cycler.page);
  const measure = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    const { jsEventListeners } = await cdp.send('Memory.getDOMCounters');
    return { heap: usedSize, listeners: jsEventListeners, usage: await gatewayUsage(), openPCs: await cycler.openPeerConnections() };
  };
  const cycle = (n: number) =>
    cycler.page.evaluate(
      async ({ n, roomId }) => {
        const kt = (window as any).harness.kt;
        const failures: string[] = [];
        for (let i = 0; i < n; i++) {
          const joined = await kt.joinRoom(roomId);
          if (joined.code !== '200') failures.push(`join ${joined.code}`);
          if (!(await kt.publishVideo('cam', (window as any).localStreams.cam))) failures.push('publish');
          if (!(await kt.subscribeVideo('stayer', 'cam'))) failures.push('subscribe');
          const left = await kt.leaveRoom(roomId);
          if (left.code !== '200') failures.push(`leave ${left.code}`);
        }
        return failures;
      },
      { n, roomId },
    );

  expect(await cycle(WARM_UP)).toEqual([]);
  const before = await measure();
  const started = Date.now();
  expect(await cycle(CYCLES)).toEqual([]);
  const seconds = (Date.now() - started) / 1000;
  const after = await measure();
  const growthMb = (after.heap - before.heap) / 1024 / 1024;
  console.log(
    `${CYCLES} cycles in ${seconds.toFixed(1)} s: heap ${(before.heap / 1e6).toFixed(1)} → ${(after.heap / 1e6).toFixed(1)} MB ` +
      `(${growthMb >= 0 ? '+' : ''}${growthMb.toFixed(2)} MiB), listeners ${before.listeners} → ${after.listeners}, ` +
      `gateway ${JSON.stringify(before.usage)} → ${JSON.stringify(after.usage)}, open PeerConnections ${before.openPCs} → ${after.openPCs}`,
  );
  expect(after.usage).toEqual(before.usage);
  // Out of the room, no PeerConnection is open (messages go through the guard).
  expect(after.openPCs).toBe(0);
  expect(after.listeners).toBeLessThanOrEqual(before.listeners);
  expect(growthMb).toBeLessThan(10);

  // Still a working call after all that.
  expect((await cycler.call('joinRoom', roomId)).code).toBe('200');
  expect(await cycler.harness('subscribe', 'stayer', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(cycler, 'stayer', 'cam');
  await cdp.detach();
  expect(await peer.call('destroyRoom', roomId)).toEqual({ code: '200' });
  await disconnectAll([cycler, peer]);
}, 300_000);
