/**
 * joinRoom's answer as the Knowledgetalk docs give it (web/room.md): the room's metadata, its
 * members (ourselves included), the host as a Member, `createdAt` written as the original writes
 * it, whether a media server relays the room, and what is shared in it now.
 */
import { Code } from '../errors';
import type { JoinedRoom, Success } from '../types';
import type { Room } from './room';

const two = (n: number) => String(n).padStart(2, '0');

/** "2024/05/30 13:38:37", in local time (as the original shows it). */
export function formatCreatedAt(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}/${two(d.getMonth() + 1)}/${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function joinResultOf(room: Room, fileServerUrl: string | undefined): Success<JoinedRoom> {
  const { title, talkingNoty, createdAt, host, p2p, capacity, parent } = room.meta;
  const members = room.membersWithSelf();
  const share = room.classroom.shares.current;
  return {
    code: Code.OK,
    roomId: room.id,
    title,
    talkingNoty,
    isRecording: room.isRecording,
    createdAt: formatCreatedAt(createdAt),
    host: members[host] ?? { id: host, userId: host },
    members,
    media: !p2p,
    share: share && { type: share.type, user: share.user },
    ...(fileServerUrl ? { fileServerUrl } : {}),
    capacity,
    parent,
  };
}
