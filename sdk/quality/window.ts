/**
 * What happened to a feed between two getStats readings, in the terms connection-quality.ts scores:
 * packets, loss and frames per kind, jitter and round-trip time. Pure (reports in, figures out), so
 * the arithmetic is unit-tested on made-up reports.
 *
 * Receiving: our inbound-rtp counts what arrived and what was lost for good (packets recovered by
 * retransmission count as arrived). Sending: our outbound-rtp counts what we sent, and the
 * gateway's last receiver report (remote-inbound-rtp `fractionLost`) says which share of it was
 * lost on the way. Receiver reports come about once a second and are lost too on a bad link, so
 * the difference of their cumulative counts over our window can cover one report interval more or
 * less than the window (measured: 54% "loss" on a 25% lossy uplink); the fraction each report
 * carries cannot. A kind with several RTP streams (simulcast layers) adds them up.
 */
import type { Reading } from './feed-stats';
import type { KindWindow, QualityWindow } from './score';

type Direction = 'send' | 'receive';
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as feed-stats.ts: getStats fields lib.dom does not type
type Stat = RTCStats & Record<string, any>;

const COUNTERS = {
  receive: { rtp: 'inbound-rtp', packets: 'packetsReceived', frames: 'framesDecoded' },
  send: { rtp: 'outbound-rtp', packets: 'packetsSent', frames: 'framesEncoded' },
} as const;

interface Tally {
  packets: number;
  lost: number;
  frames: number;
  video: boolean;
}

const delta = (now: Stat | undefined, before: Stat | undefined, key: string): number => Math.max(0, (Number(now?.[key]) || 0) - (Number(before?.[key]) || 0));

/**
 * The part of a PeerConnection's stats that is one feed's: its RTP streams (by the mids of its
 * m-lines), the gateway's reports on them, and the candidate pairs. One getStats per PeerConnection
 * then serves every feed on it (a sender's or receiver's getStats collects the whole connection's
 * stats anyway). Undefined when the browser does not label RTP stats with their mid.
 */
export function statsOfFeed(report: Reading, mids: Set<string>): Reading | undefined {
  const rtp = [...report.values()].filter((s) => s.type === 'inbound-rtp' || s.type === 'outbound-rtp');
  if (rtp.length > 0 && rtp.every((s) => typeof s.mid !== 'string')) return undefined;
  const ours = new Set(rtp.filter((s) => mids.has(s.mid)).map((s) => s.id));
  const feed: Reading = new Map();
  for (const s of report.values()) {
    if (ours.has(s.id) || s.type === 'candidate-pair' || (s.type === 'remote-inbound-rtp' && ours.has(s.localId))) feed.set(s.id, s);
  }
  return feed;
}

/** The gateway's report on one of our outbound streams, if it sent one yet. */
const remoteOf = (report: Reading, outbound: Stat): Stat | undefined =>
  [...report.values()].find((s) => s.type === 'remote-inbound-rtp' && s.localId === outbound.id);

/**
 * The window between two readings of the same senders/receivers (same order), or undefined when
 * no RTP stream of the second reading was in the first (nothing to compare yet).
 */
export function windowBetween(direction: Direction, first: Reading[], second: Reading[]): Omit<QualityWindow, 'slowlink' | 'connected'> | undefined {
  const names = COUNTERS[direction];
  const tallies: Partial<Record<'audio' | 'video', Tally>> = {};
  let compared = false;
  let rtt: number | undefined;
  let jitter: number | undefined;
  const most = (a: number | undefined, b: unknown) => (typeof b === 'number' ? Math.max(a ?? 0, b) : a);

  second.forEach((report, i) => {
    const earlier = first[i];
    for (const now of report.values()) {
      if (now.type === 'candidate-pair' && now.nominated) rtt = most(rtt, now.currentRoundTripTime);
      if (now.type !== names.rtp || (now.kind !== 'audio' && now.kind !== 'video')) continue;
      const before = earlier?.get(now.id);
      if (!before) continue; // a stream that just started: counted from the next window on
      compared = true;
      const kind = now.kind as 'audio' | 'video';
      const tally = (tallies[kind] ??= { packets: 0, lost: 0, frames: 0, video: kind === 'video' });
      tally.packets += delta(now, before, names.packets);
      tally.frames += delta(now, before, names.frames);
      if (direction === 'receive') {
        tally.lost += delta(now, before, 'packetsLost');
        jitter = most(jitter, now.jitter);
      } else {
        const remote = remoteOf(report, now);
        const sent = delta(now, before, names.packets);
        if (typeof remote?.fractionLost === 'number') tally.lost += Math.round(sent * Math.min(1, remote.fractionLost));
        jitter = most(jitter, remote?.jitter);
        // The RTCP round trip, measured on the media path itself.
        rtt = most(rtt, remote?.roundTripTime);
      }
    }
  });
  if (!compared) return undefined;

  const kindWindow = (t: Tally | undefined): KindWindow | undefined => {
    if (!t) return undefined;
    // Receiving: of what should have arrived (arrived + lost). Sending: of what we sent.
    const expected = direction === 'receive' ? t.packets + t.lost : t.packets;
    const w: KindWindow = { packets: t.packets, lost: t.lost, lossRate: expected > 0 ? Math.min(1, t.lost / expected) : 0 };
    if (t.video) w.frames = t.frames;
    return w;
  };
  const out: Omit<QualityWindow, 'slowlink' | 'connected'> = {};
  const audio = kindWindow(tallies.audio);
  const video = kindWindow(tallies.video);
  if (audio) out.audio = audio;
  if (video) out.video = video;
  if (rtt !== undefined) out.rtt = rtt;
  if (jitter !== undefined) out.jitter = jitter;
  return out;
}

/** The share of all the feed's packets (audio and video together) lost in the window, 0..1. */
export function lossRateOf(direction: Direction, w: Pick<QualityWindow, 'audio' | 'video'>): number {
  let lost = 0;
  let expected = 0;
  for (const k of [w.audio, w.video]) {
    if (!k) continue;
    lost += k.lost;
    expected += direction === 'receive' ? k.packets + k.lost : k.packets;
  }
  return expected > 0 ? Math.min(1, lost / expected) : 0;
}
