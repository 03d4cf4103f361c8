#!/usr/bin/env node
'use strict';
/**
 * Prints a Janus signed token for a gateway in secure mode; pass it to the SDK as
 * init(cpCode, authKey).
 *
 *   JANUS_TOKEN_SECRET=... node gateway-config/mint-token.cjs [--ttl 3600] [--plugins a,b] [--json]
 *   npx kt-token --secret ...      (the package's bin)
 *
 * Prefer the environment for the secret: a command line is visible to other users in `ps`.
 */
const { parseArgs } = require('node:util');
const { loadServerHelpers } = require('./server-helpers.cjs');

const USAGE = `Usage: mint-token [--secret S] [--ttl SECONDS] [--plugins a,b] [--json]

  --secret   the gateway's token_auth_secret (default: $JANUS_TOKEN_SECRET)
  --ttl      lifetime in seconds (default: 14400 = 4 h; the token must outlive the session)
  --plugins  comma-separated plugins (default: janus.plugin.videoroom,janus.plugin.textroom)
  --json     print {"token", "expiresAt"} instead of the bare token`;

function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      secret: { type: 'string' },
      ttl: { type: 'string' },
      plugins: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return USAGE;
  const secret = values.secret ?? process.env.JANUS_TOKEN_SECRET;
  if (!secret) throw new Error('no secret: pass --secret or set JANUS_TOKEN_SECRET');
  if (values.ttl !== undefined && !/^\d+$/.test(values.ttl)) throw new Error(`--ttl must be a number of seconds, got '${values.ttl}'`);
  const { createToken, parseToken } = loadServerHelpers();
  const token = createToken({
    secret,
    ttlSeconds: values.ttl === undefined ? undefined : Number(values.ttl),
    plugins: values.plugins === undefined ? undefined : values.plugins.split(',').map((p) => p.trim()),
  });
  return values.json ? JSON.stringify({ token, expiresAt: parseToken(token).expiresAt }) : token;
}

if (require.main === module) {
  try {
    console.log(main(process.argv.slice(2)));
  } catch (e) {
    console.error(`mint-token: ${e && e.message ? e.message : e}\n\n${USAGE}`);
    process.exit(2);
  }
}

module.exports = { main };
