/**
 * How good a feed's connection is, from one window of its stats: a pure function, so the rules are
 * tested without a browser. The QualityMonitor feeds it every couple of seconds.
 *
 * The scale is LiveKit's (excellent / good / poor / lost), which is what users of conferencing
 * SDKs expect, and so are its break points in spirit: a score out of 100, where each percent of
 * packet loss costs points according to how much the codec suffers from it, and long delay costs
 * points too. Above 80 is excellent, above 40 good, the rest poor. Our own figures:
 *
 * - Audio (Opus, with its in-band FEC, which Chromium turns on): 5 points per % lost. Under 4% loss
 *   is excellent (FEC hides it), 4-12% good (audible clicks), above 12% poor (words go missing).
 * - Video: 10 points per % lost, as measured after retransmissions (RTCP NACK) had their chance,
 *   which is what the viewer gets: under 2% is excellent, 2-6% good (artefacts, short freezes),
 *   above 6% poor (the picture keeps freezing while new key frames are requested).
 * - Video that moves packets but renders no frame at all in a window is frozen: poor.
 * - Delay: the mouth-to-ear delay our link adds is about half the round trip plus what the jitter
 *   buffer holds back (about twice the jitter). Below 150 ms it costs nothing (ITU-T G.114's limit
 *   for unimpaired conversation); beyond, a point per 5 ms: over 250 ms is no longer excellent, over
 *   450 ms (past G.114's 400 ms limit) is poor.
 * - A Janus `slowlink` in the window (Janus counted lost packets itself) caps the feed at good.
 * - Lost: the transport is down (ICE), or a feed with audio moved not a single packet in the
 *   window: Opus never pauses (even muted it sends silence, and with DTX a packet every 400 ms).
 *   Video alone may pause (a still screen sends nothing): a window without packets on a
 *   video-only feed says nothing, and the feed keeps its quality.
 *
 * Scores are smoothed over windows, faster down than up: a real drop shows within one window, a
 * single unlucky window does not flip the badge, and recovery is announced once it holds.
 */
import type { ConnectionQuality } from '../types';

export type { ConnectionQuality };

/** One kind of media (audio or video) of a feed, over one window. */
export interface KindWindow {
  /** RTP packets received (receiving side) or sent (sending side) in the window. */
  packets: number;
  /** Packets lost in the window (for a feed we send: as the gateway's receiver reports say). */
  lost: number;
  /** Share of the window's packets lost, 0..1. */
  lossRate: number;
  /** Video: frames decoded (receiving side) or encoded (sending side) in the window. */
  frames?: number;
}

export interface QualityWindow {
  audio?: KindWindow;
  video?: KindWindow;
  /** Round-trip time to the gateway, seconds. */
  rtt?: number;
  /** Interarrival jitter, seconds (the larger of the kinds). */
  jitter?: number;
  /** Janus reported a slow link for this feed during the window. */
  slowlink: boolean;
  /** ICE and DTLS are up. */
  connected: boolean;
}

export const EXCELLENT_ABOVE = 80;
export const GOOD_ABOVE = 40;
const AUDIO_POINTS_PER_PERCENT = 5;
const VIDEO_POINTS_PER_PERCENT = 10;
const FREE_DELAY_MS = 150;
const DELAY_MS_PER_POINT = 5;
/** Fewer video packets than this in a window without a frame may just be a still picture. */
const FROZEN_MIN_PACKETS = 20;
const FROZEN_SCORE = 20;

/** Whether nothing can be scored: the feed is cut off. */
const packetsOf = (w: QualityWindow) => (w.audio?.packets ?? 0) + (w.video?.packets ?? 0);

export function isLost(w: QualityWindow): boolean {
  return !w.connected || (w.audio !== undefined && packetsOf(w) === 0);
}

/** A connected video-only feed that sent nothing (a still screen): nothing to judge. */
export function isIdle(w: QualityWindow): boolean {
  return !isLost(w) && packetsOf(w) === 0;
}

/** The window's score, 0..100 (see the file comment); lost and idle windows score 0. */
export function scoreWindow(w: QualityWindow): number {
  if (isLost(w) || isIdle(w)) return 0;
  const scores = [100];
  if (w.audio && w.audio.packets > 0) scores.push(100 - 100 * w.audio.lossRate * AUDIO_POINTS_PER_PERCENT);
  if (w.video && w.video.packets > 0) {
    scores.push(100 - 100 * w.video.lossRate * VIDEO_POINTS_PER_PERCENT);
    if (w.video.frames === 0 && w.video.packets >= FROZEN_MIN_PACKETS) scores.push(FROZEN_SCORE);
  }
  const delayMs = ((w.rtt ?? 0) / 2 + 2 * (w.jitter ?? 0)) * 1000;
  const delayPenalty = Math.max(0, delayMs - FREE_DELAY_MS) / DELAY_MS_PER_POINT;
  let score = Math.min(...scores) - delayPenalty;
  if (w.slowlink) score = Math.min(score, EXCELLENT_ABOVE);
  return Math.max(0, Math.min(100, score));
}

/**
 * The score carried from window to window: three quarters of a drop at once, half of a rise per
 * window (from poor, good comes after one clean window and excellent after three).
 */
export function smoothScore(previous: number | undefined, measured: number): number {
  if (previous === undefined) return measured;
  const share = measured < previous ? 0.75 : 0.5;
  return previous + (measured - previous) * share;
}

export function qualityOfScore(score: number): Exclude<ConnectionQuality, 'lost'> {
  if (score > EXCELLENT_ABOVE) return 'excellent';
  if (score > GOOD_ABOVE) return 'good';
  return 'poor';
}

/**
 * One step: the window's quality and the score to carry to the next window; undefined for an idle
 * window (nothing changes). A lost window resets the score, so a link that comes back climbs
 * through poor and good again.
 */
export function assessWindow(previousScore: number | undefined, w: QualityWindow): { quality: ConnectionQuality; score: number } | undefined {
  if (isLost(w)) return { quality: 'lost', score: 0 };
  if (isIdle(w)) return undefined;
  const score = smoothScore(previousScore, scoreWindow(w));
  let quality = qualityOfScore(score);
  // Smoothing must not hide what this very window says: a slow link is never excellent.
  if (w.slowlink && quality === 'excellent') quality = 'good';
  return { quality, score };
}
