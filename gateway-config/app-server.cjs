#!/usr/bin/env node
'use strict';
/**
 * The application server of a secure deployment, like OpenVidu's: the browser never sees a
 * gateway secret. It signs in to the app, asks this service for a short-lived token for the
 * gateway guard (an HS256 JWT: user id, name, rooms or the right to create them, role, expiry),
 * and passes it to the SDK as init(cpCode, authKey). The guard then holds the session to that
 * identity.
 *
 *   POST /api/token  {"name": "Alice", "room"?: "R", "create"?: true}
 *                    ->  200 {"token", "expiresAt", "user", "name", "server"?, "iceServers"?}
 *   GET  /api/health ->  200 {"ok": true}
 *
 * Who gets which token is the app's decision: `signIn(request, req)` (your session check) returns
 * the grant, or null to refuse. Without a signIn hook it refuses to start, unless told to allow
 * open sign-up (`allowOpenSignUp: true`, KT_ALLOW_OPEN_SIGNUP=1: anyone who can reach it gets a
 * token with a fresh user id; the demo's way). Token requests are rate-limited per client address
 * (429).
 *
 * Use it in-process (createTokenHandler / startAppServer) or run it:
 *
 *   KT_TOKEN_SECRET=... KT_SIGN_IN=./my-sign-in.cjs KT_GATEWAY_URL=wss://gw.example.com:8989 \
 *     node gateway-config/app-server.cjs
 *
 * Node built-ins plus the package's dist/ builds. Types: app-server.d.cts. API and settings:
 * README.md ("Application server").
 */
const http = require('node:http');
const path = require('node:path');
const { randomBytes } = require('node:crypto');
const { loadGuard, loadServerHelpers } = require('./server-helpers.cjs');
const { checkDeploymentSecret } = require('./start/secrets.cjs');

const MAX_BODY_BYTES = 4096;
const MAX_NAME = 64;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const DEFAULT_TTL_SECONDS = 4 * 3600;
const DEFAULT_RATE = Object.freeze({ perMinute: 20, burst: 10 });
/** Addresses remembered by the rate limit at most (the least recently seen are forgotten first). */
const MAX_TRACKED_CLIENTS = 10000;

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

/** A display name: 1-64 characters, not only spaces, no control characters. */
function validName(name) {
  // eslint-disable-next-line no-control-regex
  return typeof name === 'string' && name.trim().length > 0 && name.length <= MAX_NAME && !/[\u0000-\u001f\u007f]/.test(name);
}

/** What the client asked for, checked: {name, room?, create}; or a 400 reason. */
function readRequest(body) {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { error: 'body must be a JSON object' };
  if (!validName(body.name)) return { error: `name must be 1-${MAX_NAME} characters` };
  if (body.room !== undefined && !(typeof body.room === 'string' && ID_PATTERN.test(body.room)))
    return { error: 'room must be a room id (1-64 of A-Z a-z 0-9 - _)' };
  if (body.create !== undefined && typeof body.create !== 'boolean') return { error: 'create must be true or false' };
  return { request: { name: body.name.trim(), room: body.room, create: body.create === true } };
}

/** A user id for open sign-up: nobody chooses their own (it would let anyone pose as anyone). */
function freshUserId() {
  return (
    'u' +
    randomBytes(12)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, '')
      .slice(0, 15)
  );
}

/** Open sign-up: a fresh identity with the name asked for, the room asked for, or the right to create. */
function openSignUp(request) {
  return { user: freshUserId(), name: request.name, rooms: request.room ? [request.room] : [], create: request.create };
}

/** The grant a signIn hook returned, checked (a broken hook is a 500, never a wrong token). */
function checkGrant(grant) {
  const bad = (why) => Object.assign(new Error(`signIn returned an invalid grant: ${why}`), { status: 500, internal: true });
  if (typeof grant !== 'object' || grant === null) throw bad('not an object');
  if (!(typeof grant.user === 'string' && ID_PATTERN.test(grant.user))) throw bad('user must be a user id (1-64 of A-Z a-z 0-9 - _)');
  if (grant.name !== undefined && !validName(grant.name)) throw bad('name');
  const rooms = grant.rooms ?? [];
  if (!Array.isArray(rooms) || !rooms.every((r) => typeof r === 'string' && ID_PATTERN.test(r))) throw bad('rooms must be a list of room ids');
  return { user: grant.user, name: grant.name, rooms, create: grant.create === true, host: grant.host === true };
}

/**
 * A token bucket per client address: `burst` requests at once, refilled at `perMinute`. Returns
 * a function that takes one request of `address` and says 0 (allowed) or the seconds to wait.
 */
function rateLimiter({ perMinute, burst }) {
  const buckets = new Map();
  return (address, now = Date.now()) => {
    let bucket = buckets.get(address);
    if (bucket) {
      buckets.delete(address);
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) * perMinute) / 60000);
      bucket.at = now;
    } else {
      bucket = { tokens: burst, at: now };
    }
    buckets.set(address, bucket); // most recently seen last
    if (buckets.size > MAX_TRACKED_CLIENTS) buckets.delete(buckets.keys().next().value);
    if (bucket.tokens < 1) return Math.max(1, Math.ceil(((1 - bucket.tokens) * 60) / perMinute));
    bucket.tokens -= 1;
    return 0;
  };
}

/** The client's address: the socket's, or (trustProxy) the last X-Forwarded-For hop, which the proxy added. */
function clientAddress(req, trustProxy) {
  if (trustProxy) {
    const hops = String(req.headers['x-forwarded-for'] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (hops.length) return hops[hops.length - 1];
  }
  return req.socket.remoteAddress ?? 'unknown';
}

function checkOptions(options) {
  if (!options || typeof options !== 'object') throw new TypeError('app server: options are required');
  if (typeof options.tokenSecret !== 'string' || options.tokenSecret.length < 16) {
    throw new TypeError("app server: tokenSecret (the gateway guard's KT_TOKEN_SECRET, 16 characters or more) is required");
  }
  if (options.authenticate !== undefined) {
    throw new TypeError('app server: `authenticate` is now `signIn(request, req)`, which returns the grant ({user, name?, rooms?, create?, host?}) or null');
  }
  if (options.signIn !== undefined && typeof options.signIn !== 'function') throw new TypeError('app server: signIn must be a function');
  if (options.signIn === undefined && options.allowOpenSignUp !== true) {
    throw new TypeError(
      'app server: refusing to start without a sign-in hook (signIn); pass allowOpenSignUp: true (KT_ALLOW_OPEN_SIGNUP=1) to give a token to anyone who asks',
    );
  }
  if (options.turn && !(typeof options.turn.secret === 'string' && options.turn.secret && Array.isArray(options.turn.urls) && options.turn.urls.length)) {
    throw new TypeError('app server: turn needs { secret, urls: [...] }');
  }
  const rate = options.rateLimit;
  if (rate !== undefined && rate !== false) {
    for (const key of ['perMinute', 'burst']) {
      if (rate[key] !== undefined && !(Number.isFinite(rate[key]) && rate[key] > 0))
        throw new TypeError(`app server: rateLimit.${key} must be a positive number`);
    }
  }
}

/**
 * A request handler for /api/token and /api/health. Returns true when it answered the request,
 * false when the path is not its own (so a bigger server can go on routing it).
 */
function createTokenHandler(options) {
  checkOptions(options);
  const { signToken } = loadGuard();
  const { turnIceServer } = loadServerHelpers();
  const signIn = options.signIn ?? openSignUp;
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  const limit = options.rateLimit === false ? () => 0 : rateLimiter({ ...DEFAULT_RATE, ...options.rateLimit });
  const cors = options.allowOrigin
    ? { 'access-control-allow-origin': options.allowOrigin, vary: 'origin', 'access-control-allow-headers': 'content-type' }
    : {};

  async function issue(req, res) {
    const { request, error } = readRequest(await readJson(req));
    if (error) return send(res, 400, { error }, cors);
    const granted = await signIn(request, req);
    if (!granted) return send(res, 401, { error: 'not allowed' }, cors);
    const grant = checkGrant(granted);
    const name = grant.name ?? request.name;
    const token = await signToken({
      secret: options.tokenSecret,
      user: grant.user,
      name,
      rooms: grant.rooms,
      create: grant.create,
      host: grant.host,
      ttlSeconds,
    });
    const expiresAt = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).exp;
    const answer = { token, expiresAt, user: grant.user, name };
    if (options.gatewayUrl) answer.server = options.gatewayUrl;
    const iceServers = [];
    if (options.stunUrls?.length) iceServers.push({ urls: [...options.stunUrls] });
    if (options.turn) {
      const { secret, urls, ttlSeconds: turnTtl = ttlSeconds } = options.turn;
      iceServers.push(turnIceServer(urls, { secret, ttlSeconds: turnTtl, user: grant.user }));
    }
    if (iceServers.length) answer.iceServers = iceServers;
    send(res, 200, answer, cors);
  }

  return function handle(req, res) {
    const pathname = (req.url || '').split('?')[0];
    if (pathname !== '/api/token' && pathname !== '/api/health') return false;
    if (req.method === 'OPTIONS' && options.allowOrigin) {
      res.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST, GET' }).end();
    } else if (pathname === '/api/health' && req.method === 'GET') {
      send(res, 200, { ok: true }, cors);
    } else if (pathname === '/api/token' && req.method === 'POST') {
      // Counted before anything else, so sign-in attempts are limited too.
      const wait = limit(clientAddress(req, options.trustProxy === true));
      if (wait > 0) {
        req.resume();
        send(res, 429, { error: 'too many token requests: try again later' }, { ...cors, 'retry-after': String(wait) });
        return true;
      }
      issue(req, res).catch((e) => {
        if (res.headersSent) return;
        if (e.internal) console.error(`app-server: ${e.message}`);
        const status = e.status || 500;
        send(res, status, { error: e.status && !e.internal ? e.message : 'internal error' }, e.close ? { ...cors, connection: 'close' } : cors);
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
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

/**
 * Settings of the CLI, from the environment (README.md lists them). The CLI is how a deployment
 * runs it, so the shipped default secrets are refused.
 */
function optionsFromEnv(env) {
  const list = (v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  const num = (name) => {
    if (env[name] === undefined || env[name] === '') return undefined;
    if (!/^\d+$/.test(env[name])) throw new Error(`${name} must be a whole number`);
    return Number(env[name]);
  };
  if (env.JANUS_TOKEN_SECRET && !env.KT_TOKEN_SECRET) {
    throw new Error("JANUS_TOKEN_SECRET is now KT_TOKEN_SECRET (tokens are the gateway guard's, not Janus's)");
  }
  checkDeploymentSecret('KT_TOKEN_SECRET', env.KT_TOKEN_SECRET);
  let signIn;
  if (env.KT_SIGN_IN) {
    const mod = require(path.resolve(env.KT_SIGN_IN));
    signIn = typeof mod === 'function' ? mod : mod.signIn;
    if (typeof signIn !== 'function') throw new Error(`KT_SIGN_IN: ${env.KT_SIGN_IN} exports no signIn function`);
  }
  const perMinute = num('KT_TOKEN_RATE');
  const burst = num('KT_TOKEN_BURST');
  return {
    tokenSecret: env.KT_TOKEN_SECRET,
    signIn,
    allowOpenSignUp: env.KT_ALLOW_OPEN_SIGNUP === '1',
    rateLimit: { ...(perMinute ? { perMinute } : {}), ...(burst ? { burst } : {}) },
    trustProxy: env.KT_TRUST_PROXY === '1',
    gatewayUrl: env.KT_GATEWAY_URL || undefined,
    ttlSeconds: num('KT_TOKEN_TTL'),
    port: num('KT_APP_PORT') ?? 3001,
    host: env.KT_APP_HOST || '127.0.0.1',
    allowOrigin: env.KT_ALLOW_ORIGIN || undefined,
    stunUrls: list(env.STUN_URLS),
    turn: env.TURN_SECRET ? { secret: env.TURN_SECRET, urls: list(env.TURN_URLS) ?? [] } : undefined,
  };
}

module.exports = { createTokenHandler, startAppServer, optionsFromEnv };

if (require.main === module) {
  (async () => {
    const options = optionsFromEnv(process.env);
    const app = await startAppServer(options);
    console.log(`token server on ${app.url}  (POST /api/token {"name": "..."})${options.signIn ? '' : '  OPEN SIGN-UP: anyone who reaches it gets a token'}`);
    const stop = () => app.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  })().catch((e) => {
    console.error(`app-server: ${e && e.message ? e.message : e}`);
    process.exit(1);
  });
}
