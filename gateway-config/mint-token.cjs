#!/usr/bin/env node
'use strict';
/**
 * Prints a token for the gateway guard (an HS256 JWT signed with KT_TOKEN_SECRET, by the guard's
 * own signToken in dist/guard.cjs); pass it to the SDK as init(cpCode, authKey).
 *
 *   KT_TOKEN_SECRET=... npx kt-token --user alice [--name "Alice"] [--room R | --create] [--host] [--ttl 3600] [--json]
 *   KT_TOKEN_SECRET=... node gateway-config/mint-token.cjs ...      (the same, from the repository)
 *
 * The secret is read from the environment only: a command line is visible to other users in `ps`.
 */
const { parseArgs } = require('node:util');
const { loadGuard } = require('./server-helpers.cjs');

const USAGE = `Usage: kt-token --user ID [--name NAME] [--room ROOM]... | [--create] [--host] [--ttl SECONDS] [--json]

  --user    the user id (1-64 of A-Z a-z 0-9 - _); required
  --name    the display name others see (default: the user id)
  --room    a room the user may enter (repeat for several)
  --create  the user may create rooms (and enters the rooms it creates, as their host)
  --host    host powers (kick, destroy, record) in the --room rooms
  --ttl     lifetime in seconds (default 14400 = 4 h; the token must outlive the session)
  --json    print {"token", "expiresAt", "user"} instead of the bare token
Signed with $KT_TOKEN_SECRET (the gateway guard's secret).`;

const MAX_TTL_SECONDS = 366 * 24 * 3600;

/** The token (or its JSON) for `argv`; throws on bad arguments or a missing secret. */
async function main(argv, env = process.env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      user: { type: 'string' },
      name: { type: 'string' },
      room: { type: 'string', multiple: true },
      create: { type: 'boolean', default: false },
      host: { type: 'boolean', default: false },
      ttl: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return USAGE;
  const secret = env.KT_TOKEN_SECRET;
  if (!secret) throw new Error("no secret: set KT_TOKEN_SECRET (the gateway guard's token secret)");
  if (!values.user) throw new Error('--user is required');
  const rooms = values.room ?? [];
  if (rooms.length && values.create) throw new Error('--room and --create go separately: a token either names its rooms or may create them');
  if (values.host && !rooms.length) throw new Error('--host needs --room (a creator is the host of its rooms anyway)');
  let ttlSeconds;
  if (values.ttl !== undefined) {
    if (!/^\d+$/.test(values.ttl) || Number(values.ttl) < 1 || Number(values.ttl) > MAX_TTL_SECONDS) {
      throw new Error(`--ttl must be a number of seconds from 1 to ${MAX_TTL_SECONDS}, got '${values.ttl}'`);
    }
    ttlSeconds = Number(values.ttl);
  }
  const { signToken } = loadGuard();
  const token = await signToken({ secret, user: values.user, name: values.name, rooms, create: values.create, host: values.host, ttlSeconds });
  if (!values.json) return token;
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  return JSON.stringify({ token, expiresAt: claims.exp, user: claims.sub });
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (out) => console.log(out),
    (e) => {
      console.error(`kt-token: ${e && e.message ? e.message : e}\n\n${USAGE}`);
      process.exit(2);
    },
  );
}

module.exports = { main };
