'use strict';
/**
 * A service of the gateway (Janus, the guard) as a child process of this Node process: spawned,
 * its output kept (a tail for error messages, and a log file or the console), and stopped.
 * janus-process.cjs and guard-process.cjs say what each one runs.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const STOP_GRACE_MS = 5000;
const LOG_TAIL_BYTES = 16 * 1024;

/** Services started by this Node process and not yet exited. */
const running = new Set();

let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // Never leave an orphan Janus or guard behind if the owner forgets stop() or dies.
  process.on('exit', () => {
    for (const child of running) {
      try {
        child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

/** Keeps the last `max` bytes of a stream of chunks (for error messages). */
function tailBuffer(max) {
  let chunks = [];
  let size = 0;
  return {
    push(chunk) {
      chunks.push(chunk);
      size += chunk.length;
      while (size > max && chunks.length > 1) size -= chunks.shift().length;
    },
    text() {
      const s = Buffer.concat(chunks).toString('utf8');
      return s.length > max ? s.slice(s.length - max) : s;
    },
  };
}

/** A stream appending to `logFile`, or null without one. */
function openLogFile(logFile) {
  if (!logFile) return null;
  fs.mkdirSync(path.dirname(path.resolve(logFile)), { recursive: true });
  // Append: several gateways may share one log file.
  const stream = fs.createWriteStream(logFile, { flags: 'a' });
  stream.on('error', () => {}); // a broken log file must not crash the owner
  return stream;
}

/** SIGTERM, then SIGKILL if the process is still there after the grace period. */
async function terminate(child, exited) {
  try {
    child.kill('SIGTERM');
  } catch {
    /* already gone */
  }
  const timer = setTimeout(() => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }, STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

/**
 * Keeps `child`'s stdout and stderr: the last 16 KB for `text()`, and all of it in `logFile`
 * (appended), else on this process's console unless `quiet`. `close()` waits for the output to
 * end (1 s at most: stop() must not hang on a pipe), then closes the log file.
 */
function captureOutput(child, { logFile, quiet }) {
  const logStream = openLogFile(logFile);
  const tail = tailBuffer(LOG_TAIL_BYTES);
  const forward = (stream, target) => {
    stream.on('data', (chunk) => {
      tail.push(chunk);
      if (logStream) logStream.write(chunk);
      else if (!quiet) target.write(chunk);
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  const streamsClosed = Promise.all([new Promise((r) => child.stdout.once('close', r)), new Promise((r) => child.stderr.once('close', r))]);
  return {
    text: () => tail.text(),
    async close() {
      let timer;
      await Promise.race([streamsClosed, new Promise((r) => (timer = setTimeout(r, 1000)))]);
      clearTimeout(timer);
      if (logStream) await new Promise((r) => logStream.end(r));
    },
  };
}

/**
 * Spawns `command args` with `env`; its output as captureOutput says. Returns its pid, `exited`
 * (resolves with {code, signal}, or {error} if it could not be spawned), `exitInfo()` (that, or
 * null while it runs), `outputTail()` (the last 16 KB of its output) and `stop()` (SIGTERM, SIGKILL
 * after 5 s, then its output closed; idempotent).
 */
function spawnChild({ command, args, env, logFile, quiet }) {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  installExitHook();
  const output = captureOutput(child, { logFile, quiet });

  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    });
    child.once('error', (err) => {
      running.delete(child);
      resolve({ code: null, signal: null, error: err });
    });
  });
  let exitInfo = null;
  exited.then((info) => {
    exitInfo = info;
  });

  let stopping = null;
  const stop = () => {
    stopping ??= (async () => {
      if (!exitInfo) await terminate(child, exited);
      await output.close();
    })();
    return stopping;
  };

  return {
    pid: child.pid,
    exited,
    exitInfo: () => exitInfo,
    outputTail: output.text,
    stop,
  };
}

module.exports = { spawnChild };
