/**
 * Our side of the VideoRoom publisher handle's media: one PeerConnection carrying the member's
 * feed, each stream labelled with its feed type through `descriptions` so receivers can tell a
 * camera from a screen.
 */
import { Code, KtError } from '../errors';
import type { LocalTrackSpec, PluginHandle } from '../gateway/types';
import { getLogger } from '../logger';
import type { FeedType } from '../types';
import type { AsyncQueue } from '../util/async-queue';
import { requestWithEvent } from './request';

const log = getLogger('publisher');

export class Publisher {
  private readonly feeds = new Map<FeedType, MediaStream>();

  constructor(
    private readonly handle: PluginHandle,
    /** Shared with everything else that sends async requests on this handle. */
    private readonly queue: AsyncQueue,
    private readonly timeoutMs: number,
  ) {}

  isPublishing(type: FeedType): boolean {
    return this.feeds.has(type);
  }

  stream(type: FeedType): MediaStream | undefined {
    return this.feeds.get(type);
  }

  publish(type: FeedType, stream: MediaStream): Promise<void> {
    return this.queue.run(async () => {
      if (this.feeds.size > 0) {
        // A second feed on the same PeerConnection (screen next to cam) is a renegotiation that
        // the screen-share work adds; until then one feed per member.
        throw new KtError(Code.BAD_REQUEST, `already publishing ${[...this.feeds.keys()].join(',')}`);
      }
      const tracks: LocalTrackSpec[] = [];
      const audio = stream.getAudioTracks().find((t) => t.readyState === 'live');
      const video = stream.getVideoTracks().find((t) => t.readyState === 'live');
      if (audio) tracks.push({ kind: 'audio', track: audio });
      if (video) tracks.push({ kind: 'video', track: video });
      if (tracks.length === 0) throw new KtError(Code.INVALID_PARAMETER, 'the stream has no live audio or video track');

      try {
        const offer = await this.handle.createOffer(tracks);
        const mids = this.handle.localMids();
        const descriptions = tracks.map((t) => ({ mid: mids.get(t.track), description: type }));
        const { jsep } = await requestWithEvent(
          this.handle,
          { request: 'configure', audio: !!audio, video: !!video, descriptions },
          { jsep: offer, accept: (d) => d.configured === 'ok', timeoutMs: this.timeoutMs },
        );
        if (!jsep) throw new KtError(Code.MEDIA_ERROR, 'the gateway did not answer our offer');
        await this.handle.applyAnswer(jsep);
      } catch (err) {
        // Leave no half-negotiated PeerConnection behind: a later publish starts clean.
        this.handle.hangup();
        throw err;
      }
      this.feeds.set(type, stream);
      log.debug('published', type);
    });
  }
}
