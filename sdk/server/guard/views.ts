/**
 * What the guard shows of its rooms: the room view (`kt` of created / joined / kt_room answers)
 * and `list` entries. Pure: no secret and no PIN ever leaves here.
 */
import type { Member, Room } from './rooms';
import type { Json } from './policy';

import type { MemberView } from '../../janus/guard-views';

/** A member as every other member sees it (the type is the SDK's: one definition of the wire). */
export type { MemberView };

export function memberView(m: Member): MemberView {
  return { id: m.userId, name: m.name, userType: m.userType, device: m.device, video: m.video, audio: m.audio };
}

/** The room as the guard tells a member or inspector: metadata, members, the sharer. */
export function roomView(room: Room): Json {
  return {
    ...room.meta,
    members: [...room.members.values()].map(memberView),
    sharer: room.sharer,
  };
}

/** One entry of a `list` answer, in Janus's own fields (so plain clients read it) plus `kt`. */
export function listEntry(room: Room, maxMembers: number): Json {
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
    kt: roomView(room),
  };
}
