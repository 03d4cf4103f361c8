/**
 * Who a `publish` announced together, per feed type: subscribing to one feed of an announcement
 * also requests the others (handed out when the app asks). Apps subscribe to every announced
 * feed, often one `await` at a time as the original's samples do, which would otherwise cost one
 * renegotiation per feed instead of one for all.
 */
import type { FeedType, PresenceDetail } from '../types';

const feedKey = (userId: string, type: FeedType) => `${userId}\u0000${type}`;

export class Announcements {
  /** Feed (user+type) → the users whose feeds of that type the same `publish` announced. */
  private readonly together = new Map<string, string[]>();

  /** Keeps what a presence event announced; forgets feeds that went away. */
  note(p: PresenceDetail): void {
    if (p.type === 'publish') {
      for (const type of ['cam', 'screen'] as const) {
        const ids = p.feeds.filter((f) => f.type === type).map((f) => f.id);
        ids.forEach((id) => this.together.set(feedKey(id, type), ids));
      }
    } else if (p.type === 'unpublish') {
      this.together.delete(feedKey(p.user, p.feedType));
    } else if (p.type === 'leave') {
      this.together.delete(feedKey(p.user, 'cam'));
      this.together.delete(feedKey(p.user, 'screen'));
    }
  }

  /** The others announced with this feed; each announcement is used once. */
  takeAlongside(userId: string, type: FeedType): string[] {
    const ids = this.together.get(feedKey(userId, type)) ?? [];
    this.together.delete(feedKey(userId, type));
    return ids.filter((id) => id !== userId);
  }
}
