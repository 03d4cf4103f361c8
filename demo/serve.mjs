// Local demo server: `npm run demo` (or `node demo/serve.mjs` after `npm run build`).
//
// - starts the local gateway from gateway-config/ on the default ports (startGateway: Janus on
//   loopback and the gateway guard in front of it on ws://127.0.0.1:8188) in its secure profile:
//   every session needs a token, which this server hands out as the app server of a deployment
//   does (POST /api/token, gateway-config/app-server.cjs, open sign-up: any name gets a fresh
//   identity, a token for the room it asks for or for creating one). With JANUS_URL set, that
//   gateway is used and nothing is started; tokens are then handed out only with KT_TOKEN_SECRET
//   (that gateway's secret), else the page sends a constant key (a development gateway);
// - serves the app (demo/index.html, demo/src/, demo/style.css) on 127.0.0.1 (PORT, default 8080,
//   or the next free one; PORT=0 picks any free port);
// - serves our package's ES module build (dist/knowledgetalk.mjs) and its three dependencies under
//   /vendor/, for the import map in index.html (see "Why an import map" below);
// - GET /config.json tells the page where the gateway (its guard) is, and where to get a token:
//   { "server": "ws://...", "tokenEndpoint": "/api/token" } (demo/src/config.js).
//
// Also usable from code: `startDemoServer({ port, janusUrl, tokenSecret })` resolves with `{ url, port, close }`.
//
// Why an import map and not a bundle: the demo imports our package exactly as an application does
// (`import Knowledgetalk from 'knowledgetalk-janus'`), runs the very file `npm run build` publishes,
// and needs no build step of its own: edit a file under demo/src, reload the tab. The browser
// resolves the bare names through the import map; this server maps each one onto one whitelisted
// file of node_modules (nothing else of node_modules is reachable). An application would normally
// let its own bundler resolve the same names.
//
// Node >= 20, built-ins only.
import http from 'node:http';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const DEMO_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.resolve(DEMO_DIR, '..');
const DIST_DIR = path.join(ROOT_DIR, 'dist');
const MODULES = path.join(ROOT_DIR, 'node_modules');
const HOST = '127.0.0.1';
const PORT_TRIES = 20;

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  // What the SDK's lazy parts and the background blur load: WebAssembly, the segmentation model,
  // pdf.js's data files (CMaps, fonts, ICC profiles).
  '.wasm': 'application/wasm',
  '.tflite': 'application/octet-stream',
  '.binarypb': 'application/octet-stream',
  '.data': 'application/octet-stream',
  '.bcmap': 'application/octet-stream',
  '.pfb': 'application/octet-stream',
  '.ttf': 'font/ttf',
  '.icc': 'application/vnd.iccprofile',
};

/**
 * The browser ES modules behind the import map's bare names: janus-gateway's and mitt's ES builds,
 * and the one module of webrtc-adapter the SDK imports (its browser detection, plain ES).
 */
const VENDOR = {
  '/vendor/janus-gateway.js': { file: path.join(MODULES, 'janus-gateway/npm/dist/janus.es.js') },
  '/vendor/mitt.js': { file: path.join(MODULES, 'mitt/dist/mitt.mjs') },
  '/vendor/webrtc-adapter-utils.js': { file: path.join(MODULES, 'webrtc-adapter/src/js/utils.js') },
};

/** Files of demo/ that are not part of the app. */
const NOT_SERVED = new Set(['/serve.mjs', '/README.md']);

// ---------------------------------------------------------------- static files

/** The file under `root` that `rel` (URL-decoded, starting with '/') names, or null if it escapes `root`. */
function resolveInside(root, rel) {
  if (rel.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize(rel));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

function send(res, status, body, type = 'text/plain; charset=utf-8', head = false, headers = {}) {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(head ? undefined : body);
}

function serveFile(req, res, file, headers = {}) {
  const head = req.method === 'HEAD';
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, 'Not found\n', undefined, head);
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      'content-length': st.size,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      ...headers,
    });
    if (head) return res.end();
    const stream = fs.createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  });
}

function serveVendor(req, res, entry) {
  const head = req.method === 'HEAD';
  fs.readFile(entry.file, 'utf8', (err, source) => {
    if (err) return send(res, 500, `missing ${path.relative(ROOT_DIR, entry.file)}: run npm ci\n`, undefined, head);
    send(res, 200, source, TYPES['.js'], head);
  });
}

/**
 * The HTTP(S) origins of the gateway(s) in the config: the guard's file store (shared documents)
 * is on the guard's port, so the page may show images from there. `ws://h:p` -> `http://h:p`.
 */
export function gatewayOrigins(server) {
  const origins = new Set();
  for (const url of [].concat(server ?? [])) {
    try {
      const u = new URL(url);
      const scheme = { 'ws:': 'http:', 'wss:': 'https:', 'http:': 'http:', 'https:': 'https:' }[u.protocol];
      if (scheme) origins.add(`${scheme}//${u.host}`);
    } catch {
      // not a URL: nothing to allow
    }
  }
  return [...origins];
}

/**
 * Content-Security-Policy for the HTML page. Scripts: our own files plus the inline import map
 * (allowed by its hash); 'wasm-unsafe-eval' lets WebAssembly compile (the background blur's model
 * runtime, pdf.js's image decoders), never JavaScript eval. No inline event handlers can run, which
 * backs up (never replaces) rendering every user-provided string as text. The gateway is on another
 * port, so WebSocket and HTTP(S) connections are allowed anywhere the config may point; images
 * also from the gateway's own file store (`imageOrigins`: documents shared in the room).
 */
function contentSecurityPolicy(html, imageOrigins = []) {
  const hashes = [...html.matchAll(/<script type="importmap">([\s\S]*?)<\/script>/g)].map(
    (m) => `'sha256-${crypto.createHash('sha256').update(m[1]).digest('base64')}'`,
  );
  return [
    "default-src 'self'",
    `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
    "style-src 'self'",
    ["img-src 'self' data: blob:", ...imageOrigins].join(' '),
    "worker-src 'self' blob:",
    "media-src 'self' blob: mediastream:",
    "connect-src 'self' ws: wss: http: https:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function serveIndex(req, res, imageOrigins) {
  const head = req.method === 'HEAD';
  fs.readFile(path.join(DEMO_DIR, 'index.html'), 'utf8', (err, html) => {
    if (err) return send(res, 500, 'demo/index.html is missing\n', undefined, head);
    send(res, 200, html, TYPES['.html'], head, {
      'content-security-policy': contentSecurityPolicy(html, imageOrigins),
      'referrer-policy': 'no-referrer',
      // Camera, microphone, screen capture and speaker selection for this page only.
      'permissions-policy': 'camera=(self), microphone=(self), display-capture=(self), speaker-selection=(self)',
    });
  });
}

function handler(config, tokens) {
  const configBody = JSON.stringify(config) + '\n';
  const imageOrigins = gatewayOrigins(config.server);
  return (req, res) => {
    const head = req.method === 'HEAD';
    if (tokens?.(req, res)) return; // POST /api/token, GET /api/health
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
    if (pathname === '/' || pathname === '/index.html') return serveIndex(req, res, imageOrigins);
    if (pathname === '/config.json') return send(res, 200, configBody, TYPES['.json'], head);
    if (VENDOR[pathname]) return serveVendor(req, res, VENDOR[pathname]);
    if (pathname.startsWith('/dist/')) {
      const file = resolveInside(DIST_DIR, pathname.slice('/dist'.length));
      return file ? serveFile(req, res, file) : send(res, 403, 'Forbidden\n', undefined, head);
    }
    if (NOT_SERVED.has(pathname)) return send(res, 404, 'Not found\n', undefined, head);
    const file = resolveInside(DEMO_DIR, pathname);
    return file ? serveFile(req, res, file) : send(res, 403, 'Forbidden\n', undefined, head);
  };
}

function listen(server, port, host) {
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
    server.listen({ host, port, exclusive: true });
  });
}

/** Listens on `firstPort` or one of the next PORT_TRIES - 1 ports (any free port when 0). */
async function listenNear(server, firstPort, host) {
  for (let i = 0; i < PORT_TRIES; i++) {
    const candidate = firstPort === 0 ? 0 : firstPort + i;
    if (candidate > 65535) break;
    try {
      return await listen(server, candidate, host);
    } catch (e) {
      if (e.code !== 'EADDRINUSE' && e.code !== 'EACCES') throw new Error(`cannot listen on ${host}:${candidate}: ${e.message}`);
    }
  }
  throw new Error(`ports ${firstPort}-${firstPort + PORT_TRIES - 1} are all busy; set PORT to a free one`);
}

// ---------------------------------------------------------------- API

/**
 * Starts the demo's HTTP server (and a local gateway, Janus + guard, when no `janusUrl` is given).
 *
 * @param {object} [options]
 * @param {number} [options.port=8080] first port to try; 0 for any free port
 * @param {string} [options.janusUrl] the gateway the page talks to; unset: start a local one (secure profile)
 * @param {string} [options.tokenSecret] that gateway's token secret: hand out tokens for it (a local gateway gets a fresh one)
 * @param {string} [options.host='127.0.0.1']
 * @param {string} [options.janusLogFile] where a gateway started here writes its log (Janus and guard)
 * @returns {Promise<{ url: string, port: number, janusUrl: string, gateway: object|null, close: () => Promise<void> }>}
 */
export async function startDemoServer(options = {}) {
  const host = options.host ?? HOST;
  const firstPort = options.port ?? 8080;
  if (!Number.isInteger(firstPort) || firstPort < 0 || firstPort > 65535) {
    throw new Error(`port must be a TCP port number, got ${JSON.stringify(options.port)}`);
  }
  if (!fs.existsSync(path.join(DIST_DIR, 'knowledgetalk.mjs'))) {
    throw new Error('dist/knowledgetalk.mjs is missing. Run `npm run build` first (or use `npm run demo`, which builds).');
  }

  let gateway = null;
  let janusUrl = options.janusUrl;
  let tokenSecret = options.tokenSecret;
  if (!janusUrl) {
    const { startGateway } = require('../gateway-config/start.cjs');
    // Safe by default: a secret of this run only, known to the guard and to the token handler.
    tokenSecret = crypto.randomBytes(24).toString('base64url');
    gateway = await startGateway({ profile: 'secure', tokenSecret, logFile: options.janusLogFile });
    // The guard: browsers never talk to Janus itself.
    janusUrl = gateway.wsUrl;
  }

  // What the page reads at start-up: the gateway, and where its tokens come from.
  const config = { server: janusUrl };
  let tokens = null;
  if (tokenSecret) {
    const { createTokenHandler } = require('../gateway-config/app-server.cjs');
    // Open sign-up, the demo's way (a real app signs its users in first: signIn). No rate limit:
    // this is a local tool, and its tests join dozens of times a minute from one address.
    tokens = createTokenHandler({ tokenSecret, allowOpenSignUp: true, rateLimit: false });
    config.tokenEndpoint = '/api/token';
  }
  const server = http.createServer(handler(config, tokens));
  let port;
  try {
    port = await listenNear(server, firstPort, host);
  } catch (e) {
    if (gateway) await gateway.stop();
    throw e;
  }

  let closing = null;
  const close = () => {
    closing ??= (async () => {
      server.close();
      server.closeAllConnections();
      if (gateway) await gateway.stop();
    })();
    return closing;
  };
  return { url: `http://${host === '127.0.0.1' ? 'localhost' : host}:${port}/`, port, janusUrl, gateway, close };
}

// ---------------------------------------------------------------- CLI

async function main() {
  let demo = null;
  let shuttingDown = false;
  const shutdown = async (signal) => {
    // A second Ctrl-C: do not wait any longer (start.cjs SIGKILLs its Janus and guard on exit).
    if (shuttingDown) process.exit(1);
    shuttingDown = true;
    console.log(`\ndemo: ${signal}, stopping ...`);
    if (demo) await demo.close();
    process.exit(0);
  };
  // Installed before Janus starts, so a signal during its start-up still stops it.
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));

  const janusUrl = process.env.JANUS_URL || undefined;
  const tokenSecret = (janusUrl && process.env.KT_TOKEN_SECRET) || undefined;
  const janusLogFile = path.join(os.tmpdir(), 'knowledgetalk-demo-janus.log');
  if (janusUrl) console.log(`demo: using the gateway at ${janusUrl} (JANUS_URL); no local Janus started`);
  else console.log(`demo: starting the gateway (Janus + guard) on the default ports (log: ${janusLogFile}) ...`);

  try {
    demo = await startDemoServer({
      port: process.env.PORT ? Number(process.env.PORT) : 8080,
      janusUrl,
      tokenSecret,
      janusLogFile,
    });
  } catch (e) {
    const message = (e && e.message) || String(e);
    console.error(`demo: ${message}`);
    if (!janusUrl && !/dist\/|port/i.test(message)) {
      console.error(
        'Is another gateway already using ports 8188/8189/7088? Then stop it, or point the demo at it with\n' +
          '  JANUS_URL=ws://127.0.0.1:8188 node demo/serve.mjs',
      );
    }
    process.exit(1);
  }
  demo.gateway?.exited.then((info) => {
    if (shuttingDown) return;
    const who = info.process === 'guard' ? 'the gateway guard' : 'Janus';
    console.error(`demo: ${who} exited unexpectedly (code ${info.code}, signal ${info.signal}); the gateway is stopped; see ${janusLogFile}.`);
    process.exit(1);
  });

  console.log(`demo: gateway ${demo.janusUrl}`);
  console.log(`\n  Open ${demo.url} in two browser tabs (Ctrl-C to stop)\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  await main();
}
