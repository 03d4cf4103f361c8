/**
 * Ourselves in the room: what we send (through publisher.ts) and how we appear (our Member, our
 * camera/microphone switches applied to what we send).
 */
import { Code, KtError } from '../errors';
import { captureTrack } from '../media/devices';
import type { FeedType, Member, PublishOptions } from '../types';
import type { Self } from './enter';
import { toMember } from './members';
import type { Publisher } from './publisher';

export class LocalMember {
  constructor(
    readonly publisher: Publisher,
    /** Owned by the Client; editUserInfo changes it. */
    private readonly self: Self,
    private readonly isHost: () => boolean,
  ) {}

  /** Who we are (the Client's; editUserInfo changes it). */
  get info(): Self {
    return this.self;
  }

  /** Ourselves as a member, as the others see us. */
  member(): Member {
    const cam = this.publisher.stream('cam');
    return toMember(this.self.userId, this.self, this.isHost(), {
      video: !!cam?.getVideoTracks().length,
      audio: !!cam?.getAudioTracks().length,
      publishing: this.publisher.isPublishing('cam') || this.publisher.isPublishing('screen'),
    });
  }

  stream(type: FeedType): MediaStream | undefined {
    return this.publisher.stream(type);
  }

  async publish(type: FeedType, stream: MediaStream, options: PublishOptions = {}): Promise<void> {
    await this.publisher.publish(type, stream, options);
    if (type === 'cam') this.applySwitches();
  }

  unpublish(type: FeedType): Promise<void> {
    return this.publisher.unpublish(type);
  }

  /** Sends `stream` as that feed: published if it is not yet, its tracks swapped in if it is. */
  async send(type: FeedType, stream: MediaStream): Promise<void> {
    const current = this.publisher.stream(type);
    if (!current) await this.publish(type, stream);
    else if (current !== stream) await this.replace(type, stream);
  }

  async replace(type: FeedType, stream: MediaStream): Promise<void> {
    await this.publisher.replace(type, stream);
    if (type === 'cam') this.applySwitches();
  }

  /**
   * Captures another camera or microphone and sends it in place of the published one, without
   * renegotiation; the track it replaces is stopped, so that device is released.
   */
  async switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    const current = this.publisher
      .stream('cam')
      ?.getTracks()
      .find((t) => t.kind === kind);
    if (!current) throw new KtError(Code.BAD_REQUEST, `not publishing a ${kind === 'video' ? 'camera' : 'microphone'}`);
    const track = await captureTrack(kind, deviceId, current);
    const old = await this.publisher.switchTrack('cam', track).catch((err) => {
      track.stop();
      throw err;
    });
    old?.stop();
    this.applySwitches();
  }

  /** What we send, to send it again after a gateway restart. */
  sent(): [FeedType, MediaStream, PublishOptions][] {
    return (['cam', 'screen'] as const).flatMap((t): [FeedType, MediaStream, PublishOptions][] => {
      const stream = this.publisher.stream(t);
      return stream ? [[t, stream, this.publisher.options(t)]] : [];
    });
  }

  /** Turns published camera tracks on/off per our switches (editUserInfo). */
  applySwitches(): void {
    const cam = this.publisher.stream('cam');
    cam?.getVideoTracks().forEach((t) => (t.enabled = this.self.video));
    cam?.getAudioTracks().forEach((t) => (t.enabled = this.self.audio));
  }
}
