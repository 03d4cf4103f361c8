/**
 * The Admin API of a test gateway: requests on sessions and handles, and the proof that nothing
 * was left behind. Only the tests need these, so they live here and not in the published
 * gateway-config/ (whose readiness check needs one plain request, postAdminRequest).
 */
import { postAdminRequest, type AdminAnswer } from '../../gateway-config/start/admin-request.cjs';
import { lastReading } from './wait';

export type { AdminAnswer };

/**
 * A gateway's Admin API (a Gateway from start.cjs is one); absent: the suite's gateway.
 * `ownSessions`: the Janus sessions the gateway holds itself (the guard's admin session), left out
 * of the leak checks below; absent: none (the suite's gateway: JANUS_OWN_SESSIONS).
 */
export interface AdminApi {
  adminUrl: string;
  adminSecret: string;
  ownSessions?: readonly number[];
}

/**
 * POST one Admin API request (a random `transaction` and the `admin_secret` are added). `subPath`
 * is '' (core), '<session>' or '<session>/<handle>'. Resolves with the answer, which may be
 * {janus: 'error', ...}.
 */
export function adminRequest(
  adminUrl: string,
  adminSecret: string,
  body: Record<string, unknown> & { janus: string },
  subPath?: string | number,
): Promise<AdminAnswer> {
  let url = String(adminUrl).replace(/\/+$/, '');
  if (subPath !== undefined && String(subPath) !== '') url += '/' + String(subPath).replace(/^\/+/, '');
  return postAdminRequest(url, adminSecret, body);
}

/** The answer if it is a success; otherwise throws, naming the request. */
function unwrap(answer: AdminAnswer, what: string): AdminAnswer {
  if (!answer || answer.janus !== 'success') {
    const err = answer && answer.error ? `${answer.error.code} ${answer.error.reason}` : JSON.stringify(answer);
    throw new Error(`Admin API ${what} failed: ${err}`);
  }
  return answer;
}

/** Ids of all Janus sessions. */
export async function listSessions(adminUrl: string, adminSecret: string): Promise<number[]> {
  const a = unwrap(await adminRequest(adminUrl, adminSecret, { janus: 'list_sessions' }), 'list_sessions');
  return (a.sessions as number[]) || [];
}

/** Ids of the handles of one session ([] if the session no longer exists). */
export async function listHandles(adminUrl: string, adminSecret: string, sessionId: number): Promise<number[]> {
  const a = await adminRequest(adminUrl, adminSecret, { janus: 'list_handles' }, String(sessionId));
  // 458 = no such session: it may have gone between list_sessions and here.
  if (a && a.janus === 'error' && a.error && a.error.code === 458) return [];
  return (unwrap(a, 'list_handles').handles as number[]) || [];
}

/** Handles summed over all sessions but `own` (0 means nothing leaks). */
export async function countHandles(adminUrl: string, adminSecret: string, own: readonly number[] = []): Promise<number> {
  const sessions = (await listSessions(adminUrl, adminSecret)).filter((s) => !own.includes(s));
  const counts = await Promise.all(sessions.map((s) => listHandles(adminUrl, adminSecret, s)));
  return counts.reduce((n, handles) => n + handles.length, 0);
}

function admin(gateway?: AdminApi): { url: string; secret: string; own: readonly number[] } {
  if (gateway) return { url: gateway.adminUrl, secret: gateway.adminSecret, own: gateway.ownSessions ?? [] };
  const url = process.env.JANUS_ADMIN_URL;
  const secret = process.env.JANUS_ADMIN_SECRET;
  if (!url || !secret) throw new Error('JANUS_ADMIN_URL / JANUS_ADMIN_SECRET are not set');
  const own = (process.env.JANUS_OWN_SESSIONS ?? '').split(',').filter(Boolean).map(Number);
  return { url, secret, own };
}

/** Sessions and handles of the gateway's clients (the gateway's own sessions left out). */
export async function gatewayUsage(gateway?: AdminApi): Promise<{ sessions: number; handles: number }> {
  const { url, secret, own } = admin(gateway);
  const [sessions, handles] = await Promise.all([listSessions(url, secret), countHandles(url, secret, own)]);
  return { sessions: sessions.filter((s) => !own.includes(s)).length, handles };
}

/**
 * Polls until the gateway holds no session and no handle (Janus frees them asynchronously);
 * resolves with the last usage seen, for the caller to assert on.
 */
export function waitForNoSessions(timeoutMs = 10000, gateway?: AdminApi): Promise<{ sessions: number; handles: number }> {
  return lastReading(
    () => gatewayUsage(gateway),
    (usage) => usage.sessions === 0 && usage.handles === 0,
    { timeoutMs, intervalMs: 200 },
  );
}
