/**
 * Gateway restart (issue 7): Janus is killed with SIGKILL in the middle of a call and started
 * again on the same ports. Without the app doing anything, each SDK builds a new session, the host
 * re-creates the room (the guard makes it its host again), both rejoin and republish, and the streams
 * the apps already hold decode frames again. The time from "gateway back" to frames is printed.
 * Runs on a gateway of its own, so the rest of the suite keeps the shared one.
 */
import { startGateway, type Gateway } from '../../gateway-config/start.cjs';
import { expectFrames, initAll, instanceEvents, newRoomId, useMembers, waitUntil } from '../support/call';

const open = useMembers();
let gateway: Gateway | undefined;

afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

test('a killed and restarted gateway: calls come back by themselves', async () => {
  gateway = await startGateway({ freePorts: true, quiet: true });
  const { ws, janusWs, admin } = gateway.ports;
  const members = await open(2);
  for (const m of members) await m.page.evaluate((server) => (window as any).harness.create({ server, logLevel: 'info' }), gateway.wsUrl);
  const [host, guest] = members;
  await initAll([host, guest], ['restart-host', 'restart-guest']);
  const roomId = newRoomId('restart');
  expect(await host.call('createVideoRoom', roomId)).toEqual({ code: '200', roomId });
  for (const m of members) {
    expect((await m.call('joinRoom', roomId)).code).toBe('200');
    expect(await m.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  }
  await host.waitForPresence((p) => p.type === 'publish');
  await guest.waitForPresence((p) => p.type === 'publish');
  expect(await host.harness('subscribe', 'restart-guest', 'cam')).toEqual({ audio: 1, video: 1 });
  expect(await guest.harness('subscribe', 'restart-host', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(host, 'restart-guest', 'cam');
  await expectFrames(guest, 'restart-host', 'cam');

  process.kill(gateway.pid, 'SIGKILL');
  // Resolves once the guard is stopped too.
  expect(await gateway.exited).toMatchObject({ process: 'janus', signal: 'SIGKILL' });
  await new Promise((r) => setTimeout(r, 1000));
  gateway = await startGateway({ wsPort: ws, janusWsPort: janusWs, adminPort: admin, quiet: true });
  const back = Date.now();

  for (const m of members) {
    await waitUntil('reconnected', async () => (await instanceEvents(m)).includes('reconnected'), 30000).catch(async (err) => {
      console.log(JSON.stringify(await instanceEvents(m)), m.logs.slice(-30).join('\n'));
      throw err;
    });
    expect(await instanceEvents(m)).not.toContain('disconnected');
  }
  // The streams the test took from subscribeVideo before the restart decode again.
  await expectFrames(host, 'restart-guest', 'cam');
  await expectFrames(guest, 'restart-host', 'cam');
  console.log(`gateway back → frames again on both sides: ${Date.now() - back} ms`);
  expect(await host.call('getRoomId')).toBe(roomId);
  // Still the host: it created the room again on the restarted gateway.
  expect(await host.call('kickOut', 'restart-guest')).toEqual({ code: '200' });
  for (const m of members) await m.call('disconnect');
  for (const m of members) expect(m.pageErrors).toEqual([]);
}, 120_000);
