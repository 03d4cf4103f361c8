/**
 * Waiting for a member's feed to show in the member table. A 1:1 notice can overtake Janus's
 * `publishers` event, and after a gateway restart everyone comes back in their own time.
 */
import { Code, KtError } from '../errors';
import type { FeedType } from '../types';
import type { MemberTable, PublishedStream } from './members';

export class FeedWatch {
  private readonly watchers = new Set<() => void>();

  constructor(
    private readonly members: MemberTable,
    /** True once the room is left: waiting ends. */
    private readonly gone: () => boolean,
  ) {}

  /** Call after every room event. */
  changed(): void {
    this.watchers.forEach((check) => check());
  }

  /** The member's streams of that feed once it publishes it; '504' after `waitMs`. */
  feedOf(userId: string, type: FeedType, waitMs: number): Promise<PublishedStream[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.members.streamsOf(userId, type).length > 0 || this.gone()) done();
      };
      const timer = setTimeout(() => done(), waitMs);
      const done = () => {
        clearTimeout(timer);
        this.watchers.delete(check);
        const streams = this.members.streamsOf(userId, type);
        if (streams.length > 0) resolve(streams);
        else reject(new KtError(Code.GATEWAY_TIMEOUT, `${userId} never published ${type}`));
      };
      this.watchers.add(check);
      check();
    });
  }
}
