#!/usr/bin/env node
'use strict';
/**
 * The gateway guard (sdk/server/guard/, built into dist/guard.cjs) as a process of its own, in
 * front of a Janus that listens on loopback for it alone. start.cjs (`npm run gateway`, the demo,
 * the tests) and production/start-production.sh run it; it can also be run by hand:
 *
 *   JANUS_VIDEOROOM_ADMIN_KEY=... node gateway-config/guard.cjs [--port 8188] [--host 127.0.0.1]
 *       [--janus ws://127.0.0.1:8189] [--profile development|secure]
 *
 * Settings (a flag wins over its variable; secrets only from the environment, never from the
 * command line, which other users can read in `ps`):
 *
 *   --port     KT_GUARD_PORT     8188                 where browsers connect (ws, janus-protocol)
 *   --host     KT_GUARD_HOST     127.0.0.1            address of that port
 *   --janus    KT_JANUS_URL      ws://127.0.0.1:8189  Janus's WebSocket (loopback)
 *   --profile  KT_PROFILE        development          'secure': every session needs a signed token
 *              KT_TOKEN_SECRET                        HS256 secret of the tokens (secure: required,
 *                                                     16+ characters; development: optional, then
 *                                                     signed tokens are honoured too)
 *              JANUS_VIDEOROOM_ADMIN_KEY              required: Janus's VideoRoom admin_key
 *              JANUS_API_SECRET                       Janus's api_secret, if it has one
 *              KT_TLS_CERT, KT_TLS_KEY               PEM files: also serve wss on KT_WSS_PORT, TLS
 *              KT_TLS_KEY_PASSWORD                    terminated here and passed to the guard's port
 *              KT_WSS_PORT (8989), KT_WSS_HOST (all addresses)
 *              KT_JANUS_WAIT_MS  30000               how long to wait for Janus to accept at start
 *              KT_FILES_DIR      (memory)            where documentShare's files are kept (a
 *                                                     directory for them alone; default in memory)
 *              KT_PUBLIC_URL     (from Host)         the guard as browsers reach it, for file URLs
 *                                                     behind a proxy with a path (https://gw/x)
 *
 * Prints `kt-guard: listening on ws://HOST:PORT ...` once it serves (start.cjs waits for that
 * line), then one line per refusal and room event. SIGTERM / SIGINT stop it (exit 0). It exits 1
 * when it cannot start: Janus unreachable within KT_JANUS_WAIT_MS, a port taken, a bad setting.
 */
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const { parseArgs } = require('node:util');
const { setTimeout: sleep } = require('node:timers/promises');
const { loadGuard } = require('./server-helpers.cjs');

const USAGE = 'Usage: guard.cjs [--port N] [--host IP] [--janus ws://127.0.0.1:8189] [--profile development|secure]';
const PROFILES = ['development', 'secure'];

function log(line) {
  process.stdout.write(`${new Date().toISOString()} kt-guard: ${line}\n`);
}

function port(name, value) {
  if (!/^\d{1,5}$/.test(String(value)) || Number(value) > 65535) throw new Error(`${name} must be a TCP port number, got '${value}'`);
  return Number(value);
}

/** The guard's settings from `argv` and `env` (see the header). Throws on a bad one. */
function settingsFrom(argv, env) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      janus: { type: 'string' },
      profile: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { help: true };
  const profile = values.profile ?? env.KT_PROFILE ?? 'development';
  if (!PROFILES.includes(profile)) throw new Error(`profile must be ${PROFILES.join(' or ')}, got '${profile}'`);
  const adminKey = env.JANUS_VIDEOROOM_ADMIN_KEY;
  if (!adminKey) throw new Error('JANUS_VIDEOROOM_ADMIN_KEY is required (the VideoRoom admin_key Janus was started with)');
  const tokenSecret = env.KT_TOKEN_SECRET || undefined;
  if (profile === 'secure' && !(tokenSecret && tokenSecret.length >= 16)) {
    throw new Error('the secure profile needs KT_TOKEN_SECRET (16 characters or more) in the environment');
  }
  const janusUrl = values.janus ?? env.KT_JANUS_URL ?? 'ws://127.0.0.1:8189';
  if (!/^wss?:\/\//.test(janusUrl)) throw new Error(`the Janus URL must be ws:// or wss://, got '${janusUrl}'`);
  const settings = {
    profile,
    adminKey,
    tokenSecret,
    janusApiSecret: env.JANUS_API_SECRET || undefined,
    janusUrl,
    host: values.host ?? env.KT_GUARD_HOST ?? '127.0.0.1',
    port: port('the guard port', values.port ?? env.KT_GUARD_PORT ?? 8188),
    janusWaitMs: env.KT_JANUS_WAIT_MS ? Number(env.KT_JANUS_WAIT_MS) : 30000,
    filesDir: env.KT_FILES_DIR || undefined,
    publicUrl: env.KT_PUBLIC_URL || undefined,
    tls: null,
  };
  if (settings.publicUrl && !/^https?:\/\/[^\s]+$/.test(settings.publicUrl))
    throw new Error(`KT_PUBLIC_URL must be an http(s) URL, got '${settings.publicUrl}'`);
  if (env.KT_TLS_CERT || env.KT_TLS_KEY) {
    if (!env.KT_TLS_CERT || !env.KT_TLS_KEY) throw new Error('KT_TLS_CERT and KT_TLS_KEY go together');
    settings.tls = {
      cert: env.KT_TLS_CERT,
      key: env.KT_TLS_KEY,
      passphrase: env.KT_TLS_KEY_PASSWORD || undefined,
      port: port('KT_WSS_PORT', env.KT_WSS_PORT || 8989),
      host: env.KT_WSS_HOST || undefined,
    };
  }
  return settings;
}

/** Whether `err` says nothing listens on the Janus port (yet). */
function janusNotThere(err) {
  return /ECONNREFUSED|ECONNRESET|socket hang up/.test(`${err && err.code} ${err && err.message}`);
}

/** startGuard, retried while Janus does not accept connections yet (it may still be starting). */
async function startGuardWhenJanusIsUp(startGuard, settings) {
  const deadline = Date.now() + settings.janusWaitMs;
  for (;;) {
    try {
      return await startGuard({
        janusUrl: settings.janusUrl,
        adminKey: settings.adminKey,
        profile: settings.profile,
        tokenSecret: settings.tokenSecret,
        janusApiSecret: settings.janusApiSecret,
        host: settings.host,
        port: settings.port,
        files: settings.filesDir ? { dir: settings.filesDir } : {},
        publicUrl: settings.publicUrl,
        // TLS terminated in this process (startTlsFront): the file URLs browsers get are https.
        secureFront: settings.tls !== null,
        log,
      });
    } catch (err) {
      if (!janusNotThere(err) || Date.now() > deadline) throw err;
      await sleep(250);
    }
  }
}

/**
 * wss in front of the guard: TLS terminated here, the bytes passed on to the guard's own port. The
 * guard then sees every client from 127.0.0.1 (it keys nothing on addresses: limits are per
 * connection and per identity).
 */
function startTlsFront(settings) {
  const { cert, key, passphrase, port: tlsPort, host } = settings.tls;
  const server = tls.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key), passphrase }, (client) => {
    const upstream = net.connect(settings.port, settings.host === '0.0.0.0' ? '127.0.0.1' : settings.host);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  // A client failing its TLS handshake is that client's problem only.
  server.on('tlsClientError', () => {});
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: tlsPort, host }, () => {
      server.off('error', reject);
      server.on('error', (err) => log(`wss server error: ${err.message}`));
      resolve(server);
    });
  });
}

async function main() {
  const settings = settingsFrom(process.argv.slice(2), process.env);
  if (settings.help) return void console.log(USAGE);
  const { startGuard } = loadGuard();
  let guard = null;
  let front = null;
  let stopping = false;
  const stop = async (signal) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    // Never hang on the way out: a supervisor is waiting.
    setTimeout(() => process.exit(0), 3000).unref();
    front?.close();
    await guard?.stop().catch(() => {});
    process.exit(0);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  try {
    guard = await startGuardWhenJanusIsUp(startGuard, settings);
  } catch (err) {
    const why = err && err.code === 'EADDRINUSE' ? `EADDRINUSE: ${settings.host}:${settings.port} is taken` : (err && err.message) || String(err);
    throw new Error(`cannot start (Janus at ${settings.janusUrl}): ${why}`);
  }
  if (settings.tls) {
    try {
      front = await startTlsFront(settings);
    } catch (err) {
      await guard.stop();
      throw new Error(`cannot serve wss on ${settings.tls.host ?? '*'}:${settings.tls.port}: ${err.code === 'EADDRINUSE' ? 'EADDRINUSE' : err.message}`);
    }
  }
  log(`listening on ${guard.url} (${settings.profile} profile) for Janus at ${settings.janusUrl}`);
  if (front) log(`wss on ${settings.tls.host ?? '*'}:${settings.tls.port} (TLS: ${settings.tls.cert}) -> ${guard.url}`);
}

if (require.main === module) {
  main().catch((err) => {
    log(err && err.message ? err.message : String(err));
    process.exit(1);
  });
}

module.exports = { settingsFrom };
