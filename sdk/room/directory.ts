/**
 * Rooms as seen from outside: creating one, reading a room's metadata and members without being in
 * it, destroying one we are not in. All through the instance's control handle; the guard decides
 * what we may see and do.
 */
import type { Permit, RoomView } from '../janus/guard-views';
import type { VideoRoomHandle } from '../janus/videoroom';
import type { Member } from '../types';
import { byUserId } from '../util/list-of';
import { infoOf, toMember } from './members';

export interface CreateRoomParams {
  roomId: string;
  title: string;
  capacity: number | null;
  destroy: boolean;
  talkingNoty: boolean;
  /** createRoom: the original's 1:1 room, on the same SFU. */
  p2p: boolean;
  /** Needed to join (missing: '401', wrong: '411'). */
  pin?: string;
  /** What guests may do until the host permits otherwise (default: everything). */
  guestPermit?: Partial<Permit>;
}

export class RoomDirectory {
  constructor(private readonly control: VideoRoomHandle) {}

  /** Creates the room; the guard makes us its host. */
  async create(params: CreateRoomParams): Promise<void> {
    const { roomId, title, capacity, destroy, p2p, talkingNoty, pin, guestPermit } = params;
    await this.control.create({ room: roomId, pin, title, capacity, destroy, talkingNoty, p2p, guestPermit });
  }

  /** A room's metadata, as the guard holds it; '441' when there is no such room. */
  meta(roomId: string): Promise<RoomView> {
    return this.control.roomInfo(roomId);
  }

  /** The members of a room as the gateway lists them. */
  async members(roomId: string): Promise<Record<string, Member>> {
    const [participants, meta] = await Promise.all([this.control.listParticipants(roomId), this.meta(roomId)]);
    const members = participants.flatMap((p): Member[] => {
      if (typeof p.id !== 'string') return [];
      const publishing = p.publisher === true;
      return [toMember(p.id, infoOf(p), p.id === meta.host, { video: publishing, audio: publishing, publishing })];
    });
    return byUserId(members);
  }

  /** editRoomInfo: the host's ('413' from the guard for anyone else); every member hears of it. */
  async edit(roomId: string, change: { title?: string; capacity?: number; host?: string }): Promise<void> {
    await this.control.editRoom(roomId, change);
  }

  /** Destroys a room we are not in (the host's; '413' from the guard for anyone else). */
  destroy(roomId: string): Promise<void> {
    return this.control.destroy(roomId);
  }
}
