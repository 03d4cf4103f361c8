/**
 * What the gateway guard adds to the VideoRoom API (its contract: sdk/server/guard/index.ts): the
 * room and member views it holds, read defensively from what arrives. The guard is the authority on
 * both; the SDK only reads them. The one definition of the view types: the guard (Node) imports
 * them from here, so this file imports nothing.
 */
type PluginData = Record<string, unknown>;

/** What a member may do besides talk and watch (Knowledgetalk `permit`); the host may do all of it. */
export interface Permit {
  chat: boolean;
  draw: boolean;
  screen: boolean;
  whiteboard: boolean;
  document: boolean;
}

export const PERMIT_KEYS = ['chat', 'draw', 'screen', 'whiteboard', 'document'] as const;

/** Everything allowed: the host's permit, and a guest's unless the room or the host says otherwise. */
export const FULL_PERMIT: Readonly<Permit> = { chat: true, draw: true, screen: true, whiteboard: true, document: true };

export type ShareType = 'screen' | 'whiteboard' | 'document';

/** The room's one share at a time (a screen, the whiteboard or a document), as the guard holds it. */
export interface ShareView {
  type: ShareType;
  user: string;
  /** The board the share draws on: a new one each time a share starts (strokes of an old one are refused). */
  board: number;
  /** A document share: what is shown now (documentShare), so a late joiner shows the same. */
  document?: { url: string; page: number };
}

export interface MemberView {
  id: string;
  name: string;
  userType: 'host' | 'guest';
  device: string;
  /** The member's camera / microphone switches (editUserInfo). */
  video: boolean;
  audio: boolean;
  permit: Permit;
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
  /** A breakout group (createGroup): the room it was made from; null for a main room. */
  parent: string | null;
  /** What a guest may do until the host permits otherwise. */
  guestPermit: Permit;
}

/** The room as the guard shows it to a member (`kt` of created / joined / kt_room answers). */
export interface RoomView extends RoomMeta {
  members: MemberView[];
  share: ShareView | null;
}

/** Who the guard says we are (`kt_whoami`). */
export interface Identity {
  id: string;
  name: string;
  /** From a signed token (secure profile), not bound on first use. */
  signed: boolean;
  /** The gateway's file store (documentShare's files), when it has one. */
  files?: string;
}

const str = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : fallback);
const bool = (v: unknown, fallback: boolean): boolean => (typeof v === 'boolean' ? v : fallback);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function permitOf(v: unknown, fallback: Readonly<Permit> = FULL_PERMIT): Permit {
  const o = isObject(v) ? v : {};
  return {
    chat: bool(o.chat, fallback.chat),
    draw: bool(o.draw, fallback.draw),
    screen: bool(o.screen, fallback.screen),
    whiteboard: bool(o.whiteboard, fallback.whiteboard),
    document: bool(o.document, fallback.document),
  };
}

export function shareViewOf(v: unknown): ShareView | null {
  if (!isObject(v) || typeof v.user !== 'string' || !['screen', 'whiteboard', 'document'].includes(v.type as string)) return null;
  const share: ShareView = { type: v.type as ShareType, user: v.user, board: typeof v.board === 'number' ? v.board : 0 };
  const d = v.document;
  if (isObject(d) && typeof d.url === 'string') share.document = { url: d.url, page: typeof d.page === 'number' ? d.page : 1 };
  return share;
}

export function memberViewOf(kt: unknown): MemberView | undefined {
  if (!isObject(kt) || typeof kt.id !== 'string') return undefined;
  return {
    id: kt.id,
    name: str(kt.name),
    userType: kt.userType === 'host' ? 'host' : 'guest',
    device: str(kt.device),
    video: bool(kt.video, true),
    audio: bool(kt.audio, true),
    permit: permitOf(kt.permit),
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
    parent: typeof v.parent === 'string' ? v.parent : null,
    guestPermit: permitOf(v.guestPermit),
    share: shareViewOf(v.share),
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
  return { id: data.id, name: str(data.name), signed: data.signed === true, ...(typeof data.files === 'string' ? { files: data.files } : {}) };
}
