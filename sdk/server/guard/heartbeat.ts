/**
 * Whether a client is still there. A page that vanished without closing its socket (a laptop lid
 * shut, a network that dropped) would otherwise hold its Janus session, and its seat in a room,
 * until TCP gives up, which can take many minutes. So the guard pings every client (WebSocket
 * ping; browsers answer by themselves) and terminates one that missed `maxMissed` pongs in a row;
 * its sessions are then held for a claim like any other page that went away.
 */
export const DEFAULT_PING_MS = 30000;

export class Heartbeat {
  private missed = 0;

  constructor(private readonly maxMissed = 2) {}

  /** At each interval: 'ping' (send one), or 'terminate' (the last `maxMissed` went unanswered). */
  tick(): 'ping' | 'terminate' {
    if (this.missed >= this.maxMissed) return 'terminate';
    this.missed++;
    return 'ping';
  }

  pong(): void {
    this.missed = 0;
  }
}
