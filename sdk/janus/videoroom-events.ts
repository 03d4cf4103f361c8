/**
 * What a VideoRoom event says, as named events (the one classifier of the plugin's events, as
 * janode has). One Janus event can say several things; they come out in the order the room must
 * apply them. Pure: unit-tested without a gateway.
 */
import { memberViewOf, roomViewOf, shareViewOf, type MemberView, type RoomView, type ShareView } from './guard-views';
import type { PluginData } from './types';

/** A publisher or attendee entry as Janus lists it (`kt`: the guard's view of that member). */
export interface JanusPublisher {
  id: unknown;
  display?: unknown;
  streams?: unknown;
  kt?: unknown;
}

export type RoomEvent =
  /** The room is gone (its host destroyed it). */
  | { name: 'destroyed' }
  /** We were kicked out (our own `leaving: 'ok'` with reason `kicked`). */
  | { name: 'kickedOut' }
  | { name: 'talking'; id: string; talking: boolean }
  /** A participant changed its display (its `configure` with `display`). */
  | { name: 'display'; id: string; display: string }
  /** Someone entered (rooms with notify_joining). */
  | { name: 'joining'; id: unknown; display: unknown; kt?: unknown }
  /** Guard: a member's name, device or switches changed (its `kt_user`). */
  | { name: 'member'; member: MemberView }
  /** Guard: a message to the room, or to us alone (`whisper`); `from` is the sender's identity. */
  | { name: 'message'; from: string; whisper: boolean; body: unknown }
  /** The publishers whose streams changed, with all their current streams. */
  | { name: 'publishers'; publishers: JanusPublisher[] }
  /** A publisher stopped (`'ok'`: we did). */
  | { name: 'unpublished'; id: unknown }
  /** A participant left or was kicked (`'ok'`: we did). */
  | { name: 'left'; id: unknown }
  /** Subscriber: Janus now relays this simulcast layer on our m-line `mid`. */
  | { name: 'substream'; mid: string; substream: number }
  /** Guard: the room's metadata changed (editRoomInfo: title, capacity, host). */
  | { name: 'roomChanged'; room: RoomView }
  /** Guard: a whiteboard or document share started or turned a page (`share`), or ended (`ended`). */
  | { name: 'share'; share: ShareView | null; ended: ShareView | null }
  /** Guard: board strokes (a Yjs update, base64) or a pointer (`transient`) from another member. */
  | { name: 'board'; from: string; board: number; update?: string; transient?: Record<string, unknown> }
  /** Guard: the host made a breakout group and put us on its list (createGroup). */
  | { name: 'group'; group: string; title: string; from: string }
  /** Guard: the host ended the breakout group we are in; `main` is the room it was made from. */
  | { name: 'groupEnd'; group: string; main: string }
  /** Guard: our user id signed in elsewhere with `forced`: this session is over. */
  | { name: 'replaced' };

export function roomEventsOf(data: PluginData): RoomEvent[] {
  if (data.videoroom === 'destroyed') return [{ name: 'destroyed' }];
  if (data.videoroom === 'talking' || data.videoroom === 'stopped-talking') {
    return typeof data.id === 'string' ? [{ name: 'talking', id: data.id, talking: data.videoroom === 'talking' }] : [];
  }
  if (data.videoroom === 'event' && data.leaving === 'ok' && data.reason === 'kicked') return [{ name: 'kickedOut' }];
  if (data.videoroom === 'kt_message') {
    const from = (data.from as { id?: unknown } | undefined)?.id;
    return typeof from === 'string' ? [{ name: 'message', from, whisper: data.whisper === true, body: data.body }] : [];
  }
  if (data.videoroom === 'kt_member') {
    const member = memberViewOf(data.member);
    return member ? [{ name: 'member', member }] : [];
  }
  const guard = guardEventOf(data);
  if (guard) return guard;
  const out: RoomEvent[] = [];
  if (typeof data.substream === 'number' && typeof data.mid === 'string') out.push({ name: 'substream', mid: data.mid, substream: data.substream });
  if (typeof data.id === 'string' && typeof data.display === 'string' && !data.publishers) {
    out.push({ name: 'display', id: data.id, display: data.display });
  }
  const joining = data.joining as { id?: unknown; display?: unknown; kt?: unknown } | undefined;
  if (joining && typeof joining === 'object') out.push({ name: 'joining', id: joining.id, display: joining.display, kt: joining.kt });
  if (Array.isArray(data.publishers)) out.push({ name: 'publishers', publishers: data.publishers as JanusPublisher[] });
  if (data.unpublished !== undefined) out.push({ name: 'unpublished', id: data.unpublished });
  for (const key of ['leaving', 'kicked'] as const) if (data[key] !== undefined) out.push({ name: 'left', id: data[key] });
  return out;
}

/** The guard's events besides messages and member views (its contract: sdk/server/guard/index.ts). */
function guardEventOf(data: PluginData): RoomEvent[] | undefined {
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  switch (data.videoroom) {
    case 'kt_room_changed':
      return [{ name: 'roomChanged', room: roomViewOf(data.kt) }];
    case 'kt_share':
      return [{ name: 'share', share: shareViewOf(data.share), ended: shareViewOf(data.ended) }];
    case 'kt_board': {
      const from = str(data.from);
      if (!from || typeof data.board !== 'number') return [];
      const transient = typeof data.transient === 'object' && data.transient !== null ? (data.transient as Record<string, unknown>) : undefined;
      return [{ name: 'board', from, board: data.board, update: str(data.update), transient }];
    }
    case 'kt_group': {
      const group = str(data.group);
      return group ? [{ name: 'group', group, title: str(data.title) ?? '', from: str(data.from) ?? '' }] : [];
    }
    case 'kt_group_end': {
      const [group, main] = [str(data.room), str(data.main)];
      return group && main ? [{ name: 'groupEnd', group, main }] : [];
    }
    case 'kt_replaced':
      return [{ name: 'replaced' }];
    default:
      return undefined;
  }
}

/** What our `joined` event tells: who is there, who publishes, and our private id. */
export function joinedOf(data: PluginData): { attendees: JanusPublisher[]; publishers: JanusPublisher[]; privateId?: number } {
  return {
    attendees: (Array.isArray(data.attendees) ? data.attendees : []) as JanusPublisher[],
    publishers: (Array.isArray(data.publishers) ? data.publishers : []) as JanusPublisher[],
    privateId: typeof data.private_id === 'number' ? data.private_id : undefined,
  };
}
