/** Types of gateway-config/start/admin-request.cjs (one Admin API request). */

/** Any Admin API answer (success or error); fields depend on the request. */
export interface AdminAnswer {
  janus: string;
  transaction?: string;
  error?: { code: number; reason: string };
  [key: string]: unknown;
}

/**
 * POST `body` to `url` (the Admin API's root, or `<root>/<session>` or `<root>/<session>/<handle>`)
 * with a random `transaction` and the `admin_secret`.
 */
export function postAdminRequest(url: string, adminSecret: string, body: Record<string, unknown> & { janus: string }): Promise<AdminAnswer>;
