'use strict';
/**
 * Loads the package's Node builds for the scripts in this folder: the server helpers
 * (dist/server.cjs: TURN credentials; `knowledgetalk-janus/server`) and the gateway guard
 * (dist/guard.cjs: startGuard, signToken; `knowledgetalk-janus/guard`). They are built from
 * sdk/server/ by `npm run build`, so the scripts and the published package run the same code.
 */
const path = require('node:path');

const DIST = path.join(__dirname, '..', 'dist');

function load(file) {
  const built = path.join(DIST, file);
  try {
    return require(built);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(file)) {
      throw new Error(`${built} is missing: run \`npm run build\` first`);
    }
    throw e;
  }
}

/** dist/server.cjs: createTurnCredentials, turnIceServer, ... */
function loadServerHelpers() {
  return load('server.cjs');
}

/** dist/guard.cjs: startGuard, signToken, identify, MAX_FRAME_BYTES. */
function loadGuard() {
  return load('guard.cjs');
}

module.exports = { loadServerHelpers, loadGuard };
