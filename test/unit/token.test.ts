/**
 * The credentials of a secure deployment: the gateway guard's tokens as `kt-token`
 * (gateway-config/mint-token.cjs) and the application server (gateway-config/app-server.cjs) make
 * them, checked with the guard's own `identify` (secure profile); TURN credentials; and the server
 * helpers of `knowledgetalk-janus/server` (Janus's own signed tokens: still exported, no longer
 * what the gateway checks, since Janus does no token auth behind the guard). That a gateway
 * accepts these tokens and refuses bad ones is proven in test/integration/secure-gateway.test.ts.
 * Needs `npm run build` (the scripts load dist/guard.cjs and dist/server.cjs).
 */
import { createHmac } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { optionsFromEnv, startAppServer, type AppServer, type AppServerOptions } from '../../gateway-config/app-server.cjs';
import { LOCAL_SECURE_SECRETS } from '../../gateway-config/start.cjs';
import { coreError } from '../../sdk/janus/errors';
import { createToken, createTurnCredentials, DEFAULT_TOKEN_PLUGINS, DEFAULT_TOKEN_TTL_SECONDS, parseToken } from '../../sdk/server';
import { identify } from '../../sdk/server/guard';

const { main: mintToken } = require('../../gateway-config/mint-token.cjs') as {
  main: (argv: string[], env?: Record<string, string | undefined>) => Promise<string>;
};

const SECRET = 'unit-test-secret-0123';
const NOW = Date.UTC(2030, 0, 1); // 1893456000 s
const hmac = (secret: string, data: string) => createHmac('sha1', secret).update(data).digest('base64');

describe('createToken (Janus signed tokens, knowledgetalk-janus/server)', () => {
  test('has the format Janus 1.1.2 checks: <expiry>,janus,<plugins>:<base64 HMAC-SHA1 of the part before ":">', () => {
    const token = createToken({ secret: SECRET, ttlSeconds: 60, now: NOW });
    const [data, signature] = token.split(':');
    expect(data).toBe('1893456060,janus,janus.plugin.videoroom,janus.plugin.textroom');
    expect(signature).toBe(hmac(SECRET, data));
    expect(signature).toMatch(/^[A-Za-z0-9+/]{27}=$/); // 20 bytes of SHA-1
  });

  test('expires ttlSeconds after now (default 4 hours) and defaults to VideoRoom + TextRoom', () => {
    const before = Math.floor(Date.now() / 1000);
    const info = parseToken(createToken({ secret: SECRET }));
    expect(info.expiresAt - before).toBeGreaterThanOrEqual(DEFAULT_TOKEN_TTL_SECONDS);
    expect(info.expiresAt - before).toBeLessThanOrEqual(DEFAULT_TOKEN_TTL_SECONDS + 2);
    expect(info).toMatchObject({ realm: 'janus', plugins: [...DEFAULT_TOKEN_PLUGINS] });
    expect(parseToken(createToken({ secret: SECRET, ttlSeconds: 1, now: new Date(NOW + 999) })).expiresAt).toBe(1893456001);
  });

  test('lists exactly the plugins asked for, once each', () => {
    const token = createToken({ secret: SECRET, plugins: ['janus.plugin.videoroom', 'janus.plugin.videoroom'], now: NOW });
    expect(parseToken(token).plugins).toEqual(['janus.plugin.videoroom']);
  });

  test('a different secret gives a different signature', () => {
    const a = createToken({ secret: SECRET, now: NOW });
    const b = createToken({ secret: `${SECRET}x`, now: NOW });
    expect(a.split(':')[0]).toBe(b.split(':')[0]);
    expect(a).not.toBe(b);
  });

  test.each([
    ['no options', undefined, /options/],
    ['no secret', {}, /secret must be a non-empty string/],
    ['an empty secret', { secret: '' }, /secret/],
    ['a non-string secret', { secret: 42 }, /secret/],
    ['a NUL byte in the secret', { secret: 'a\0b' }, /NUL/],
    ['ttl 0', { secret: SECRET, ttlSeconds: 0 }, /ttlSeconds/],
    ['a negative ttl', { secret: SECRET, ttlSeconds: -5 }, /ttlSeconds/],
    ['a fractional ttl', { secret: SECRET, ttlSeconds: 1.5 }, /ttlSeconds/],
    ['a ttl over a year', { secret: SECRET, ttlSeconds: 400 * 86400 }, /ttlSeconds/],
    ['a ttl as a string', { secret: SECRET, ttlSeconds: '60' }, /ttlSeconds/],
    ['no plugins', { secret: SECRET, plugins: [] }, /plugins/],
    ['plugins as a string', { secret: SECRET, plugins: 'janus.plugin.videoroom' }, /plugins/],
    ['a plugin with a comma', { secret: SECRET, plugins: ['a,b'] }, /invalid plugin name/],
    ['a plugin with a colon', { secret: SECRET, plugins: ['a:b'] }, /invalid plugin name/],
    ['an invalid clock', { secret: SECRET, now: Number.NaN }, /now/],
  ])('refuses %s with a clear error', (_what, options, message) => {
    expect(() => createToken(options as never)).toThrow(message);
  });
});

describe('parseToken', () => {
  test.each(['', 'abc', '123,janus', '123,janus:', 'x,janus,p:sig', '1,janus:a:b'])('refuses %p', (token) => {
    expect(() => parseToken(token)).toThrow(/not a Janus signed token/);
  });
});

describe('createTurnCredentials (coturn REST API)', () => {
  test('username "<expiry>:<user>", credential base64(HMAC-SHA1(secret, username))', () => {
    const c = createTurnCredentials({ secret: SECRET, ttlSeconds: 600, user: 'alice', now: NOW });
    expect(c).toEqual({ username: '1893456600:alice', credential: hmac(SECRET, '1893456600:alice'), expiresAt: 1893456600 });
  });

  test.each([['a:b'], ['with space'], ['']])('refuses the user %p', (user) => {
    expect(() => createTurnCredentials({ secret: SECRET, user })).toThrow(/user/);
  });
});

describe('how a refused token reaches the app', () => {
  // janus.js reports a refused "create" with Janus's bare reason, and a refused attach as
  // "Ooops: <code> <reason>": both must be '401', not '504' (gateway unreachable).
  test.each([
    ['Unauthorized request (wrong or missing secret/token)', 403],
    ["Ooops: 405 Provided token can't access plugin 'janus.plugin.videoroom'", 405],
    ['403 Unauthorized request (wrong or missing secret/token)', 403],
  ])('%p -> 401', (raw, janusCode) => {
    expect(coreError(raw)).toMatchObject({ code: '401', janusCode });
  });
});

/** What the guard (secure profile, this secret) makes of a token. */
async function guardReads(token: string, secret = SECRET) {
  const result = await identify(token, { profile: 'secure', tokenSecret: secret });
  if (!result.ok) throw new Error(`the guard refused the token: ${result.reason}`);
  return result.identity;
}

describe('kt-token (mint-token.cjs)', () => {
  const env = { KT_TOKEN_SECRET: SECRET };

  test('--user --name --room --host --ttl: a JWT the guard reads as that identity', async () => {
    const before = Date.now();
    const token = await mintToken(['--user', 'alice', '--name', 'Alice Kim', '--room', 'r1', '--room', 'r2', '--host', '--ttl', '60'], env);
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const identity = await guardReads(token);
    expect(identity).toMatchObject({ userId: 'alice', name: 'Alice Kim', signed: true, rooms: ['r1', 'r2'], canCreate: false, role: 'host' });
    expect(identity.expiresAt).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 60_000);
    expect(identity.expiresAt).toBeLessThanOrEqual(Date.now() + 61_000);
  });

  test('--create: may create rooms, a guest; default name = user id, default lifetime 4 h', async () => {
    const identity = await guardReads(await mintToken(['--user', 'bob', '--create'], env));
    expect(identity).toMatchObject({ userId: 'bob', name: 'bob', rooms: [], canCreate: true, role: 'guest' });
    expect(identity.expiresAt - Date.now()).toBeGreaterThan(4 * 3600_000 - 5000);
  });

  test('--json prints {token, expiresAt, user}', async () => {
    const json = JSON.parse(await mintToken(['--user', 'carol', '--room', 'r1', '--json'], env));
    expect(json.user).toBe('carol');
    expect(json.expiresAt * 1000).toBe((await guardReads(json.token)).expiresAt);
  });

  test('signed with KT_TOKEN_SECRET only: another secret does not verify it', async () => {
    const token = await mintToken(['--user', 'dave', '--create'], env);
    expect(await identify(token, { profile: 'secure', tokenSecret: 'another-secret-0123' })).toEqual({ ok: false, reason: 'token not valid' });
  });

  test.each([
    ['no secret', ['--user', 'a'], {}, /KT_TOKEN_SECRET/],
    ['no --user', ['--create'], env, /--user is required/],
    ['an invalid user id', ['--user', 'not an id'], env, /not a valid user id/],
    ['--room with --create', ['--user', 'a', '--room', 'r', '--create'], env, /--room and --create/],
    ['--host without --room', ['--user', 'a', '--host'], env, /--host needs --room/],
    ['a --ttl that is not seconds', ['--user', 'a', '--ttl', 'soon'], env, /--ttl/],
    ['a --ttl of 0', ['--user', 'a', '--ttl', '0'], env, /--ttl/],
    ['an unknown flag', ['--user', 'a', '--secret', 'x'], env, /Unknown option/],
  ])('refuses %s', async (_what, argv, e, message) => {
    await expect(mintToken(argv as string[], e as Record<string, string>)).rejects.toThrow(message);
  });
});

describe('application server', () => {
  let app: AppServer;
  const seen: unknown[] = [];
  const post = (path: string, body: unknown, headers: Record<string, string> = {}, on = app) =>
    fetch(`${on.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    app = await startAppServer({
      tokenSecret: SECRET,
      gatewayUrl: 'wss://gw.example.com:8989',
      ttlSeconds: 600,
      stunUrls: ['stun:turn.example.com:3478'],
      turn: { secret: 'turn-secret', urls: ['turn:turn.example.com:3478'] },
      allowOrigin: 'https://app.example.com',
      rateLimit: false,
      // The app's own sign-in: here, by name; a real one reads its session from `req`.
      signIn: (request) => {
        seen.push(request);
        if (request.name === 'mallory') return null;
        if (request.name === 'broken') return { user: 'not an id' };
        return {
          user: request.name.split(' ')[0].toLowerCase(),
          rooms: request.room ? [request.room] : [],
          create: request.create,
          host: request.name === 'Hana Host',
        };
      },
    });
  });
  afterAll(() => app?.close());

  test('POST /api/token: the grant of signIn as a guard token, its expiry, the user, the gateway URL and iceServers, never cached', async () => {
    const res = await post('/api/token', { name: 'Alice Kim', room: 'standup' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const body = await res.json();
    expect(seen.at(-1)).toEqual({ name: 'Alice Kim', room: 'standup', create: false });
    const identity = await guardReads(body.token);
    expect(identity).toMatchObject({ userId: 'alice', name: 'Alice Kim', rooms: ['standup'], canCreate: false, role: 'guest' });
    expect(body.expiresAt * 1000).toBe(identity.expiresAt);
    expect(body.expiresAt - Date.now() / 1000).toBeGreaterThan(590);
    expect(body).toMatchObject({ user: 'alice', name: 'Alice Kim', server: 'wss://gw.example.com:8989' });
    const [stun, turn] = body.iceServers;
    expect(stun).toEqual({ urls: ['stun:turn.example.com:3478'] });
    expect(turn.urls).toEqual(['turn:turn.example.com:3478']);
    expect(turn.username).toMatch(/^\d+:alice$/);
    expect(turn.credential).toBe(hmac('turn-secret', turn.username));
  });

  test('create and host come from the grant, not from the client', async () => {
    const creator = await (await post('/api/token', { name: 'Bob', create: true })).json();
    expect(await guardReads(creator.token)).toMatchObject({ userId: 'bob', canCreate: true, role: 'guest' });
    const host = await (await post('/api/token', { name: 'Hana Host', room: 'standup' })).json();
    expect(await guardReads(host.token)).toMatchObject({ userId: 'hana', rooms: ['standup'], role: 'host' });
  });

  test('refuses bad requests with a status and a reason', async () => {
    expect((await post('/api/token', { name: '' })).status).toBe(400);
    expect((await post('/api/token', { name: 'x'.repeat(65) })).status).toBe(400);
    expect((await post('/api/token', {})).status).toBe(400);
    expect((await post('/api/token', { name: 'a', room: '../etc' })).status).toBe(400);
    expect((await post('/api/token', { name: 'a', create: 'yes' })).status).toBe(400);
    expect((await post('/api/token', 'not json')).status).toBe(400);
    expect((await post('/api/token', { name: 'x'.repeat(5000) })).status).toBe(413);
    expect((await post('/api/token', { name: 'mallory' })).status).toBe(401);
    const broken = await post('/api/token', { name: 'broken' });
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ error: 'internal error' });
    expect((await fetch(`${app.url}/api/token`)).status).toBe(405);
    expect((await fetch(`${app.url}/elsewhere`)).status).toBe(404);
    const health = await fetch(`${app.url}/api/health`);
    expect(await health.json()).toEqual({ ok: true });
  });

  test('answers the CORS preflight for the allowed origin', async () => {
    const res = await fetch(`${app.url}/api/token`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  test('rate-limits token requests per client address: 429 with Retry-After past the burst', async () => {
    const limited = await startAppServer({ tokenSecret: SECRET, allowOpenSignUp: true, trustProxy: true, rateLimit: { perMinute: 6, burst: 3 } });
    try {
      const from = (address: string) => post('/api/token', { name: 'Eve' }, { 'x-forwarded-for': `203.0.113.9, ${address}` }, limited);
      for (let i = 0; i < 3; i++) expect((await from('198.51.100.1')).status).toBe(200);
      const refused = await from('198.51.100.1');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(10);
      // Bad requests count too (sign-in attempts are what the limit is for).
      expect((await post('/api/token', 'not json', { 'x-forwarded-for': '198.51.100.1' }, limited)).status).toBe(429);
      // Another address has its own allowance.
      expect((await from('198.51.100.2')).status).toBe(200);
    } finally {
      await limited.close();
    }
  });

  test('the default limit applies without any rateLimit option', async () => {
    const plain = await startAppServer({ tokenSecret: SECRET, allowOpenSignUp: true });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await post('/api/token', { name: 'Eve' }, {}, plain)).status);
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
      expect(statuses.slice(10)).toEqual([429, 429]);
    } finally {
      await plain.close();
    }
  });

  test('open sign-up: a fresh user id per token (nobody picks their own), the name, the room or creation asked for', async () => {
    const open = await startAppServer({ tokenSecret: SECRET, allowOpenSignUp: true, rateLimit: false });
    try {
      const a = await (await post('/api/token', { name: 'alice', room: 'r1' }, {}, open)).json();
      const b = await (await post('/api/token', { name: 'alice', create: true }, {}, open)).json();
      expect(a.user).not.toBe(b.user);
      expect(a.user).not.toBe('alice');
      expect(await guardReads(a.token)).toMatchObject({ userId: a.user, name: 'alice', rooms: ['r1'], canCreate: false, role: 'guest' });
      expect(await guardReads(b.token)).toMatchObject({ userId: b.user, rooms: [], canCreate: true, role: 'guest' });
    } finally {
      await open.close();
    }
  });

  test.each([
    ['without a sign-in hook (unless told to allow open sign-up)', { tokenSecret: SECRET }, /sign-in hook/],
    ['without the token secret', { allowOpenSignUp: true }, /tokenSecret/],
    ['with a token secret shorter than 16 characters', { tokenSecret: 'short', allowOpenSignUp: true }, /16 characters/],
    ['with the old authenticate hook', { tokenSecret: SECRET, authenticate: () => true }, /signIn/],
  ])('will not start %s', async (_what, options, message) => {
    await expect(startAppServer(options as unknown as AppServerOptions)).rejects.toThrow(message);
  });

  test('its CLI settings: KT_TOKEN_SECRET required and not a shipped default, KT_SIGN_IN or KT_ALLOW_OPEN_SIGNUP, the rate', () => {
    expect(() => optionsFromEnv({})).toThrow(/KT_TOKEN_SECRET is required/);
    expect(() => optionsFromEnv({ KT_TOKEN_SECRET: LOCAL_SECURE_SECRETS.tokenSecret })).toThrow(/well-known default/);
    expect(() => optionsFromEnv({ KT_TOKEN_SECRET: 'short' })).toThrow(/at least 16/);
    expect(() => optionsFromEnv({ JANUS_TOKEN_SECRET: SECRET })).toThrow(/now KT_TOKEN_SECRET/);
    expect(optionsFromEnv({ KT_TOKEN_SECRET: SECRET, KT_ALLOW_OPEN_SIGNUP: '1', KT_TOKEN_RATE: '30', KT_TRUST_PROXY: '1' })).toMatchObject({
      tokenSecret: SECRET,
      allowOpenSignUp: true,
      signIn: undefined,
      rateLimit: { perMinute: 30 },
      trustProxy: true,
      port: 3001,
      host: '127.0.0.1',
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-sign-in-'));
    try {
      const file = path.join(dir, 'sign-in.cjs');
      writeFileSync(file, 'exports.signIn = (request) => ({ user: "fixed" });\n');
      const options = optionsFromEnv({ KT_TOKEN_SECRET: SECRET, KT_SIGN_IN: file });
      expect(options.allowOpenSignUp).toBe(false);
      expect(options.signIn?.({ name: 'x', create: false }, {} as never)).toEqual({ user: 'fixed' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
