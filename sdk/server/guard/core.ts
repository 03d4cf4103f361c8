/**
 * What one guard process shares between its client connections: the registry, the authority,
 * every session that goes through it (by Janus session id), and the rules that span sessions: a
 * member's departure (with destroy-on-empty), a session held while its page is gone, and events the
 * guard itself sends to members (guard messages).
 */
import type { Identity } from './identity';
import type { HandleState, Json, SessionState } from './policy';
import type { Room, RoomRegistry } from './rooms';
import type { RoomAuthority } from './authority';
import { VIDEOROOM } from './errors';

/** The link to Janus a session travels on (relay.ts); it changes when another connection claims it. */
export interface SessionLink {
  /** A frame for the client on this link; dropped when that client is gone. */
  push(frame: Json): void;
  /** Destroys the session in Janus over this link; resolves once Janus answered or the link is gone. */
  destroy(session: GuardSession): Promise<void>;
  /** The session no longer travels on this link. */
  forget(session: GuardSession): void;
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

  constructor(
    readonly rooms: RoomRegistry,
    public authority: RoomAuthority,
    readonly opts: GuardCoreOptions,
  ) {}

  /** A publisher handle stopped being a member (left, kicked, detached, session gone). */
  depart(session: SessionState, handle: HandleState): void {
    if (handle.role === 'publisher' && handle.room !== null) {
      const emptied = this.rooms.depart(handle.room, session.id, handle.id);
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
    clearTimeout(session.held);
    const link = session.link;
    const done = link.destroy(session);
    this.endSession(session, why);
    await done;
  }

  /** Delivers a guard message to members of a room; returns how many got it. */
  deliver(room: Room, from: Identity, to: string | null, body: unknown): number {
    let sent = 0;
    for (const member of room.members.values()) {
      if (member.userId === from.userId || (to !== null && member.userId !== to)) continue;
      const session = this.sessions.get(member.sessionId);
      if (!session || session.held) continue;
      session.link.push({
        janus: 'event',
        session_id: session.id,
        sender: member.handleId,
        plugindata: {
          plugin: VIDEOROOM,
          data: { videoroom: 'kt_message', room: room.id, from: { id: from.userId, name: from.name ?? from.userId }, whisper: to !== null, body },
        },
      });
      sent++;
    }
    return sent;
  }
}
