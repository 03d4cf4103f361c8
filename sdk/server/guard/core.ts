/**
 * What one guard process shares between its client connections: the registry, the authority, every
 * session that goes through it (by Janus session id), and the handful of rules that span sessions:
 * a member's departure (with destroy-on-empty), message delivery by identity, and the room views
 * (`kt` metadata) the SDK reads.
 */
import type { Identity } from './identity';
import type { HandleState, Json, SessionState } from './policy';
import type { Room, RoomRegistry } from './rooms';
import type { RoomAuthority } from './authority';

export interface GuardSession extends SessionState {
  /** The token it was created with: every later request (and a claim) must carry the same. */
  token: string | undefined;
  /** The client connection that owns it now; null while held after that connection dropped. */
  conn: SessionOwner | null;
  /** The connection whose link to Janus carries the session (also while held). */
  home: SessionOwner | null;
  /** Frees the session if nobody claims it back in time. */
  held?: NodeJS.Timeout;
}

/** What the core needs of a client connection. */
export interface SessionOwner {
  /** Sends a frame to the client (dropped when its socket is gone). */
  push(frame: Json): void;
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
    for (const handle of session.handles.values()) this.depart(session, handle);
    // Joins still pending in Janus count too.
    for (const room of this.rooms.departSession(session.id)) void this.authority.destroy(room.id);
    this.opts.log(`session ${session.id} (${session.identity.userId ?? 'unbound'}) ended: ${why}`);
  }

  /** Delivers a guard message to members of a room; returns how many got it. */
  deliver(room: Room, from: Identity, to: string | null, body: unknown): number {
    let sent = 0;
    for (const member of room.members.values()) {
      if (member.userId === from.userId || (to !== null && member.userId !== to)) continue;
      const session = this.sessions.get(member.sessionId);
      if (!session?.conn) continue;
      session.conn.push({
        janus: 'event',
        session_id: session.id,
        sender: member.handleId,
        plugindata: {
          plugin: 'janus.plugin.videoroom',
          data: {
            videoroom: 'kt_message',
            room: room.id,
            from: { id: from.userId, name: from.name ?? from.userId },
            whisper: to !== null,
            body,
          },
        },
      });
      sent++;
    }
    return sent;
  }

  /** The room as the guard tells a member or inspector: metadata and members, no secret or PIN. */
  view(room: Room): Json {
    return {
      ...room.meta,
      members: [...room.members.values()].map((m) => ({ id: m.userId, name: m.name, userType: m.userType })),
      sharer: room.sharer,
    };
  }

  /** One entry of a `list` answer, in Janus's own fields (so plain clients read it) plus `kt`. */
  listEntry(room: Room): Json {
    return {
      room: room.id,
      description: room.meta.title,
      pin_required: room.meta.pinRequired,
      is_private: true,
      max_publishers: room.meta.capacity ?? this.rooms.limits.maxMembers,
      require_pvtid: true,
      notify_joining: true,
      record: room.meta.recording,
      lock_record: true,
      num_participants: room.members.size,
      audiolevel_event: room.meta.talkingNoty,
      kt: this.view(room),
    };
  }
}
