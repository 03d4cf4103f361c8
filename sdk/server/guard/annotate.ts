/**
 * The guard's MemberView on what Janus tells a client about other members, as `kt` next to Janus's
 * own fields (which stay as they are, so a plain janus.js client reads the frame as before, and
 * `display` stays the member's plain name):
 *   joined                 each entry of `attendees` and of `publishers`
 *   event                  `joining`, and each entry of `publishers`
 *   participants           each entry of `participants` (the listparticipants answer)
 * Entries of users the registry does not know in that room get nothing. Changes `data` in place
 * (it is the frame about to be sent); no I/O.
 */
import type { Json } from './policy';
import type { MemberView } from './views';

/** The view of user `id` in room `room`, if the registry knows it there. */
export type FindMember = (room: string, id: string) => MemberView | undefined;

const LISTS: Record<string, readonly string[]> = {
  joined: ['attendees', 'publishers'],
  event: ['publishers'],
  participants: ['participants'],
};

export function annotate(data: Json, find: FindMember): void {
  const lists = typeof data.videoroom === 'string' ? LISTS[data.videoroom] : undefined;
  if (!lists || typeof data.room !== 'string') return;
  const room = data.room;
  const mark = (entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return;
    const e = entry as Json;
    const view = typeof e.id === 'string' ? find(room, e.id) : undefined;
    if (view) e.kt = view;
  };
  for (const key of lists) if (Array.isArray(data[key])) (data[key] as unknown[]).forEach(mark);
  if (data.videoroom === 'event') mark(data.joining);
}
