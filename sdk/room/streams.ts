/**
 * getStream / getAllStreams: the streams of a room by the keys Knowledgetalk apps use: a member's
 * user id for its camera (ours for our own id), 'screen' for the shared screen (ours or the sharer's).
 */
import type { LocalMember } from './local-member';
import type { MemberTable } from './members';
import type { RemoteFeeds } from './remote-feeds';

export interface RoomStreams {
  selfId: string;
  local: LocalMember;
  remote: RemoteFeeds;
  members: MemberTable;
}

export function streamOf(id: string, { selfId, local, remote, members }: RoomStreams): MediaStream | undefined {
  if (id === 'screen') {
    const sharer = members.sharer();
    return local.stream('screen') ?? (sharer ? remote.streamOf(sharer, 'screen') : undefined);
  }
  if (id === selfId) return local.stream('cam');
  return remote.streamOf(id, 'cam');
}

export function allStreams(room: RoomStreams): Record<string, MediaStream> {
  const ids = [room.selfId, ...room.members.ids(), 'screen'];
  // fromEntries, not `out[id] =`: an id such as '__proto__' must be a key like any other.
  return Object.fromEntries(
    ids.flatMap((id) => {
      const stream = streamOf(id, room);
      return stream ? [[id, stream]] : [];
    }),
  );
}
