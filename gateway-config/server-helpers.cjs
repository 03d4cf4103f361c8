'use strict';
/**
 * Loads the package's server helpers (createToken, createTurnCredentials, ...) for the scripts in
 * this folder. They are built from sdk/server/ into dist/server.cjs, so the scripts and the
 * published package (`knowledgetalk-janus/server`) run the same code.
 */
const path = require('node:path');

const BUILT = path.join(__dirname, '..', 'dist', 'server.cjs');

function loadServerHelpers() {
  try {
    return require(BUILT);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes('server.cjs')) {
      throw new Error(`${BUILT} is missing: run \`npm run build\` first`);
    }
    throw e;
  }
}

module.exports = { loadServerHelpers };
