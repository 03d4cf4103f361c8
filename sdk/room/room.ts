/**
 * A joined VideoRoom: the member table fed by our publisher handle's events, what we send
 * (local-member.ts, publisher.ts), what we receive (remote-feeds.ts, subscriber/), the room's
 * messages (inbox.ts), the host's powers (host-powers.ts) and the connection quality of it all
 * (quality/). The room's rules (capacity, who is host, who may see what) are the guard's.
 */
import { Code, KtError } from '../errors';
import { roomEventsOf } from '../janus/videoroom-events';
import type { PluginData } from '../janus/types';
import { attachVideoRoom } from '../janus/videoroom';
import { getLogger } from '../logger';
import type { Envelope } from '../messaging/envelope';
import { audioLevelsOf } from '../quality/audio-levels';
import { statsOf } from '../quality/feed-stats';
import { QualityMonitor } from '../quality/monitor';
import type { ConnectionQuality, FeedStats, FeedType, Member, PresenceDetail, PublishOptions } from '../types';
import { byUserId } from '../util/list-of';
import { enterRoom, type EnteredRoom, type JoinParams } from './enter';
import { HostPowers } from './host-powers';
import { Inbox } from './inbox';
import { LocalMember } from './local-member';
import { MemberTable } from './members';
import { resyncEvents, seedFromJoined, translateRoomEvent } from './presence';
import { Publisher } from './publisher';
import { RemoteFeeds } from './remote-feeds';
import { Subscriber } from './subscriber/subscriber';
import { Classroom } from './classroom';
import { allStreams, streamOf, type RoomStreams } from './streams';
import type { RoomView } from '../janus/guard-views';
import type { MemberInfo } from '../janus/videoroom';

/** What we send and receive in a room, to rebuild it after a gateway restart. */
export interface RoomSnapshot {
  roomId: string;
  pin?: string;
  sent: [FeedType, MediaStream, PublishOptions][];
  received: { userId: string; type: FeedType; stream: MediaStream }[];
}

export class Room {
  readonly members: MemberTable;
  /** The room as the guard held it when we joined. */
  readonly meta: RoomView;
  /** `publish` presence for members who published before we came, fired once joinRoom resolved. */
  readonly initialFeeds: PresenceDetail[];
  /** What we receive (its `streams()` are what the speaker plays; `receiveInto` rebuilds after a restart). */
  readonly remote: RemoteFeeds;
  private readonly publisher: Publisher;
  private readonly local: LocalMember;
  private readonly subscriber: Subscriber;
  private readonly inbox: Inbox;
  private readonly powers: HostPowers;
  private readonly quality: QualityMonitor;
  /** Shares, the board, permits, groups: what the host and guard decide for the others. */
  readonly classroom: Classroom;
  private readonly publisherHandle: EnteredRoom['publisher'];
  private left = false;

  private constructor(
    private readonly params: JoinParams,
    entered: EnteredRoom,
  ) {
    const { roomId, self, timeoutMs, log } = params;
    this.meta = entered.meta;
    this.publisherHandle = entered.publisher;
    this.members = new MemberTable(entered.meta.host);
    this.powers = new HostPowers(params.control, roomId, entered.meta.recording, (recording) => {
      if (!this.left) params.onPresence({ eventOp: 'presence', roomId, type: 'recording', recording });
    });
    this.publisher = new Publisher(entered.publisher, getLogger('publisher', { room: roomId, user: self.userId }));
    this.local = new LocalMember(this.publisher, self, () => this.isHost);
    this.subscriber = new Subscriber({
      attach: () => attachVideoRoom(params.session, timeoutMs),
      attached: entered.subscriber,
      roomId,
      pin: params.pin,
      privateId: typeof entered.joined.private_id === 'number' ? entered.joined.private_id : undefined,
      timeoutMs,
      log: getLogger('subscriber', { room: roomId, user: self.userId }),
    });
    this.remote = new RemoteFeeds(this.subscriber, this.members, () => this.left, log);
    this.quality = new QualityMonitor({
      selfId: self.userId,
      publisherHandle: entered.publisher.media,
      subscriberHandle: entered.subscriber.media,
      publisher: this.publisher,
      subscriber: this.subscriber,
      active: () => !this.left,
      onChange: (detail) => params.onQuality?.(detail),
    });
    this.classroom = new Classroom({ roomId, self, control: params.control, members: this.members, meta: this.meta, onPresence: params.onPresence, log });
    this.inbox = new Inbox({
      roomId,
      control: params.control,
      members: this.members,
      recording: this.powers.recording,
      drawing: this.classroom.drawing,
      onPresence: params.onPresence,
      receiveP2P: (from, type) => this.receiveP2P(from, type),
      log,
    });
    this.initialFeeds = seedFromJoined(this.members, roomId, self.userId, entered.joined);
    this.remote.noted(this.initialFeeds);
    entered.publisher.events.on('message', ({ data }) => this.onEvent(data));
  }

  get id(): string {
    return this.params.roomId;
  }

  /** As the guard says (the creator, a signed host, or whom editRoomInfo made host). */
  get isHost(): boolean {
    return this.params.self.userType === 'host';
  }

  get isRecording(): boolean {
    return this.powers.recording.active;
  }

  /** Enters a room (see enter.ts) and takes over its handles and the events that came meanwhile. */
  static async join(params: JoinParams): Promise<Room> {
    const entered = await enterRoom(params);
    const room = new Room(params, entered);
    entered.early.forEach((event) => room.onEvent(event));
    return room;
  }

  membersWithSelf(): Record<string, Member> {
    return byUserId([...this.members.all(), this.local.member()]);
  }

  async publish(type: FeedType, stream: MediaStream, options: PublishOptions = {}): Promise<void> {
    this.assertCanSend(type);
    await this.local.publish(type, stream, options);
    // The screen's share has a board of its own, to draw over it (screenStart's canvas).
    if (type === 'screen') await this.classroom.shares.refresh().catch((err) => this.params.log.warn('share not read back', err));
  }

  unpublish(type: FeedType): Promise<void> {
    this.assertIn();
    return this.local.unpublish(type);
  }

  replaceCamera(stream: MediaStream): Promise<void> {
    this.assertIn();
    return this.local.replace('cam', stream);
  }

  switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    this.assertIn();
    return this.local.switchDevice(kind, deviceId);
  }

  /** The original's 1:1 send: publish the feed, then tell that member so its SDK receives it. */
  async publishP2P(userId: string, type: FeedType, stream: MediaStream): Promise<void> {
    this.assertMember(userId);
    this.assertCanSend(type);
    await this.local.send(type, stream);
    await this.send({ k: 'p2p', t: type }, userId);
  }

  /**
   * Changes our name and switches for memberList and late joiners (the guard holds them and tells
   * the room); with `broadcast`, presence `editUserInfo` to all. With a signed token the name is
   * the token's: another one is refused ('413').
   */
  async announceUserInfo(change: MemberInfo, broadcast: boolean, target?: string): Promise<void> {
    if (target !== undefined) this.assertMember(target);
    else this.assertIn();
    await this.params.control.updateMember(this.id, change);
    Object.assign(this.params.self, change);
    this.local.applySwitches();
    const { name, video, audio } = this.params.self;
    // A 1:1 target (the original's P2P editUserInfo) hears of it alone.
    if (broadcast) await this.send({ k: 'user', name, video, audio }, target);
  }

  subscribe(userId: string, type: FeedType): Promise<MediaStream> {
    this.assertMember(userId);
    return this.remote.subscribe(userId, type);
  }

  unsubscribe(userId: string, type: FeedType): Promise<void> {
    this.assertIn();
    return this.subscriber.unsubscribe(userId, type);
  }

  /** getStream (streams.ts). */
  streamOf(id: string): MediaStream | undefined {
    return streamOf(id, this.streams());
  }

  allStreams(): Record<string, MediaStream> {
    return allStreams(this.streams());
  }

  private streams(): RoomStreams {
    return { selfId: this.params.self.userId, local: this.local, remote: this.remote, members: this.members };
  }

  /** Which simulcast layer of a member's video we receive. */
  async setQuality(userId: string, type: FeedType, substream: 0 | 1 | 2): Promise<void> {
    this.assertMember(userId);
    await this.remote.setQuality(userId, type, substream);
  }

  /** To the room, or to one member (`to`); `roomId`, when given, must be ours. */
  send(body: Envelope, to?: string, roomId?: string): Promise<void> {
    if (roomId !== undefined && roomId !== this.id) throw new KtError(Code.BAD_REQUEST, `not in room ${roomId}`);
    if (to !== undefined) this.assertMember(to);
    else this.assertIn();
    return this.inbox.send(body, to);
  }

  /** The gateway checks the room secret ('413' without it); the others hear of it (recording.ts). */
  async setRecording(on: boolean): Promise<void> {
    this.assertHost('start or stop recording');
    await this.powers.recording.set(on);
    await this.inbox.notify({ k: 'rec' });
  }

  /** The gateway checks the room secret: without ours, a kick is refused there too ('413'). */
  kick(userId: string): Promise<void> {
    this.assertHost('kick members out');
    this.assertMember(userId);
    return this.powers.kick(userId);
  }

  /** Destroys the room for everyone; we are out of it without a presence event of our own. */
  async destroy(): Promise<void> {
    this.assertIn();
    await this.powers.destroy();
    this.left = true;
    await this.release();
  }

  /** How loud each member we receive is right now (see quality/audio-levels.ts). */
  audioLevels(): Record<string, number> {
    return audioLevelsOf(this.subscriber);
  }

  /** Quality figures of a feed: ours (sending) for our own id, else a feed we receive. */
  stats(userId: string, type: FeedType): Promise<FeedStats> {
    this.assertIn();
    return statsOf({ selfId: this.params.self.userId, publisher: this.publisher, subscriber: this.subscriber }, userId, type);
  }

  /** A feed's last connection quality (ours for our own id, the default), once measured. */
  connectionQuality(userId: string | undefined, type: FeedType): ConnectionQuality | undefined {
    return this.quality.current(userId ?? this.params.self.userId, type);
  }

  /** Our PeerConnections in this room (publisher, subscriber), for stats and tests. */
  peerConnections(): RTCPeerConnection[] {
    return [this.publisherConnection(), this.subscriberConnection()].filter((pc): pc is RTCPeerConnection => !!pc);
  }

  /** What we send travels on one PeerConnection, what we receive on another. */
  publisherConnection(): RTCPeerConnection | undefined {
    return this.publisherHandle.media.peerConnection() ?? undefined;
  }

  subscriberConnection(): RTCPeerConnection | undefined {
    return this.subscriber.peerConnection() ?? undefined;
  }

  /**
   * After a reclaimed connection: Janus did not deliver the events of the outage, so compare the
   * member table with the room's participants and announce who left and who came meanwhile.
   * (A feed published or stopped during the outage shows with that member's next event.)
   */
  async resync(): Promise<void> {
    if (this.left) return;
    const participants = await this.params.control.listParticipants(this.id);
    this.announce(resyncEvents(this.members, this.id, this.params.self.userId, participants));
  }

  snapshot(): RoomSnapshot {
    return { roomId: this.id, pin: this.params.pin, sent: this.local.sent(), received: this.subscriber.handedOutFeeds() };
  }

  /** The gateway forgot us (restarted): free our side without asking it anything. */
  async abandon(): Promise<void> {
    this.left = true;
    await this.release();
  }

  /** Leaves the room and frees every handle (a room made to go when empty: the guard destroys it). */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.subscriber.close();
    await this.publisher.leave().catch((err) => this.params.log.warn('leave request failed (detaching anyway)', err));
    await this.release();
  }

  private async release(): Promise<void> {
    this.quality.stop();
    this.classroom.close();
    await Promise.all([this.subscriber.close(), this.publisherHandle.detach()]);
  }

  private onEvent(data: PluginData): void {
    if (this.left) return;
    try {
      const events = roomEventsOf(data);
      if (events.some((e) => e.name === 'destroyed')) return this.removed('destroyed');
      if (events.some((e) => e.name === 'kickedOut')) return this.removed('kicked');
      for (const e of events) {
        if (e.name === 'message') this.inbox.received(e.from, e.whisper, e.body);
        else this.classroom.onEvent(e);
      }
      this.announce(translateRoomEvent(this.members, this.id, this.params.self.userId, data));
    } catch (err) {
      this.params.log.error('could not handle room event', data, err);
    }
  }

  private announce(presence: PresenceDetail[]): void {
    this.remote.noted(presence);
    presence.forEach((p) => this.params.onPresence(p));
  }

  /** The gateway put us out (kicked, room destroyed): free everything and tell the app. */
  private removed(reason: 'kicked' | 'destroyed'): void {
    this.params.log.info('removed from the room:', reason);
    this.left = true;
    void this.release();
    this.params.onRemoved();
    this.params.onPresence({ eventOp: 'presence', roomId: this.id, type: 'kickOut', user: this.params.self.userId, reason });
  }

  /** A member sent us its feed 1:1: receive it (once Janus lists it), then say `subscribed`. */
  private async receiveP2P(from: string, type: FeedType): Promise<void> {
    await this.remote.subscribeWhenPublished(from, type, this.params.timeoutMs);
    if (this.left) return;
    this.params.onPresence({ eventOp: 'presence', roomId: this.id, type: 'subscribed', user: from, cam: type === 'cam', feedType: type });
  }

  /** One share at a time per room ('440'); sharing a screen needs the host's permit ('413'). */
  private assertCanSend(type: FeedType): void {
    this.assertIn();
    if (type !== 'screen') return;
    if (this.params.self.permit?.screen === false) throw new KtError(Code.NOT_PERMITTED, 'the host has not permitted sharing a screen');
    this.classroom.shares.assertFree('screen');
    const sharer = this.members.sharer();
    if (sharer) throw new KtError(Code.ALREADY_SHARING, `${sharer} is sharing a screen`);
  }

  /** The friendly refusal; the gateway refuses a non-host anyway (room secret). */
  private assertHost(what: string): void {
    this.assertIn();
    if (!this.isHost) throw new KtError(Code.NOT_PERMITTED, `only the host may ${what}`);
  }

  private assertIn(): void {
    if (this.left) throw new KtError(Code.BAD_REQUEST, 'not in a room');
  }

  private assertMember(userId: string): void {
    this.assertIn();
    if (userId === this.params.self.userId) throw new KtError(Code.INVALID_PARAMETER, 'that is yourself');
    if (!this.members.has(userId)) throw new KtError(Code.NO_SUCH_USER, `${userId} is not in the room`);
  }
}
