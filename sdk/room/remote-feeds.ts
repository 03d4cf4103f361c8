/**
 * The others' feeds as we receive them: subscribing (with the feeds announced alongside),
 * releasing feeds that went away, waiting for a feed that is yet to come, simulcast layers.
 * On top of subscriber/, which negotiates with the gateway.
 */
import { Code, KtError } from '../errors';
import type { Logger } from '../logger';
import type { FeedType, PresenceDetail } from '../types';
import { Announcements } from './announced';
import { FeedWatch } from './feed-watch';
import type { MemberTable } from './members';
import type { Subscriber } from './subscriber/subscriber';

export class RemoteFeeds {
  private readonly announced = new Announcements();
  private readonly watch: FeedWatch;

  constructor(
    readonly subscriber: Subscriber,
    private readonly members: MemberTable,
    gone: () => boolean,
    private readonly log: Logger,
  ) {
    this.watch = new FeedWatch(members, gone);
  }

  subscribe(userId: string, type: FeedType): Promise<MediaStream> {
    const alongside = this.announced
      .takeAlongside(userId, type)
      .map((id) => ({ feed: id, streams: this.members.streamsOf(id, type) }))
      .filter((f) => f.streams.length > 0);
    return this.subscriber.subscribe(userId, type, this.members.streamsOf(userId, type), alongside);
  }

  /** The feed once its member publishes it (a 1:1 notice can overtake Janus's event), within `waitMs`. */
  async subscribeWhenPublished(userId: string, type: FeedType, waitMs: number): Promise<MediaStream> {
    return this.subscriber.subscribe(userId, type, await this.watch.feedOf(userId, type, waitMs));
  }

  /**
   * Receives a member's feed into a stream the app already holds, once the member publishes it
   * (after a gateway restart everyone comes back in their own time); gives up after `waitMs`.
   */
  receiveInto(userId: string, type: FeedType, stream: MediaStream, waitMs: number): void {
    this.subscriber.preferStream(userId, type, stream);
    this.subscribeWhenPublished(userId, type, waitMs).catch((err) => this.log.warn(`${type} of ${userId} not received again`, err));
  }

  /** getStream: a member's feed as we receive it. */
  streamOf(userId: string, type: FeedType): MediaStream | undefined {
    return this.subscriber.streamOf(userId, type);
  }

  /** The streams we hand out for feeds we receive. */
  streams(): MediaStream[] {
    return this.subscriber.handedOutFeeds().map((f) => f.stream);
  }

  /** Which simulcast layer of a member's video we receive. */
  async setQuality(userId: string, type: FeedType, substream: 0 | 1 | 2): Promise<void> {
    const video = this.members.streamsOf(userId, type).filter((s) => s.kind === 'video');
    if (video.length === 0) throw new KtError(Code.BAD_REQUEST, `${userId} sends no ${type} video`);
    if (!video.some((s) => s.simulcast)) throw new KtError(Code.BAD_REQUEST, `${userId} does not send ${type} in simulcast`);
    await this.subscriber.setSubstream(
      userId,
      type,
      video.map((s) => s.mid),
      substream,
    );
  }

  /** After every room event: announcements kept, gone feeds released, waiting feeds checked. */
  noted(presence: PresenceDetail[]): void {
    for (const p of presence) {
      this.releaseGone(p);
      this.announced.note(p);
    }
    this.watch.changed();
  }

  /** A feed went away: whatever we receive or wait for of it is dropped (Subscriber.feedGone). */
  private releaseGone(p: PresenceDetail): void {
    if (p.type !== 'unpublish' && p.type !== 'leave') return;
    const gone: FeedType[] = p.type === 'unpublish' ? [p.feedType] : ['cam', 'screen'];
    for (const type of gone) this.subscriber.feedGone(p.user, type);
  }
}
