// Local demo server: `npm run demo` (or `node demo/serve.mjs` after `npm run build`).
//
// - starts a local Janus from gateway-config/ on the default ports, unless JANUS_URL is set
//   (then that gateway is used and nothing is started);
// - serves demo/ at / and dist/ at /dist/ on 127.0.0.1 (PORT, default 8080, or the next free one);
// - GET /config.json tells the page where the gateway is: { "server": "ws://..." }.
//
// Node >= 20, built-ins only.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const DEMO_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.resolve(DEMO_DIR, '..');
const DIST_DIR = path.join(ROOT_DIR, 'dist');
const HOST = '127.0.0.1';
const PORT_TRIES = 20;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

if (!fs.existsSync(path.join(DIST_DIR, 'knowledgetalk.umd.js'))) {
  fail('dist/knowledgetalk.umd.js is missing. Run `npm run build` first (or use `npm run demo`, which builds).');
}

// ---------------------------------------------------------------- shutdown

let gateway = null; // set when we started Janus ourselves
let server = null;
let shuttingDown = false;
async function stopGateway() {
  if (gateway) await gateway.stop();
}
async function shutdown(signal) {
  if (shuttingDown) {
    // A second Ctrl-C: do not wait any longer (start.cjs SIGKILLs its Janus on exit).
    process.exit(1);
  }
  shuttingDown = true;
  console.log(`\ndemo: ${signal}, stopping${gateway ? ' Janus' : ''} ...`);
  if (server) {
    server.close();
    server.closeAllConnections();
  }
  await stopGateway();
  process.exit(0);
}
// Installed before Janus starts, so a signal during its start-up still stops it.
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));

// ---------------------------------------------------------------- gateway

let serverUrl = process.env.JANUS_URL;
if (serverUrl) {
  console.log(`demo: using the gateway at ${serverUrl} (JANUS_URL); no local Janus started`);
} else {
  const { startGateway } = require('../gateway-config/start.cjs');
  const logFile = path.join(os.tmpdir(), 'knowledgetalk-demo-janus.log');
  console.log(`demo: starting Janus on the default ports (log: ${logFile}) ...`);
  try {
    gateway = await startGateway({ logFile });
  } catch (e) {
    fail(
      `could not start Janus: ${(e && e.message) || e}\n` +
        'Is another gateway already using ports 8188/8088/7088? Then stop it, or point the demo at it with\n' +
        '  JANUS_URL=ws://127.0.0.1:8188 node demo/serve.mjs',
    );
  }
  serverUrl = gateway.wsUrl;
  gateway.exited.then((info) => {
    if (shuttingDown) return;
    console.error(`demo: Janus exited unexpectedly (code ${info.code}, signal ${info.signal}); see its log above.`);
    process.exit(1);
  });
}

// ---------------------------------------------------------------- static files

/** The file under `root` that `rel` (URL-decoded, starting with '/') names, or null if it escapes `root`. */
function resolveInside(root, rel) {
  if (rel.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize(rel));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

function send(res, status, body, type = 'text/plain; charset=utf-8', head = false) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(head ? undefined : body);
}

function serveFile(req, res, root, rel) {
  const head = req.method === 'HEAD';
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = resolveInside(root, rel);
  if (!file) return send(res, 403, 'Forbidden\n', undefined, head);
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, 'Not found\n', undefined, head);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'content-length': st.size,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    if (head) return res.end();
    const stream = fs.createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });
}

server = http.createServer((req, res) => {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'Method not allowed\n');
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'Bad request\n', undefined, head);
  }
  // A raw "..", a backslash or an encoded separator never names a file here.
  if (pathname.split('/').includes('..') || pathname.includes('\\')) {
    return send(res, 403, 'Forbidden\n', undefined, head);
  }
  if (pathname === '/config.json') {
    return send(res, 200, JSON.stringify({ server: serverUrl }) + '\n', TYPES['.json'], head);
  }
  if (pathname === '/dist') {
    res.writeHead(301, { location: '/dist/' });
    return res.end();
  }
  if (pathname.startsWith('/dist/')) return serveFile(req, res, DIST_DIR, pathname.slice('/dist'.length));
  if (pathname === '/serve.mjs') return send(res, 404, 'Not found\n', undefined, head);
  return serveFile(req, res, DEMO_DIR, pathname);
});

function listen(port) {
  return new Promise((resolve, reject) => {
    const onError = (err) => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ host: HOST, port, exclusive: true });
  });
}

const firstPort = process.env.PORT ? Number(process.env.PORT) : 8080;
if (!Number.isInteger(firstPort) || firstPort < 0 || firstPort > 65535) {
  await stopGateway();
  fail(`PORT must be a TCP port number, got ${JSON.stringify(process.env.PORT)}`);
}
let port = null;
for (let i = 0; i < PORT_TRIES && port === null; i++) {
  const candidate = firstPort === 0 ? 0 : firstPort + i;
  if (candidate > 65535) break;
  try {
    port = await listen(candidate);
  } catch (e) {
    if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') {
      await stopGateway();
      fail(`cannot listen on ${HOST}:${candidate}: ${e.message}`);
    }
  }
}
if (port === null) {
  await stopGateway();
  fail(`ports ${firstPort}-${firstPort + PORT_TRIES - 1} are all busy; set PORT to a free one`);
}

console.log(`demo: gateway ${serverUrl}`);
console.log(`\n  Open http://localhost:${port}/ in two browser tabs (Ctrl-C to stop)\n`);

