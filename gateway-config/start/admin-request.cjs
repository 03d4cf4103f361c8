'use strict';
/**
 * One Admin API request, the minimum the readiness check needs (`info`, `get_status`). The Admin
 * API client of the tests (sessions, handles) builds on it in test/support/admin.ts.
 */
const crypto = require('node:crypto');

/**
 * POST `body` to `url` (the Admin API's root, or a session or handle under it) with a random
 * `transaction` and the `admin_secret`. Resolves with the parsed JSON answer, which may be
 * {janus: 'error', ...}.
 */
async function postAdminRequest(url, adminSecret, body) {
  const payload = { transaction: 'adm-' + crypto.randomBytes(8).toString('hex'), ...body, admin_secret: adminSecret };
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(payload),
    signal: AbortSignal.timeout(5000),
  });
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`Admin API ${url} answered HTTP ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
}

module.exports = { postAdminRequest };
