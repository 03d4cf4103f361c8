'use strict';
/**
 * Start / stop a local Janus gateway from this folder's configuration. Used by the test fixtures
 * (Jest global setup) and runnable on its own:
 *
 *   node gateway-config/start.cjs      # default ports, until Ctrl-C
 *   JANUS_TOKEN_SECRET=... node gateway-config/start.cjs   # secure mode (token auth)
 *   JANUS_RECORDINGS_DIR=/data/rec node gateway-config/start.cjs   # where recordings go
 *
 * Its parts, one job each, are in start/: janus-options.cjs (environment and flags from the
 * options), janus-process.cjs (spawn, output, stop), readiness.cjs (the readiness poll),
 * ports.cjs (free ports), admin-request.cjs (one Admin API request), defaults.cjs.
 *
 * Plain CommonJS for Node >= 20, Node built-ins only. Types: start.d.cts.
 */

const crypto = require('node:crypto');
const { HOST, DEFAULTS, LOCAL_SECURE_SECRETS } = require('./start/defaults.cjs');
const { janusEnvironment, mediaFlags } = require('./start/janus-options.cjs');
const { spawnJanus } = require('./start/janus-process.cjs');
const { pickFreePorts, releasePorts } = require('./start/ports.cjs');
const { waitUntilReady } = require('./start/readiness.cjs');

/** One start on the given ports: spawn Janus, wait until it is ready, or stop it and throw. */
async function startOnce(opts, ports) {
  const adminSecret = opts.adminSecret ?? DEFAULTS.adminSecret;
  // The unique server name (-n) lets the readiness check make sure the
  // ports answer for THIS Janus.
  const serverName = 'kt-gateway-' + crypto.randomBytes(8).toString('hex');
  const { env, recordingsDir } = janusEnvironment(opts, ports, adminSecret);
  const args = ['-n', serverName, ...mediaFlags(opts)];
  const janus = spawnJanus({ args, env, logFile: opts.logFile, quiet: opts.quiet });

  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      await janus.stop();
      releasePorts([ports.ws, ports.http, ports.admin]);
    })();
    return stopping;
  };

  const urls = {
    ws: `ws://${HOST}:${ports.ws}`,
    http: `http://${HOST}:${ports.http}/janus`,
    admin: `http://${HOST}:${ports.admin}/admin`,
  };
  try {
    await waitUntilReady(janus, { serverName, ports, urls, adminSecret, tokenAuth: Boolean(opts.tokenSecret) }, opts.timeoutMs);
  } catch (e) {
    await stop();
    const tail = janus.outputTail();
    const err = new Error(`Janus gateway did not start: ${e.message}\n--- last Janus output ---\n${tail}`);
    err.janusLogTail = tail;
    err.retryable = Boolean(e.retryable);
    throw err;
  }

  return {
    wsUrl: urls.ws,
    httpUrl: urls.http,
    adminUrl: urls.admin,
    adminSecret,
    tokenSecret: opts.tokenSecret,
    apiSecret: opts.apiSecret,
    recordingsDir,
    ports: { ...ports },
    pid: janus.pid,
    exited: janus.exited,
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
