/**
 * A joined VideoRoom: our publisher handle (in the room under our userId), the member table fed by
 * its events, our published feeds and our subscriptions.
 */
import { Code, KtError } from '../errors';
import type { GatewaySession, PluginData, PluginHandle } from '../gateway/types';
import { getLogger } from '../logger';
import type { FeedType, Member, PresenceDetail } from '../types';
import { AsyncQueue } from '../util/async-queue';
import { MemberTable, seedFromJoined, translateRoomEvent } from './members';
import { Publisher } from './publisher';
import { requestWithEvent } from './request';
import { Subscriber } from './subscriber';
import { decodeRoomMeta, encodeDisplay, type RoomMeta } from './wire-format';

const log = getLogger('room');
const VIDEOROOM = 'janus.plugin.videoroom';

export interface Self {
  userId: string;
  name: string;
  device: string;
}

export interface JoinParams {
  session: GatewaySession;
  /** A handle for synchronous room requests (list, listparticipants, destroy). */
  control: PluginHandle;
  roomId: string;
  self: Self;
  timeoutMs: number;
  onPresence: (detail: PresenceDetail) => void;
  /** The gateway removed us from the room (destroyed, kicked). */
  onRemoved: (room: Room) => void;
}

export class Room {
  readonly members: MemberTable;
  private readonly publisher: Publisher;
  private readonly subscriber: Subscriber;
  private left = false;

  private constructor(
    private readonly params: JoinParams,
    private readonly handle: PluginHandle,
    readonly meta: RoomMeta,
    joined: PluginData,
  ) {
    const { roomId, self, timeoutMs } = params;
    this.members = new MemberTable(meta.host);
    const queue = new AsyncQueue();
    this.publisher = new Publisher(handle, queue, timeoutMs);
    this.subscriber = new Subscriber({
      attach: () => params.session.attach(VIDEOROOM),
      roomId,
      privateId: typeof joined.private_id === 'number' ? joined.private_id : undefined,
      timeoutMs,
    });
    this.initialFeeds = seedFromJoined(this.members, roomId, self.userId, joined);
    handle.events.on('message', ({ data }) => this.onEvent(data));
  }

  /** `publish` presence for members who published before we came, fired once joinRoom resolved. */
  readonly initialFeeds: PresenceDetail[];

  get id(): string {
    return this.params.roomId;
  }

  /** Enters a room: checks it exists, has space and does not have us yet, then joins as publisher. */
  static async join(params: JoinParams): Promise<Room> {
    const { session, control, roomId, self, timeoutMs } = params;
    // One round trip for the checks and the handle: they do not depend on each other.
    const [participants, rooms, attached] = await Promise.allSettled([
      control.send({ request: 'listparticipants', room: roomId }),
      control.send({ request: 'list' }),
      session.attach(VIDEOROOM),
    ]);
    const handle = attached.status === 'fulfilled' ? attached.value : undefined;
    try {
      if (participants.status === 'rejected') throw participants.reason;
      if (rooms.status === 'rejected') throw rooms.reason;
      if (!handle) throw (attached as PromiseRejectedResult).reason;
      const ids = listOf(participants.value, 'participants').map((p) => p.id);
      if (ids.includes(self.userId)) throw new KtError(Code.ALREADY_IN_ROOM, `${self.userId} is already in ${roomId}`);
      const listed = listOf(rooms.value, 'list').find((r) => r.room === roomId);
      const capacity = decodeRoomMeta(listed?.description).capacity;
      if (capacity !== null && ids.length >= capacity) throw new KtError(Code.ROOM_FULL, `${roomId} is full`);

      const { data } = await requestWithEvent(
        handle,
        {
          request: 'join',
          ptype: 'publisher',
          room: roomId,
          id: self.userId,
          display: encodeDisplay({ name: self.name, device: self.device }),
        },
        { accept: (d) => d.videoroom === 'joined', timeoutMs },
      );
      const meta = decodeRoomMeta(data.description);
      const room = new Room(params, handle, meta, data);
      // Two members racing for the last place both passed the check above; Janus orders joins,
      // so the later one sees the room over capacity here and steps back out.
      if (meta.capacity !== null && room.members.size + 1 > meta.capacity) {
        await room.leave();
        throw new KtError(Code.ROOM_FULL, `${roomId} is full`);
      }
      return room;
    } catch (err) {
      await handle?.detach();
      throw err;
    }
  }

  /** Ourselves as a member, as the others see us. */
  selfMember(): Member {
    const { userId, name, device } = this.params.self;
    const cam = this.publisher.stream('cam');
    return {
      id: userId,
      userId,
      name,
      userType: userId === this.meta.host ? 'host' : 'guest',
      device,
      video: !!cam?.getVideoTracks().length,
      audio: !!cam?.getAudioTracks().length,
      publishing: this.publisher.isPublishing('cam') || this.publisher.isPublishing('screen'),
    };
  }

  membersWithSelf(): Record<string, Member> {
    const out: Record<string, Member> = {};
    for (const m of this.members.all()) out[m.userId] = m;
    out[this.params.self.userId] = this.selfMember();
    return out;
  }

  publish(type: FeedType, stream: MediaStream): Promise<void> {
    this.assertIn();
    return this.publisher.publish(type, stream);
  }

  subscribe(userId: string, type: FeedType): Promise<MediaStream> {
    this.assertIn();
    if (userId === this.params.self.userId) throw new KtError(Code.INVALID_PARAMETER, 'cannot subscribe to yourself');
    if (!this.members.has(userId)) throw new KtError(Code.INVALID_PARAMETER, `${userId} is not in the room`);
    return this.subscriber.subscribe(userId, type, this.members.streamsOf(userId, type));
  }

  /** Our PeerConnections in this room (publisher, subscriber), for stats and tests. */
  peerConnections(): RTCPeerConnection[] {
    return [this.handle.peerConnection(), this.subscriber.peerConnection()].filter(
      (pc): pc is RTCPeerConnection => !!pc,
    );
  }

  /** Leaves the room and frees both handles; destroys the room if it asked for that and is empty. */
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
    await this.handle.detach();
    if (this.meta.destroy) await this.destroyIfEmpty();
  }

  private async destroyIfEmpty(): Promise<void> {
    const { control, roomId } = this.params;
    try {
      const data = await control.send({ request: 'listparticipants', room: roomId });
      if (listOf(data, 'participants').length === 0) {
        await control.send({ request: 'destroy', room: roomId });
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
      if (data.videoroom === 'destroyed' || (data.videoroom === 'event' && data.leaving === 'ok' && data.reason)) {
        log.info('removed from room', this.id, data);
        this.left = true;
        void this.subscriber.close();
        void this.handle.detach();
        this.params.onRemoved(this);
        return;
      }
      if (data.videoroom !== 'event') return;
      for (const p of translateRoomEvent(this.members, this.id, this.params.self.userId, data)) this.params.onPresence(p);
    } catch (err) {
      log.error('could not handle room event', data, err);
    }
  }

  private assertIn(): void {
    if (this.left) throw new KtError(Code.BAD_REQUEST, 'not in a room');
  }
}

function listOf(data: unknown, key: string): Record<string, unknown>[] {
  const list = (data as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
}
