'use strict';
/**
 * The values start.cjs and its parts share: the committed defaults of the .jcfg files, the
 * well-known local secrets, and where the local gateway listens.
 */
const path = require('node:path');

/** Every transport of the local gateway is bound to loopback (janus.transport.*.jcfg). */
const HOST = '127.0.0.1';

/** The committed defaults of the .jcfg files. */
const DEFAULTS = Object.freeze({
  wsPort: 8188,
  httpPort: 8088,
  adminPort: 7088,
  adminSecret: 'kt-local-admin',
});

/**
 * Secrets for trying secure mode (token auth) locally and in the tests, like the local admin
 * secret above: known to everyone, so the production profile refuses them and the bundle must
 * never contain them (test/unit/no-secrets.test.ts).
 */
const LOCAL_SECURE_SECRETS = Object.freeze({
  tokenSecret: 'kt-local-token-secret',
  apiSecret: 'kt-local-api-secret',
});

/** Where recordings go unless told otherwise (run-janus.sh has the same default). */
const DEFAULT_RECORDINGS_DIR = path.join(__dirname, '..', '..', 'recordings');

module.exports = { HOST, DEFAULTS, LOCAL_SECURE_SECRETS, DEFAULT_RECORDINGS_DIR };
