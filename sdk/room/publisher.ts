/**
 * Our side of the VideoRoom publisher handle's media: ONE PeerConnection carrying every feed the
 * member publishes (camera and screen), each stream labelled with its feed type through
 * `descriptions` so receivers can tell a camera from a screen.
 *
 * Why one PeerConnection for camera and screen, not a second publisher handle (measured, Janus
 * 1.1.2 + Chromium on one host, median of 12, alternating): the first remote frame of a new share
 * came after 151 ms on the live PeerConnection against 186 ms through a second handle, which pays
 * its own ICE+DTLS before Janus announces it (more on a real network); stopping took 8.5 ms against
 * 3 ms; and it is one PeerConnection instead of two, on the sender and on every receiver.
 * Stopping a feed sets its m-lines `inactive` (Janus marks the streams disabled and tells the room
 * through `publishers`); the next feed reuses them. Never `transceiver.stop()`: Chrome then reuses
 * the m-line under a new mid, Janus keeps the old one, and the PeerConnection cannot renegotiate.
 */
import { Code, KtError } from '../errors';
import type { HandleMedia, Jsep, LocalTrackSpec } from '../janus/types';
import type { VideoRoomHandle, VideoRoomRequests } from '../janus/videoroom';
import type { Logger } from '../logger';
import type { FeedType, PublishOptions } from '../types';

/** How long an unpublish waits for the gateway's hangup: it follows `unpublished` at once; the bound is for one that never comes. */
const HANGUP_WAIT_MS = 2000;

/** Resolves once the gateway says the handle's PeerConnection is closed, or after `waitMs`. */
function gatewayHangup(handle: HandleMedia, waitMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      handle.events.off('webrtcState', onState);
      resolve();
    };
    const onState = ({ up }: { up: boolean }) => {
      if (!up) done();
    };
    const timer = setTimeout(done, waitMs);
    handle.events.on('webrtcState', onState);
  });
}

interface Sender {
  kind: 'audio' | 'video';
  mid: string;
}

interface PublishedFeed {
  stream: MediaStream;
  senders: Sender[];
  options: PublishOptions;
}

/** The full-size layer's cap when the app sets none: enough for 720p at 30 fps in VP8. */
const DEFAULT_TOP_BITRATE = 1_200_000;

export class Publisher {
  private readonly feeds = new Map<FeedType, PublishedFeed>();
  private readonly handle: HandleMedia;

  /** `videoRoom`: our publisher handle, in the room under our userId (its queue orders our requests). */
  constructor(
    private readonly videoRoom: VideoRoomHandle,
    private readonly log: Logger,
  ) {
    this.handle = videoRoom.media;
  }

  isPublishing(type: FeedType): boolean {
    return this.feeds.has(type);
  }

  stream(type: FeedType): MediaStream | undefined {
    return this.feeds.get(type)?.stream;
  }

  options(type: FeedType): PublishOptions {
    return this.feeds.get(type)?.options ?? {};
  }

  /** The RTP senders of a feed we publish (for its stats). */
  rtpSendersOf(type: FeedType): RTCRtpSender[] {
    const mids = new Set(this.feeds.get(type)?.senders.map((s) => s.mid));
    const pc = this.handle.peerConnection();
    return pc
      ? pc
          .getTransceivers()
          .filter((t) => t.mid !== null && mids.has(t.mid))
          .map((t) => t.sender)
      : [];
  }

  publish(type: FeedType, stream: MediaStream, options: PublishOptions = {}): Promise<void> {
    return this.videoRoom.serial(async (requests) => {
      if (this.feeds.has(type)) throw new KtError(Code.BAD_REQUEST, `already publishing ${type}`);
      const tracks = withEncodings(liveTracks(stream), options);
      const first = this.feeds.size === 0;
      let added: Sender[] = [];
      try {
        const offer = first ? await this.handle.createOffer(tracks) : await this.handle.renegotiate({ add: tracks });
        added = this.sendersOf(tracks);
        await this.configure(requests, offer, [...this.allSenders(), ...added.map((s) => ({ ...s, type }))]);
        await this.handle.applyEncodings(tracks);
      } catch (err) {
        if (first) {
          // Leave no half-negotiated PeerConnection behind: a later publish starts clean.
          this.handle.hangup();
        } else {
          // Keep the other feed flowing; the senders we added go idle and are recycled later.
          await this.handle.renegotiate({ stop: added.map((s) => s.mid) }).catch(() => {});
        }
        throw err;
      }
      this.feeds.set(type, { stream, senders: added, options });
      this.log.debug('published', type, added);
    });
  }

  /** Stops sending one feed; the last one ends the PeerConnection (Janus `unpublish`). */
  unpublish(type: FeedType): Promise<void> {
    return this.videoRoom.serial(async (requests) => {
      const feed = this.feeds.get(type);
      if (!feed) throw new KtError(Code.BAD_REQUEST, `not publishing ${type}`);
      if (this.feeds.size === 1) {
        // Janus closes its side of the PeerConnection itself and then says so (a `hangup` event),
        // which janus.js applies to whatever PeerConnection the handle has by then: a publish
        // right after lost its new one (570 "No PeerConnection", 1 run in 5 of
        // subscribe-race.test.ts). So the hangup is awaited here, and asked for only if the
        // unpublish failed.
        const hungUp = gatewayHangup(this.handle, HANGUP_WAIT_MS);
        const unpublished = await requests.unpublish().then(
          () => true,
          (err) => (this.log.warn('unpublish request failed (hanging up anyway)', err), false),
        );
        if (unpublished) await hungUp;
        this.handle.hangup(!unpublished);
      } else {
        const offer = await this.handle.renegotiate({ stop: feed.senders.map((s) => s.mid) });
        await this.configure(
          requests,
          offer,
          this.allSenders().filter((s) => s.type !== type),
        );
      }
      this.feeds.delete(type);
      this.log.debug('unpublished', type);
    });
  }

  /**
   * Sends another stream's tracks in place of a feed's, with `replaceTrack` (no renegotiation) for
   * the kinds the feed already sends; a kind it did not send yet needs one renegotiation.
   */
  replace(type: FeedType, stream: MediaStream): Promise<void> {
    return this.videoRoom.serial(async (requests) => {
      const feed = this.feeds.get(type);
      if (!feed) throw new KtError(Code.BAD_REQUEST, `not publishing ${type}`);
      const tracks = liveTracks(stream);
      const missing: LocalTrackSpec[] = [];
      for (const kind of ['audio', 'video'] as const) {
        const sender = feed.senders.find((s) => s.kind === kind);
        const track = tracks.find((t) => t.kind === kind)?.track ?? null;
        if (sender) await this.handle.replaceTrack(sender.mid, track);
        else if (track) missing.push({ kind, track });
      }
      if (missing.length > 0) {
        const offer = await this.handle.renegotiate({ add: missing });
        const added = this.sendersOf(missing);
        await this.configure(requests, offer, [...this.allSenders(), ...added.map((s) => ({ ...s, type }))]);
        feed.senders.push(...added);
      }
      feed.stream = stream;
    });
  }

  /**
   * Sends `track` in place of the feed's track of the same kind, without renegotiation (a device
   * switch), and puts it in the feed's stream so the app's own preview follows. Resolves with the
   * track it replaced, which the caller stops.
   */
  switchTrack(type: FeedType, track: MediaStreamTrack): Promise<MediaStreamTrack | undefined> {
    return this.videoRoom.serial(async () => {
      const feed = this.feeds.get(type);
      const sender = feed?.senders.find((s) => s.kind === track.kind);
      if (!feed || !sender) throw new KtError(Code.BAD_REQUEST, `not sending ${track.kind} in ${type}`);
      await this.handle.replaceTrack(sender.mid, track);
      const old = feed.stream.getTracks().find((t) => t.kind === track.kind);
      if (old) feed.stream.removeTrack(old);
      feed.stream.addTrack(track);
      return old;
    });
  }

  /** Leaves the room (the handle stays until the room detaches it). */
  leave(): Promise<void> {
    return this.videoRoom.serial((requests) => requests.leave());
  }

  private async configure(requests: VideoRoomRequests, offer: Jsep, senders: (Sender & { type: FeedType })[]): Promise<void> {
    const descriptions = senders.map((s) => ({ mid: s.mid, description: s.type }));
    const { jsep } = await requests.configure({ descriptions }, offer);
    if (!jsep) throw new KtError(Code.MEDIA_ERROR, 'the gateway did not answer our offer');
    await this.handle.applyAnswer(jsep);
  }

  private allSenders(): (Sender & { type: FeedType })[] {
    return [...this.feeds].flatMap(([type, feed]) => feed.senders.map((s) => ({ ...s, type })));
  }

  private sendersOf(tracks: LocalTrackSpec[]): Sender[] {
    const mids = this.handle.localMids();
    return tracks.map((t) => {
      const mid = mids.get(t.track);
      if (mid === undefined) throw new KtError(Code.MEDIA_ERROR, `no m-line for the ${t.kind} track`);
      return { kind: t.kind, mid };
    });
  }
}

/** The video's send encodings for these options: three `rid` layers when simulcasting. */
function withEncodings(tracks: LocalTrackSpec[], { simulcast, maxBitrate }: PublishOptions): LocalTrackSpec[] {
  if (!simulcast && maxBitrate === undefined) return tracks;
  const top = maxBitrate ?? DEFAULT_TOP_BITRATE;
  // Janus numbers the layers by these rids (h = substream 2, m = 1, l = 0), as janus.js sends them.
  const encodings: RTCRtpEncodingParameters[] = simulcast
    ? [
        { rid: 'h', maxBitrate: top },
        { rid: 'm', maxBitrate: Math.round(top / 3), scaleResolutionDownBy: 2 },
        { rid: 'l', maxBitrate: Math.round(top / 9), scaleResolutionDownBy: 4 },
      ]
    : [{ maxBitrate: top }];
  return tracks.map((t) => (t.kind === 'video' ? { ...t, encodings } : t));
}

/** At most one live audio and one live video track: what a Knowledgetalk feed carries. */
function liveTracks(stream: MediaStream): LocalTrackSpec[] {
  const tracks: LocalTrackSpec[] = [];
  const audio = stream.getAudioTracks().find((t) => t.readyState === 'live');
  const video = stream.getVideoTracks().find((t) => t.readyState === 'live');
  if (audio) tracks.push({ kind: 'audio', track: audio });
  if (video) tracks.push({ kind: 'video', track: video });
  if (tracks.length === 0) throw new KtError(Code.INVALID_PARAMETER, 'the stream has no live audio or video track');
  return tracks;
}
