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

interface Waiter {
  keys: string[];
  resolve: () => void;
  reject: (err: KtError) => void;
}

const keyOf = (feed: string, mid: string) => `${feed}\u0000${mid}`;

export interface SubscriberDeps {
  attach: () => Promise<PluginHandle>;
  roomId: string;
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
  private readonly queue = new AsyncQueue();
  /** feed+mid → our mid, for the streams Janus currently sends us (after an applied answer). */
  private mapping = new Map<string, string>();
  private pending: StreamRef[] = [];
  private flushScheduled = false;
  private waiters = new Set<Waiter>();
  /** The MediaStream handed out per feed (and the streams it holds), so repeated calls return the same one. */
  private readonly streams = new Map<string, { stream: MediaStream; keys: string[] }>();

  constructor(private readonly deps: SubscriberDeps) {}

  /** Receives a feed; resolves with a MediaStream of its tracks once they are negotiated. */
  async subscribe(feed: string, type: FeedType, published: PublishedStream[]): Promise<MediaStream> {
    if (this.closed) throw new KtError(Code.BAD_REQUEST, 'not in a room');
    if (published.length === 0) throw new KtError(Code.INVALID_PARAMETER, `${feed} does not publish ${type}`);
    const keys = published.map((s) => keyOf(feed, s.mid));
    const missing = published.filter((s) => !this.mapping.has(keyOf(feed, s.mid)));
    if (missing.length > 0) {
      for (const s of missing) {
        if (!this.pending.some((p) => p.feed === feed && p.mid === s.mid)) this.pending.push({ feed, mid: s.mid });
      }
      const ready = this.waitFor(keys);
      this.scheduleFlush();
      await ready;
    }
    return this.streamFor(feed, type, keys);
  }

  /** Tears the subscription down (leaving the room). */
  async close(): Promise<void> {
    this.closed = true;
    this.failWaiters(new KtError(Code.BAD_REQUEST, 'left the room'));
    this.streams.forEach(({ stream }) => stream.getTracks().forEach((t) => stream.removeTrack(t)));
    this.streams.clear();
    const handle = this.handle && (await this.handle.catch(() => undefined));
    await handle?.detach();
  }

  peerConnection(): RTCPeerConnection | undefined {
    return this.current?.peerConnection();
  }

  private streamFor(feed: string, type: FeedType, keys: string[]): MediaStream {
    const id = `${feed}\u0000${type}`;
    let entry = this.streams.get(id);
    if (!entry) {
      entry = { stream: new MediaStream(), keys };
      this.streams.set(id, entry);
    }
    entry.keys = keys;
    return this.syncStream(entry.stream, keys);
  }

  /** Makes `stream` hold exactly the receiving tracks of `keys`. */
  private syncStream(stream: MediaStream, keys: string[]): MediaStream {
    const handle = this.current;
    const wanted = new Set<MediaStreamTrack>();
    for (const k of keys) {
      const mid = this.mapping.get(k);
      const track = mid !== undefined ? handle?.remoteTrack(mid) : undefined;
      if (track) wanted.add(track);
    }
    stream.getTracks().forEach((t) => wanted.has(t) || stream.removeTrack(t));
    wanted.forEach((t) => stream.getTracks().includes(t) || stream.addTrack(t));
    return stream;
  }

  private ensureHandle(): Promise<PluginHandle> {
    this.handle ??= this.deps.attach().then(
      (h) => {
        this.current = h;
        h.events.on('message', (m) => this.onMessage(m));
        return h;
      },
      (err) => {
        this.handle = undefined; // the next subscription tries again
        throw err;
      },
    );
    return this.handle;
  }

  private waitFor(keys: string[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { keys, resolve, reject };
      this.waiters.add(waiter);
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
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
    try {
      const handle = await this.ensureHandle();
      if (!this.joined) {
        await requestWithEvent(
          handle,
          { request: 'join', ptype: 'subscriber', room: this.deps.roomId, private_id: this.deps.privateId, streams },
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
    this.mapping = mappingFrom(summary);
    // Feeds that went away lose their tracks, so a reused m-line never shows in a stale stream.
    this.streams.forEach(({ stream, keys }) => this.syncStream(stream, keys));
    for (const w of [...this.waiters]) {
      if (w.keys.every((k) => this.mapping.has(k))) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  private failKeys(keys: string[], err: KtError): void {
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
