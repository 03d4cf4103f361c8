'use strict';
/**
 * Waits until a gateway just spawned is ready for the SDK, and is really the one we spawned:
 *
 * - Janus: its Admin API answers with the secret (token auth off: tokens are the guard's), both
 *   transports are loaded, and its own WebSocket answers `info`. The unique server name Janus was
 *   started with (-n) proves that the ports answer for THIS Janus, not for some other process that
 *   grabbed them.
 * - The guard, started after Janus is ready: it printed its `listening on` line (so it is ours,
 *   serving, and has its admin session in Janus) and its port answers a Janus `ping` with `pong`.
 */
const { setTimeout: sleep } = require('node:timers/promises');
const { postAdminRequest } = require('./admin-request.cjs');
const { wsRequest } = require('./ws-request.cjs');

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
class HardFailure extends Error {
  constructor(reason, retryable = false) {
    super(reason);
    this.retryable = retryable;
  }
}

/**
 * One look at Janus: resolves with undefined when it is ready, or with what it is still waiting
 * for; throws a HardFailure when waiting will not help.
 */
async function probeJanus({ serverName, ports, urls, adminSecret, apiSecret }) {
  const info = await postAdminRequest(urls.admin, adminSecret, { janus: 'info' });
  if (info['server-name'] !== serverName) {
    // Someone else answers on this port.
    throw new HardFailure(`port ${ports.admin} is answered by another Janus (${info['server-name']})`, true);
  }
  const transports = Object.keys(info.transports || {});
  const missing = TRANSPORTS.filter((t) => !transports.includes(t));
  if (missing.length) return `transports not loaded yet: ${missing.join(', ')}`;
  // The secret works (get_status needs it; info and ping do not).
  const status = await postAdminRequest(urls.admin, adminSecret, { janus: 'get_status' });
  if (status.janus !== 'success') throw new HardFailure(`Admin API rejected get_status: ${JSON.stringify(status.error)}`);
  if (status.status.token_auth !== false) throw new HardFailure("Janus has token_auth on: tokens are the guard's, Janus must not check them");
  // The websockets transport is loaded, so it bound its port: wait until that port answers, as us.
  let wsInfo;
  try {
    wsInfo = await wsRequest(urls.janusWs, { janus: 'info', ...(apiSecret ? { apisecret: apiSecret } : {}) });
  } catch (e) {
    return `Janus WebSocket ${urls.janusWs} not answering yet (${e.message})`;
  }
  if (wsInfo['server-name'] !== serverName) {
    throw new HardFailure(`port ${ports.janusWs} is answered by another Janus (${wsInfo['server-name']})`, true);
  }
  return undefined;
}

/** One look at the guard: undefined when ready, else what it is waiting for. */
async function probeGuard(guard, url) {
  if (!/kt-guard: listening on /.test(guard.outputTail())) return 'the guard has not said it listens yet';
  const answer = await wsRequest(url, { janus: 'ping' });
  if (answer.janus !== 'pong') throw new HardFailure(`the guard answered ping with ${JSON.stringify(answer).slice(0, 200)}`);
  return undefined;
}

/**
 * Polls `probe` until it resolves undefined. Rejects with a StartFailure when `child` (what
 * spawnChild returned) exits, logs a fatal line (`fatal` matches it), fails a check that waiting
 * will not fix, or is not ready within `timeoutMs`.
 */
async function pollUntilReady(child, { name, probe, fatal, timeoutMs = START_TIMEOUT_MS }) {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  for (;;) {
    const exitInfo = child.exitInfo();
    if (exitInfo) {
      const why = exitInfo.error ? exitInfo.error.message : `${name} exited early (code ${exitInfo.code}, signal ${exitInfo.signal})`;
      // The guard says EADDRINUSE when its port was taken meanwhile: new ports fix that.
      throw new StartFailure(why, /EADDRINUSE/.test(child.outputTail()));
    }
    if (Date.now() > deadline) throw new StartFailure(`${name}: timed out after ${timeoutMs} ms (${lastProblem})`);
    const line = fatal && child.outputTail().match(fatal);
    if (line) throw new StartFailure(`${name} reported: ${line[0].trim()}`, true);
    try {
      const waitingFor = await probe();
      if (waitingFor === undefined) return;
      lastProblem = waitingFor;
    } catch (e) {
      if (e instanceof HardFailure) throw new StartFailure(e.message, e.retryable);
      lastProblem = e && e.message ? e.message : String(e);
    }
    await Promise.race([sleep(POLL_INTERVAL_MS), child.exited]);
  }
}

/** Waits until `janus` is ready; `expected` is what probeJanus compares against. */
function waitUntilJanusReady(janus, expected, timeoutMs) {
  // Janus keeps running when a transport cannot bind its port (it only logs a FATAL line and goes
  // on without it): fail fast on that.
  return pollUntilReady(janus, { name: 'Janus', probe: () => probeJanus(expected), fatal: /^.*\[FATAL\].*$/m, timeoutMs });
}

/** Waits until `guard` serves on `url`. */
function waitUntilGuardReady(guard, url, timeoutMs) {
  return pollUntilReady(guard, { name: 'the guard', probe: () => probeGuard(guard, url), timeoutMs });
}

module.exports = { waitUntilJanusReady, waitUntilGuardReady };
