/**
 * What the guard shows of its rooms: the room view (`kt` of created / joined / kt_room answers)
 * and `list` entries. Pure: no secret and no PIN ever leaves here.
 */
import type { Member, Room, RoomRegistry } from './rooms';
import type { Json } from './policy';

import type { MemberView } from '../../janus/guard-views';

/** A member as every other member sees it (the type is the SDK's: one definition of the wire). */
export type { MemberView };

export function memberView(rooms: RoomRegistry, room: Room, m: Member): MemberView {
  return { id: m.userId, name: m.name, userType: m.userType, device: m.device, video: m.video, audio: m.audio, permit: rooms.permitOf(room, m.userId) };
}

/** The room as the guard tells a member or inspector: metadata, members, the share. */
export function roomView(rooms: RoomRegistry, room: Room): Json {
  return {
    ...room.meta,
    members: [...room.members.values()].map((m) => memberView(rooms, room, m)),
    share: room.share,
  };
}

/** One entry of a `list` answer, in Janus's own fields (so plain clients read it) plus `kt`. */
export function listEntry(rooms: RoomRegistry, room: Room): Json {
  const maxMembers = rooms.limits.maxMembers;
  return {
    room: room.id,
    description: room.meta.title,
    pin_required: room.meta.pinRequired,
    is_private: true,
    max_publishers: room.meta.capacity ?? maxMembers,
    require_pvtid: true,
    notify_joining: true,
    record: room.meta.recording,
    lock_record: true,
    num_participants: room.members.size,
    audiolevel_event: room.meta.talkingNoty,
    kt: roomView(rooms, room),
  };
}
