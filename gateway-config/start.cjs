'use strict';
/**
 * Start / stop a local Janus gateway from this folder's configuration, and
 * talk to its Admin API. Used by the test fixtures (Jest global setup) and
 * runnable on its own:
 *
 *   node gateway-config/start.cjs      # default ports, until Ctrl-C
 *   JANUS_TOKEN_SECRET=... node gateway-config/start.cjs   # secure mode (token auth)
 *   JANUS_RECORDINGS_DIR=/data/rec node gateway-config/start.cjs   # where recordings go
 *
 * Plain CommonJS for Node >= 20, Node built-ins only. Types: start.d.cts.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const crypto = require('node:crypto');

const RUN_SCRIPT = path.join(__dirname, 'run-janus.sh');
/** Where recordings go unless told otherwise (run-janus.sh has the same default). */
const DEFAULT_RECORDINGS_DIR = path.join(__dirname, '..', 'recordings');
const HOST = '127.0.0.1';
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
const START_TIMEOUT_MS = 20000;
const STOP_GRACE_MS = 5000;
const LOG_TAIL_BYTES = 16 * 1024;

/** Janus processes started by this Node process and not yet exited. */
const running = new Set();
/** Ports handed out by freePorts in this process (avoids reuse between concurrent starts). */
const reservedPorts = new Set();

let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave an orphan Janus behind if the owner forgets stop() or dies.
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

function randomId(prefix = '') {
  return prefix + crypto.randomBytes(8).toString('hex');
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One free TCP port on 127.0.0.1 (held open until `release` is called). */
function holdFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const { port } = server.address();
      resolve({ port, release: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** Three distinct free ports, never ones already handed out by this process. */
async function pickFreePorts(count = 3) {
  const held = [];
  const ports = [];
  try {
    while (ports.length < count) {
      const h = await holdFreePort();
      held.push(h);
      if (!reservedPorts.has(h.port)) ports.push(h.port);
    }
  } finally {
    await Promise.all(held.map((h) => h.release()));
  }
  for (const p of ports) reservedPorts.add(p);
  return ports;
}

function tcpAccepts(port, host = HOST, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * POST one Admin API request. `body` is merged with a random `transaction`
 * and `admin_secret`. `subPath` is '' (core), '<session>' or '<session>/<handle>'.
 * Resolves with the parsed JSON answer (which may be {janus:'error', ...}).
 */
async function adminRequest(adminUrl, adminSecret, body, subPath) {
  let url = String(adminUrl).replace(/\/+$/, '');
  if (subPath !== undefined && subPath !== null && String(subPath) !== '') {
    url += '/' + String(subPath).replace(/^\/+/, '');
  }
  const payload = { transaction: randomId('adm-'), ...body, admin_secret: adminSecret };
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

function unwrap(answer, what) {
  if (!answer || answer.janus !== 'success') {
    const err = answer && answer.error ? `${answer.error.code} ${answer.error.reason}` : JSON.stringify(answer);
    throw new Error(`Admin API ${what} failed: ${err}`);
  }
  return answer;
}

/** Ids of all Janus sessions. */
async function listSessions(adminUrl, adminSecret) {
  const a = unwrap(await adminRequest(adminUrl, adminSecret, { janus: 'list_sessions' }), 'list_sessions');
  return a.sessions || [];
}

/** Ids of the handles of one session. */
async function listHandles(adminUrl, adminSecret, sessionId) {
  const a = await adminRequest(adminUrl, adminSecret, { janus: 'list_handles' }, String(sessionId));
  // 458 = no such session: it may have gone between list_sessions and here.
  if (a && a.janus === 'error' && a.error && a.error.code === 458) return [];
  return unwrap(a, 'list_handles').handles || [];
}

/** Handles summed over all sessions (0 means nothing leaks). */
async function countHandles(adminUrl, adminSecret) {
  const sessions = await listSessions(adminUrl, adminSecret);
  const counts = await Promise.all(sessions.map((s) => listHandles(adminUrl, adminSecret, s)));
  return counts.reduce((n, handles) => n + handles.length, 0);
}

/** Keeps the last `max` bytes of a stream of chunks (for error messages). */
function tailBuffer(max) {
  let chunks = [];
  let size = 0;
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      while (size > max && chunks.length > 1) size -= chunks.shift().length;
    },
    text() {
      const s = Buffer.concat(chunks).toString('utf8');
      return s.length > max ? s.slice(s.length - max) : s;
    },
  };
}

/**
 * Janus command-line flags for the media options (Janus adds them to its configuration, over the
 * .jcfg files). Tests use them to put the gateway's media behind an address of their choosing.
 */
function mediaFlags(opts) {
  const flags = [];
  if (opts.rtpPortRange !== undefined) {
    if (!/^\d+-\d+$/.test(String(opts.rtpPortRange))) throw new Error(`rtpPortRange must be "min-max", got ${opts.rtpPortRange}`);
    flags.push(`--rtp-port-range=${opts.rtpPortRange}`);
  }
  if (opts.natMapping !== undefined) {
    if (net.isIP(String(opts.natMapping)) === 0) throw new Error(`natMapping must be an IP address, got ${opts.natMapping}`);
    flags.push(`--nat-1-1=${opts.natMapping}`);
  }
  if (opts.iceLite) flags.push('--ice-lite');
  if (opts.iceIgnoreList !== undefined) flags.push(`--ice-ignore-list=${opts.iceIgnoreList}`);
  return flags;
}

/** A readiness problem that waiting will not fix. */
class HardFailure extends Error {}

async function startOnce(opts, ports) {
  const adminSecret = opts.adminSecret ?? DEFAULTS.adminSecret;
  const serverName = randomId('kt-gateway-');
  const env = { ...process.env };
  // Only pass overrides that differ from the committed defaults, so the
  // plain default start runs straight from the folder (no temp copy).
  const setEnv = (key, value, def) => {
    if (value !== def) env[key] = String(value);
    else delete env[key];
  };
  setEnv('JANUS_WS_PORT', ports.ws, DEFAULTS.wsPort);
  setEnv('JANUS_HTTP_PORT', ports.http, DEFAULTS.httpPort);
  setEnv('JANUS_ADMIN_PORT', ports.admin, DEFAULTS.adminPort);
  setEnv('JANUS_ADMIN_SECRET', adminSecret, DEFAULTS.adminSecret);
  if (opts.debugLevel !== undefined) env.JANUS_DEBUG_LEVEL = String(opts.debugLevel);
  // Secure mode only when asked for: a secret left in the caller's environment must not turn a
  // plain startGateway() into a gateway that refuses the SDK's placeholder authKey.
  setEnv('JANUS_TOKEN_SECRET', opts.tokenSecret, undefined);
  setEnv('JANUS_API_SECRET', opts.apiSecret, undefined);
  // Always explicit, so the folder returned below is the one Janus writes into.
  const recordingsDir = path.resolve(opts.recordingsDir ?? DEFAULT_RECORDINGS_DIR);
  env.JANUS_RECORDINGS_DIR = recordingsDir;

  let logStream = null;
  if (opts.logFile) {
    fs.mkdirSync(path.dirname(path.resolve(opts.logFile)), { recursive: true });
    // Append: several gateways may share one log file.
    logStream = fs.createWriteStream(opts.logFile, { flags: 'a' });
    logStream.on('error', () => {}); // a broken log file must not crash the owner
  }
  const tail = tailBuffer(LOG_TAIL_BYTES);

  // run-janus.sh ends in `exec janus`, so child.pid IS Janus. The unique
  // server name (-n) lets the readiness check make sure the ports answer
  // for THIS Janus, not for some other process that grabbed them.
  const child = spawn('bash', [RUN_SCRIPT, '-n', serverName, ...mediaFlags(opts)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  installExitHook();

  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      running.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
  });
  let exitInfo = null;
  exited.then((info) => {
    exitInfo = info;
  });

  const forward = (stream, target) => {
    stream.on('data', (chunk) => {
      tail.push(chunk);
      if (logStream) logStream.write(chunk);
      else if (!opts.quiet) target.write(chunk);
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  const streamsClosed = Promise.all([
    new Promise((r) => child.stdout.once('close', r)),
    new Promise((r) => child.stderr.once('close', r)),
  ]);

  const closeLog = async () => {
    await Promise.race([streamsClosed, sleep(1000)]);
    if (logStream) await new Promise((r) => logStream.end(r));
  };

  let stopping = null;
  const stop = () => {
    if (stopping) return stopping;
    stopping = (async () => {
      if (!exitInfo) {
        try {
          child.kill('SIGTERM');
        } catch {
          /* already gone */
        }
        const timer = setTimeout(() => {
          try {
            child.kill('SIGKILL');
          } catch {
            /* already gone */
          }
        }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      for (const p of [ports.ws, ports.http, ports.admin]) reservedPorts.delete(p);
      await closeLog();
    })();
    return stopping;
  };

  const wsUrl = `ws://${HOST}:${ports.ws}`;
  const httpUrl = `http://${HOST}:${ports.http}/janus`;
  const adminUrl = `http://${HOST}:${ports.admin}/admin`;

  const timeoutMs = opts.timeoutMs ?? START_TIMEOUT_MS;
  const deadline = Date.now() + timeoutMs;
  // retryable: the failure looks like a lost race for a port, which a new
  // set of free ports fixes.
  const fail = async (reason, retryable = false) => {
    await stop();
    const err = new Error(`Janus gateway did not start: ${reason}\n--- last Janus output ---\n${tail.text()}`);
    err.janusLogTail = tail.text();
    err.retryable = retryable;
    throw err;
  };

  let lastProblem = 'no answer yet';
  for (;;) {
    if (exitInfo) {
      const why = exitInfo.error
        ? exitInfo.error.message
        : `process exited early (code ${exitInfo.code}, signal ${exitInfo.signal})`;
      return fail(why);
    }
    if (Date.now() > deadline) {
      return fail(`timed out after ${timeoutMs} ms (${lastProblem})`);
    }
    // Janus keeps running when a transport cannot bind its port (it only
    // logs a FATAL line and goes on without it): fail fast on that.
    const fatal = tail.text().match(/^.*\[FATAL\].*$/m);
    if (fatal) return fail(`Janus reported: ${fatal[0].trim()}`, true);
    let hardFailure = null; // a HardFailure: another process answers on one of our ports
    try {
      const info = await adminRequest(adminUrl, adminSecret, { janus: 'info' });
      if (info['server-name'] !== serverName) {
        // Someone else answers on this port.
        throw new HardFailure(`port ${ports.admin} is answered by another Janus (${info['server-name']})`);
      }
      const transports = Object.keys(info.transports || {});
      const missing = ['janus.transport.websockets', 'janus.transport.http'].filter((t) => !transports.includes(t));
      if (missing.length) {
        lastProblem = `transports not loaded yet: ${missing.join(', ')}`;
      } else {
        // The secret works (get_status needs it; info and ping do not).
        const status = await adminRequest(adminUrl, adminSecret, { janus: 'get_status' });
        if (status.janus !== 'success') throw new HardFailure(`Admin API rejected get_status: ${JSON.stringify(status.error)}`);
        if (status.status.token_auth !== Boolean(opts.tokenSecret)) {
          throw new HardFailure(`token_auth is ${status.status.token_auth}, expected ${Boolean(opts.tokenSecret)}`);
        }
        // The Janus API over HTTP is ours too.
        const res = await fetch(`${httpUrl}/info`, { signal: AbortSignal.timeout(2000) });
        const httpInfo = await res.json();
        if (httpInfo['server-name'] !== serverName) {
          throw new HardFailure(`port ${ports.http} is answered by another Janus (${httpInfo['server-name']})`);
        }
        // The websockets transport is loaded, so it bound ports.ws: wait
        // until that port accepts connections.
        if (await tcpAccepts(ports.ws)) break;
        lastProblem = `WebSocket port ${ports.ws} not accepting yet`;
      }
    } catch (e) {
      if (e instanceof HardFailure) hardFailure = e.message;
      else lastProblem = e && e.message ? e.message : String(e);
    }
    if (hardFailure) return fail(hardFailure, /another Janus/.test(hardFailure));
    await Promise.race([sleep(150), exited]);
  }

  return {
    wsUrl,
    httpUrl,
    adminUrl,
    adminSecret,
    tokenSecret: opts.tokenSecret,
    apiSecret: opts.apiSecret,
    recordingsDir,
    ports: { ...ports },
    pid: child.pid,
    exited,
    stop,
  };
}

/**
 * Start Janus from this folder (bash run-janus.sh) and wait until its Admin
 * API answers with the secret and its WebSocket port accepts connections.
 */
async function startGateway(opts = {}) {
  const attempts = opts.freePorts ? 3 : 1;
  let lastError;
  for (let i = 0; i < attempts; i++) {
    let ports;
    if (opts.freePorts) {
      const [ws, http, admin] = await pickFreePorts(3);
      ports = { ws, http, admin };
    } else {
      ports = {
        ws: opts.wsPort ?? DEFAULTS.wsPort,
        http: opts.httpPort ?? DEFAULTS.httpPort,
        admin: opts.adminPort ?? DEFAULTS.adminPort,
      };
    }
    try {
      return await startOnce(opts, ports);
    } catch (e) {
      lastError = e;
      if (opts.freePorts) for (const p of Object.values(ports)) reservedPorts.delete(p);
      // With free ports a lost race for a port is worth another try;
      // anything else (or an explicit port choice) is not.
      if (!e || !e.retryable) break;
    }
  }
  throw lastError;
}

module.exports = {
  startGateway,
  adminRequest,
  listSessions,
  listHandles,
  countHandles,
  DEFAULTS,
  LOCAL_SECURE_SECRETS,
};

if (require.main === module) {
  (async () => {
    const gw = await startGateway({
      wsPort: process.env.JANUS_WS_PORT ? Number(process.env.JANUS_WS_PORT) : undefined,
      httpPort: process.env.JANUS_HTTP_PORT ? Number(process.env.JANUS_HTTP_PORT) : undefined,
      adminPort: process.env.JANUS_ADMIN_PORT ? Number(process.env.JANUS_ADMIN_PORT) : undefined,
      adminSecret: process.env.JANUS_ADMIN_SECRET || undefined,
      tokenSecret: process.env.JANUS_TOKEN_SECRET || undefined,
      apiSecret: process.env.JANUS_API_SECRET || undefined,
      logFile: process.env.JANUS_LOG_FILE || undefined,
      recordingsDir: process.env.JANUS_RECORDINGS_DIR || undefined,
    });
    console.log(`\nJanus gateway is up (pid ${gw.pid})`);
    console.log(`  WebSocket  ${gw.wsUrl}`);
    console.log(`  HTTP       ${gw.httpUrl}`);
    console.log(`  Admin API  ${gw.adminUrl}  (admin_secret "${gw.adminSecret}")`);
    console.log(`  Recordings ${gw.recordingsDir}`);
    if (gw.tokenSecret) {
      console.log('  Token auth ON: init() needs a token, e.g. from');
      console.log('             JANUS_TOKEN_SECRET=... node gateway-config/mint-token.cjs');
    }
    console.log('Ctrl-C to stop.');
    let stopping = false;
    gw.exited.then(({ code, signal }) => {
      if (stopping) return;
      console.error(`Janus exited on its own (code ${code}, signal ${signal})`);
      process.exit(1);
    });
    const shutdown = async (sig) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${sig}: stopping Janus...`);
      await gw.stop();
      process.exit(0);
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  })().catch((e) => {
    console.error(e && e.message ? e.message : e);
    process.exit(1);
  });
}
