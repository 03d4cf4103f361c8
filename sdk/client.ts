/**
 * The SDK's state machine behind the Knowledgetalk facade: one gateway session per instance, one
 * room at a time. Methods throw KtError; the facade turns that into result codes.
 */
import mitt from 'mitt';
import { asSecretError, Code, KtError } from './errors';
import { VIDEOROOM, type ConnectGateway, type GatewaySession, type PluginHandle } from './gateway/types';
import { getLogger } from './logger';
import type { FeedStats } from './room/feed-stats';
import { Messenger, type Envelope } from './room/messenger';
import { captureTrack } from './media/devices';
import type { PublishOptions } from './room/publisher';
import { Room, type Self } from './room/room';
import { decodeDisplay, decodeRoomMeta, encodeRoomMeta } from './room/wire-format';
import type { ConnectionQuality, ConnectionQualityDetail, FeedType, JoinResult, Member, PresenceDetail } from './types';
import { AsyncQueue } from './util/async-queue';
import { generateId, generateSecret } from './util/ids';
import { byUserId, listOf } from './util/list-of';

const log = getLogger('client');

export interface ClientOptions {
  servers: string[];
  iceServers?: RTCIceServer[];
  timeoutMs: number;
  /** How long a dropped connection is retried before the instance gives up (`disconnected`). */
  reconnectMs: number;
  connect: ConnectGateway;
}

export type ClientEvents = {
  presence: PresenceDetail;
  /** The gateway connection is gone; the instance is back to "not initialised". */
  disconnected: { reason: string };
  /** The connection dropped; the SDK is reclaiming its session (media keeps flowing meanwhile). */
  reconnecting: { reason: string };
  /** The session is back; missed joins and leaves were announced. */
  reconnected: undefined;
  /** Progress of init and joinRoom, 0-100 (as Connect Live's `connecting`). */
  connecting: { progress: number; step: string };
  /** joinRoom is done: we are in the room with these members (ourselves included). */
  connected: { roomId: string; members: Record<string, Member> };
  /** A feed we send or receive changed connection quality. */
  connectionQuality: ConnectionQualityDetail;
};

export interface CreateRoomParams {
  roomId: string;
  title: string;
  capacity: number | null;
  destroy: boolean;
  talkingNoty: boolean;
  /** createRoom: the original's 1:1 room, on the same SFU. */
  p2p: boolean;
  /** Needed to join (wrong or missing: '401'). */
  pin?: string;
  /** Needed, at the gateway, to kick and destroy; generated when absent. Only the creator holds it. */
  secret?: string;
}

export interface UserInfoChange {
  name?: string;
  video?: boolean;
  audio?: boolean;
}

export class Client {
  readonly events = mitt<ClientEvents>();
  private session?: GatewaySession;
  private control?: PluginHandle;
  private messenger?: Messenger;
  private room?: Room;
  private self?: Self;
  /** Room-changing calls run one at a time, so a leave cannot overtake the join it undoes. */
  private readonly ops = new AsyncQueue();
  /** The token init was given: a session re-created after a gateway restart needs it again. */
  private token = '';
  /** What each room this instance created was created with, to create it again after a gateway restart. */
  private readonly created = new Map<string, CreateRoomParams>();
  /** Bumped by disconnect(), so calls that were in flight notice and back out. */
  private epoch = 0;
  /** The secrets of the rooms this instance created: what makes us their host at the gateway. */
  private readonly hostSecrets = new Map<string, string>();

  constructor(private readonly options: ClientOptions) {}

  get userId(): string | undefined {
    return this.self?.userId;
  }

  get name(): string | undefined {
    return this.self?.name;
  }

  get roomId(): string | undefined {
    return this.room?.id;
  }

  init(userId: string | undefined, name: string, device: string, token: string): Promise<string> {
    return this.ops.run(async () => {
      if (this.session) throw new KtError(Code.BAD_REQUEST, 'already initialised: call disconnect() first');
      const epoch = this.epoch;
      this.events.emit('connecting', { progress: 0, step: 'connecting to the gateway' });
      const { session, control } = await this.connectSession(token, this.options.timeoutMs);
      this.events.emit('connecting', { progress: 30, step: 'connected to the gateway' });
      if (epoch !== this.epoch) {
        await session.destroy();
        throw new KtError(Code.BAD_REQUEST, 'disconnected while connecting');
      }
      this.token = token;
      this.adopt(session, control, { userId: userId ?? generateId('U'), name, device, video: true, audio: true });
      log.info('connected, session', session.id, 'user', this.self!.userId);
      return this.self!.userId;
    });
  }

  /** A gateway session with its control handle. */
  private async connectSession(token: string, timeoutMs: number): Promise<{ session: GatewaySession; control: PluginHandle }> {
    const { servers, iceServers, reconnectMs } = this.options;
    const session = await this.options.connect({ servers, token, iceServers, timeoutMs, reconnectMs });
    try {
      return { session, control: await session.attach(VIDEOROOM) };
    } catch (err) {
      await session.destroy();
      throw err;
    }
  }

  /** Makes a connected session the instance's: its message channel and its events. */
  private adopt(session: GatewaySession, control: PluginHandle, self: Self): void {
    this.session = session;
    this.control = control;
    this.self = self;
    // Set up in the background: joinRoom waits for it only if it is not ready by then.
    this.messenger = new Messenger({
      attach: (plugin) => session.attach(plugin),
      userId: self.userId,
      timeoutMs: this.options.timeoutMs,
    });
    session.events.on('lost', ({ reason, restarted }) => this.onLost(session, reason, restarted === true));
    session.events.on('reconnecting', (e) => this.session === session && this.events.emit('reconnecting', e));
    session.events.on('reconnected', () => void this.onReconnected(session));
  }

  createVideoRoom(params: CreateRoomParams): Promise<string> {
    return this.ops.run(async () => {
      await this.createRoomNow(params);
      return params.roomId;
    });
  }

  private async createRoomNow(params: CreateRoomParams): Promise<void> {
    const { control, messenger, self } = this.connected();
    const secret = params.secret ?? generateSecret();
    const access = { secret, ...(params.pin === undefined ? {} : { pin: params.pin }) };
    await control.send({
      request: 'create',
      room: params.roomId,
      ...access,
      description: encodeRoomMeta({
        title: params.title,
        host: self.userId,
        capacity: params.capacity,
        destroy: params.destroy,
        p2p: params.p2p,
        talkingNoty: params.talkingNoty,
        createdAt: Date.now(),
      }),
      // Janus limits publishers (default 3), not members; members are counted at join.
      publishers: params.capacity ?? 1000,
      notify_joining: true,
      is_private: false,
      permanent: false,
      // Recording (and a publisher's own `record`/`filename`, a path on the gateway) can then only
      // be changed with the room secret: by the host, room-wide (room/recording.ts).
      lock_record: true,
      audiolevel_event: params.talkingNoty,
      // Talking is decided over ~1 s of audio (50 packets of 20 ms), not Janus's default 2 s.
      audio_active_packets: 50,
    });
    this.hostSecrets.set(params.roomId, secret);
    this.created.set(params.roomId, { ...params, secret });
    // The text room gets the same PIN and secret; if this fails, the first joiner creates it.
    await messenger.createRoom(params.roomId, access).catch((err) => log.warn('text room not created', err));
  }

  joinRoom(roomId: string, pin?: string): Promise<JoinResult> {
    return this.ops.run(async () => {
      this.connected();
      if (this.room) {
        if (this.room.id === roomId) throw new KtError(Code.ALREADY_IN_ROOM, `already in ${roomId}`);
        throw new KtError(Code.BAD_REQUEST, `already in room ${this.room.id}: leave it first`);
      }
      const epoch = this.epoch;
      const room = await this.enter(roomId, pin);
      if (epoch !== this.epoch) {
        await room.leave().catch(() => {});
        throw new KtError(Code.BAD_REQUEST, 'disconnected while joining');
      }
      this.room = room;
      this.events.emit('connecting', { progress: 100, step: 'in the room' });
      this.events.emit('connected', { roomId, members: room.membersWithSelf() });
      // After the caller's `await joinRoom()` continues, announce who already publishes.
      setTimeout(() => {
        if (this.room === room) room.initialFeeds.forEach((p) => this.events.emit('presence', p));
      }, 0);
      return {
        code: Code.OK,
        roomId,
        title: room.meta.title,
        talkingNoty: room.meta.talkingNoty,
        isRecording: room.isRecording,
        createdAt: room.meta.createdAt,
        host: room.meta.host,
        members: room.membersWithSelf(),
      };
    });
  }

  private enter(roomId: string, pin: string | undefined): Promise<Room> {
    const { session, control, messenger, self } = this.connected();
    return Room.join({
      session,
      control,
      messenger,
      roomId,
      pin,
      secret: this.hostSecrets.get(roomId),
      self,
      timeoutMs: this.options.timeoutMs,
      onPresence: (detail) => this.events.emit('presence', detail),
      onProgress: (progress, step) => this.events.emit('connecting', { progress, step }),
      onQuality: (detail) => this.events.emit('connectionQuality', detail),
      onRemoved: (r) => {
        if (this.room === r) this.room = undefined;
      },
    });
  }

  leaveRoom(roomId: string): Promise<void> {
    return this.ops.run(async () => {
      this.connected();
      const room = this.room;
      if (!room || room.id !== roomId) throw new KtError(Code.BAD_REQUEST, `not in room ${roomId}`);
      this.room = undefined;
      await room.leave();
    });
  }

  publish(type: FeedType, stream: MediaStream, options?: PublishOptions): Promise<void> {
    return this.ops.run(async () => this.inRoom().publish(type, stream, options));
  }

  /** Captures the chosen camera or microphone and sends it in place of the published one. */
  switchDevice(kind: 'audio' | 'video', deviceId: string): Promise<void> {
    return this.ops.run(async () => {
      const room = this.inRoom();
      const current = room.streamOf(this.userId!)?.getTracks().find((t) => t.kind === kind);
      if (!current) throw new KtError(Code.BAD_REQUEST, `not publishing a ${kind === 'video' ? 'camera' : 'microphone'}`);
      const track = await captureTrack(kind, deviceId, current);
      await room.switchDevice(track).catch((err) => {
        track.stop();
        throw err;
      });
    });
  }

  /** Not on the ops queue: a quality change must not wait behind a publish. */
  setQuality(userId: string, type: FeedType, substream: 0 | 1 | 2): Promise<void> {
    return this.inRoom().setQuality(userId, type, substream);
  }

  unpublish(type: FeedType): Promise<void> {
    return this.ops.run(async () => this.inRoom().unpublish(type));
  }

  isPublishing(type: FeedType): boolean {
    return this.room?.isPublishing(type) ?? false;
  }

  replaceCamera(stream: MediaStream): Promise<void> {
    return this.ops.run(async () => this.inRoom().replaceCamera(stream));
  }

  publishP2P(userId: string, type: FeedType, stream: MediaStream): Promise<void> {
    return this.ops.run(async () => this.inRoom().publishP2P(userId, type, stream));
  }

  /** Not on the ops queue: subscriptions batch among themselves and must not wait behind a publish. */
  subscribe(userId: string, type: FeedType): Promise<MediaStream> {
    return this.inRoom().subscribe(userId, type);
  }

  unsubscribe(userId: string, type: FeedType): Promise<void> {
    return this.inRoom().unsubscribe(userId, type);
  }

  /** To the room (`to` absent) or to one member; `roomId`, when given, must be ours. */
  send(body: Envelope, roomId: string | undefined, to: string | undefined): Promise<void> {
    const room = this.inRoom();
    if (roomId !== undefined && roomId !== room.id) throw new KtError(Code.BAD_REQUEST, `not in room ${roomId}`);
    return room.send(body, to);
  }

  /** Changes our name and camera/microphone switches; in a room, the others' view of us too. */
  editUserInfo(change: UserInfoChange, broadcast: boolean): Promise<void> {
    return this.ops.run(async () => {
      const { self } = this.connected();
      Object.assign(self, change);
      await this.room?.announceUserInfo(broadcast);
    });
  }

  members(): Record<string, Member> | undefined {
    return this.room?.membersWithSelf();
  }

  /** Members of our room, or of another room as the gateway lists them. */
  async memberList(roomId: string): Promise<Record<string, Member>> {
    const { control } = this.connected();
    if (this.room?.id === roomId) return this.room.membersWithSelf();
    const [participants, meta] = await Promise.all([
      control.send({ request: 'listparticipants', room: roomId }),
      this.roomMeta(roomId),
    ]);
    const members = listOf(participants, 'participants').flatMap((p): Member[] => {
      if (typeof p.id !== 'string') return [];
      const { name, device, video, audio } = decodeDisplay(p.display);
      const publishing = p.publisher === true;
      const userType = p.id === meta.host ? 'host' : 'guest';
      return [{ id: p.id, userId: p.id, name, userType, device, video: video && publishing, audio: audio && publishing, publishing }];
    });
    return byUserId(members);
  }

  kickOut(userId: string): Promise<void> {
    return this.ops.run(async () => {
      const room = this.inRoom();
      if (!room.isHost) throw new KtError(Code.NOT_PERMITTED, 'only the host may kick members out');
      await room.kick(userId);
    });
  }

  /** The host's ('413' for anyone else): the gateway records every member's feed, or stops. */
  setRecording(on: boolean): Promise<void> {
    return this.ops.run(async () => {
      const room = this.inRoom();
      if (!room.isHost) throw new KtError(Code.NOT_PERMITTED, 'only the host may start or stop recording');
      await room.setRecording(on);
    });
  }

  destroyRoom(roomId: string): Promise<void> {
    return this.ops.run(async () => {
      const { control, messenger, self } = this.connected();
      const room = this.room?.id === roomId ? this.room : undefined;
      const host = room ? room.meta.host : (await this.roomMeta(roomId)).host;
      if (host !== self.userId) throw new KtError(Code.NOT_PERMITTED, 'only the host may destroy the room');
      if (room) {
        await room.destroy();
        this.room = undefined;
      } else {
        const secret = this.hostSecrets.get(roomId);
        await control.send({ request: 'destroy', room: roomId, ...(secret ? { secret } : {}) }).catch(asSecretError);
        await messenger.destroyRoom(roomId, secret);
      }
      this.hostSecrets.delete(roomId);
    });
  }

  stats(userId: string, type: FeedType): Promise<FeedStats> {
    return this.inRoom().stats(userId, type);
  }

  /** A feed's last connection quality; our own id (the default) for what we send. */
  connectionQuality(userId: string | undefined, type: FeedType): ConnectionQuality | undefined {
    const id = userId ?? this.userId;
    return id === undefined ? undefined : this.room?.connectionQuality(id, type);
  }

  streamOf(id: string): MediaStream | undefined {
    return this.room?.streamOf(id);
  }

  allStreams(): Record<string, MediaStream> {
    return this.room?.allStreams() ?? {};
  }

  receivedStreams(): MediaStream[] {
    return this.room?.receivedStreams() ?? [];
  }

  audioLevels(): Record<string, number> {
    return this.inRoom().audioLevels();
  }

  peerConnections(): RTCPeerConnection[] {
    return this.room?.peerConnections() ?? [];
  }

  /** Leaves everything and frees the session; safe to call at any time, any number of times. */
  async disconnect(): Promise<void> {
    this.epoch++;
    const { room, session, messenger } = this;
    this.room = undefined;
    this.session = undefined;
    this.control = undefined;
    this.messenger = undefined;
    this.self = undefined;
    // Host rights end with the connection: a later init, maybe as someone else, starts without them.
    this.hostSecrets.clear();
    this.created.clear();
    if (room) await room.leave().catch((err) => log.warn('leave during disconnect failed', err));
    await messenger?.close();
    if (session) await session.destroy();
  }

  /** Events of the outage were not delivered: bring the member table up to date, then say so. */
  private async onReconnected(session: GatewaySession): Promise<void> {
    if (this.session !== session) return;
    await this.room?.resync().catch((err) => log.warn('resync after reconnecting failed', err));
    if (this.session === session) this.events.emit('reconnected', undefined);
  }

  /**
   * Enters a room again after a gateway restart. Its creator makes it again if it is gone; anyone
   * else waits for the creator to (everyone comes back in their own time), until `deadline`.
   */
  private async reenter(roomId: string, pin: string | undefined, deadline: number): Promise<Room> {
    const params = this.created.get(roomId);
    for (;;) {
      try {
        return await this.enter(roomId, pin);
      } catch (err) {
        if (!(err instanceof KtError) || err.code !== Code.NO_SUCH_ROOM) throw err;
        if (params) {
          await this.createRoomNow(params);
          continue;
        }
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  private onLost(session: GatewaySession, reason: string, restarted: boolean): void {
    if (this.session !== session) return;
    if (restarted && this.options.reconnectMs > 0) {
      void this.recover(session);
      return;
    }
    log.error('gateway connection lost:', reason);
    void this.disconnect();
    this.events.emit('disconnected', { reason });
  }

  /**
   * The gateway restarted: our session, handles and rooms are gone from it. Build everything again
   * as the app had it: a new session, the room (re-created if we created it and it is gone, with
   * the same secret, so we stay its host), our published streams, and our subscriptions, whose
   * tracks go into the MediaStreams the app already holds, so its video elements resume by
   * themselves. Members who come back are announced with the usual presence.
   */
  private async recover(old: GatewaySession): Promise<void> {
    const epoch = ++this.epoch;
    const { self, token, room, messenger } = this;
    const snapshot = room?.snapshot();
    this.room = undefined;
    this.session = undefined;
    await room?.abandon();
    await messenger?.close();
    await old.destroy();
    try {
      const { session, control } = await this.connectSession(token, this.options.reconnectMs);
      if (epoch !== this.epoch) return void (await session.destroy());
      this.adopt(session, control, self!);
      if (!snapshot) return void this.events.emit('reconnected', undefined);
      const rejoined = await this.reenter(snapshot.roomId, snapshot.pin, Date.now() + this.options.reconnectMs);
      if (epoch !== this.epoch) return void (await rejoined.leave());
      this.room = rejoined;
      for (const { userId, type, stream } of snapshot.received) rejoined.receiveInto(userId, type, stream, this.options.reconnectMs);
      for (const [type, stream, options] of snapshot.sent) await rejoined.publish(type, stream, options);
      rejoined.initialFeeds.forEach((p) => this.events.emit('presence', p));
      log.info('rebuilt after a gateway restart, room', snapshot.roomId);
      this.events.emit('reconnected', undefined);
    } catch (err) {
      if (epoch !== this.epoch) return;
      log.error('could not rebuild after a gateway restart', err);
      void this.disconnect();
      this.events.emit('disconnected', { reason: `the gateway restarted and the session could not be rebuilt: ${String(err)}` });
    }
  }

  private connected(): { session: GatewaySession; control: PluginHandle; messenger: Messenger; self: Self } {
    if (!this.session || !this.control || !this.messenger || !this.self) {
      throw new KtError(Code.BAD_REQUEST, 'not initialised: call init() first');
    }
    return { session: this.session, control: this.control, messenger: this.messenger, self: this.self };
  }

  /** A room's metadata from the gateway's list; '441' when there is no such room. */
  private async roomMeta(roomId: string) {
    const { control } = this.connected();
    const listed = listOf(await control.send({ request: 'list' }), 'list').find((r) => r.room === roomId);
    if (!listed) throw new KtError(Code.NO_SUCH_ROOM, `no room ${roomId}`);
    return decodeRoomMeta(listed.description);
  }

  private inRoom(): Room {
    this.connected();
    if (!this.room) throw new KtError(Code.BAD_REQUEST, 'not in a room: call joinRoom() first');
    return this.room;
  }
}
