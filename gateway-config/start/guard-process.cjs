'use strict';
/**
 * The gateway guard as a child process: `node guard.cjs`, configured through its environment only
 * (secrets never on a command line), in front of the Janus that startGateway started.
 */
const { spawnChild } = require('./child-process.cjs');
const { GUARD_CLI } = require('./defaults.cjs');

/**
 * The guard's environment: this process's, without any guard or Janus setting it may have
 * inherited (a KT_TOKEN_SECRET left in a shell must not change a plain startGateway()), plus the
 * settings of this start.
 */
function guardEnvironment({ port, host, janusUrl, profile, tokenSecret, adminKey, apiSecret }) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(KT_|JANUS_)/.test(key)) env[key] = value;
  }
  Object.assign(env, {
    KT_GUARD_PORT: String(port),
    KT_GUARD_HOST: host,
    KT_JANUS_URL: janusUrl,
    KT_PROFILE: profile,
    JANUS_VIDEOROOM_ADMIN_KEY: adminKey,
    // Janus is up already (startGateway waited for it): no need to wait for it long.
    KT_JANUS_WAIT_MS: '5000',
  });
  if (tokenSecret !== undefined) env.KT_TOKEN_SECRET = tokenSecret;
  if (apiSecret !== undefined) env.JANUS_API_SECRET = apiSecret;
  return env;
}

/** Spawns the guard (see child-process.cjs for what it returns). */
function spawnGuard(settings, { logFile, quiet }) {
  return spawnChild({ command: process.execPath, args: [GUARD_CLI], env: guardEnvironment(settings), logFile, quiet });
}

module.exports = { spawnGuard, guardEnvironment };
