/**
 * What one guard process shares between its client connections: the registry, the authority,
 * every session that goes through it (by Janus session id), and the rules that span sessions: a
 * member's departure (with destroy-on-empty), a session held while its page is gone, and events the
 * guard itself sends to members (guard messages).
 */
import type { Identity } from './identity';
import type { HandleState, Json, SessionState } from './policy';
import type { Member, Room, RoomRegistry } from './rooms';
import type { RoomAuthority } from './authority';
import { VIDEOROOM } from './errors';
import type { MemberPatch } from './member-info';
import { memberView, roomView } from './views';
import { BoardStore } from './board-store';
import type { FileStore } from './files';
import type { ShareView } from '../../janus/guard-views';

/** The link to Janus a session travels on (relay.ts); it changes when another connection claims it. */
export interface SessionLink {
  /** A frame for the client on this link; dropped when that client is gone. */
  push(frame: Json): void;
  /** Destroys the session in Janus over this link; resolves once Janus answered or the link is gone. */
  destroy(session: GuardSession): Promise<void>;
  /** A VideoRoom `leave` on one of its handles; resolves once Janus confirmed (or failed) it. */
  leave(session: GuardSession, handleId: number): Promise<void>;
  /** The session no longer travels on this link. */
  forget(session: GuardSession): void;
  /** Where this link's client reaches the file store (…/files), if the guard has one. */
  readonly filesUrl?: string;
}

export interface GuardSession extends SessionState {
  /** The token it was created with: every later request (and a claim) must carry the same. */
  token: string | undefined;
  link: SessionLink;
  /** Set while held: its client is gone and nobody claimed it yet; frees it when it fires. */
  held?: NodeJS.Timeout;
}

export interface GuardCoreOptions {
  /** How long a session whose client vanished waits for a `claim` (Janus's reclaim_session_timeout). */
  reclaimMs: number;
  log: (msg: string) => void;
}

export class GuardCore {
  readonly sessions = new Map<number, GuardSession>();
  readonly boards = new BoardStore();
  /** documentShare's files, served under /files (server.ts); null when the guard has no store. */
  files: FileStore | null = null;

  constructor(
    readonly rooms: RoomRegistry,
    public authority: RoomAuthority,
    readonly opts: GuardCoreOptions,
  ) {}

  /** A publisher handle stopped being a member (left, kicked, detached, session gone). */
  depart(session: SessionState, handle: HandleState): void {
    if (handle.role === 'publisher' && handle.room !== null) {
      const room = this.rooms.get(handle.room);
      const share = room?.share ?? null;
      const emptied = this.rooms.depart(handle.room, session.id, handle.id);
      if (room && share && room.share === null) this.shareEnded(room, share);
      if (emptied) void this.authority.destroy(emptied.id);
    }
    handle.role = 'none';
    handle.room = null;
    handle.joined = false;
    handle.privateId = null;
    handle.labels.clear();
  }

  /** The session is over in Janus (destroyed, timed out, never claimed back, gateway gone). */
  endSession(session: GuardSession, why: string): void {
    if (!this.sessions.has(session.id)) return;
    this.sessions.delete(session.id);
    clearTimeout(session.held);
    session.held = undefined;
    for (const handle of session.handles.values()) this.depart(session, handle);
    // Joins still pending in Janus count too.
    for (const room of this.rooms.departSession(session.id)) void this.authority.destroy(room.id);
    session.link.forget(session);
    this.opts.log(`session ${session.id} (${session.identity.userId ?? 'unbound'}) ended: ${why}`);
  }

  /** Its client is gone: the session waits reclaimMs for a claim, then goes like a page that left. */
  hold(session: GuardSession): void {
    clearTimeout(session.held);
    session.held = setTimeout(() => this.release(session, 'client gone, not claimed'), this.opts.reclaimMs);
    session.held.unref();
  }

  /** Destroys the session in Janus and forgets it; resolves once Janus has let it go. */
  async release(session: GuardSession, why: string): Promise<void> {
    const done = session.link.destroy(session);
    this.endSession(session, why);
    await done;
  }

  /**
   * The sessions holding a user's seats in a room, when a new publisher join of the same identity
   * may take their place: every one of them is held (its page is gone, e.g. reloaded, and not
   * claimed back). A live one keeps its seat, and the join gets '442'. null: none to take over.
   */
  replaceable(roomId: string, userId: string, joining: GuardSession): Set<number> | null {
    const seats = this.rooms.seatsOf(roomId, userId);
    if (seats.length === 0) return null;
    const ids = new Set(seats.map((m) => m.sessionId));
    for (const id of ids) {
      const session = this.sessions.get(id);
      if (id === joining.id || (session && !session.held)) return null;
    }
    return ids;
  }

  /**
   * A held session gives its seat in `roomId` to a new one of the same identity. Janus takes a
   * participant out of its room before it answers a `leave`, but only some time after it answered
   * a session `destroy`: so leave first, and the new join finds the id free (not 436).
   */
  async evict(sessionId: number, roomId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) {
      // A seat no session holds any more: only the registry has it.
      for (const room of this.rooms.departSession(sessionId)) void this.authority.destroy(room.id);
      return;
    }
    for (const h of session.handles.values()) if (h.role === 'publisher' && h.room === roomId) await session.link.leave(session, h.id);
    await this.release(session, 'replaced by a new session of the same identity');
  }

  /**
   * A guard event to the members of a room that `to` picks, on each one's publisher handle (where
   * Janus's own room events arrive too); returns how many got it. Held sessions get nothing: their
   * page is gone, and what it missed it reads again from the room view when it is back.
   */
  notify(room: Room, data: Json, to: (m: Member) => boolean): number {
    let sent = 0;
    for (const member of room.members.values()) {
      const session = this.sessions.get(member.sessionId);
      if (!to(member) || !session || session.held) continue;
      session.link.push({ janus: 'event', session_id: session.id, sender: member.handleId, plugindata: { plugin: VIDEOROOM, data } });
      sent++;
    }
    return sent;
  }

  /** A guard message: `from` is the sender's identity, whatever the client wrote. */
  deliver(room: Room, from: Identity, to: string | null, body: unknown): number {
    const data = { videoroom: 'kt_message', room: room.id, from: { id: from.userId, name: from.name ?? from.userId }, whisper: to !== null, body };
    return this.notify(room, data, (m) => m.userId !== from.userId && (to === null || m.userId === to));
  }

  /** A share ended (stopped, or its member left): its board goes, and every member hears of it. */
  shareEnded(room: Room, share: ShareView): void {
    this.boards.drop(room.id);
    this.notify(room, { videoroom: 'kt_share', room: room.id, share: null, ended: share }, () => true);
  }

  /** `userId` stopped sending a screen (unpublished, hung up, refused): the turn is free again. */
  releaseScreen(roomId: string, userId: string): void {
    const room = this.rooms.get(roomId);
    const ended = this.rooms.releaseShare(roomId, userId, 'screen');
    if (room && ended) this.shareEnded(room, ended);
  }

  /** The room's share started or changed (a document's page): everyone but the sharer hears of it. */
  shareChanged(room: Room, share: ShareView): void {
    this.notify(room, { videoroom: 'kt_share', room: room.id, share }, (m) => m.userId !== share.user);
  }

  /** A member's view changed (the host's permit, the host role): every member hears of it, itself too. */
  memberChanged(room: Room, member: Member): void {
    this.notify(room, { videoroom: 'kt_member', room: room.id, member: memberView(this.rooms, room, member) }, () => true);
  }

  /** The room's metadata changed (editRoomInfo): every member hears of it. */
  roomChanged(room: Room): void {
    this.notify(room, { videoroom: 'kt_room_changed', room: room.id, kt: roomView(this.rooms, room) }, () => true);
  }

  /**
   * init(..., forced): this user id signs in again and takes over. Every other session of it is
   * told (`kt_replaced` on each of its handles, so its page stops instead of reconnecting) and
   * destroyed; the seats it had in rooms go with it.
   */
  async replace(userId: string, keep: GuardSession): Promise<number> {
    const others = [...this.sessions.values()].filter((s) => s !== keep && s.identity.userId === userId);
    for (const session of others) {
      for (const handle of session.handles.values()) {
        session.link.push({ janus: 'event', session_id: session.id, sender: handle.id, plugindata: { plugin: VIDEOROOM, data: { videoroom: 'kt_replaced' } } });
      }
    }
    await Promise.all(others.map((s) => this.release(s, 'replaced by a forced sign-in')));
    return others.length;
  }

  /** A member's own kt_user: its MemberView changes, and every other member hears of it (kt_member). */
  updateMember(room: Room, identity: Identity, patch: MemberPatch): Member | undefined {
    // An unsigned identity's name is its own to choose (policy.ts refused a signed one's change).
    if (patch.name !== undefined && !identity.signed) identity.name = patch.name;
    const member = this.rooms.update(room.id, identity.userId!, patch);
    if (member) this.notify(room, { videoroom: 'kt_member', room: room.id, member: memberView(this.rooms, room, member) }, (m) => m.userId !== member.userId);
    return member;
  }
}
