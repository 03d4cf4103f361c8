/**
 * The room registry: what the guard knows about every room, held at the server so that no page has
 * to keep it (a host who reloads stays host; capacity is counted here, not in a browser).
 *
 * Pure state, no I/O: the server (server.ts) asks it before it forwards a join, tells it what Janus
 * answered, and performs the Janus side (authority.ts) of what it returns (e.g. "destroy this room,
 * its last member left"). Rooms created through the guard only exist here and in Janus; a room
 * Janus knows and the guard does not (created before the guard started) cannot be entered.
 */
import { randomBytes } from 'node:crypto';
import type { Identity, Role } from './identity';
import type { MemberInfo, MemberPatch } from './member-info';

import { FULL_PERMIT, type Permit, type RoomMeta, type ShareType, type ShareView } from '../../janus/guard-views';

/** A room's metadata (the type is the SDK's, as the guard shows it: one definition of the wire). */
export type { RoomMeta };

export interface Member extends MemberInfo {
  userId: string;
  name: string;
  userType: Role;
  sessionId: number;
  handleId: number;
}

export interface Room {
  id: string;
  meta: RoomMeta;
  /** Janus's room secret: known to the guard only, never sent to a client. */
  secret: string;
  pin: string | null;
  members: Map<string, Member>;
  /**
   * Joins forwarded to Janus and not answered yet, by handle key: they count against capacity, and
   * the others may hear of the joiner (Janus's `joining`, on their links) before its own `joined`.
   */
  pending: Map<string, Member>;
  /** The one share at a time (screen, whiteboard or document), if any. */
  share: ShareView | null;
  /** What the host permitted or withdrew, by user id: kept when the member leaves, so a reload gains nothing. */
  permits: Map<string, Permit>;
  /** The last board number given to a share (each share draws on a new board). */
  boards: number;
}

export type JoinRefusal = 'no_such_room' | 'not_allowed' | 'full' | 'already_in';

export interface Limits {
  /** Rooms alive at once, all users together. */
  maxRooms: number;
  /** Rooms alive at once that one user created. */
  maxRoomsPerUser: number;
  /** Members of a room without a capacity. */
  maxMembers: number;
}

export const DEFAULT_LIMITS: Limits = { maxRooms: 1000, maxRoomsPerUser: 20, maxMembers: 100 };

export const handleKey = (sessionId: number, handleId: number): string => `${sessionId}:${handleId}`;

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  constructor(readonly limits: Limits = DEFAULT_LIMITS) {}

  get(roomId: string): Room | undefined {
    return this.rooms.get(roomId);
  }

  all(): Room[] {
    return [...this.rooms.values()];
  }

  /** Why `creator` may not create one more room, or null. */
  createRefusal(roomId: string, creator: string): string | null {
    if (this.rooms.has(roomId)) return 'exists';
    if (this.rooms.size >= this.limits.maxRooms) return 'too many rooms on this gateway';
    let mine = 0;
    for (const room of this.rooms.values()) if (room.meta.host === creator) mine++;
    if (mine >= this.limits.maxRoomsPerUser) return `too many rooms created by ${creator}`;
    return null;
  }

  /** Records a room Janus has just created (call only after createRefusal returned null). */
  add(roomId: string, meta: RoomMeta, secret: string, pin: string | null): Room {
    const room: Room = { id: roomId, meta, secret, pin, members: new Map(), pending: new Map(), share: null, permits: new Map(), boards: 0 };
    this.rooms.set(roomId, room);
    return room;
  }

  remove(roomId: string): Room | undefined {
    const room = this.rooms.get(roomId);
    this.rooms.delete(roomId);
    return room;
  }

  /**
   * Whether this identity may join the room (PINs are Janus's to check): a signed one needs the room
   * in its token, or to be its host; a breakout group is open to whoever may enter its main room.
   */
  mayEnter(identity: Identity, roomId: string): boolean {
    const room = this.rooms.get(roomId);
    if (!room) return false;
    if (!identity.signed) return true;
    if (identity.rooms.includes(roomId) || (identity.userId !== null && room.meta.host === identity.userId)) return true;
    return room.meta.parent !== null && this.mayEnter(identity, room.meta.parent);
  }

  /**
   * Whether it may see the room's members and details without being in it: as for mayEnter, except
   * that a PIN room shows itself to its members and host only (the PIN is what keeps it closed).
   */
  mayInspect(identity: Identity, roomId: string): boolean {
    const room = this.rooms.get(roomId);
    if (!room || !this.mayEnter(identity, roomId)) return false;
    if (!room.pin) return true;
    return identity.userId !== null && (room.members.has(identity.userId) || this.isHost(identity, roomId));
  }

  /**
   * Host powers: the creator of the room, or a signed host whose token names the room. By
   * identity, not by a secret in the page, so they survive a reload.
   */
  isHost(identity: Identity, roomId: string): boolean {
    const room = this.rooms.get(roomId);
    if (!room || identity.userId === null) return false;
    if (room.meta.host === identity.userId) return true;
    return identity.signed && identity.role === 'host' && identity.rooms.includes(roomId);
  }

  /** Rooms a `list` shows this identity: the ones it is named in, created or is a member of. */
  visibleTo(identity: Identity): Room[] {
    return this.all().filter((room) => {
      const id = identity.userId;
      if (id !== null && (room.meta.host === id || room.members.has(id))) return true;
      return identity.signed && identity.rooms.includes(room.id);
    });
  }

  /**
   * Counts a join that is about to be forwarded (the member-to-be); null when it may go ahead.
   * `replacing`: sessions whose seats of the same user this join takes over (core.replaceable);
   * they are neither "already in" nor counted against capacity, being on their way out.
   */
  reserve(identity: Identity, roomId: string, member: Member, replacing: ReadonlySet<number> = new Set()): JoinRefusal | null {
    const room = this.rooms.get(roomId);
    if (!room) return 'no_such_room';
    if (!this.mayEnter(identity, roomId)) return 'not_allowed';
    const seats = this.seatsOf(roomId, member.userId);
    if (seats.some((m) => !replacing.has(m.sessionId))) return 'already_in';
    const limit = room.meta.capacity ?? this.limits.maxMembers;
    if (room.members.size + room.pending.size - seats.length >= limit) return 'full';
    room.pending.set(handleKey(member.sessionId, member.handleId), member);
    return null;
  }

  /** Janus refused the join: the seat is free again. */
  cancel(roomId: string, key: string): void {
    this.rooms.get(roomId)?.pending.delete(key);
  }

  /** Janus confirmed the join (`joined`): the member it reserved for. */
  admit(roomId: string, key: string): Member | undefined {
    const room = this.rooms.get(roomId);
    const member = room?.pending.get(key);
    if (!room || !member) return undefined;
    room.pending.delete(key);
    room.members.set(member.userId, member);
    return member;
  }

  /** The member, or member-to-be, a user id is in a room (what the annotations show of it). */
  find(roomId: string, userId: string): Member | undefined {
    const room = this.rooms.get(roomId);
    if (!room) return undefined;
    return room.members.get(userId) ?? [...room.pending.values()].find((m) => m.userId === userId);
  }

  /** Every seat (membership, or join in flight) of a user id in a room. */
  seatsOf(roomId: string, userId: string): Member[] {
    const room = this.rooms.get(roomId);
    if (!room) return [];
    const seats = [...room.pending.values()].filter((m) => m.userId === userId);
    const member = room.members.get(userId);
    return member ? [member, ...seats] : seats;
  }

  /** Applies a member's own patch (kt_user, a display change) to its MemberView. */
  update(roomId: string, userId: string, patch: MemberPatch): Member | undefined {
    const member = this.rooms.get(roomId)?.members.get(userId);
    if (!member) return undefined;
    // A patch holds only what was sent (member-info.ts leaves out the rest).
    Object.assign(member, patch);
    return member;
  }

  /**
   * A member is gone (left, kicked, its handle or session ended, Janus timed it out). Idempotent.
   * Returns the room when this emptied a `destroy` room: the caller destroys it in Janus.
   */
  depart(roomId: string, sessionId: number, handleId: number): Room | null {
    const room = this.rooms.get(roomId);
    if (!room) return null;
    room.pending.delete(handleKey(sessionId, handleId));
    for (const [userId, m] of room.members) {
      if (m.sessionId !== sessionId || m.handleId !== handleId) continue;
      room.members.delete(userId);
      if (room.share?.user === userId) room.share = null;
    }
    return room.meta.destroy && room.members.size === 0 && room.pending.size === 0 ? room : null;
  }

  /** Every room a session was in or joining: departs from each; returns the rooms left empty. */
  departSession(sessionId: number): Room[] {
    const emptied: Room[] = [];
    for (const room of this.all()) {
      const handles = new Set<number>();
      for (const m of room.members.values()) if (m.sessionId === sessionId) handles.add(m.handleId);
      for (const key of room.pending.keys()) if (key.startsWith(`${sessionId}:`)) handles.add(Number(key.split(':')[1]));
      for (const handleId of handles) {
        const gone = this.depart(room.id, sessionId, handleId);
        if (gone && !emptied.includes(gone)) emptied.push(gone);
      }
    }
    return emptied;
  }

  /**
   * The one-share rule (a screen, the whiteboard or a document, one at a time): may `userId` start
   * a share of `type` now? Takes the turn if so (a new board with it); its own share of the same
   * type is kept as it is.
   */
  takeShare(roomId: string, userId: string, type: ShareType): ShareView | null {
    const room = this.rooms.get(roomId);
    if (!room) return null;
    if (room.share && (room.share.user !== userId || room.share.type !== type)) return null;
    room.share ??= { type, user: userId, board: ++room.boards };
    return room.share;
  }

  /** Ends `userId`'s share (of `type` only, when given); the share it ended, if any. */
  releaseShare(roomId: string, userId: string, type?: ShareType): ShareView | null {
    const room = this.rooms.get(roomId);
    const share = room?.share;
    if (!room || !share || share.user !== userId || (type && share.type !== type)) return null;
    room.share = null;
    return share;
  }

  /** What a member may do: everything for the host; else what the host set, or the room's default. */
  permitOf(room: Room, userId: string): Permit {
    if (room.meta.host === userId || room.members.get(userId)?.userType === 'host') return { ...FULL_PERMIT };
    return { ...(room.permits.get(userId) ?? room.meta.guestPermit) };
  }

  /** The host changes (editRoomInfo): the new one is host, the old one a guest. */
  setHost(room: Room, userId: string): void {
    const old = room.members.get(room.meta.host);
    if (old && old.userId !== userId) old.userType = 'guest';
    room.meta.host = userId;
    const member = room.members.get(userId);
    if (member) member.userType = 'host';
  }

  /** The breakout groups made from a room. */
  groupsOf(roomId: string): Room[] {
    return this.all().filter((r) => r.meta.parent === roomId);
  }

  /** Which member of the room a user id is, if any. */
  member(roomId: string, userId: string): Member | undefined {
    return this.rooms.get(roomId)?.members.get(userId);
  }

  clear(): void {
    this.rooms.clear();
  }
}

export function generateSecret(): string {
  return randomBytes(24).toString('base64url');
}
