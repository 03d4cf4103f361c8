/**
 * Streams we stopped receiving (their feed went away, or the app unsubscribed), withheld from the
 * mapping until the gateway has confirmed it no longer sends them.
 *
 * A member who unpublishes and publishes again comes back under the same keys: its id, and the
 * same mids. Janus does not renegotiate us when a publisher merely drops streams from its
 * PeerConnection, and when it does, its offer can come after the presence that said they left; so
 * offers kept listing the old streams, and a subscription to the new feed was handed the dead
 * m-line at once (resolved in 5-17 ms, never a frame: subscribe-race.test.ts). The subscriber
 * therefore forgets such streams at once, asks Janus to `unsubscribe` them (on the handle's queue,
 * ahead of any later subscription), and until that is answered no offer received may map them.
 */
import type { FeedType } from '../../types';
import { parseKey } from './mapping';

export class GoneStreams {
  /** Publisher stream (mapping.ts key) → the feed type it belongs to, for every stream asked for. */
  private readonly types = new Map<string, FeedType>();
  /** Ticks at every offer received and every release answered, in the order we learn of them. */
  private clock = 0;
  /** Key → the tick at which the gateway confirmed the release (Infinity while it is asked). */
  private readonly withheld = new Map<string, number>();

  /** A stream of this feed type was asked for. */
  asked(key: string, type: FeedType): void {
    this.types.set(key, type);
  }

  /** The streams asked for of one feed (member + type). */
  keysOf(feed: string, type: FeedType): string[] {
    return [...this.types].filter(([k, t]) => t === type && parseKey(k).feed === feed).map(([k]) => k);
  }

  /** These streams are being released: offers no longer map them until `released`. */
  withhold(keys: string[]): void {
    for (const k of keys) {
      this.types.delete(k);
      this.withheld.set(k, Infinity);
    }
  }

  /** The gateway answered their release (or could not have them): offers received from now on are after it. */
  released(keys: string[]): void {
    const now = ++this.clock;
    for (const k of keys) if (this.withheld.get(k) === Infinity) this.withheld.set(k, now);
  }

  /** An offer arrived: the tick to pass to `filter` when its mapping is applied. */
  offerReceived(): number {
    return ++this.clock;
  }

  /** Takes the withheld streams out of an offer's mapping, unless the offer came after their release. */
  filter(mapping: Map<string, string>, received: number): void {
    for (const [key, at] of this.withheld) {
      if (received < at) mapping.delete(key);
      else this.withheld.delete(key);
    }
  }
}
