/**
 * A joined VideoRoom: our publisher handle (in the room under our userId), the member table fed by
 * its events, our published feeds, our subscriptions and the room's message channel.
 */
import { asSecretError, Code, KtError } from '../errors';
import { VIDEOROOM, type GatewaySession, type PluginData, type PluginHandle } from '../gateway/types';
import { getLogger } from '../logger';
import type { ConnectionQuality, ConnectionQualityDetail, FeedType, Member, PresenceDetail } from '../types';
import { AsyncQueue } from '../util/async-queue';
import { byUserId, listOf } from '../util/list-of';
import { MemberTable, resyncEvents, seedFromJoined, translateRoomEvent, type PublishedStream } from './members';
import type { Envelope, Messenger, MessengerEvents } from './messenger';
import { Publisher, type PublishOptions } from './publisher';
import { requestWithEvent } from './request';
import { Subscriber } from './subscriber';
import { enterRoom } from './enter';
import { feedStats, type FeedStats } from './feed-stats';
import { QualityMonitor } from './quality-monitor';
import { RoomRecording } from './recording';
import { encodeDisplay, type RoomMeta } from './wire-format';

const log = getLogger('room');

/** Who we are; the Client owns it and editUserInfo changes it. */
export interface Self {
  userId: string;
  name: string;
  device: string;
  /** Camera / microphone switches: published camera tracks are enabled accordingly. */
  video: boolean;
  audio: boolean;
}

export interface JoinParams {
  session: GatewaySession;
  /** A handle for synchronous room requests (list, listparticipants, destroy, kick). */
  control: PluginHandle;
  /** The instance's message channel (chat, inform, user info, 1:1 notices). */
  messenger: Messenger;
  roomId: string;
  /** The room's PIN, when it has one. */
  pin?: string;
  /** The room's secret, when we created it (host actions and destroying need it). */
  secret?: string;
  self: Self;
  timeoutMs: number;
  onPresence: (detail: PresenceDetail) => void;
  /** Join progress, 0-100, at each step of enter.ts (Connect Live's `connecting`). */
  onProgress?: (progress: number, step: string) => void;
  /** A feed's connection quality changed (see quality-monitor.ts). */
  onQuality?: (detail: ConnectionQualityDetail) => void;
  /** The gateway removed us from the room (destroyed, kicked). */
  onRemoved: (room: Room) => void;
}

export class Room {
  readonly members: MemberTable;
  private readonly publisher: Publisher;
  private readonly subscriber: Subscriber;
  /** Whether we entered the room's text room; messages need it, the call does not. */
  private chatJoined = false;
  private left = false;
  /** Feed (user+type) → the users whose feeds of that type the same `publish` announced. */
  private readonly announced = new Map<string, string[]>();
  /** Called after every room event: 1:1 receivers wait here for the sender's feed to show up. */
  private readonly eventWatchers = new Set<() => void>();
  /** Whether the gateway records this room (room-wide, see recording.ts). */
  private readonly recording: RoomRecording;
  /** Connection quality of what we send and receive here. */
  private readonly quality: QualityMonitor;

  private constructor(
    private readonly params: JoinParams,
    private readonly handle: PluginHandle,
    subscriberHandle: PluginHandle,
    readonly meta: RoomMeta,
    joined: PluginData,
    recording: boolean,
  ) {
    const { roomId, self, timeoutMs } = params;
    this.recording = new RoomRecording(
      { control: params.control, roomId, secret: params.secret, onChange: (on) => this.onRecordingChange(on) },
      recording,
    );
    this.members = new MemberTable(meta.host);
    this.publisher = new Publisher(handle, new AsyncQueue(), timeoutMs);
    this.subscriber = new Subscriber({
      attach: () => params.session.attach(VIDEOROOM),
      attached: subscriberHandle,
      roomId,
      pin: params.pin,
      privateId: typeof joined.private_id === 'number' ? joined.private_id : undefined,
      timeoutMs,
    });
    this.quality = new QualityMonitor({
      selfId: self.userId,
      publisherHandle: handle,
      subscriberHandle,
      publisher: this.publisher,
      subscriber: this.subscriber,
      active: () => !this.left,
      onChange: (detail) => params.onQuality?.(detail),
    });
    this.initialFeeds = seedFromJoined(this.members, roomId, self.userId, joined);
    this.initialFeeds.forEach((p) => this.remember(p));
    handle.events.on('message', ({ data }) => this.onEvent(data));
    params.messenger.events.on('message', this.onMessage);
  }

  /** `publish` presence for members who published before we came, fired once joinRoom resolved. */
  readonly initialFeeds: PresenceDetail[];

  get id(): string {
    return this.params.roomId;
  }

  get isHost(): boolean {
    return this.meta.host === this.params.self.userId;
  }

  /** Enters a room (see enter.ts) and takes over its handles and the events that came meanwhile. */
  static async join(params: JoinParams): Promise<Room> {
    const entered = await enterRoom(params);
    const room = new Room(params, entered.handle, entered.subscriberHandle, entered.meta, entered.joined, entered.recording);
    room.chatJoined = entered.chatJoined;
    entered.early.forEach((event) => room.onEvent(event));
    entered.earlyMessages.forEach((message) => room.onMessage(message));
    // Two members racing for the last place both passed the pre-check; Janus orders joins, so the
    // later one sees the room over capacity here and steps back out.
    const { capacity } = entered.meta;
    if (capacity !== null && room.members.size + 1 > capacity) {
      await room.leave();
      throw new KtError(Code.ROOM_FULL, `${params.roomId} is full`);
    }
    // The host's notice of a recording change could have gone out before we were in the text room.
    room.recording.refresh().catch((err) => log.debug('recording state not read', err));
    return room;
  }

  /** Ourselves as a member, as the others see us. */
  selfMember(): Member {
    const { userId, name, device, video, audio } = this.params.self;
    const cam = this.publisher.stream('cam');
    return {
      id: userId,
      userId,
      name,
      userType: this.isHost ? 'host' : 'guest',
      device,
      video: video && !!cam?.getVideoTracks().length,
      audio: audio && !!cam?.getAudioTracks().length,
      publishing: this.publisher.isPublishing('cam') || this.publisher.isPublishing('screen'),
    };
  }

  membersWithSelf(): Record<string, Member> {
    return byUserId([...this.members.all(), this.selfMember()]);
  }

  // --- media we send ---

  async publish(type: FeedType, stream: MediaStream, options: PublishOptions = {}): Promise<void> {
    this.assertIn();
    if (type === 'screen') this.assertNobodyElseShares();
    await this.publisher.publish(type, stream, options);
    if (type === 'cam') this.applySwitches();
  }

  unpublish(type: FeedType): Promise<void> {
    this.assertIn();
    return this.publisher.unpublish(type);
  }

  isPublishing(type: FeedType): boolean {
    return this.publisher.isPublishing(type);
  }

  async replaceCamera(stream: MediaStream): Promise<void> {
    this.assertIn();
    await this.publisher.replace('cam', stream);
    this.applySwitches();
  }

  /**
   * Sends another camera or microphone (`track`, freshly captured) in place of the published one,
   * without renegotiation; the track it replaces is stopped, so that device is released.
   */
  async switchDevice(track: MediaStreamTrack): Promise<void> {
    this.assertIn();
    const old = await this.publisher.switchTrack('cam', track);
    old?.stop();
    this.applySwitches();
  }

  /** The original's 1:1 send: publish the feed, then tell that member so its SDK receives it. */
  async publishP2P(userId: string, type: FeedType, stream: MediaStream): Promise<void> {
    this.assertMember(userId);
    const current = this.publisher.stream(type);
    if (!current) await this.publish(type, stream);
    else if (current !== stream) await this.publisher.replace(type, stream);
    await this.send({ k: 'p2p', t: type }, userId);
  }

  /** Turns published camera tracks on/off per our switches (editUserInfo). */
  applySwitches(): void {
    const cam = this.publisher.stream('cam');
    cam?.getVideoTracks().forEach((t) => (t.enabled = this.params.self.video));
    cam?.getAudioTracks().forEach((t) => (t.enabled = this.params.self.audio));
  }

  // --- media we receive ---

  /**
   * Subscribing to one feed of a `publish` announcement also requests the other feeds of that
   * type it announced (handed out when the app asks): apps subscribe to every announced feed, often
   * one `await` at a time as the original's samples do, which would otherwise cost one
   * renegotiation per feed instead of one for all.
   */
  subscribe(userId: string, type: FeedType): Promise<MediaStream> {
    this.assertMember(userId);
    const alongside = (this.announced.get(feedKey(userId, type)) ?? [])
      .filter((id) => id !== userId)
      .map((id) => ({ feed: id, streams: this.members.streamsOf(id, type) }))
      .filter((f) => f.streams.length > 0);
    this.announced.delete(feedKey(userId, type));
    return this.subscriber.subscribe(userId, type, this.members.streamsOf(userId, type), alongside);
  }

  unsubscribe(userId: string, type: FeedType): Promise<void> {
    this.assertIn();
    return this.subscriber.unsubscribe(userId, type);
  }

  /** getStream: a member's camera as we receive it, ours, or 'screen' (ours or the sharer's). */
  streamOf(id: string): MediaStream | undefined {
    const selfId = this.params.self.userId;
    if (id === 'screen') {
      const sharer = this.members.sharer();
      return this.publisher.stream('screen') ?? (sharer ? this.subscriber.streamOf(sharer, 'screen') : undefined);
    }
    if (id === selfId) return this.publisher.stream('cam');
    return this.subscriber.streamOf(id, 'cam');
  }

  allStreams(): Record<string, MediaStream> {
    const ids = [this.params.self.userId, ...this.members.all().map((m) => m.userId), 'screen'];
    // fromEntries, not `out[id] =`: an id such as '__proto__' must be a key like any other.
    return Object.fromEntries(ids.flatMap((id) => (this.streamOf(id) ? [[id, this.streamOf(id)!]] : [])));
  }

  // --- messages and user state ---

  async send(body: Envelope, to?: string): Promise<void> {
    if (to !== undefined) this.assertMember(to);
    else this.assertIn();
    if (!this.chatJoined) throw new KtError(Code.SERVER_ERROR, 'no message channel in this room');
    await this.params.messenger.send(this.id, body, to);
  }

  /** Publishes our name and switches in our display, so memberList and late joiners see them. */
  async announceUserInfo(broadcast: boolean): Promise<void> {
    this.assertIn();
    this.applySwitches();
    await this.publisher.setDisplay(encodeDisplay(this.params.self));
    const { name, video, audio } = this.params.self;
    if (broadcast) await this.send({ k: 'user', name, video, audio });
  }

  // --- host powers ---

  get isRecording(): boolean {
    return this.recording.active;
  }

  /** The gateway checks the room secret ('413' without it); the others hear of it (recording.ts). */
  async setRecording(on: boolean): Promise<void> {
    this.assertIn();
    await this.recording.set(on);
    if (this.chatJoined) await this.send({ k: 'rec' }).catch((err) => log.warn('recording notice not sent', err));
  }

  /** The gateway checks the room secret: without ours, a kick is refused there too ('413'). */
  async kick(userId: string): Promise<void> {
    this.assertMember(userId);
    await this.params.control.send({ request: 'kick', room: this.id, id: userId, ...secretOf(this.params) }).catch(asSecretError);
  }

  /** Destroys the room for everyone; we are out of it without a presence event of our own. */
  async destroy(): Promise<void> {
    this.assertIn();
    await this.params.control.send({ request: 'destroy', room: this.id, ...secretOf(this.params) }).catch(asSecretError);
    this.left = true;
    await this.params.messenger.destroyRoom(this.id, this.params.secret);
    await this.release();
  }

  /**
   * After a reclaimed connection: Janus did not deliver the events of the outage, so compare the
   * member table with the room's participants and announce who left and who came meanwhile.
   * (A feed published or stopped during the outage shows with that member's next event.)
   */
  async resync(): Promise<void> {
    if (this.left) return;
    const data = await this.params.control.send({ request: 'listparticipants', room: this.id });
    const { self, onPresence } = this.params;
    for (const p of resyncEvents(this.members, this.id, self.userId, listOf(data, 'participants'))) {
      this.releaseGoneFeeds(p);
      onPresence(p);
    }
  }

  /** The streams we hand out for feeds we receive. */
  receivedStreams(): MediaStream[] {
    return this.subscriber.handedOut().map((f) => f.stream);
  }

  /**
   * How loud each member we receive is right now, 0..1 (linear; 1 = 0 dBov), from the RFC 6464
   * level the sender's browser puts in each audio packet (Janus relays it), as the receiver last
   * saw it: no stats call, cheap enough for an active-speaker view polled several times a second.
   * Only audio the page plays has a level: Chromium decodes (and so reads) remote audio only while
   * an element plays it, which every app that lets its users hear each other does.
   */
  audioLevels(): Record<string, number> {
    const levels: [string, number][] = this.subscriber.handedOut().map(({ userId, type }) => {
      const audio = this.subscriber.receiversOf(userId, type).filter((r) => r.track.kind === 'audio');
      return [userId, Math.max(0, ...audio.map((r) => r.getSynchronizationSources()[0]?.audioLevel ?? 0))];
    });
    const loudest = new Map<string, number>();
    for (const [id, level] of levels) loudest.set(id, Math.max(level, loudest.get(id) ?? 0));
    return Object.fromEntries(loudest);
  }

  /** Which simulcast layer of a member's video we receive. */
  async setQuality(userId: string, type: FeedType, substream: 0 | 1 | 2): Promise<void> {
    this.assertMember(userId);
    const video = this.members.streamsOf(userId, type).filter((s) => s.kind === 'video');
    if (video.length === 0) throw new KtError(Code.BAD_REQUEST, `${userId} sends no ${type} video`);
    if (!video.some((s) => s.simulcast)) throw new KtError(Code.BAD_REQUEST, `${userId} does not send ${type} in simulcast`);
    await this.subscriber.setSubstream(userId, type, video.map((s) => s.mid), substream);
  }

  /** Quality figures of a feed: ours (sending) for our own id, else a feed we receive. */
  async stats(userId: string, type: FeedType): Promise<FeedStats> {
    this.assertIn();
    if (userId === this.params.self.userId) {
      const senders = this.publisher.rtpSendersOf(type);
      if (senders.length === 0) throw new KtError(Code.BAD_REQUEST, `not publishing ${type}`);
      return feedStats({ userId, type, direction: 'send' }, senders);
    }
    const receivers = this.subscriber.receiversOf(userId, type);
    if (receivers.length === 0) throw new KtError(Code.INVALID_PARAMETER, `not receiving ${type} of ${userId}`);
    return feedStats({ userId, type, direction: 'receive' }, receivers);
  }

  /** A feed's last connection quality (ours for our own id), once measured. */
  connectionQuality(userId: string, type: FeedType): ConnectionQuality | undefined {
    return this.quality.current(userId, type);
  }

  /** What we send and receive here, to rebuild it after a gateway restart. */
  snapshot(): {
    roomId: string;
    pin?: string;
    sent: [FeedType, MediaStream, PublishOptions][];
    received: { userId: string; type: FeedType; stream: MediaStream }[];
  } {
    const sent = (['cam', 'screen'] as const).flatMap((t): [FeedType, MediaStream, PublishOptions][] => {
      const stream = this.publisher.stream(t);
      return stream ? [[t, stream, this.publisher.options(t)]] : [];
    });
    return { roomId: this.id, pin: this.params.pin, sent, received: this.subscriber.handedOut() };
  }

  /** The gateway forgot us (restarted): free our side without asking it anything. */
  async abandon(): Promise<void> {
    this.left = true;
    await this.release({ leaveTextRoom: false });
  }

  /**
   * Receives a member's feed into a stream the app already holds, once the member publishes it
   * (after a gateway restart everyone comes back in their own time); gives up after `waitMs`.
   */
  receiveInto(userId: string, type: FeedType, stream: MediaStream, waitMs: number): void {
    this.subscriber.preferStream(userId, type, stream);
    this.feedOf(userId, type, waitMs)
      .then((streams) => this.subscriber.subscribe(userId, type, streams))
      .catch((err) => log.warn(`${type} of ${userId} not received again`, err));
  }

  /** Our PeerConnections in this room (publisher, subscriber), for stats and tests. */
  peerConnections(): RTCPeerConnection[] {
    return [this.handle.peerConnection(), this.subscriber.peerConnection()].filter(
      (pc): pc is RTCPeerConnection => !!pc,
    );
  }

  /** Leaves the room and frees every handle; destroys the room if it asked for that and is empty. */
  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.subscriber.close();
    try {
      await requestWithEvent(this.handle, { request: 'leave' }, {
        accept: (d) => d.leaving === 'ok' || d.left === 'ok',
        timeoutMs: this.params.timeoutMs,
      });
    } catch (err) {
      log.warn('leave request failed (detaching anyway)', err);
    }
    if (this.meta.destroy) await this.destroyIfEmpty();
    await this.release();
  }

  private async release({ leaveTextRoom = true } = {}): Promise<void> {
    const { messenger } = this.params;
    this.quality.stop();
    messenger.events.off('message', this.onMessage);
    await Promise.all([
      this.subscriber.close(),
      this.chatJoined && leaveTextRoom ? messenger.leave(this.id) : undefined,
      this.handle.detach(),
    ]);
  }

  /** Only the host holds the room secret: a room emptied by a guest stays (see the README). */
  private async destroyIfEmpty(): Promise<void> {
    const { control, roomId, secret } = this.params;
    if (secret === undefined) return;
    try {
      const data = await control.send({ request: 'listparticipants', room: roomId });
      if (listOf(data, 'participants').length === 0) {
        await control.send({ request: 'destroy', room: roomId, secret });
        await this.params.messenger.destroyRoom(roomId, secret);
        log.debug('destroyed empty room', roomId);
      }
    } catch (err) {
      // Someone else destroyed it first, or the gateway is gone: nothing left to clean.
      log.debug('auto-destroy skipped', err);
    }
  }

  private onEvent(data: PluginData): void {
    if (this.left) return;
    try {
      if (data.videoroom === 'destroyed') return this.removed('destroyed');
      if (data.videoroom === 'event' && data.leaving === 'ok' && data.reason === 'kicked') return this.removed('kicked');
      const { self, onPresence } = this.params;
      for (const p of translateRoomEvent(this.members, this.id, self.userId, data)) {
        this.releaseGoneFeeds(p);
        this.remember(p);
        onPresence(p);
      }
      this.eventWatchers.forEach((watch) => watch());
    } catch (err) {
      log.error('could not handle room event', data, err);
    }
  }

  /** Keeps who a `publish` announced together, for Room.subscribe; forgets feeds that went away. */
  private remember(p: PresenceDetail): void {
    if (p.type === 'publish') {
      for (const type of ['cam', 'screen'] as const) {
        const ids = p.feeds.filter((f) => f.type === type).map((f) => f.id);
        ids.forEach((id) => this.announced.set(feedKey(id, type), ids));
      }
    } else if (p.type === 'unpublish') {
      this.announced.delete(feedKey(p.user, p.feedType));
    } else if (p.type === 'leave') {
      this.announced.delete(feedKey(p.user, 'cam'));
      this.announced.delete(feedKey(p.user, 'screen'));
    }
  }

  /**
   * A feed we receive went away: its stream ends and its m-lines are released for reuse. Janus
   * does not always renegotiate a subscriber when a publisher merely disables a stream.
   */
  private releaseGoneFeeds(p: PresenceDetail): void {
    if (p.type !== 'unpublish' && p.type !== 'leave') return;
    const gone: FeedType[] = p.type === 'unpublish' ? [p.feedType] : ['cam', 'screen'];
    for (const type of gone) {
      if (!this.subscriber.isSubscribed(p.user, type)) continue;
      this.subscriber.unsubscribe(p.user, type).catch((err) => log.debug('release of a gone feed failed', err));
    }
  }

  private onRecordingChange(recording: boolean): void {
    if (!this.left) this.params.onPresence({ eventOp: 'presence', roomId: this.id, type: 'recording', recording });
  }

  /** The gateway put us out (kicked, room destroyed): free everything and tell the app. */
  private removed(reason: 'kicked' | 'destroyed'): void {
    log.info('removed from room', this.id, reason);
    this.left = true;
    void this.release();
    this.params.onRemoved(this);
    this.params.onPresence({ eventOp: 'presence', roomId: this.id, type: 'kickOut', user: this.params.self.userId, reason });
  }

  /** An arrow function: it is subscribed to and unsubscribed from the messenger by identity. */
  private readonly onMessage = ({ roomId, from, whisper, body }: MessengerEvents['message']): void => {
    if (this.left || roomId !== this.id) return;
    const base = { eventOp: 'presence' as const, roomId: this.id, user: from };
    const { onPresence } = this.params;
    switch (body.k) {
      case 'chat':
        return onPresence({ ...base, type: 'chat', message: body.m, whisper });
      case 'inform':
        return onPresence({ ...base, type: 'inform', message: body.m, whisper });
      case 'user':
        this.members.setInfo(from, { name: body.name, video: body.video, audio: body.audio });
        return onPresence({ ...base, type: 'editUserInfo', name: body.name, video: body.video, audio: body.audio });
      case 'p2p':
        this.receiveP2P(from, body.t).catch((err) => log.warn(`could not receive the 1:1 ${body.t} of ${from}`, err));
        return;
      case 'rec':
        this.recording.refresh().catch((err) => log.warn('recording state not read', err));
        return;
    }
  };

  /** A member sent us its feed 1:1: receive it (once Janus lists it), then say `subscribed`. */
  private async receiveP2P(from: string, type: FeedType): Promise<void> {
    const streams = await this.feedOf(from, type);
    await this.subscriber.subscribe(from, type, streams);
    if (this.left) return;
    this.params.onPresence({ eventOp: 'presence', roomId: this.id, type: 'subscribed', user: from, cam: type === 'cam', feedType: type });
  }

  /** The member's feed once it is in the table (the notice can overtake Janus's `publishers` event). */
  private feedOf(userId: string, type: FeedType, waitMs = this.params.timeoutMs): Promise<PublishedStream[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const streams = this.members.streamsOf(userId, type);
        if (streams.length > 0 || this.left) done();
      };
      const timer = setTimeout(() => done(), waitMs);
      const done = () => {
        clearTimeout(timer);
        this.eventWatchers.delete(check);
        const streams = this.members.streamsOf(userId, type);
        if (streams.length > 0) resolve(streams);
        else reject(new KtError(Code.GATEWAY_TIMEOUT, `${userId} never published ${type}`));
      };
      this.eventWatchers.add(check);
      check();
    });
  }

  private assertIn(): void {
    if (this.left) throw new KtError(Code.BAD_REQUEST, 'not in a room');
  }

  private assertMember(userId: string): void {
    this.assertIn();
    if (userId === this.params.self.userId) throw new KtError(Code.INVALID_PARAMETER, 'that is yourself');
    if (!this.members.has(userId)) throw new KtError(Code.INVALID_PARAMETER, `${userId} is not in the room`);
  }

  private assertNobodyElseShares(): void {
    const sharer = this.members.sharer();
    if (sharer) throw new KtError(Code.ALREADY_SHARING, `${sharer} is sharing a screen`);
  }
}

const secretOf = ({ secret }: { secret?: string }) => (secret === undefined ? {} : { secret });

const feedKey = (userId: string, type: FeedType) => `${userId}\u0000${type}`;
