/** The Admin API of the test gateway: proves that nothing was left behind. */
import { countHandles, listSessions } from '../../gateway-config/start.cjs';

/** A gateway's Admin API (a Gateway from start.cjs is one); absent: the suite's gateway. */
export interface AdminApi {
  adminUrl: string;
  adminSecret: string;
}

function admin(gateway?: AdminApi): { url: string; secret: string } {
  if (gateway) return { url: gateway.adminUrl, secret: gateway.adminSecret };
  const url = process.env.JANUS_ADMIN_URL;
  const secret = process.env.JANUS_ADMIN_SECRET;
  if (!url || !secret) throw new Error('JANUS_ADMIN_URL / JANUS_ADMIN_SECRET are not set');
  return { url, secret };
}

export async function gatewayUsage(gateway?: AdminApi): Promise<{ sessions: number; handles: number }> {
  const { url, secret } = admin(gateway);
  const [sessions, handles] = await Promise.all([listSessions(url, secret), countHandles(url, secret)]);
  return { sessions: sessions.length, handles };
}

/** Polls until the gateway holds no session (Janus frees them asynchronously). */
export async function waitForNoSessions(timeoutMs = 10000, gateway?: AdminApi): Promise<{ sessions: number; handles: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const usage = await gatewayUsage(gateway);
    if ((usage.sessions === 0 && usage.handles === 0) || Date.now() > deadline) return usage;
    await new Promise((r) => setTimeout(r, 200));
  }
}
