'use strict';
/**
 * Start / stop the local gateway: Janus from this folder's configuration, on loopback, and the
 * gateway guard (guard.cjs, its own Node process) in front of it, which is what browsers talk to.
 * Used by `npm run gateway`, the demo and the test fixtures (Jest global setup):
 *
 *   node gateway-config/start.cjs              # development profile, guard on 8188, until Ctrl-C
 *   KT_TOKEN_SECRET=... node gateway-config/start.cjs --secure   # secure profile (signed tokens)
 *   JANUS_RECORDINGS_DIR=/data/rec node gateway-config/start.cjs  # where recordings go
 *
 * Its parts, one job each, are in start/: janus-options.cjs (Janus's environment and flags from
 * the options), janus-process.cjs and guard-process.cjs (what each process runs),
 * child-process.cjs (spawn, output, stop), readiness.cjs (the readiness polls), ports.cjs (free
 * ports), admin-request.cjs and ws-request.cjs (one request each), secrets.cjs (which secrets a
 * deployment may use), defaults.cjs.
 *
 * Plain CommonJS for Node >= 20 (Node built-ins and the package's `ws`; the guard is dist/guard.cjs,
 * built by `npm run build`). Types: start.d.cts.
 */

const crypto = require('node:crypto');
const { HOST, DEFAULTS, LOCAL_SECURE_SECRETS } = require('./start/defaults.cjs');
const { janusEnvironment, mediaFlags } = require('./start/janus-options.cjs');
const { spawnJanus } = require('./start/janus-process.cjs');
const { spawnGuard } = require('./start/guard-process.cjs');
const { pickFreePorts, releasePorts } = require('./start/ports.cjs');
const { waitUntilJanusReady, waitUntilGuardReady } = require('./start/readiness.cjs');
const { postAdminRequest } = require('./start/admin-request.cjs');
const { checkDeploymentSecret } = require('./start/secrets.cjs');

const PROFILES = ['development', 'secure'];

/** The options that make sense, checked before anything is spawned. */
function checkOptions(opts) {
  const profile = opts.profile ?? 'development';
  if (!PROFILES.includes(profile)) throw new Error(`startGateway: profile must be 'development' or 'secure', got ${JSON.stringify(opts.profile)}`);
  if (opts.tokenSecret !== undefined && (typeof opts.tokenSecret !== 'string' || opts.tokenSecret.length < 16)) {
    throw new Error("startGateway: tokenSecret (the guard's HS256 secret) must be a string of 16 characters or more");
  }
  if (profile === 'secure' && opts.tokenSecret === undefined) throw new Error("startGateway: the 'secure' profile needs tokenSecret");
  for (const key of ['httpPort']) {
    if (opts[key] !== undefined) throw new Error(`startGateway: ${key} is gone (Janus's HTTP API is off; browsers reach Janus only through the guard)`);
  }
  return profile;
}

/** Stops `children` in order (the guard first, so it closes its clients while Janus is there). */
async function stopAll(children) {
  for (const child of children) await child.stop();
}

/** One start on the given ports: Janus, then the guard; both ready, or both stopped and a throw. */
async function startOnce(opts, profile, ports) {
  const adminSecret = opts.adminSecret ?? DEFAULTS.adminSecret;
  // A fresh VideoRoom admin_key per start, known to Janus and the guard only: rooms are the guard's.
  const adminKey = crypto.randomBytes(24).toString('hex');
  // The unique server name (-n) lets the readiness check make sure the ports answer for THIS Janus.
  const serverName = 'kt-gateway-' + crypto.randomBytes(8).toString('hex');
  const { env, recordingsDir } = janusEnvironment(opts, ports, adminSecret, adminKey);
  const guardHost = opts.guardHost ?? HOST;
  // Listening on every address: the URL names loopback, which is one of them.
  const urlHost = ['0.0.0.0', '::'].includes(guardHost) ? HOST : guardHost.includes(':') ? `[${guardHost}]` : guardHost;
  const urls = {
    ws: `ws://${urlHost}:${ports.ws}`,
    janusWs: `ws://${HOST}:${ports.janusWs}`,
    admin: `http://${HOST}:${ports.admin}/admin`,
  };
  const janus = spawnJanus({ args: ['-n', serverName, ...mediaFlags(opts)], env, logFile: opts.logFile, quiet: opts.quiet });
  const started = [janus];
  const fail = async (e, who) => {
    await stopAll([...started].reverse());
    const tail = who.outputTail();
    const name = who === janus ? 'Janus' : 'guard';
    const err = new Error(`gateway did not start: ${e.message}\n--- last ${name} output ---\n${tail}`);
    err.janusLogTail = janus.outputTail();
    err.retryable = Boolean(e.retryable);
    throw err;
  };

  try {
    await waitUntilJanusReady(janus, { serverName, ports, urls, adminSecret, apiSecret: opts.apiSecret }, opts.timeoutMs);
  } catch (e) {
    return fail(e, janus);
  }
  const guard = spawnGuard(
    { port: ports.ws, host: guardHost, janusUrl: urls.janusWs, profile, tokenSecret: opts.tokenSecret, adminKey, apiSecret: opts.apiSecret },
    { logFile: opts.logFile, quiet: opts.quiet },
  );
  started.push(guard);
  try {
    await waitUntilGuardReady(guard, urls.ws, opts.timeoutMs);
  } catch (e) {
    return fail(e, guard);
  }
  // What Janus holds now is the guard's own (its admin session): leak checks leave it out.
  let ownSessions;
  try {
    const listed = await postAdminRequest(urls.admin, adminSecret, { janus: 'list_sessions' });
    ownSessions = listed.sessions ?? [];
  } catch (e) {
    return fail(e, janus);
  }

  // The gateway is one thing: when either process ends, the other is stopped too.
  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      await stopAll([guard, janus]);
      releasePorts([ports.ws, ports.janusWs, ports.admin]);
    })();
    return stopping;
  };
  const exited = Promise.race([
    janus.exited.then((info) => ({ ...info, process: 'janus' })),
    guard.exited.then((info) => ({ ...info, process: 'guard' })),
  ]).then(async (first) => {
    await stop();
    return first;
  });

  return {
    wsUrl: urls.ws,
    janusWsUrl: urls.janusWs,
    adminUrl: urls.admin,
    adminSecret,
    janusAdminKey: adminKey,
    profile,
    tokenSecret: opts.tokenSecret,
    apiSecret: opts.apiSecret,
    recordingsDir,
    ports: { ...ports },
    pid: janus.pid,
    guardPid: guard.pid,
    ownSessions,
    exited,
    stop,
  };
}

/**
 * Start Janus from this folder (bash run-janus.sh) and the guard in front of it (node guard.cjs),
 * and wait until both answer.
 */
async function startGateway(opts = {}) {
  const profile = checkOptions(opts);
  const attempts = opts.freePorts ? 3 : 1;
  let lastError;
  for (let i = 0; i < attempts; i++) {
    let ports;
    if (opts.freePorts) {
      const [ws, janusWs, admin] = await pickFreePorts(3);
      ports = { ws, janusWs, admin };
    } else {
      ports = {
        ws: opts.wsPort ?? DEFAULTS.wsPort,
        janusWs: opts.janusWsPort ?? DEFAULTS.janusWsPort,
        admin: opts.adminPort ?? DEFAULTS.adminPort,
      };
    }
    try {
      return await startOnce(opts, profile, ports);
    } catch (e) {
      lastError = e;
      if (opts.freePorts) releasePorts(Object.values(ports));
      // With free ports a lost race for a port is worth another try;
      // anything else (or an explicit port choice) is not.
      if (!e || !e.retryable) break;
    }
  }
  throw lastError;
}

module.exports = {
  startGateway,
  DEFAULTS,
  LOCAL_SECURE_SECRETS,
};

// ------------------------------------------------------------------------------------ the CLI
const USAGE = `Usage: node gateway-config/start.cjs [--secure]     (npm run gateway [-- --secure])

Starts Janus (loopback) and the gateway guard in front of it, prints where, runs until Ctrl-C.
  --secure   the secure profile: every session needs a token signed with KT_TOKEN_SECRET
             (from the environment; not a shipped default, 16+ characters). Tokens: npx kt-token
Environment: KT_GUARD_PORT (8188), KT_GUARD_HOST (127.0.0.1), KT_TOKEN_SECRET, JANUS_WS_PORT (8189),
JANUS_ADMIN_PORT (7088), JANUS_ADMIN_SECRET, JANUS_API_SECRET, JANUS_DEBUG_LEVEL, JANUS_LOG_FILE,
JANUS_RECORDINGS_DIR (see gateway-config/README.md).`;

/** startGateway's options from the CLI's arguments and environment. Throws on a bad one. */
function cliOptions(argv, env) {
  const { parseArgs } = require('node:util');
  const { values } = parseArgs({ args: argv, options: { secure: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return null;
  const num = (name) => (env[name] ? Number(env[name]) : undefined);
  const opts = {
    profile: values.secure ? 'secure' : 'development',
    wsPort: num('KT_GUARD_PORT'),
    guardHost: env.KT_GUARD_HOST || undefined,
    janusWsPort: num('JANUS_WS_PORT'),
    adminPort: num('JANUS_ADMIN_PORT'),
    adminSecret: env.JANUS_ADMIN_SECRET || undefined,
    apiSecret: env.JANUS_API_SECRET || undefined,
    logFile: env.JANUS_LOG_FILE || undefined,
    recordingsDir: env.JANUS_RECORDINGS_DIR || undefined,
    tokenSecret: env.KT_TOKEN_SECRET || undefined,
  };
  if (values.secure) checkDeploymentSecret('KT_TOKEN_SECRET', env.KT_TOKEN_SECRET);
  return opts;
}

async function cli() {
  let opts;
  try {
    opts = cliOptions(process.argv.slice(2), process.env);
  } catch (e) {
    console.error(`start.cjs: ${e.message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (!opts) return void console.log(USAGE);
  const gw = await startGateway(opts);
  console.log(`\nGateway is up: ${gw.profile} profile (Janus pid ${gw.pid}, guard pid ${gw.guardPid})`);
  console.log(`  SDK / browsers  ${gw.wsUrl}   <- the guard: new Knowledgetalk({ server: '${gw.wsUrl}' })`);
  console.log(`  Janus           ${gw.janusWsUrl}   (loopback, for the guard only)`);
  console.log(`  Admin API       ${gw.adminUrl}  (admin_secret "${gw.adminSecret}")`);
  console.log(`  Recordings      ${gw.recordingsDir}`);
  if (gw.profile === 'secure') {
    console.log('  Tokens required: init(cpCode, token), a token from');
    console.log('                  KT_TOKEN_SECRET=... npx kt-token --user alice --create');
  } else {
    console.log('  Tokens optional: any authKey works (development profile)');
  }
  console.log('Ctrl-C to stop.');
  let stopping = false;
  gw.exited.then(({ code, signal, process: which }) => {
    if (stopping) return;
    console.error(`${which === 'guard' ? 'The guard' : 'Janus'} exited on its own (code ${code}, signal ${signal}); the gateway is stopped`);
    process.exit(1);
  });
  const shutdown = async (sig) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${sig}: stopping the guard and Janus...`);
    await gw.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

if (require.main === module) {
  cli().catch((e) => {
    console.error(e && e.message ? e.message : e);
    process.exit(1);
  });
}
