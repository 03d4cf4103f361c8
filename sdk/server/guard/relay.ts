/**
 * One client's link to Janus and what travels on it: the sessions Janus sends on this transport
 * (the ones the client created here or claimed here) and the requests waiting for Janus's answer,
 * keyed by the guard's own transaction ids, so that a client can neither collide with nor answer
 * for anyone. Both directions share it: requests.ts sends on it, observe.ts reads what comes back.
 *
 * Each client gets a link of its own, as without the guard: Janus sees one transport per client,
 * so a claim, a session timeout and the transport-gone cleanup keep their meaning.
 */
import { JanusLink, type Frame } from './janus-link';
import { CORE, coreError } from './errors';
import type { GuardSession, SessionLink } from './core';
import type { Identity } from './identity';
import type { Json } from './policy';

/** What a relayed request is waiting for. */
export interface Pending {
  clientTx: string;
  janus: string;
  session?: GuardSession;
  handleId?: number;
  join?: 'publisher' | 'subscriber';
  room?: string;
  screen?: boolean;
  /**
   * An asynchronous plugin request: answered by an `ack` and an event, in either order (Janus
   * often sends a quick plugin's event before the ack); the mapping lives until both came.
   */
  async?: boolean;
  /** Which of the two an asynchronous request has had. */
  seen?: { ack?: boolean; event?: boolean };
  /** A session being created: who it will be, known before Janus gives its id. */
  creating?: { identity: Identity; token: string | undefined };
  at: number;
}

/** A request Janus never answered is forgotten after this long (its client gave up long before). */
const PENDING_TTL_MS = 60000;

export class Relay implements SessionLink {
  readonly up: JanusLink;
  readonly sessions = new Set<GuardSession>();
  readonly pending = new Map<string, Pending>();
  /** Whether the client's socket is still there (a held session's link outlives it). */
  clientOpen = true;
  /** Where this client reaches the file store (…/files), as it reached the guard. */
  filesUrl?: string;
  /** The guard's own requests not answered yet (destroy, leave): the link stays until they are. */
  private asking = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    link: { url: string; apiSecret?: string },
    private readonly toClient: (frame: Json) => void,
  ) {
    this.up = new JanusLink(link);
    this.sweeper = setInterval(() => this.sweep(), PENDING_TTL_MS / 2);
    this.sweeper.unref();
  }

  /** A frame for the client; dropped once its socket is gone. */
  push(frame: Json): void {
    if (this.clientOpen) this.toClient(frame);
  }

  /** Relays a request to Janus under a transaction id of the guard's. */
  send(frame: Frame, pending: Pending): void {
    if (this.up.closed) return this.push(coreError(pending.clientTx, CORE.UNKNOWN, 'Gateway unavailable'));
    const upTx = this.up.transaction();
    this.pending.set(upTx, pending);
    void this.up.opened.then(
      () => this.up.send({ ...frame, transaction: upTx }),
      () => {},
    );
  }

  /** One of this link's sessions, by the id a client or Janus named. */
  session(id: unknown): GuardSession | undefined {
    if (typeof id !== 'number') return undefined;
    for (const s of this.sessions) if (s.id === id) return s;
    return undefined;
  }

  /** Janus confirmed a claim made here: the session travels on this link from now on. */
  adopt(session: GuardSession): void {
    const old = session.link;
    session.link = this;
    this.sessions.add(session);
    if (old !== this) old.forget(session);
  }

  forget(session: GuardSession): void {
    this.sessions.delete(session);
    this.closeIfIdle();
  }

  destroy(session: GuardSession): Promise<void> {
    return this.ask({ janus: 'destroy', session_id: session.id }, false);
  }

  leave(session: GuardSession, handleId: number): Promise<void> {
    return this.ask({ janus: 'message', session_id: session.id, handle_id: handleId, body: { request: 'leave' } }, true);
  }

  /** A request of the guard's own on this link; settles when Janus answered, refused or is gone. */
  private async ask(frame: Frame, awaitEvent: boolean): Promise<void> {
    this.asking++;
    try {
      await this.up.request(frame, awaitEvent);
    } catch {
      /* refused or the link is gone: either way Janus no longer has it for us */
    } finally {
      this.asking--;
      this.closeIfIdle();
    }
  }

  /** The client's socket closed; the link stays while it carries held sessions. */
  clientGone(): void {
    this.clientOpen = false;
    this.closeIfIdle();
  }

  /** Nobody needs the link any more: no client, no session, no request of the guard's waiting. */
  private closeIfIdle(): void {
    if (!this.clientOpen && this.sessions.size === 0 && this.asking === 0) this.close();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.up.close();
  }

  private sweep(): void {
    const old = Date.now() - PENDING_TTL_MS;
    for (const [tx, p] of this.pending) if (p.at < old) this.pending.delete(tx);
  }
}
