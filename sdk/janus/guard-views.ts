/**
 * What the gateway guard adds to the VideoRoom API (its contract: sdk/server/guard/index.ts): the
 * room and member views it holds, read defensively from what arrives. The guard is the authority on
 * both; the SDK only reads them. The one definition of the view types: the guard (Node) imports
 * them from here, so this file imports nothing.
 */
type PluginData = Record<string, unknown>;

export interface MemberView {
  id: string;
  name: string;
  userType: 'host' | 'guest';
  device: string;
  /** The member's camera / microphone switches (editUserInfo). */
  video: boolean;
  audio: boolean;
}

/** A room's metadata, which the guard holds (and keeps in its registry: sdk/server/guard/rooms.ts). */
export interface RoomMeta {
  title: string;
  /** Most members at once; null = no limit besides the guard's maxMembers. */
  capacity: number | null;
  /** The creator's user id: it has the host powers (kick, destroy, record). */
  host: string;
  /** Destroy the room when its last member leaves (whoever that is, also a timed-out session). */
  destroy: boolean;
  talkingNoty: boolean;
  /** Made by Knowledgetalk createRoom (1:1), served by the same SFU. */
  p2p: boolean;
  recording: boolean;
  /** ms since epoch */
  createdAt: number;
  /** Whether joining needs a PIN (the PIN itself is never shown). */
  pinRequired: boolean;
}

/** The room as the guard shows it to a member (`kt` of created / joined / kt_room answers). */
export interface RoomView extends RoomMeta {
  members: MemberView[];
}

/** Who the guard says we are (`kt_whoami`). */
export interface Identity {
  id: string;
  name: string;
  /** From a signed token (secure profile), not bound on first use. */
  signed: boolean;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function memberViewOf(kt: unknown): MemberView | undefined {
  if (!isObject(kt) || typeof kt.id !== 'string') return undefined;
  return {
    id: kt.id,
    name: str(kt.name),
    userType: kt.userType === 'host' ? 'host' : 'guest',
    device: str(kt.device),
    video: bool(kt.video, true),
    audio: bool(kt.audio, true),
  };
}

export function roomViewOf(kt: unknown): RoomView {
  const v = isObject(kt) ? kt : {};
  return {
    title: str(v.title),
    capacity: typeof v.capacity === 'number' && v.capacity > 0 ? v.capacity : null,
    host: str(v.host),
    destroy: v.destroy === true,
    talkingNoty: v.talkingNoty === true,
    p2p: v.p2p === true,
    recording: v.recording === true,
    createdAt: typeof v.createdAt === 'number' ? v.createdAt : 0,
    pinRequired: v.pinRequired === true,
    members: (Array.isArray(v.members) ? v.members : []).map(memberViewOf).filter((m): m is MemberView => m !== undefined),
  };
}

/** Our `joined` event's guard part: who we are in the room, and the room. */
export function joinedViewOf(data: PluginData): { self?: MemberView; room: RoomView } {
  const kt = isObject(data.kt) ? data.kt : {};
  return { self: memberViewOf(kt.self), room: roomViewOf(kt.room) };
}

export function identityOf(data: PluginData): Identity | undefined {
  if (typeof data.id !== 'string') return undefined;
  return { id: data.id, name: str(data.name), signed: data.signed === true };
}
