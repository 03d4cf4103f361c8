/**
 * One multistream subscriber handle per member, receiving every feed it subscribed to on a single
 * PeerConnection (Janus 1.x `join` with `streams`, then `update`).
 *
 * Janus drives the negotiation: it sends an offer after our `join`/`update` and whenever a feed we
 * receive goes away; we answer each with `start`. Requests and answers run one at a time on the
 * handle's queue (Janus replies `updating` to an update sent while its offer is unanswered).
 * Subscriptions asked for while a negotiation is in flight are batched into the next `update`, so
 * N concurrent `subscribeVideo` calls cost at most two renegotiations.
 */
import { Code, KtError } from '../../errors';
import type { StreamRef, VideoRoomHandle } from '../../janus/videoroom';
import { roomEventsOf } from '../../janus/videoroom-events';
import type { Jsep, PluginData } from '../../janus/types';
import { getLogger, type Logger } from '../../logger';
import type { FeedType } from '../../types';
import type { PublishedStream } from '../members';
import { GoneStreams } from './gone';
import { HandedOutStreams } from './handed-out';
import { LayerWatch } from './layers';
import { keyOf, mappingFrom, parseKey, videoMidsAddedTo } from './mapping';

interface Waiter {
  keys: string[];
  resolve: () => void;
  reject: (err: KtError) => void;
}

/** How many times setSubstream asks, and how long it waits for the switch after each ask. */
const LAYER_ATTEMPTS = 6;
const LAYER_WAIT_MS = 600;

export interface SubscriberDeps {
  attach: () => Promise<VideoRoomHandle>;
  /** A handle attached ahead of time (during the room join), used before attaching another. */
  attached?: VideoRoomHandle;
  roomId: string;
  /** The room's PIN: subscribing is joining, and Janus checks it. */
  pin?: string;
  /** The publisher's private_id, so Janus ties this subscription to our participant. */
  privateId?: number;
  timeoutMs: number;
  /** With the room and user in its context, when there is one. */
  log?: Logger;
}

export class Subscriber {
  private handle?: Promise<VideoRoomHandle>;
  /** The same handle once attached, for the synchronous reads (tracks, PeerConnection). */
  private current?: VideoRoomHandle;
  private joined = false;
  private closed = false;
  /** The PeerConnection is up (ICE and DTLS done): Janus no longer asks for keyframes by itself. */
  private mediaUp = false;
  /** feed+mid → our mid, for the streams Janus currently sends us (after an applied answer). */
  private mapping = new Map<string, string>();
  private pending: StreamRef[] = [];
  /** Streams sent in a join/update whose offer has not mapped them yet. */
  private readonly requested = new Set<string>();
  private flushScheduled = false;
  private waiters = new Set<Waiter>();
  private readonly handedOut = new HandedOutStreams((key) => {
    const mid = this.mapping.get(key);
    return mid === undefined ? undefined : this.current?.media.remoteTrack(mid);
  });
  private readonly layers = new LayerWatch();
  private readonly gone = new GoneStreams();
  private readonly log: Logger;

  constructor(private readonly deps: SubscriberDeps) {
    this.log = deps.log ?? getLogger('subscriber');
    if (deps.attached) this.handle = Promise.resolve(this.adopt(deps.attached));
  }

  /**
   * Receives a feed; resolves with a MediaStream of its tracks once they are negotiated.
   * `alongside`: feeds announced together with this one, requested in the same renegotiation
   * (see Room.subscribe) but handed out only when asked for.
   */
  async subscribe(
    feed: string,
    type: FeedType,
    published: PublishedStream[],
    alongside: { feed: string; streams: PublishedStream[] }[] = [],
  ): Promise<MediaStream> {
    if (this.closed) throw new KtError(Code.BAD_REQUEST, 'not in a room');
    if (published.length === 0) throw new KtError(Code.INVALID_PARAMETER, `${feed} does not publish ${type}`);
    const keys = published.map((s) => keyOf(feed, s.mid));
    if (keys.some((k) => !this.mapping.has(k))) {
      for (const f of [{ feed, streams: published }, ...alongside]) this.enqueue(f.feed, f.streams);
      const ready = this.waitFor(keys);
      this.scheduleFlush();
      await ready;
    }
    return this.handedOut.handOut(feed, type, keys);
  }

  /** Whether `subscribe` handed out this feed and it was not released since. */
  isSubscribed(feed: string, type: FeedType): boolean {
    return this.handedOut.has(feed, type);
  }

  /** The stream handed out for a feed, if any. */
  streamOf(feed: string, type: FeedType): MediaStream | undefined {
    return this.handedOut.streamOf(feed, type);
  }

  /** The feeds handed out, with their streams. */
  handedOutFeeds(): { userId: string; type: FeedType; stream: MediaStream }[] {
    return this.handedOut.all();
  }

  /** When this feed is handed out next, use `stream` (one the app already holds) for it. */
  preferStream(feed: string, type: FeedType, stream: MediaStream): void {
    this.handedOut.prefer(feed, type, stream);
  }

  /**
   * Stops receiving a feed (Janus `unsubscribe`); the stream handed out for it ends (its tracks are
   * stopped), whether or not the gateway still had the feed.
   */
  async unsubscribe(feed: string, type: FeedType): Promise<void> {
    const keys = this.handedOut.end(feed, type);
    if (!keys) throw new KtError(Code.BAD_REQUEST, `not receiving ${type} of ${feed}`);
    await this.release(keys.filter((k) => !this.handedOut.wants(k)));
  }

  /**
   * A feed went away (unpublished, or its member left): a stream handed out for it ends, what
   * waits for it fails, and its streams are released (see gone.ts).
   */
  feedGone(feed: string, type: FeedType): void {
    this.handedOut.end(feed, type);
    const keys = this.gone.keysOf(feed, type);
    this.failKeys(keys, new KtError(Code.INVALID_PARAMETER, `${feed} no longer publishes ${type}`));
    this.release(keys).catch((err) => this.log.debug('release of a gone feed failed', err));
  }

  /**
   * Forgets these streams now and asks the gateway to stop sending them; until it has answered, no
   * offer maps them again (gone.ts). When the publisher is gone already Janus has nothing to take
   * away: it answers `updated` without an offer, or an error.
   */
  private async release(keys: string[]): Promise<void> {
    if (keys.length === 0 || this.closed) return;
    this.gone.withhold(keys);
    keys.forEach((k) => this.mapping.delete(k));
    this.pending = this.pending.filter((p) => !keys.includes(keyOf(p.feed, p.mid)));
    try {
      const handle = await this.ensureHandle();
      await handle.serial((requests) => requests.update({ unsubscribe: keys.map(parseKey) }).finally(() => this.gone.released(keys)));
    } finally {
      this.gone.released(keys);
    }
  }

  /** Tears the subscription down (leaving the room). */
  async close(): Promise<void> {
    this.closed = true;
    this.layers.close();
    this.failWaiters(new KtError(Code.BAD_REQUEST, 'left the room'));
    this.handedOut.endAll();
    const handle = this.handle && (await this.handle.catch(() => undefined));
    await handle?.detach();
  }

  peerConnection(): RTCPeerConnection | undefined {
    return this.current?.media.peerConnection();
  }

  /** The receivers of a feed handed out (for its stats). */
  receiversOf(feed: string, type: FeedType): RTCRtpReceiver[] {
    const pc = this.peerConnection();
    if (!this.handedOut.has(feed, type) || !pc) return [];
    const mids = new Set(
      this.handedOut
        .keysOf(feed, type)
        .map((k) => this.mapping.get(k))
        .filter((m) => m !== undefined),
    );
    return pc
      .getTransceivers()
      .filter((t) => t.mid !== null && mids.has(t.mid))
      .map((t) => t.receiver);
  }

  /**
   * Chooses which simulcast layer of a feed's video Janus relays to us (0 = smallest, 2 = full);
   * `videoMids` are the publisher-side mids of its video. Resolves once Janus reports the switch,
   * or after LAYER_ATTEMPTS requests if it does not (the layer may not be sent at all right now:
   * Janus then switches when it comes).
   */
  async setSubstream(feed: string, type: FeedType, videoMids: string[], substream: 0 | 1 | 2): Promise<void> {
    if (!this.handedOut.has(feed, type)) throw new KtError(Code.BAD_REQUEST, `not receiving ${type} of ${feed}`);
    const streams = videoMids
      .map((m) => this.mapping.get(keyOf(feed, m)))
      .filter((mid): mid is string => mid !== undefined)
      .map((mid) => ({ mid, substream }));
    if (streams.length === 0) throw new KtError(Code.BAD_REQUEST, `no video received from ${feed}`);
    // Janus switches at the next keyframe of the wanted layer and asks the sender for one with each
    // request. Chromium lets some of those asks pass without a keyframe (about every other one in
    // our tests), so we ask again until Janus says it switched.
    for (let attempt = 1; attempt <= LAYER_ATTEMPTS; attempt++) {
      if (this.closed) return;
      const switched = this.layers.switched(streams, LAYER_WAIT_MS);
      const handle = await this.ensureHandle();
      await handle.serial((requests) => requests.configureStreams(streams));
      if (await switched) return;
    }
    this.log.info(`layer ${substream} of ${feed} not relayed yet; the gateway switches when it arrives`);
  }

  private adopt(handle: VideoRoomHandle): VideoRoomHandle {
    this.current = handle;
    handle.events.on('message', (m) => this.onMessage(m));
    handle.events.on('webrtcState', ({ up }) => (this.mediaUp = up));
    return handle;
  }

  private ensureHandle(): Promise<VideoRoomHandle> {
    this.handle ??= this.deps.attach().then(
      (h) => this.adopt(h),
      (err) => {
        this.handle = undefined; // the next subscription tries again
        throw err;
      },
    );
    return this.handle;
  }

  /** Queues the streams not received, queued or asked for yet (never the same stream twice). */
  private enqueue(feed: string, streams: PublishedStream[]): void {
    for (const { mid, feedType: type } of streams) {
      const key = keyOf(feed, mid);
      if (this.mapping.has(key) || this.requested.has(key)) continue;
      this.gone.asked(key, type);
      if (!this.pending.some((p) => p.feed === feed && p.mid === mid)) this.pending.push({ feed, mid });
    }
  }

  private waitFor(keys: string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { keys, resolve, reject };
      this.waiters.add(waiter);
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        // Not answered: a later subscription may ask again.
        keys.forEach((k) => this.requested.delete(k));
        reject(new KtError(Code.GATEWAY_TIMEOUT, 'subscription not negotiated in time'));
      }, this.deps.timeoutMs);
      const settle = () => clearTimeout(timer);
      waiter.resolve = () => (settle(), resolve());
      waiter.reject = (e) => (settle(), reject(e));
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // A microtask, so subscriptions asked for in the same tick go out in one request.
    queueMicrotask(() => this.flush().catch((err) => this.log.warn('subscription request failed', err)));
  }

  private async flush(): Promise<void> {
    let batch: StreamRef[] = [];
    try {
      const handle = await this.ensureHandle();
      await handle.serial(async (requests) => {
        this.flushScheduled = false;
        batch = this.pending.splice(0).filter((s) => !this.mapping.has(keyOf(s.feed, s.mid)));
        if (batch.length === 0 || this.closed) return;
        const streams = batch.map((s) => ({ feed: s.feed, mid: s.mid }));
        batch.forEach((s) => this.requested.add(keyOf(s.feed, s.mid)));
        if (!this.joined) {
          const { roomId: room, privateId, pin } = this.deps;
          await requests.joinAsSubscriber({ room, privateId, streams, pin });
          this.joined = true;
          return;
        }
        const { data, jsep } = await requests.update({ subscribe: streams });
        if (data.videoroom === 'updated' && !jsep) {
          // Janus saw nothing to add: those streams are gone already.
          this.failKeys(
            batch.map((s) => keyOf(s.feed, s.mid)),
            new KtError(Code.INVALID_PARAMETER, 'feed not available'),
          );
        }
      });
    } catch (err) {
      // No handle (attach failed): what was waiting for this flush fails with it.
      if (this.flushScheduled) batch = this.pending.splice(0);
      this.flushScheduled = false;
      const error = err instanceof KtError ? err : new KtError(Code.UNKNOWN, String(err));
      this.failKeys(
        batch.map((s) => keyOf(s.feed, s.mid)),
        error,
      );
    }
  }

  private onMessage({ data, jsep }: { data: PluginData; jsep?: Jsep }): void {
    for (const event of roomEventsOf(data)) if (event.name === 'substream') this.layers.relayed(event.mid, event.substream);
    if (jsep?.type === 'offer') {
      const summary = data.streams;
      this.answer(jsep, summary, this.gone.offerReceived()).catch((err) => this.log.error('answering the gateway failed', err));
    }
  }

  private async answer(offer: Jsep, summary: unknown, received: number): Promise<void> {
    const handle = this.current;
    if (!handle || this.closed) return;
    await handle.serial(async (requests) => {
      if (this.closed) return;
      await requests.start(await handle.media.createAnswer(offer));
      const before = this.mapping;
      this.mapping = mappingFrom(summary);
      this.gone.filter(this.mapping, received);
      this.mapping.forEach((_, k) => this.requested.delete(k));
      this.handedOut.syncAll();
      for (const w of [...this.waiters]) {
        if (w.keys.every((k) => this.mapping.has(k))) {
          this.waiters.delete(w);
          w.resolve();
        }
      }
      // Janus asks the publishers for a keyframe for every stream of a subscription when its
      // PeerConnection comes up, but not for streams an `update` adds once it is up: those would
      // wait for the sender's next keyframe, or for the browser to ask (hundreds of ms). A
      // `configure` with `send: true` makes Janus ask for them (a PLI for every stream set to send).
      const added = this.mediaUp ? videoMidsAddedTo(before, summary) : [];
      if (added.length === 0 || this.closed) return;
      await requests.configureStreams(added.map((mid) => ({ mid, send: true as const }))).catch((err) => this.log.debug('keyframe request failed', err));
    });
  }

  private failKeys(keys: string[], err: KtError): void {
    keys.forEach((k) => this.requested.delete(k));
    for (const w of [...this.waiters]) {
      if (w.keys.some((k) => keys.includes(k) && !this.mapping.has(k))) {
        this.waiters.delete(w);
        w.reject(err);
      }
    }
  }

  private failWaiters(err: KtError): void {
    this.waiters.forEach((w) => w.reject(err));
    this.waiters.clear();
  }
}
