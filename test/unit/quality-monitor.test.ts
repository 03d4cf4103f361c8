/**
 * The QualityMonitor's life cycle and its use of Janus `slowlink`, on fake handles and RTP
 * receivers whose stats the test writes (the scoring itself: connection-quality.test.ts).
 */
import mitt from 'mitt';
import type { HandleEvents, PluginHandle } from '../../sdk/janus/types';
import { QualityMonitor } from '../../sdk/quality/monitor';
import type { ConnectionQualityDetail } from '../../sdk/types';
import { waitFor } from '../support/wait';

/** An RTP receiver of one kind (on m-line `mid`) whose counters grow by 50 packets per read, `link.lossRate` of them lost. */
function fakeReceiver(kind: 'audio' | 'video', id: string, mid: string) {
  const counters = { packetsReceived: 0, packetsLost: 0, framesDecoded: 0 };
  const link = { lossRate: 0 };
  const stat = () => {
    const lost = Math.round(50 * link.lossRate);
    counters.packetsReceived += 50 - lost;
    counters.packetsLost += lost;
    counters.framesDecoded += 15;
    return { id, type: 'inbound-rtp', kind, mid, ...counters };
  };
  const receiver = { getStats: async () => new Map([[id, stat()]]) };
  return { receiver: receiver as unknown as RTCRtpReceiver, link, stat };
}

const monitors: QualityMonitor[] = [];
afterEach(() => monitors.splice(0).forEach((m) => m.stop()));

function setup({ intervalMs = 40 } = {}) {
  const fakeHandle = (pc: () => RTCPeerConnection | undefined) =>
    ({ events: mitt<HandleEvents>(), peerConnection: pc }) as unknown as PluginHandle & { events: ReturnType<typeof mitt<HandleEvents>> };
  const audio = fakeReceiver('audio', 'IA', '0');
  const video = fakeReceiver('video', 'IV', '1');
  const feeds: { userId: string; type: 'cam' }[] = [];
  const subPc = {
    iceConnectionState: 'connected',
    // One report for the whole connection, as Chromium gives it: the monitor splits it by mid.
    getStats: async () => new Map([audio.stat(), video.stat()].map((s) => [s.id, s])),
    getTransceivers: () => [
      { mid: '0', receiver: audio.receiver, sender: {} },
      { mid: '1', receiver: video.receiver, sender: {} },
    ],
  } as unknown as RTCPeerConnection;
  const publisherHandle = fakeHandle(() => undefined);
  const subscriberHandle = fakeHandle(() => subPc);
  let ticks = 0;
  const events: ConnectionQualityDetail[] = [];
  let active = true;
  const monitor = new QualityMonitor({
    selfId: 'me',
    publisherHandle,
    subscriberHandle,
    publisher: {
      // Asked once per feed type on every look: counts the looks.
      rtpSendersOf: (type) => {
        if (type === 'cam') ticks++;
        return [];
      },
    },
    subscriber: {
      handedOutFeeds: () => feeds.map((f) => ({ ...f, stream: {} as MediaStream })),
      receiversOf: () => [audio.receiver, video.receiver],
      peerConnection: () => subPc,
    },
    active: () => active,
    onChange: (d) => events.push(d),
    intervalMs,
  });
  monitors.push(monitor);
  return {
    monitor,
    events,
    feeds,
    link: (lossRate: number) => {
      audio.link.lossRate = lossRate;
      video.link.lossRate = lossRate;
    },
    subscriberHandle,
    ticks: () => ticks,
    leave: () => (active = false),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The monitor runs on short test intervals: look often, and not for long. */
const SOON = { timeoutMs: 3000, intervalMs: 5 };

test('no timer until media starts; then a first report, then changes only', async () => {
  const t = setup();
  await sleep(100);
  expect(t.ticks()).toBe(0);
  t.feeds.push({ userId: 'alice', type: 'cam' });
  t.subscriberHandle.events.emit('remoteTrack', { track: {} as MediaStreamTrack, mid: '0', on: true });
  await waitFor('first report', () => t.events.length === 1, SOON);
  expect(t.events[0]).toEqual({ userId: 'alice', type: 'cam', direction: 'receive', quality: 'excellent', previous: 'unknown', lossRate: 0, slowlink: false });
  expect(t.monitor.current('alice', 'cam')).toBe('excellent');
  const ticks = t.ticks();
  await waitFor('more windows', () => t.ticks() > ticks + 3, SOON);
  expect(t.events).toHaveLength(1); // same quality: no event
  t.link(0.3);
  await waitFor('the drop', () => t.events.length === 2, SOON);
  expect(t.events[1]).toMatchObject({ quality: 'poor', previous: 'excellent', lossRate: 0.3 });
  t.monitor.stop();
});

test('the timer lapses when nothing is received any more, and wakes again', async () => {
  const t = setup();
  t.feeds.push({ userId: 'alice', type: 'cam' });
  t.monitor.wake();
  await waitFor('first report', () => t.events.length === 1, SOON);
  t.feeds.splice(0);
  await sleep(100);
  const ticks = t.ticks();
  await sleep(200);
  expect(t.ticks()).toBe(ticks);
  expect(t.monitor.current('alice', 'cam')).toBeUndefined();
  t.feeds.push({ userId: 'alice', type: 'cam' });
  t.subscriberHandle.events.emit('webrtcState', { up: true });
  await waitFor('a new first report', () => t.events.length === 2, SOON);
  expect(t.events[1]).toMatchObject({ previous: 'unknown', quality: 'excellent' });
  t.monitor.stop();
});

test('a slowlink marks its feed, is looked at before the next interval, and caps it at good', async () => {
  const t = setup({ intervalMs: 60_000 });
  t.feeds.push({ userId: 'alice', type: 'cam' });
  t.monitor.wake();
  // The baseline reading; the first window ends a minute later, unless Janus says something.
  await waitFor('baseline', () => t.ticks() === 1, SOON);
  t.subscriberHandle.events.emit('slowLink', { uplink: true, lost: 12, mid: '1' });
  await waitFor('a report long before the interval', () => t.events.length === 1, SOON);
  expect(t.events[0]).toMatchObject({ userId: 'alice', quality: 'good', slowlink: true });
  t.monitor.stop();
});

test('stop() and leaving end everything: no timer, no listener, no event', async () => {
  const t = setup();
  t.feeds.push({ userId: 'alice', type: 'cam' });
  t.monitor.wake();
  await waitFor('first report', () => t.events.length === 1, SOON);
  t.leave();
  await sleep(100);
  const ticks = t.ticks();
  t.link(0.5);
  await sleep(200);
  expect(t.ticks()).toBe(ticks);
  expect(t.events).toHaveLength(1);
  t.monitor.stop();
  for (const type of ['slowLink', 'webrtcState', 'remoteTrack'] as const) expect(t.subscriberHandle.events.all.get(type) ?? []).toHaveLength(0);
  t.monitor.wake();
  t.subscriberHandle.events.emit('slowLink', { uplink: true, lost: 12 });
  await sleep(100);
  expect(t.ticks()).toBe(ticks);
});
