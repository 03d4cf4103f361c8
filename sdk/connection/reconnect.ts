/**
 * The one reconnect policy. When the connection to the gateway drops, claim the session on a new
 * connection with the SDK's backoff (util/wait.ts) for `reconnectMs`, which stays under the
 * gateway's reclaim_session_timeout (20 s in gateway-config/janus.jcfg). The outcome decides
 * what the client does next:
 * - 'reclaimed': Janus kept the session, its handles and their PeerConnections (media never
 *   depended on the socket); only events of the outage were lost, so the member table is resynced.
 * - 'restarted': the gateway answers but no longer knows the session: everything is rebuilt.
 * - 'lost': no gateway within the window (or the app disconnected meanwhile).
 */
import type { GatewaySession } from '../janus/types';
import { getLogger } from '../logger';
import { retryUntil } from '../util/wait';

const log = getLogger('connection');

export type ReconnectOutcome = 'reclaimed' | 'restarted' | 'lost';

/** One claim attempt waits at most this long for the gateway's answer. */
const CLAIM_TIMEOUT_MS = 5000;

export async function reclaimSession(
  session: GatewaySession,
  { reconnectMs, timeoutMs, stop }: { reconnectMs: number; timeoutMs: number; stop: () => boolean },
): Promise<ReconnectOutcome> {
  const deadline = Date.now() + reconnectMs;
  const outcome = await retryUntil(
    async () => {
      const claimed = await session.claim(Math.min(timeoutMs, CLAIM_TIMEOUT_MS, Math.max(1, deadline - Date.now())));
      if (claimed === 'ok') return 'reclaimed' as const;
      if (claimed === 'gone') return 'restarted' as const;
      return undefined;
    },
    { deadline, stop },
  );
  log.info('reconnect outcome:', outcome ?? 'lost');
  return outcome ?? 'lost';
}
