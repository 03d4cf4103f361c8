'use strict';
/**
 * Which secrets a real deployment may use: `npm run gateway -- --secure` (start.cjs's CLI) and the
 * app server's CLI refuse the shipped defaults. production/start-production.sh applies the same
 * rule in bash (its `well_known` list is this one).
 */
const { DEFAULTS, LOCAL_SECURE_SECRETS } = require('./defaults.cjs');

/** Known to everyone: this project's local defaults and the samples of Janus's own configuration. */
const WELL_KNOWN_SECRETS = Object.freeze([
  DEFAULTS.adminSecret,
  LOCAL_SECURE_SECRETS.tokenSecret,
  LOCAL_SECURE_SECRETS.apiSecret,
  'janusoverlord',
  'janus',
  'supersecret',
  'secret',
  'changeme',
  'password',
]);

const MIN_SECRET_LENGTH = 16;

/**
 * Throws unless `value` (the variable `name` of the environment) is set, is none of the
 * well-known secrets and has at least 16 characters.
 */
function checkDeploymentSecret(name, value) {
  if (typeof value !== 'string' || value === '') throw new Error(`${name} is required (e.g. ${name}=$(openssl rand -hex 32))`);
  if (WELL_KNOWN_SECRETS.includes(value)) throw new Error(`${name} is a well-known default ('${value}'): use a long random string`);
  if (value.length < MIN_SECRET_LENGTH) throw new Error(`${name} must be at least ${MIN_SECRET_LENGTH} characters`);
  return value;
}

module.exports = { WELL_KNOWN_SECRETS, MIN_SECRET_LENGTH, checkDeploymentSecret };
