/**
 * The room authority: the Janus side of what the registry decides, done on the guard's own admin
 * session with the VideoRoom admin_key and each room's secret, neither of which a client ever sees.
 * Every room is created private (absent from Janus's `list`), with require_pvtid (a subscriber must
 * prove it is a member), lock_record (recording needs the secret) and never permanent.
 */
import type { AdminSession } from './janus-link';
import { generateSecret, type Room, type RoomRegistry } from './rooms';
import type { CreateSpec } from './create-spec';
import { generateUserId, type Identity } from './identity';
import { VR, type PluginError } from './errors';

export interface AuthorityOptions {
  /** janus.plugin.videoroom's admin_key. */
  adminKey: string;
  log?: (msg: string) => void;
}

/** A refusal from the authority, carried as an Error so that callers can await and catch it. */
export class RefusedError extends Error {
  constructor(readonly refusal: PluginError) {
    super(refusal.reason);
  }
}

export class RoomAuthority {
  private readonly creating = new Set<string>();
  /** Told of every room that goes (its board and files go with it). */
  onDestroyed?: (room: Room) => void;

  constructor(
    private readonly admin: AdminSession,
    readonly rooms: RoomRegistry,
    private readonly opts: AuthorityOptions,
  ) {}

  async create(identity: Identity, spec: CreateSpec): Promise<Room> {
    const host = identity.userId!;
    const roomId = spec.room ?? (spec.parent ? 'G' : 'R') + generateUserId().slice(1);
    if (this.creating.has(roomId)) throw new RefusedError({ code: VR.ROOM_EXISTS, reason: `Room ${roomId} already exists`, kt: '443' });
    const why = this.rooms.createRefusal(roomId, host);
    if (why === 'exists') throw new RefusedError({ code: VR.ROOM_EXISTS, reason: `Room ${roomId} already exists`, kt: '443' });
    if (why) throw new RefusedError({ code: VR.UNAUTHORIZED, reason: why, kt: '413' });
    const secret = generateSecret();
    const body: Record<string, unknown> = {
      request: 'create',
      admin_key: this.opts.adminKey,
      room: roomId,
      description: spec.title,
      secret,
      is_private: true,
      permanent: false,
      require_pvtid: true,
      lock_record: true,
      notify_joining: true,
      // Janus counts publishers, the guard counts members; a member publishes on one handle.
      publishers: spec.capacity ?? this.rooms.limits.maxMembers,
      audiolevel_event: spec.talkingNoty,
    };
    if (spec.pin !== null) body.pin = spec.pin;
    if (spec.audioActivePackets !== null) body.audio_active_packets = spec.audioActivePackets;
    if (spec.audioLevelAverage !== null) body.audio_level_average = spec.audioLevelAverage;
    this.creating.add(roomId);
    try {
      await this.admin.videoroom(body).catch((err: { pluginCode?: number }) => {
        if (err.pluginCode === VR.ROOM_EXISTS) throw new RefusedError({ code: VR.ROOM_EXISTS, reason: `Room ${roomId} already exists`, kt: '443' });
        throw err;
      });
      const room = this.rooms.add(
        roomId,
        {
          title: spec.title,
          capacity: spec.capacity,
          host,
          destroy: spec.destroy,
          talkingNoty: spec.talkingNoty,
          p2p: spec.p2p,
          recording: false,
          createdAt: Date.now(),
          pinRequired: spec.pin !== null,
          parent: spec.parent,
          guestPermit: spec.guestPermit,
        },
        secret,
        spec.pin,
      );
      this.log(`room ${roomId} created by ${host}`);
      return room;
    } finally {
      this.creating.delete(roomId);
    }
  }

  /**
   * Destroys the room in Janus (its members get `destroyed`) and forgets it, its breakout groups
   * with it. Idempotent.
   */
  async destroy(roomId: string): Promise<void> {
    const room = this.rooms.remove(roomId);
    if (!room) return;
    this.log(`room ${roomId} destroyed`);
    this.onDestroyed?.(room);
    for (const group of this.rooms.groupsOf(roomId)) void this.destroy(group.id);
    await this.admin.videoroom({ request: 'destroy', room: roomId, secret: room.secret }).catch((err) => this.log(`destroy ${roomId}: ${String(err)}`));
  }

  async kick(roomId: string, userId: string): Promise<void> {
    const room = this.rooms.get(roomId);
    const member = room?.members.get(userId);
    if (!room || !member) throw new RefusedError({ code: VR.NO_SUCH_FEED, reason: `No such user ${userId} in room ${roomId}`, kt: '410' });
    await this.admin.videoroom({ request: 'kick', room: roomId, id: userId, secret: room.secret });
    const emptied = this.rooms.depart(roomId, member.sessionId, member.handleId);
    if (emptied) await this.destroy(roomId);
  }

  /** editRoomInfo's title and capacity, in Janus too (its description and publisher limit). */
  async edit(roomId: string, change: { title?: string; capacity?: number }): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) throw new RefusedError({ code: VR.NO_SUCH_ROOM, reason: `No such room (${roomId})`, kt: '441' });
    const body: Record<string, unknown> = { request: 'edit', room: roomId, secret: room.secret };
    if (change.title !== undefined) body.new_description = change.title;
    if (change.capacity !== undefined) body.new_publishers = change.capacity;
    await this.admin.videoroom(body);
    if (change.title !== undefined) room.meta.title = change.title;
    if (change.capacity !== undefined) room.meta.capacity = change.capacity;
  }

  async record(roomId: string, record: boolean): Promise<void> {
    const room = this.rooms.get(roomId);
    if (!room) throw new RefusedError({ code: VR.NO_SUCH_ROOM, reason: `No such room (${roomId})`, kt: '441' });
    if (record && room.meta.recording) throw new RefusedError({ code: VR.INVALID_REQUEST, reason: 'Already recording', kt: '452' });
    await this.admin.videoroom({ request: 'enable_recording', room: roomId, record, secret: room.secret });
    room.meta.recording = record;
  }

  private log(msg: string): void {
    this.opts.log?.(msg);
  }
}
