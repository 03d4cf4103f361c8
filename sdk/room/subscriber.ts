/**
 * One multistream subscriber handle per member, receiving every feed it subscribed to on a single
 * PeerConnection (Janus 1.x `join` with `streams`, then `update`).
 *
 * Janus drives the negotiation: it sends an offer after our `join`/`update` and whenever a feed we
 * receive goes away; we answer each with `start`. Requests and answers run one at a time on a queue
 * (Janus replies `updating` to an update sent while its offer is unanswered). Subscriptions asked
 * for while a negotiation is in flight are batched into the next `update`, so N concurrent
 * `subscribeVideo` calls cost at most two renegotiations.
 */
import { Code, KtError } from '../errors';
import type { Jsep, PluginData, PluginHandle } from '../gateway/types';
import { getLogger } from '../logger';
import type { FeedType } from '../types';
import { AsyncQueue } from '../util/async-queue';
import type { PublishedStream } from './members';
import { requestWithEvent } from './request';

const log = getLogger('subscriber');

interface StreamRef {
  feed: string;
  mid: string;
}

interface HandedOutStream {
  stream: MediaStream;
  keys: string[];
  /** receiving track → the clone of it in `stream` */
  clones: Map<MediaStreamTrack, MediaStreamTrack>;
}

interface Waiter {
  keys: string[];
  resolve: () => void;
  reject: (err: KtError) => void;
}

/** How many times setSubstream asks, and how long it waits for the switch after each ask. */
const LAYER_ATTEMPTS = 6;
const LAYER_WAIT_MS = 600;

const keyOf = (feed: string, mid: string) => `${feed}\u0000${mid}`;
const streamId = (feed: string, type: FeedType) => `${feed}\u0000${type}`;

/** Ends a handed-out stream: its tracks stop, as the app would see a feed that is gone. */
function endStream(entry: HandedOutStream): void {
  entry.clones.forEach((clone) => clone.stop());
  entry.clones.clear();
}

export interface SubscriberDeps {
  attach: () => Promise<PluginHandle>;
  /** A handle attached ahead of time (during the room join), used before attaching another. */
  attached?: PluginHandle;
  roomId: string;
  /** The room's PIN: subscribing is joining, and Janus checks it. */
  pin?: string;
  /** The publisher's private_id, so Janus ties this subscription to our participant. */
  privateId?: number;
  timeoutMs: number;
}

export class Subscriber {
  private handle?: Promise<PluginHandle>;
  /** The same handle once attached, for the synchronous reads (tracks, PeerConnection). */
  private current?: PluginHandle;
  private joined = false;
  private closed = false;
  /** The PeerConnection is up (ICE and DTLS done): Janus no longer asks for keyframes by itself. */
  private mediaUp = false;
  private readonly queue = new AsyncQueue();
  /** feed+mid → our mid, for the streams Janus currently sends us (after an applied answer). */
  private mapping = new Map<string, string>();
  private pending: StreamRef[] = [];
  /** Streams sent in a join/update whose offer has not mapped them yet. */
  private readonly requested = new Set<string>();
  private flushScheduled = false;
  private waiters = new Set<Waiter>();
  /**
   * The MediaStream handed out per feed, so repeated calls return the same one. It holds clones of
   * the receiving tracks: apps stop the tracks of a stream they are done with (the original SDK's
   * samples do), and stopping a receiver's own track would break the m-line Janus later recycles
   * for another feed. Clones also let removePeer end the stream it returned.
   */
  private readonly streams = new Map<string, HandedOutStream>();
  /** Our mid → the simulcast layer Janus relays on it (from its `substream` events). */
  private readonly layers = new Map<string, number>();
  private readonly layerWatchers = new Set<() => void>();
  /** Streams to reuse for feeds handed out again (see preferStream). */
  private readonly preferred = new Map<string, MediaStream>();

  constructor(private readonly deps: SubscriberDeps) {
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
    return this.streamFor(feed, type, keys);
  }

  /** Whether `subscribe` handed out this feed and it was not released since. */
  isSubscribed(feed: string, type: FeedType): boolean {
    return this.streams.has(streamId(feed, type));
  }

  /** The stream handed out for a feed, if any. */
  streamOf(feed: string, type: FeedType): MediaStream | undefined {
    return this.streams.get(streamId(feed, type))?.stream;
  }

  /**
   * Stops receiving a feed (Janus `unsubscribe`); the stream handed out for it ends (its tracks are
   * stopped), whether or not the gateway still had the feed.
   */
  async unsubscribe(feed: string, type: FeedType): Promise<void> {
    const entry = this.streams.get(streamId(feed, type));
    if (!entry) throw new KtError(Code.BAD_REQUEST, `not receiving ${type} of ${feed}`);
    this.streams.delete(streamId(feed, type));
    endStream(entry);
    this.pending = this.pending.filter((p) => !entry.keys.includes(keyOf(p.feed, p.mid)));
    const streams = entry.keys
      .filter((k) => this.mapping.has(k) && !this.stillWanted(k))
      .map((k) => {
        const [f, mid] = k.split('\u0000');
        return { feed: f, mid };
      });
    if (streams.length === 0 || this.closed) return;
    await this.queue.run(async () => {
      const handle = await this.ensureHandle();
      await requestWithEvent(handle, { request: 'update', unsubscribe: streams }, {
        accept: (d) => d.videoroom === 'updated' || d.videoroom === 'updating',
        timeoutMs: this.deps.timeoutMs,
      });
    });
  }

  /** Tears the subscription down (leaving the room). */
  async close(): Promise<void> {
    this.closed = true;
    this.layerWatchers.forEach((check) => check());
    this.failWaiters(new KtError(Code.BAD_REQUEST, 'left the room'));
    this.streams.forEach(endStream);
    this.streams.clear();
    const handle = this.handle && (await this.handle.catch(() => undefined));
    await handle?.detach();
  }

  peerConnection(): RTCPeerConnection | undefined {
    return this.current?.peerConnection();
  }

  /** The receivers of a feed handed out (for its stats). */
  receiversOf(feed: string, type: FeedType): RTCRtpReceiver[] {
    const entry = this.streams.get(streamId(feed, type));
    const pc = this.peerConnection();
    if (!entry || !pc) return [];
    const mids = new Set(entry.keys.map((k) => this.mapping.get(k)).filter((m) => m !== undefined));
    return pc.getTransceivers().filter((t) => t.mid !== null && mids.has(t.mid)).map((t) => t.receiver);
  }

  /**
   * Chooses which simulcast layer of a feed's video Janus relays to us (0 = smallest, 2 = full);
   * `videoMids` are the publisher-side mids of its video. Resolves once Janus reports the switch,
   * or after LAYER_ATTEMPTS requests if it does not (the layer may not be sent at all right now:
   * Janus then switches when it comes).
   */
  async setSubstream(feed: string, type: FeedType, videoMids: string[], substream: 0 | 1 | 2): Promise<void> {
    if (!this.streams.has(streamId(feed, type))) throw new KtError(Code.BAD_REQUEST, `not receiving ${type} of ${feed}`);
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
      const switched = this.layerSwitch(streams, LAYER_WAIT_MS);
      await this.queue.run(async () => {
        const handle = await this.ensureHandle();
        await requestWithEvent(handle, { request: 'configure', streams }, {
          accept: (d) => d.configured === 'ok',
          timeoutMs: this.deps.timeoutMs,
        });
      });
      if (await switched) return;
    }
    log.info(`layer ${substream} of ${feed} not relayed yet; the gateway switches when it arrives`);
  }

  /** Resolves true once Janus relays the given layers (its `substream` events), false after `ms`. */
  private layerSwitch(wanted: { mid: string; substream: number }[], ms: number): Promise<boolean> {
    const done = () => wanted.every((w) => this.layers.get(w.mid) === w.substream);
    return new Promise((resolve) => {
      const check = () => {
        if (!done() && !this.closed) return;
        settle(!this.closed);
      };
      const timer = setTimeout(() => settle(false), ms);
      const settle = (ok: boolean) => {
        clearTimeout(timer);
        this.layerWatchers.delete(check);
        resolve(ok);
      };
      this.layerWatchers.add(check);
    });
  }

  private stillWanted(key: string): boolean {
    return [...this.streams.values()].some((e) => e.keys.includes(key));
  }

  /** The feeds handed out, with their streams. */
  handedOut(): { userId: string; type: FeedType; stream: MediaStream }[] {
    return [...this.streams].map(([id, entry]) => {
      const [userId, type] = id.split('\u0000') as [string, FeedType];
      return { userId, type, stream: entry.stream };
    });
  }

  /** When this feed is handed out next, use `stream` (one the app already holds) for it. */
  preferStream(feed: string, type: FeedType, stream: MediaStream): void {
    this.preferred.set(streamId(feed, type), stream);
  }

  private streamFor(feed: string, type: FeedType, keys: string[]): MediaStream {
    const id = streamId(feed, type);
    let entry = this.streams.get(id);
    if (!entry) {
      const stream = this.preferred.get(id) ?? new MediaStream();
      this.preferred.delete(id);
      // A stream from before a gateway restart still holds the old, ended tracks.
      stream.getTracks().forEach((t) => stream.removeTrack(t));
      entry = { stream, keys, clones: new Map() };
      this.streams.set(id, entry);
    }
    entry.keys = keys;
    this.syncStream(entry);
    return entry.stream;
  }

  /** Makes the stream hold a clone of exactly the receiving tracks of its keys. */
  private syncStream(entry: HandedOutStream): void {
    const handle = this.current;
    const wanted = new Set<MediaStreamTrack>();
    for (const k of entry.keys) {
      const mid = this.mapping.get(k);
      const track = mid !== undefined ? handle?.remoteTrack(mid) : undefined;
      if (track) wanted.add(track);
    }
    for (const [source, clone] of entry.clones) {
      if (wanted.has(source)) continue;
      entry.stream.removeTrack(clone);
      clone.stop();
      entry.clones.delete(source);
    }
    for (const source of wanted) {
      if (entry.clones.has(source)) continue;
      const clone = source.clone();
      entry.clones.set(source, clone);
      entry.stream.addTrack(clone);
    }
  }

  private adopt(handle: PluginHandle): PluginHandle {
    this.current = handle;
    handle.events.on('message', (m) => this.onMessage(m));
    handle.events.on('webrtcState', ({ up }) => (this.mediaUp = up));
    return handle;
  }

  private ensureHandle(): Promise<PluginHandle> {
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
    for (const { mid } of streams) {
      const key = keyOf(feed, mid);
      if (this.mapping.has(key) || this.requested.has(key)) continue;
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
    queueMicrotask(() => {
      this.queue.run(() => this.flush()).catch((err) => log.warn('subscription request failed', err));
    });
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.pending.splice(0).filter((s) => !this.mapping.has(keyOf(s.feed, s.mid)));
    if (batch.length === 0 || this.closed) return;
    const streams = batch.map((s) => ({ feed: s.feed, mid: s.mid }));
    batch.forEach((s) => this.requested.add(keyOf(s.feed, s.mid)));
    try {
      const handle = await this.ensureHandle();
      if (!this.joined) {
        await requestWithEvent(
          handle,
          {
            request: 'join',
            ptype: 'subscriber',
            room: this.deps.roomId,
            private_id: this.deps.privateId,
            streams,
            ...(this.deps.pin === undefined ? {} : { pin: this.deps.pin }),
          },
          { accept: (d) => d.videoroom === 'attached', timeoutMs: this.deps.timeoutMs },
        );
        this.joined = true;
      } else {
        const { data, jsep } = await requestWithEvent(
          handle,
          { request: 'update', subscribe: streams },
          { accept: (d) => d.videoroom === 'updated' || d.videoroom === 'updating', timeoutMs: this.deps.timeoutMs },
        );
        if (data.videoroom === 'updated' && !jsep) {
          // Janus saw nothing to add: those streams are gone already.
          this.failKeys(batch.map((s) => keyOf(s.feed, s.mid)), new KtError(Code.INVALID_PARAMETER, 'feed not available'));
        }
      }
    } catch (err) {
      const error = err instanceof KtError ? err : new KtError(Code.UNKNOWN, String(err));
      this.failKeys(batch.map((s) => keyOf(s.feed, s.mid)), error);
    }
  }

  private onMessage({ data, jsep }: { data: PluginData; jsep?: Jsep }): void {
    if (typeof data.substream === 'number' && typeof data.mid === 'string') {
      this.layers.set(data.mid, data.substream);
      this.layerWatchers.forEach((check) => check());
    }
    if (jsep?.type === 'offer') {
      const summary = data.streams;
      this.queue.run(() => this.answer(jsep, summary)).catch((err) => log.error('answering the gateway failed', err));
    }
  }

  private async answer(offer: Jsep, summary: unknown): Promise<void> {
    const handle = this.current;
    if (!handle || this.closed) return;
    const answer = await handle.createAnswer(offer);
    await handle.send({ request: 'start' }, answer);
    const before = this.mapping;
    this.mapping = mappingFrom(summary);
    this.mapping.forEach((_, k) => this.requested.delete(k));
    // Feeds that went away lose their tracks, so a reused m-line never shows in a stale stream.
    this.streams.forEach((entry) => this.syncStream(entry));
    for (const w of [...this.waiters]) {
      if (w.keys.every((k) => this.mapping.has(k))) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
    if (this.mediaUp) await this.askKeyframes(handle, videoMidsAddedTo(before, summary));
  }

  /**
   * Janus asks the publishers for a keyframe for every stream of a subscription when its
   * PeerConnection comes up, but not for streams an `update` adds once it is up: those would wait
   * for the sender's next keyframe, or for the browser to ask (hundreds of ms). A `configure` with
   * `send: true` makes Janus ask for them (it sends a PLI for every stream set to send).
   */
  private async askKeyframes(handle: PluginHandle, mids: string[]): Promise<void> {
    if (mids.length === 0 || this.closed) return;
    await requestWithEvent(handle, { request: 'configure', streams: mids.map((mid) => ({ mid, send: true })) }, {
      accept: (d) => d.configured === 'ok',
      timeoutMs: this.deps.timeoutMs,
    }).catch((err) => log.debug('keyframe request failed', err));
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

/** Our mids of the video streams in an offer's summary that `before` did not have. */
export function videoMidsAddedTo(before: Map<string, string>, summary: unknown): string[] {
  if (!Array.isArray(summary)) return [];
  return (summary as Record<string, unknown>[])
    .filter((s) => s?.type === 'video' && s.active !== false && typeof s.mid === 'string')
    .filter((s) => typeof s.feed_id === 'string' && typeof s.feed_mid === 'string' && !before.has(keyOf(s.feed_id, s.feed_mid)))
    .map((s) => s.mid as string);
}

/** feed+mid → our mid, from the `streams` summary Janus sends with each offer. */
export function mappingFrom(summary: unknown): Map<string, string> {
  const mapping = new Map<string, string>();
  if (!Array.isArray(summary)) return mapping;
  for (const s of summary as Record<string, unknown>[]) {
    if (!s || s.active === false || (s.type !== 'audio' && s.type !== 'video')) continue;
    if (typeof s.feed_id !== 'string' || typeof s.feed_mid !== 'string' || typeof s.mid !== 'string') continue;
    mapping.set(keyOf(s.feed_id, s.feed_mid), s.mid);
  }
  return mapping;
}
