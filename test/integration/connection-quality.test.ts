/**
 * Connection quality (issue 8) on a really impaired link: two members on a gateway whose media goes
 * through a lossy UDP relay (support/lossy-gateway.ts). On a clean link both sides report a good
 * connection; with a quarter of the datagrams dropped each way, the receiver and the sender report
 * poor with the loss their stats measured; once the link is clean again, they recover. The gateway
 * sends `slowlink` meanwhile (its slowlink_threshold is on).
 */
import path from 'node:path';
import type { MemberPage } from '../support/browser';
import { disconnectAll, expectFrames, initAll, newRoomId, useMembers, waitForPublish, waitUntil } from '../support/call';
import { startLossyGateway, type LossyGateway } from '../support/lossy-gateway';

const open = useMembers({ mediaPermission: false });
let lossy: LossyGateway;
const savedUrl = process.env.JANUS_URL;

beforeAll(async () => {
  lossy = await startLossyGateway({ logFile: path.join(__dirname, '..', '..', 'test-output', 'connection-quality-janus.log') });
  process.env.JANUS_URL = lossy.gateway.wsUrl; // the pages connect to this gateway
}, 60_000);

afterAll(async () => {
  process.env.JANUS_URL = savedUrl;
  await lossy?.close();
});

interface QualityEvent {
  at: number;
  userId: string;
  type: string;
  direction: 'send' | 'receive';
  quality: string;
  previous: string;
  lossRate: number;
  rtt?: number;
  slowlink: boolean;
}

const qualityEvents = (m: MemberPage): Promise<QualityEvent[]> => m.page.evaluate(() => (window as any).harness.quality);
const pageNow = (m: MemberPage): Promise<number> => m.page.evaluate(() => performance.now());

/** The first connectionQuality event since `since` (page time) that matches. */
async function waitForQuality(m: MemberPage, since: number, what: string, match: (e: QualityEvent) => boolean, timeoutMs = 30_000) {
  let found: QualityEvent | undefined;
  await waitUntil(
    what,
    async () => {
      found = (await qualityEvents(m)).find((e) => e.at >= since && match(e));
      return found !== undefined;
    },
    timeoutMs,
  );
  return found!;
}

/** Counts the `slowlink` events the gateway sends a page (janus.js turns them into callbacks). */
const countSlowlinks = (m: MemberPage) =>
  m.page.evaluate(() => {
    const w = window as any;
    w.slowlinks = [];
    const Native = WebSocket;
    w.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(url, protocols);
        this.addEventListener('message', (e: MessageEvent) => {
          const msg = JSON.parse(String(e.data));
          if (msg.janus === 'slowlink') w.slowlinks.push({ at: performance.now(), uplink: msg.uplink, lost: msg.lost, media: msg.media });
        });
      }
    };
  });
const slowlinksSince = (m: MemberPage, since: number): Promise<{ uplink: boolean; lost: number; media: string }[]> =>
  m.page.evaluate((t) => (window as any).slowlinks.filter((s: { at: number }) => s.at >= t), since);

const good = (e: QualityEvent) => e.quality === 'excellent' || e.quality === 'good';
const bad = (e: QualityEvent) => e.quality === 'poor' || e.quality === 'lost';

test('poor on a lossy link, measured by both sides, then back to good when it clears', async () => {
  const [sender, receiver] = await open(2);
  for (const m of [sender, receiver]) await countSlowlinks(m);
  await initAll([sender, receiver], ['cq-sender', 'cq-receiver']);
  const roomId = newRoomId('quality');
  expect((await sender.call('createVideoRoom', roomId)).code).toBe('200');
  for (const m of [sender, receiver]) expect((await m.call('joinRoom', roomId)).code).toBe('200');
  // A canvas camera with a tone: publishing needs no camera permission (see lossy-gateway.ts).
  await sender.harness('canvas', 'cam', '#3060c0', { tone: true, width: 640, height: 480 });
  expect(await sender.harness('use', 'publishVideo', 'cam', { $stream: 'cam' })).toBe(true);
  await waitForPublish(receiver, 'cq-sender');
  expect(await receiver.harness('subscribe', 'cq-sender', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(receiver, 'cq-sender', 'cam');
  // The media really goes through the relay, both ways.
  const atStart = lossy.relay.counters();
  await waitUntil('media through the relay', async () => {
    const now = lossy.relay.counters();
    return now.up.forwarded - atStart.up.forwarded > 100 && now.down.forwarded - atStart.down.forwarded > 100;
  });

  // Clean link: both sides report a good connection for the feed.
  const receiving = (e: QualityEvent) => e.userId === 'cq-sender' && e.type === 'cam' && e.direction === 'receive';
  const sending = (e: QualityEvent) => e.userId === 'cq-sender' && e.type === 'cam' && e.direction === 'send';
  const firstReceive = await waitForQuality(receiver, 0, 'a first report of the received feed', receiving);
  expect(firstReceive).toMatchObject({ previous: 'unknown', slowlink: false });
  expect(good(firstReceive)).toBe(true);
  expect(firstReceive.lossRate).toBeLessThan(0.02);
  const firstSend = await waitForQuality(sender, 0, 'a first report of the sent feed', sending);
  expect(good(firstSend)).toBe(true);
  expect(['excellent', 'good']).toContain(await receiver.call('getConnectionQuality', 'cq-sender', 'cam'));
  expect(['excellent', 'good']).toContain(await sender.call('getConnectionQuality'));
  expect(await receiver.call('getConnectionQuality', 'nobody')).toBeNull();
  expect(await receiver.call('getConnectionQuality', 'cq-sender', 'screen')).toBeNull();
  expect(await receiver.call('getConnectionQuality', 42)).toBeNull();

  // A quarter of the datagrams dropped each way: the sender's uplink and the receiver's downlink.
  const impairedAt = { sender: await pageNow(sender), receiver: await pageNow(receiver) };
  const beforeLoss = lossy.relay.counters();
  lossy.relay.setLoss({ up: 0.25, down: 0.25 });
  const poorReceive = await waitForQuality(receiver, impairedAt.receiver, 'poor on the receiving side', (e) => receiving(e) && bad(e));
  const poorSend = await waitForQuality(sender, impairedAt.sender, 'poor on the sending side', (e) => sending(e) && bad(e));
  // The loss the stats measured, in the event that said so (or in the reports during the impairment).
  const impairedReceive = (await qualityEvents(receiver)).filter((e) => e.at >= impairedAt.receiver && receiving(e));
  const impairedSend = (await qualityEvents(sender)).filter((e) => e.at >= impairedAt.sender && sending(e));
  expect(Math.max(...impairedReceive.map((e) => e.lossRate))).toBeGreaterThan(0.1);
  // No threshold on the sending side's lossRate: an event carries the window that changed the
  // quality, and for what we send that window can turn poor on the delay and jitter in the
  // gateway's receiver reports while their loss figure is still low (seen once in ~10 runs: 0.03).
  // That the sender is judged poor (above) and that Janus reports the slow link (below) stay asserted;
  // the figures are logged at the end.
  expect(await receiver.call('getConnectionQuality', 'cq-sender')).toMatch(/^(poor|lost)$/);
  // Janus saw it too: slowlink for our uplink on the publisher handle, for our downlink on the subscriber's.
  await waitUntil('slowlink from the gateway', async () => (await slowlinksSince(sender, impairedAt.sender)).length > 0);
  const dropped = lossy.relay.counters();

  // The link clears: both sides recover.
  lossy.relay.setLoss({ up: 0, down: 0 });
  const clearedAt = { sender: await pageNow(sender), receiver: await pageNow(receiver) };
  const recovered = await waitForQuality(receiver, clearedAt.receiver, 'recovery on the receiving side', (e) => receiving(e) && good(e));
  const recoveredSend = await waitForQuality(sender, clearedAt.sender, 'recovery on the sending side', (e) => sending(e) && good(e));
  await expectFrames(receiver, 'cq-sender', 'cam');

  const slowSender = await slowlinksSince(sender, impairedAt.sender);
  const slowReceiver = await slowlinksSince(receiver, impairedAt.receiver);
  const share = (d: 'up' | 'down') =>
    (dropped[d].dropped - beforeLoss[d].dropped) / (dropped[d].dropped - beforeLoss[d].dropped + dropped[d].forwarded - beforeLoss[d].forwarded);
  console.log(
    [
      `relay dropped ${(100 * share('up')).toFixed(1)}% up, ${(100 * share('down')).toFixed(1)}% down`,
      `receiver: ${poorReceive.quality} after ${Math.round(poorReceive.at - impairedAt.receiver)} ms, lossRate ${impairedReceive.map((e) => e.lossRate.toFixed(2)).join(' ')}, slowlink in events ${impairedReceive.some((e) => e.slowlink)}`,
      `sender: ${poorSend.quality} after ${Math.round(poorSend.at - impairedAt.sender)} ms, lossRate ${impairedSend.map((e) => e.lossRate.toFixed(2)).join(' ')}, slowlink in events ${impairedSend.some((e) => e.slowlink)}`,
      `gateway slowlinks: sender ${slowSender.length} (uplink ${[...new Set(slowSender.map((s) => s.uplink))]}), receiver ${slowReceiver.length} (uplink ${[...new Set(slowReceiver.map((s) => s.uplink))]})`,
      `recovered to ${recovered.quality} after ${Math.round(recovered.at - clearedAt.receiver)} ms (receiver), ` +
        `${recoveredSend.quality} after ${Math.round(recoveredSend.at - clearedAt.sender)} ms (sender)`,
      `receiver events: ${(await qualityEvents(receiver)).map((e) => `${e.previous}->${e.quality}`).join(', ')}`,
    ].join('\n'),
  );

  // Out of the room, nothing is measured any more.
  expect(await receiver.call('leaveRoom', roomId)).toEqual({ code: '200' });
  const afterLeave = (await qualityEvents(receiver)).length;
  expect(await receiver.call('getConnectionQuality', 'cq-sender')).toBeNull();
  await new Promise((r) => setTimeout(r, 5000)); // two and a half measuring intervals
  expect((await qualityEvents(receiver)).length).toBe(afterLeave);
  await disconnectAll([sender, receiver], lossy.gateway);
}, 180_000);
