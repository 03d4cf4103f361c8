/**
 * Rooms as seen from outside: creating one, reading a room's metadata and members without being in
 * it, destroying one we are not in. All through the instance's control handle.
 */
import { Code, KtError } from '../errors';
import type { VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import type { Messenger } from '../messaging/messenger';
import type { Member } from '../types';
import { byUserId } from '../util/list-of';
import { destroyRoom } from './host-powers';
import { toMember } from './members';
import { decodeDisplay, decodeRoomMeta, encodeRoomMeta, type RoomMeta } from './wire-format';

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
  /** Needed, at the gateway, to kick and destroy. Only the creator holds it. */
  secret: string;
}

export class RoomDirectory {
  constructor(
    private readonly control: VideoRoomHandle,
    private readonly messenger: Messenger,
    private readonly log: Logger,
  ) {}

  /** Creates the video room (our metadata in its description) and its text room, with the same PIN and secret. */
  async create(params: CreateRoomParams, host: string): Promise<void> {
    const { roomId, title, capacity, destroy, p2p, talkingNoty, pin, secret } = params;
    await this.control.create({
      room: roomId,
      secret,
      pin,
      description: encodeRoomMeta({ title, host, capacity, destroy, p2p, talkingNoty, createdAt: Date.now() }),
      capacity,
      talkingEvents: talkingNoty,
    });
    // If this fails, the first joiner creates the text room.
    await this.messenger.createRoom(roomId, { pin, secret }).catch((err) => this.log.warn('text room not created', err));
  }

  /** A room's metadata from the gateway's list; '441' when there is no such room. */
  async meta(roomId: string): Promise<RoomMeta> {
    const listed = await this.control.find(roomId);
    if (!listed) throw new KtError(Code.NO_SUCH_ROOM, `no room ${roomId}`);
    return decodeRoomMeta(listed.description);
  }

  /** The members of a room as the gateway lists them. */
  async members(roomId: string): Promise<Record<string, Member>> {
    const [participants, meta] = await Promise.all([this.control.listParticipants(roomId), this.meta(roomId)]);
    const members = participants.flatMap((p): Member[] => {
      if (typeof p.id !== 'string') return [];
      const publishing = p.publisher === true;
      return [toMember(p.id, decodeDisplay(p.display), p.id === meta.host, { video: publishing, audio: publishing, publishing })];
    });
    return byUserId(members);
  }

  /** Destroys a room we are not in ('413' from the gateway without its secret). */
  destroy(roomId: string, secret: string | undefined): Promise<void> {
    return destroyRoom(this.control, this.messenger, roomId, secret);
  }
}
