/**
 * The connection-quality rules (sdk/quality/score.ts) and the stats arithmetic behind
 * them (sdk/quality/window.ts), without a browser.
 */
import { assessWindow, isIdle, isLost, qualityOfScore, scoreWindow, smoothScore, type KindWindow, type QualityWindow } from '../../sdk/quality/score';
import type { Reading } from '../../sdk/quality/feed-stats';
import { lossRateOf, statsOfFeed, windowBetween } from '../../sdk/quality/window';

/** A kind over a window of `packets` with `lossRate` of them lost. */
const kind = (packets: number, lossRate = 0, frames?: number): KindWindow => ({
  packets,
  lost: Math.round(packets * lossRate),
  lossRate,
  ...(frames === undefined ? {} : { frames }),
});
const clean: QualityWindow = { audio: kind(100), video: kind(300, 0, 40), rtt: 0.02, jitter: 0.002, slowlink: false, connected: true };
const quality = (w: Partial<QualityWindow>) => assessWindow(undefined, { ...clean, ...w })?.quality;

describe('one window', () => {
  test('a clean link is excellent', () => {
    expect(scoreWindow(clean)).toBe(100);
    expect(quality({})).toBe('excellent');
  });

  test('audio loss: under 4% excellent, 4-12% good, above poor', () => {
    expect(quality({ audio: kind(100, 0.03) })).toBe('excellent');
    expect(quality({ audio: kind(100, 0.05) })).toBe('good');
    expect(quality({ audio: kind(100, 0.11) })).toBe('good');
    expect(quality({ audio: kind(100, 0.13) })).toBe('poor');
  });

  test('video loss weighs twice as much: under 2% excellent, 2-6% good, above poor', () => {
    expect(quality({ video: kind(300, 0.01, 40) })).toBe('excellent');
    expect(quality({ video: kind(300, 0.03, 40) })).toBe('good');
    expect(quality({ video: kind(300, 0.07, 40) })).toBe('poor');
  });

  test('the worse kind decides', () => {
    expect(quality({ audio: kind(100, 0), video: kind(300, 0.1, 40) })).toBe('poor');
    expect(quality({ audio: kind(100, 0.2), video: kind(300, 0, 40) })).toBe('poor');
  });

  test('video packets without a single frame is a frozen picture: poor; a still, sparse one is not', () => {
    expect(quality({ video: kind(300, 0, 0) })).toBe('poor');
    expect(quality({ video: kind(10, 0, 0) })).toBe('excellent');
  });

  test('delay: free up to 150 ms one way, then a point per 5 ms', () => {
    expect(quality({ rtt: 0.3 })).toBe('excellent'); // 150 ms + 4 ms of jitter buffer
    expect(quality({ rtt: 0.6, jitter: 0 })).toBe('good'); // 300 ms
    expect(quality({ rtt: 1.0, jitter: 0 })).toBe('poor'); // 500 ms
    expect(quality({ rtt: 0.1, jitter: 0.1 })).toBe('good'); // 50 ms + 200 ms of jitter buffer
  });

  test('a slowlink caps the feed at good', () => {
    expect(quality({ slowlink: true })).toBe('good');
    expect(quality({ slowlink: true, audio: kind(100, 0.2) })).toBe('poor');
  });

  test('lost: the transport is down, or a feed with audio moved nothing', () => {
    expect(isLost({ ...clean, connected: false })).toBe(true);
    expect(quality({ connected: false })).toBe('lost');
    expect(quality({ audio: kind(0), video: kind(0, 0, 0) })).toBe('lost');
    expect(quality({ audio: kind(0) })).toBe('excellent'); // a gap while the microphone is switched
    // Video alone may pause (a still screen): no judgement, the feed keeps its quality.
    expect(isIdle({ ...clean, audio: undefined, video: kind(0, 0, 0) })).toBe(true);
    expect(assessWindow(90, { ...clean, audio: undefined, video: kind(0, 0, 0) })).toBeUndefined();
    expect(quality({ audio: undefined, video: kind(0, 0, 0), connected: false })).toBe('lost');
    // Audio-only and video-only feeds are scored on what they have.
    expect(quality({ video: undefined })).toBe('excellent');
    expect(quality({ audio: undefined })).toBe('excellent');
  });

  test('scores stay within 0..100 and map onto the scale at 80 and 40', () => {
    expect(scoreWindow({ ...clean, audio: kind(100, 1) })).toBe(0);
    expect(qualityOfScore(80.1)).toBe('excellent');
    expect(qualityOfScore(80)).toBe('good');
    expect(qualityOfScore(40.1)).toBe('good');
    expect(qualityOfScore(40)).toBe('poor');
  });
});

describe('over windows', () => {
  const run = (windows: Partial<QualityWindow>[]) => {
    let score: number | undefined;
    return windows.map((w) => {
      const step = assessWindow(score, { ...clean, ...w })!;
      score = step.score;
      return step.quality;
    });
  };

  test('falls at once on real trouble and climbs back over clean windows, through good', () => {
    const bad = { audio: kind(100, 0.3) };
    expect(run([{}, bad, {}, {}, {}])).toEqual(['excellent', 'poor', 'good', 'excellent', 'excellent']);
    // From the bottom (after a loss): good after one clean window, excellent after three.
    expect(run([{ connected: false }, {}, {}, {}])).toEqual(['lost', 'good', 'good', 'excellent']);
  });

  test('one slightly unlucky window does not flip the badge; two do', () => {
    const unlucky = { audio: kind(100, 0.05) }; // 75 points
    expect(run([{}, unlucky, {}])).toEqual(['excellent', 'excellent', 'excellent']);
    expect(run([{}, unlucky, unlucky])).toEqual(['excellent', 'excellent', 'good']);
  });

  test('a lost window resets the score: the way back goes through poor', () => {
    expect(run([{}, { connected: false }, {}, {}])).toEqual(['excellent', 'lost', 'good', 'good']);
    expect(smoothScore(0, 100)).toBe(50);
    expect(smoothScore(100, 0)).toBe(25);
    expect(smoothScore(undefined, 64)).toBe(64);
  });
});

describe('stats between two readings', () => {
  const report = (...stats: Record<string, unknown>[]): Reading => new Map(stats.map((s) => [s.id as string, s as any]));
  const pair = (rtt: number) => ({ id: 'CP', type: 'candidate-pair', nominated: true, currentRoundTripTime: rtt });
  const inbound = (id: string, kindName: string, received: number, lost: number, frames?: number) => ({
    id,
    type: 'inbound-rtp',
    kind: kindName,
    packetsReceived: received,
    packetsLost: lost,
    jitter: 0.004,
    ...(frames === undefined ? {} : { framesDecoded: frames }),
  });

  test('receiving: packets, loss and frames of each kind over the window', () => {
    const first = [report(inbound('A', 'audio', 1000, 10), pair(0.01)), report(inbound('V', 'video', 5000, 20, 600), pair(0.01))];
    const second = [report(inbound('A', 'audio', 1075, 35), pair(0.03)), report(inbound('V', 'video', 5190, 30, 640), pair(0.02))];
    const w = windowBetween('receive', first, second)!;
    expect(w.audio).toEqual({ packets: 75, lost: 25, lossRate: 0.25 });
    expect(w.video).toEqual({ packets: 190, lost: 10, lossRate: 0.05, frames: 40 });
    expect(w.rtt).toBe(0.03);
    expect(w.jitter).toBe(0.004);
    expect(lossRateOf('receive', w)).toBeCloseTo(35 / 300);
  });

  test("sending: loss as the gateway's last receiver report says (fractionLost), simulcast layers added up", () => {
    const outbound = (id: string, sent: number, frames: number) => ({ id, type: 'outbound-rtp', kind: 'video', packetsSent: sent, framesEncoded: frames });
    const remote = (id: string, localId: string, fractionLost: number) => ({
      id,
      type: 'remote-inbound-rtp',
      kind: 'video',
      localId,
      packetsLost: 999, // cumulative: not used, its reports need not line up with our window
      fractionLost,
      roundTripTime: 0.05,
      jitter: 0.01,
    });
    const first = [report(outbound('h', 1000, 100), outbound('l', 500, 100), remote('Rh', 'h', 0), remote('Rl', 'l', 0))];
    const second = [report(outbound('h', 1100, 120), outbound('l', 600, 120), remote('Rh', 'h', 0.2), remote('Rl', 'l', 0.1))];
    const w = windowBetween('send', first, second)!;
    expect(w.video).toEqual({ packets: 200, lost: 30, lossRate: 0.15, frames: 40 });
    expect(w.rtt).toBe(0.05);
    expect(w.jitter).toBe(0.01);
    expect(lossRateOf('send', w)).toBeCloseTo(0.15);
  });

  test('a stream that was not in the first reading waits for the next window', () => {
    expect(windowBetween('receive', [report(pair(0.01))], [report(inbound('A', 'audio', 50, 0))])).toBeUndefined();
    // Counters never go backwards into negative loss (duplicates can make packetsLost shrink).
    const w = windowBetween('receive', [report(inbound('A', 'audio', 100, 5))], [report(inbound('A', 'audio', 150, 3))])!;
    expect(w.audio).toEqual({ packets: 50, lost: 0, lossRate: 0 });
  });

  test("one connection's report split by feed: its streams by mid, the gateway's reports on them, the candidate pair", () => {
    const all = report(
      { id: 'A1', type: 'outbound-rtp', kind: 'audio', mid: '0' },
      { id: 'V1', type: 'outbound-rtp', kind: 'video', mid: '1' },
      { id: 'V2', type: 'outbound-rtp', kind: 'video', mid: '3' },
      { id: 'R1', type: 'remote-inbound-rtp', localId: 'V1' },
      { id: 'R2', type: 'remote-inbound-rtp', localId: 'V2' },
      pair(0.01),
      { id: 'T', type: 'transport' },
    );
    expect([...statsOfFeed(all, new Set(['0', '1']))!.keys()]).toEqual(['A1', 'V1', 'R1', 'CP']);
    expect([...statsOfFeed(all, new Set(['3']))!.keys()]).toEqual(['V2', 'R2', 'CP']);
    // A browser that does not say which m-line a stream is on: read per sender/receiver instead.
    expect(statsOfFeed(report({ id: 'A', type: 'inbound-rtp', kind: 'audio' }), new Set(['0']))).toBeUndefined();
  });
});
