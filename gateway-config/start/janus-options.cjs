'use strict';
/**
 * What Janus is given for startGateway's options: the environment run-janus.sh reads, and the
 * command-line flags Janus adds to its configuration (over the .jcfg files).
 */
const net = require('node:net');
const path = require('node:path');
const { DEFAULTS, DEFAULT_RECORDINGS_DIR } = require('./defaults.cjs');

/**
 * Variables set from startGateway's own options. The `env` option may not set them: the readiness
 * check and the returned Gateway rely on the values the options give.
 */
const SET_FROM_OPTIONS = Object.freeze([
  'JANUS_WS_PORT',
  'JANUS_HTTP_PORT',
  'JANUS_ADMIN_PORT',
  'JANUS_ADMIN_SECRET',
  'JANUS_DEBUG_LEVEL',
  'JANUS_TOKEN_SECRET',
  'JANUS_API_SECRET',
  'JANUS_RECORDINGS_DIR',
]);

/** process.env with the `env` option merged over it (a variable given as undefined is removed). */
function baseEnvironment(extra = {}) {
  const clashing = Object.keys(extra).filter((key) => SET_FROM_OPTIONS.includes(key));
  if (clashing.length) {
    throw new Error(`startGateway: env may not set ${clashing.join(', ')}; use the matching startGateway options`);
  }
  const env = { ...process.env };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = String(value);
  }
  return env;
}

/**
 * The environment for run-janus.sh on `ports`, and the absolute recordings folder it names.
 * `adminSecret` is the one the caller will use (the option or the default).
 */
function janusEnvironment(opts, ports, adminSecret) {
  const env = baseEnvironment(opts.env);
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
  // Always explicit, so the folder returned is the one Janus writes into.
  const recordingsDir = path.resolve(opts.recordingsDir ?? DEFAULT_RECORDINGS_DIR);
  env.JANUS_RECORDINGS_DIR = recordingsDir;
  return { env, recordingsDir };
}

/**
 * Janus command-line flags for the media options. Tests use them to put the gateway's media
 * behind an address of their choosing.
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

module.exports = { janusEnvironment, mediaFlags, SET_FROM_OPTIONS };
