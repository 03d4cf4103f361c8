/**
 * The MediaStreams handed out to the app, one per feed (member + type), so repeated calls return
 * the same one. Each holds clones of the receiving tracks: apps stop the tracks of a stream they
 * are done with (the original SDK's samples do), and stopping a receiver's own track would break
 * the m-line Janus later recycles for another feed. Clones also let removePeer end the stream it
 * returned.
 */
import type { FeedType } from '../../types';

interface HandedOutStream {
  stream: MediaStream;
  /** The publisher streams (mapping.ts keys) it carries. */
  keys: string[];
  /** receiving track → the clone of it in `stream` */
  clones: Map<MediaStreamTrack, MediaStreamTrack>;
}

const feedId = (feed: string, type: FeedType) => `${feed}\u0000${type}`;

export class HandedOutStreams {
  private readonly streams = new Map<string, HandedOutStream>();
  /** Streams to reuse for feeds handed out again (see prefer). */
  private readonly preferred = new Map<string, MediaStream>();

  /** `trackOf`: the receiving track for a key, once negotiated. */
  constructor(private readonly trackOf: (key: string) => MediaStreamTrack | undefined) {}

  has(feed: string, type: FeedType): boolean {
    return this.streams.has(feedId(feed, type));
  }

  streamOf(feed: string, type: FeedType): MediaStream | undefined {
    return this.streams.get(feedId(feed, type))?.stream;
  }

  keysOf(feed: string, type: FeedType): string[] {
    return this.streams.get(feedId(feed, type))?.keys ?? [];
  }

  /** Whether any stream handed out still carries this key. */
  wants(key: string): boolean {
    return [...this.streams.values()].some((e) => e.keys.includes(key));
  }

  all(): { userId: string; type: FeedType; stream: MediaStream }[] {
    return [...this.streams].map(([id, entry]) => {
      const [userId, type] = id.split('\u0000') as [string, FeedType];
      return { userId, type, stream: entry.stream };
    });
  }

  /** When this feed is handed out next, use `stream` (one the app already holds) for it. */
  prefer(feed: string, type: FeedType, stream: MediaStream): void {
    this.preferred.set(feedId(feed, type), stream);
  }

  /** The feed's stream, made to hold exactly the tracks of `keys`. */
  handOut(feed: string, type: FeedType, keys: string[]): MediaStream {
    const id = feedId(feed, type);
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
    this.sync(entry);
    return entry.stream;
  }

  /** The feed's stream ends (its tracks stop) and is forgotten; resolves with the keys it carried. */
  end(feed: string, type: FeedType): string[] | undefined {
    const entry = this.streams.get(feedId(feed, type));
    if (!entry) return undefined;
    this.streams.delete(feedId(feed, type));
    endStream(entry);
    return entry.keys;
  }

  endAll(): void {
    this.streams.forEach(endStream);
    this.streams.clear();
  }

  /** After a negotiation: feeds that went away lose their tracks, so a reused m-line never shows in a stale stream. */
  syncAll(): void {
    this.streams.forEach((entry) => this.sync(entry));
  }

  /** Makes the stream hold a clone of exactly the receiving tracks of its keys. */
  private sync(entry: HandedOutStream): void {
    const wanted = new Set<MediaStreamTrack>();
    for (const k of entry.keys) {
      const track = this.trackOf(k);
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
}

/** Ends a handed-out stream: its tracks stop, as the app would see a feed that is gone. */
function endStream(entry: HandedOutStream): void {
  entry.clones.forEach((clone) => clone.stop());
  entry.clones.clear();
}
