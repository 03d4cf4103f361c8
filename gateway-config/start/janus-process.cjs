'use strict';
/** Janus as a child process: `bash run-janus.sh`, which ends in `exec janus`, so its pid IS Janus's. */
const path = require('node:path');
const { spawnChild } = require('./child-process.cjs');

const RUN_SCRIPT = path.join(__dirname, '..', 'run-janus.sh');

/** Spawns `bash run-janus.sh <args>` with `env` (see child-process.cjs for what it returns). */
function spawnJanus({ args, env, logFile, quiet }) {
  return spawnChild({ command: 'bash', args: [RUN_SCRIPT, ...args], env, logFile, quiet });
}

module.exports = { spawnJanus };
