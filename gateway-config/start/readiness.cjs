'use strict';
/**
 * Waits until a Janus just spawned is ready for the SDK, and is really the one we spawned: its
 * Admin API answers with the secret (and token auth as asked), both transports are loaded, the
 * HTTP API answers and the WebSocket port accepts connections. The unique server name Janus was
 * started with (-n) proves that the ports answer for THIS Janus, not for some other process that
 * grabbed them.
 */
const { setTimeout: sleep } = require('node:timers/promises');
const { postAdminRequest } = require('./admin-request.cjs');
const { tcpAccepts } = require('./ports.cjs');

const START_TIMEOUT_MS = 20000;
const POLL_INTERVAL_MS = 150;
const TRANSPORTS = ['janus.transport.websockets', 'janus.transport.http'];

/**
 * Why the gateway did not start. `retryable`: the failure looks like a lost race for a port,
 * which a new set of free ports fixes.
 */
class StartFailure extends Error {
  constructor(reason, retryable = false) {
    super(reason);
    this.retryable = retryable;
  }
}

/** A readiness problem that waiting will not fix. */
class HardFailure extends Error {}

/**
 * One look at the gateway: resolves with undefined when it is ready, or with what it is still
 * waiting for; throws a HardFailure when waiting will not help.
 */
async function probe({ serverName, ports, urls, adminSecret, tokenAuth }) {
  const info = await postAdminRequest(urls.admin, adminSecret, { janus: 'info' });
  if (info['server-name'] !== serverName) {
    // Someone else answers on this port.
    throw new HardFailure(`port ${ports.admin} is answered by another Janus (${info['server-name']})`);
  }
  const transports = Object.keys(info.transports || {});
  const missing = TRANSPORTS.filter((t) => !transports.includes(t));
  if (missing.length) return `transports not loaded yet: ${missing.join(', ')}`;
  // The secret works (get_status needs it; info and ping do not).
  const status = await postAdminRequest(urls.admin, adminSecret, { janus: 'get_status' });
  if (status.janus !== 'success') throw new HardFailure(`Admin API rejected get_status: ${JSON.stringify(status.error)}`);
  if (status.status.token_auth !== tokenAuth) {
    throw new HardFailure(`token_auth is ${status.status.token_auth}, expected ${tokenAuth}`);
  }
  // The Janus API over HTTP is ours too.
  const res = await fetch(`${urls.http}/info`, { signal: AbortSignal.timeout(2000) });
  const httpInfo = await res.json();
  if (httpInfo['server-name'] !== serverName) {
    throw new HardFailure(`port ${ports.http} is answered by another Janus (${httpInfo['server-name']})`);
  }
  // The websockets transport is loaded, so it bound ports.ws: wait
  // until that port accepts connections.
  if (await tcpAccepts(ports.ws)) return undefined;
  return `WebSocket port ${ports.ws} not accepting yet`;
}

/**
 * Polls `probe` until the gateway is ready. Rejects with a StartFailure when Janus exits, logs a
 * [FATAL] line, fails a check that waiting will not fix, or is not ready within `timeoutMs`.
 * `janus` is what spawnJanus returned; `expected` is what probe compares against.
 */
async function waitUntilReady(janus, expected, timeoutMs = START_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    const exitInfo = janus.exitInfo();
    if (exitInfo) {
      throw new StartFailure(exitInfo.error
        ? exitInfo.error.message
        : `process exited early (code ${exitInfo.code}, signal ${exitInfo.signal})`);
    }
    if (Date.now() > deadline) throw new StartFailure(`timed out after ${timeoutMs} ms (${lastProblem})`);
    // Janus keeps running when a transport cannot bind its port (it only
    // logs a FATAL line and goes on without it): fail fast on that.
    const fatal = janus.outputTail().match(/^.*\[FATAL\].*$/m);
    if (fatal) throw new StartFailure(`Janus reported: ${fatal[0].trim()}`, true);
    try {
      const waitingFor = await probe(expected);
      if (waitingFor === undefined) return;
      lastProblem = waitingFor;
    } catch (e) {
      if (e instanceof HardFailure) throw new StartFailure(e.message, /another Janus/.test(e.message));
      lastProblem = e && e.message ? e.message : String(e);
    }
    await Promise.race([sleep(POLL_INTERVAL_MS), janus.exited]);
  }
}

module.exports = { waitUntilReady };
