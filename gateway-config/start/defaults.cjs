'use strict';
/**
 * The values start.cjs and its parts share: the committed defaults of the .jcfg files and of the
 * guard, the well-known local secrets, and where the local gateway listens.
 */
const path = require('node:path');

/** Every listener of the local gateway is bound to loopback (janus.transport.*.jcfg, the guard). */
const HOST = '127.0.0.1';

/** The committed defaults: the guard's port (what browsers use) and Janus's own (the .jcfg files). */
const DEFAULTS = Object.freeze({
  /** The gateway guard: the URL browsers and the SDK use. */
  wsPort: 8188,
  /** Janus's own WebSocket (janus.transport.websockets.jcfg): the guard's link, loopback only. */
  janusWsPort: 8189,
  /** Janus's Admin API over HTTP (janus.transport.http.jcfg), loopback only. */
  adminPort: 7088,
  adminSecret: 'kt-local-admin',
});

/**
 * Secrets for trying the secure profile locally and in the tests, like the local admin secret
 * above: known to everyone, so `npm run gateway -- --secure`, the production profile and the app
 * server's CLI refuse them, and the bundle must never contain them (test/unit/no-secrets.test.ts).
 * `tokenSecret` is the guard's KT_TOKEN_SECRET (HS256); `apiSecret` is Janus's api_secret.
 */
const LOCAL_SECURE_SECRETS = Object.freeze({
  tokenSecret: 'kt-local-token-secret',
  apiSecret: 'kt-local-api-secret',
});

/** Where recordings go unless told otherwise (run-janus.sh has the same default). */
const DEFAULT_RECORDINGS_DIR = path.join(__dirname, '..', '..', 'recordings');

/** The guard's command-line wrapper, run as its own Node process. */
const GUARD_CLI = path.join(__dirname, '..', 'guard.cjs');

module.exports = { HOST, DEFAULTS, LOCAL_SECURE_SECRETS, DEFAULT_RECORDINGS_DIR, GUARD_CLI };
