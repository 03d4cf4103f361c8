#!/usr/bin/env node
'use strict';
/**
 * The application server of a secure deployment, like OpenVidu's: the browser never sees a
 * gateway secret. It signs in to the app (here trivially: any name), asks this service for a
 * short-lived Janus token, and passes it to the SDK as init(cpCode, authKey).
 *
 *   POST /api/token  {"name": "Alice"}  ->  200 {"token", "expiresAt", "server", "iceServers"}
 *   GET  /api/health                    ->  200 {"ok": true}
 *
 * Use it in-process (createTokenHandler / startAppServer, e.g. from the demo server) or run it:
 *
 *   JANUS_TOKEN_SECRET=... KT_GATEWAY_URL=wss://gw.example.com:8989 node gateway-config/app-server.cjs
 *
 * Node built-ins only. Types: app-server.d.cts. API and settings: README.md ("Application server").
 */
const http = require('node:http');
const { loadServerHelpers } = require('./server-helpers.cjs');

const MAX_BODY_BYTES = 4096;
const MAX_NAME = 64;

/** A JSON answer that no cache may keep (it carries credentials). */
function send(res, status, body, extraHeaders = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extraHeaders });
  res.end(JSON.stringify(body));
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    const onData = (chunk) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) return void chunks.push(chunk);
      // Stop keeping it; the 413 answer closes the connection.
      req.off('data', onData);
      req.resume();
      reject(Object.assign(new Error('request body too large'), { status: 413, close: true }));
    };
    req.on('data', onData);
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {});
      } catch {
        reject(Object.assign(new Error('body must be JSON'), { status: 400 }));
      }
    });
    req.on('error', reject);
  });
}

/** The demo's "authentication": a display name, 1-64 characters, no control characters. */
function validName(name) {
  return typeof name === 'string' && name.trim().length > 0 && name.length <= MAX_NAME && !/[\u0000-\u001f\u007f]/.test(name);
}

/** The TURN user name for coturn's logs: the display name reduced to safe characters. */
function turnUser(name) {
  return name.trim().replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 32) || 'user';
}

function checkOptions(options) {
  if (!options || typeof options !== 'object') throw new TypeError('app server: options are required');
  if (typeof options.tokenSecret !== 'string' || options.tokenSecret === '') {
    throw new TypeError("app server: tokenSecret (the gateway's token_auth_secret) is required");
  }
  if (options.turn && !(typeof options.turn.secret === 'string' && options.turn.secret && Array.isArray(options.turn.urls) && options.turn.urls.length)) {
    throw new TypeError('app server: turn needs { secret, urls: [...] }');
  }
}

/**
 * A request handler for /api/token and /api/health. Returns true when it answered the request,
 * false when the path is not its own (so a bigger server can go on routing it).
 */
function createTokenHandler(options) {
  checkOptions(options);
  const { createToken, parseToken, turnIceServer } = loadServerHelpers();
  // The demo lets anyone with a name in; a real app checks its own session here.
  const authenticate = options.authenticate ?? (() => true);
  const cors = options.allowOrigin
    ? { 'access-control-allow-origin': options.allowOrigin, vary: 'origin', 'access-control-allow-headers': 'content-type' }
    : {};

  async function issue(req, res) {
    const body = await readJson(req);
    const name = body && body.name;
    if (!validName(name)) return send(res, 400, { error: `name must be 1-${MAX_NAME} characters` }, cors);
    if (!(await authenticate(name, req))) return send(res, 401, { error: 'not allowed' }, cors);
    const token = createToken({ secret: options.tokenSecret, ttlSeconds: options.ttlSeconds, plugins: options.plugins });
    const answer = { token, expiresAt: parseToken(token).expiresAt, name: name.trim() };
    if (options.gatewayUrl) answer.server = options.gatewayUrl;
    const iceServers = [];
    if (options.stunUrls?.length) iceServers.push({ urls: [...options.stunUrls] });
    if (options.turn) {
      const { secret, urls, ttlSeconds = options.ttlSeconds } = options.turn;
      iceServers.push(turnIceServer(urls, { secret, ttlSeconds, user: turnUser(name) }));
    }
    if (iceServers.length) answer.iceServers = iceServers;
    send(res, 200, answer, cors);
  }

  return function handle(req, res) {
    const path = (req.url || '').split('?')[0];
    if (path !== '/api/token' && path !== '/api/health') return false;
    if (req.method === 'OPTIONS' && options.allowOrigin) {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST, GET' }).end();
    } else if (path === '/api/health' && req.method === 'GET') {
      send(res, 200, { ok: true }, cors);
    } else if (path === '/api/token' && req.method === 'POST') {
      issue(req, res).catch((e) => {
        if (res.headersSent) return;
        send(res, e.status || 500, { error: e.status ? e.message : 'internal error' }, e.close ? { ...cors, connection: 'close' } : cors);
      });
    } else {
      send(res, 405, { error: 'method not allowed' }, cors);
    }
    return true;
  };
}

/** Runs the handler on its own HTTP server. `port` 0 (the default) picks a free one. */
async function startAppServer(options) {
  const handle = createTokenHandler(options);
  const server = http.createServer((req, res) => {
    if (!handle(req, res)) send(res, 404, { error: 'not found' });
  });
  const host = options.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      const { port } = server.address();
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
        port,
        server,
        close: () => new Promise((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

/** Settings of the CLI, from the environment (README.md lists them). */
function optionsFromEnv(env) {
  const list = (v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined);
  const int = (name) => {
    if (env[name] === undefined || env[name] === '') return undefined;
    if (!/^\d+$/.test(env[name])) throw new Error(`${name} must be a whole number`);
    return Number(env[name]);
  };
  return {
    tokenSecret: env.JANUS_TOKEN_SECRET,
    gatewayUrl: env.KT_GATEWAY_URL || undefined,
    ttlSeconds: int('KT_TOKEN_TTL'),
    port: int('KT_APP_PORT') ?? 3001,
    host: env.KT_APP_HOST || '127.0.0.1',
    allowOrigin: env.KT_ALLOW_ORIGIN || undefined,
    stunUrls: list(env.STUN_URLS),
    turn: env.TURN_SECRET ? { secret: env.TURN_SECRET, urls: list(env.TURN_URLS) ?? [] } : undefined,
  };
}

module.exports = { createTokenHandler, startAppServer, optionsFromEnv };

if (require.main === module) {
  (async () => {
    const app = await startAppServer(optionsFromEnv(process.env));
    console.log(`token server on ${app.url}  (POST /api/token {"name": "..."})`);
    const stop = () => app.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })().catch((e) => {
    console.error(`app-server: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
}
