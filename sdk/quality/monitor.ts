/**
 * Watches the connection quality of every feed of a room we send or receive, and reports each
 * change (the `connectionQuality` instance event).
 *
 * Two sources: getStats every couple of seconds (loss, frames, jitter, round trip; scored by
 * connection-quality.ts), and Janus's `slowlink` events, which Janus sends when it counted lost
 * packets itself (on our publisher handle: packets from us that never reached it; on our
 * subscriber handle: packets to us that our browser reported lost). A slow link marks its feed and
 * brings the next look forward, so trouble shows within a fraction of a second of Janus's word.
 *
 * One timer per room, a chain of timeouts so that readings never overlap. It runs only while
 * something is sent or received: the handles' events wake it when media starts, and it lets
 * itself lapse when no feed is left; leaving the room stops it for good.
 */
import type { HandleMedia } from '../janus/types';
import { getLogger } from '../logger';
import type { ConnectionQuality, ConnectionQualityDetail, FeedType } from '../types';
import type { ReceivedFeeds } from './audio-levels';
import { read, type Reading } from './feed-stats';
import { assessWindow } from './score';
import { lossRateOf, statsOfFeed, windowBetween } from './window';

const log = getLogger('quality');

const QUALITY_INTERVAL_MS = 2000;
/** How soon to look after a slowlink. */
const SLOWLINK_LOOK_MS = 300;
/**
 * How long after media starts the first reading is taken. That reading only opens the first
 * window (nothing is reported from it), and a getStats taken at once would compete with the
 * first frames for the page's WebRTC threads: the moment the join is timed by.
 */
const FIRST_LOOK_MS = 1000;

type Direction = 'send' | 'receive';
type RtpItem = RTCRtpSender | RTCRtpReceiver;

export interface QualityMonitorDeps {
  selfId: string;
  /** Our publisher handle (what we send) and subscriber handle (what we receive). */
  publisherHandle: HandleMedia;
  subscriberHandle: HandleMedia;
  /** What we send: the RTP senders of each feed. */
  publisher: { rtpSendersOf(type: FeedType): RTCRtpSender[] };
  /** What we receive, and the PeerConnection it comes on. */
  subscriber: ReceivedFeeds & { peerConnection(): RTCPeerConnection | undefined };
  /** False once the room is being left: nothing is measured or reported any more. */
  active: () => boolean;
  onChange: (detail: ConnectionQualityDetail) => void;
  intervalMs?: number;
}

interface Feed {
  key: string;
  userId: string;
  type: FeedType;
  direction: Direction;
  items: RtpItem[];
  pc?: RTCPeerConnection;
  mids: Set<string>;
}

interface FeedState {
  items: RtpItem[];
  reading: Reading[];
  mids: Set<string>;
  /** A slowlink came since the last window. */
  slowlink: boolean;
  score?: number;
  quality?: ConnectionQuality;
}

const feedKey = (direction: Direction, userId: string, type: FeedType) => `${direction}\u0000${userId}\u0000${type}`;

const sameItems = (a: RtpItem[], b: RtpItem[]) => a.length === b.length && a.every((item, i) => item === b[i]);

const isConnected = (pc: RTCPeerConnection | undefined) => pc !== undefined && (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed');

function midsOf(pc: RTCPeerConnection | undefined, items: RtpItem[]): Set<string> {
  const mids = new Set<string>();
  for (const t of pc?.getTransceivers() ?? []) {
    if (t.mid !== null && (items.includes(t.sender) || items.includes(t.receiver))) mids.add(t.mid);
  }
  return mids;
}

export class QualityMonitor {
  private timer?: ReturnType<typeof setTimeout>;
  /** When the pending timer fires (ms since epoch). */
  private due = 0;
  private measuring = false;
  /** A wake-up came while measuring: look again even if that reading found nothing. */
  private wokenWhileMeasuring = false;
  private stopped = false;
  private readonly states = new Map<string, FeedState>();
  private readonly unlisten: (() => void)[] = [];

  constructor(private readonly deps: QualityMonitorDeps) {
    this.listen(deps.publisherHandle, 'send');
    this.listen(deps.subscriberHandle, 'receive');
  }

  /** The last quality reported for a feed (ours when `userId` is our id), if measured yet. */
  current(userId: string, type: FeedType): ConnectionQuality | undefined {
    const direction = userId === this.deps.selfId ? 'send' : 'receive';
    return this.states.get(feedKey(direction, userId, type))?.quality;
  }

  /** Starts measuring if it is not already (media may have started). */
  wake(): void {
    if (this.stopped) return;
    if (this.measuring) this.wokenWhileMeasuring = true;
    else if (!this.timer) this.schedule(FIRST_LOOK_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.states.clear();
    this.unlisten.splice(0).forEach((off) => off());
  }

  /** Media starting on a handle (ICE+DTLS up, a remote track arriving) wakes the timer. */
  private listen(handle: HandleMedia, direction: Direction): void {
    const onState = ({ up }: { up: boolean }) => up && this.wake();
    const onTrack = ({ on }: { on: boolean }) => on && this.wake();
    const onSlowLink = ({ mid }: { mid?: string }) => this.onSlowLink(direction, mid);
    handle.events.on('webrtcState', onState);
    handle.events.on('remoteTrack', onTrack);
    handle.events.on('slowLink', onSlowLink);
    this.unlisten.push(() => {
      handle.events.off('webrtcState', onState);
      handle.events.off('remoteTrack', onTrack);
      handle.events.off('slowLink', onSlowLink);
    });
  }

  /** Marks the feed of that m-line (all feeds of the handle when the mid is unknown), looks soon. */
  private onSlowLink(direction: Direction, mid: string | undefined): void {
    if (this.stopped) return;
    const candidates = [...this.states].filter(([key]) => key.startsWith(`${direction}\u0000`)).map(([, s]) => s);
    const owners = mid === undefined ? [] : candidates.filter((s) => s.mids.has(mid));
    (owners.length > 0 ? owners : candidates).forEach((s) => (s.slowlink = true));
    log.debug('slowlink', direction, mid);
    if (this.measuring) this.wokenWhileMeasuring = true;
    else if (!this.timer || this.due - Date.now() > SLOWLINK_LOOK_MS) this.schedule(SLOWLINK_LOOK_MS);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.due = Date.now() + ms;
    this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    if (!this.deps.active()) return this.stop();
    this.measuring = true;
    this.wokenWhileMeasuring = false;
    try {
      await this.measure();
    } catch (err) {
      log.debug('quality reading failed', err);
    } finally {
      this.measuring = false;
    }
    // Lapse when nothing is sent or received; the handles' events wake us again.
    if (!this.stopped && !this.timer && (this.states.size > 0 || this.wokenWhileMeasuring)) {
      this.schedule(this.wokenWhileMeasuring && this.states.size > 0 ? SLOWLINK_LOOK_MS : (this.deps.intervalMs ?? QUALITY_INTERVAL_MS));
    }
  }

  private async measure(): Promise<void> {
    const feeds = this.currentFeeds();
    const readings = await this.read(feeds);
    if (this.stopped || !this.deps.active()) return;
    const seen = new Set<string>();
    feeds.forEach((feed, i) => {
      const reading = readings[i];
      if (!reading) return;
      seen.add(feed.key);
      this.update(feed, reading);
    });
    // Feeds no longer sent or received go silently (the app had unpublish or removePeer).
    for (const key of [...this.states.keys()]) if (!seen.has(key)) this.states.delete(key);
  }

  /** Each feed's stats: one getStats per PeerConnection, split by mid (per sender/receiver if it cannot be). */
  private async read(feeds: Feed[]): Promise<(Reading[] | undefined)[]> {
    const pcs = [...new Set(feeds.map((f) => f.pc))];
    const reports = new Map(await Promise.all(pcs.map(async (pc) => [pc, await pc?.getStats().catch(() => undefined)] as const)));
    return Promise.all(
      feeds.map(async (feed) => {
        const report = reports.get(feed.pc) as Reading | undefined;
        const own = report && statsOfFeed(report, feed.mids);
        return own ? [own] : read(feed.items).catch(() => undefined);
      }),
    );
  }

  private currentFeeds(): Feed[] {
    const { selfId, publisher, subscriber, publisherHandle } = this.deps;
    const feeds: Feed[] = [];
    const add = (direction: Direction, userId: string, type: FeedType, items: RtpItem[], pc: RTCPeerConnection | undefined) => {
      if (items.length > 0) feeds.push({ key: feedKey(direction, userId, type), userId, type, direction, items, pc, mids: midsOf(pc, items) });
    };
    for (const type of ['cam', 'screen'] as const) {
      // A sender without a live track (ended by its device, or swapped for nothing) sends nothing on purpose.
      const senders = publisher.rtpSendersOf(type).filter((s) => s.track?.readyState === 'live');
      add('send', selfId, type, senders, publisherHandle.peerConnection());
    }
    for (const { userId, type } of subscriber.handedOutFeeds()) {
      add('receive', userId, type, subscriber.receiversOf(userId, type), subscriber.peerConnection());
    }
    return feeds;
  }

  private update(feed: Feed, reading: Reading[]): void {
    const state = this.states.get(feed.key);
    if (!state || !sameItems(state.items, feed.items)) {
      // First sight, or its tracks changed: this reading is the start of the next window.
      this.states.set(feed.key, { ...state, items: feed.items, reading, mids: feed.mids, slowlink: state?.slowlink ?? false });
      return;
    }
    const window = windowBetween(feed.direction, state.reading, reading);
    state.reading = reading;
    state.mids = feed.mids;
    if (!window) return;
    const slowlink = state.slowlink;
    state.slowlink = false;
    const assessed = assessWindow(state.score, { ...window, slowlink, connected: isConnected(feed.pc) });
    if (!assessed) return; // a still video-only feed: nothing to judge
    const { quality, score } = assessed;
    const previous = state.quality;
    state.score = score;
    state.quality = quality;
    if (quality === previous) return;
    const detail: ConnectionQualityDetail = {
      userId: feed.userId,
      type: feed.type,
      direction: feed.direction,
      quality,
      previous: previous ?? 'unknown',
      lossRate: lossRateOf(feed.direction, window),
      slowlink,
    };
    if (window.rtt !== undefined) detail.rtt = window.rtt;
    try {
      this.deps.onChange(detail);
    } catch (err) {
      log.error('connectionQuality listener failed', err);
    }
  }
}
