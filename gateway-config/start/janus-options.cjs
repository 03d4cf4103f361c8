'use strict';
/**
 * What Janus is given for startGateway's options: the environment run-janus.sh reads, and the
 * command-line flags Janus adds to its configuration (over the .jcfg files). What the guard is
 * given is guard-process.cjs's.
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
  'JANUS_ADMIN_PORT',
  'JANUS_ADMIN_SECRET',
  'JANUS_DEBUG_LEVEL',
  'JANUS_API_SECRET',
  'JANUS_RECORDINGS_DIR',
  // A fresh random one on every start, given to Janus and the guard only.
  'JANUS_VIDEOROOM_ADMIN_KEY',
]);

/**
 * Variables run-janus.sh refuses (Janus does no token auth and has no TextRoom any more), and the
 * guard's own: dropped from an inherited process.env, so a value left in the caller's environment
 * cannot stop or change a plain startGateway().
 */
const NOT_FOR_JANUS = Object.freeze(['JANUS_TOKEN_SECRET', 'JANUS_TEXTROOM_ADMIN_KEY', 'KT_TOKEN_SECRET']);

/** process.env with the `env` option merged over it (a variable given as undefined is removed). */
function baseEnvironment(extra = {}) {
  const clashing = Object.keys(extra).filter((key) => SET_FROM_OPTIONS.includes(key));
  if (clashing.length) {
    throw new Error(`startGateway: env may not set ${clashing.join(', ')}; use the matching startGateway options`);
  }
  const env = { ...process.env };
  for (const key of NOT_FOR_JANUS) delete env[key];
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = String(value);
  }
  return env;
}

/**
 * The environment for run-janus.sh on `ports` ({janusWs, admin}), and the absolute recordings
 * folder it names. `adminSecret` is the one the caller will use (the option or the default);
 * `adminKey` the VideoRoom admin_key of this start.
 */
function janusEnvironment(opts, ports, adminSecret, adminKey) {
  const env = baseEnvironment(opts.env);
  // Only pass overrides that differ from the committed defaults, so the
  // plain default start runs straight from the folder (no temp copy).
  const setEnv = (key, value, def) => {
    if (value !== def) env[key] = String(value);
    else delete env[key];
  };
  setEnv('JANUS_WS_PORT', ports.janusWs, DEFAULTS.janusWsPort);
  setEnv('JANUS_ADMIN_PORT', ports.admin, DEFAULTS.adminPort);
  setEnv('JANUS_ADMIN_SECRET', adminSecret, DEFAULTS.adminSecret);
  if (opts.debugLevel !== undefined) env.JANUS_DEBUG_LEVEL = String(opts.debugLevel);
  // Only when asked for: a secret left in the caller's environment must not change the gateway.
  setEnv('JANUS_API_SECRET', opts.apiSecret, undefined);
  env.JANUS_VIDEOROOM_ADMIN_KEY = adminKey;
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
