/**
 * The server-side credential helpers (knowledgetalk-janus/server), the mint-token CLI and the
 * application server's API. That Janus itself accepts these tokens (and refuses bad ones) is
 * proven against a real gateway in test/integration/secure-gateway.test.ts.
 */
import { createHmac } from 'node:crypto';
import { startAppServer, type AppServer } from '../../gateway-config/app-server.cjs';
import { coreError } from '../../sdk/janus/errors';
import { createToken, createTurnCredentials, DEFAULT_TOKEN_PLUGINS, DEFAULT_TOKEN_TTL_SECONDS, parseToken } from '../../sdk/server';

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { main: mintToken } = require('../../gateway-config/mint-token.cjs') as { main: (argv: string[]) => string };

const SECRET = 'unit-test-secret';
const NOW = Date.UTC(2030, 0, 1); // 1893456000 s
const hmac = (secret: string, data: string) => createHmac('sha1', secret).update(data).digest('base64');

describe('createToken', () => {
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

describe('mint-token CLI', () => {
  test('prints a token signed with --secret, or {token, expiresAt} with --json', () => {
    const token = mintToken(['--secret', SECRET, '--ttl', '60', '--plugins', 'janus.plugin.videoroom']);
    const [data, signature] = token.split(':');
    expect(signature).toBe(hmac(SECRET, data));
    expect(parseToken(token).plugins).toEqual(['janus.plugin.videoroom']);
    const json = JSON.parse(mintToken(['--secret', SECRET, '--json']));
    expect(json.expiresAt).toBe(parseToken(json.token).expiresAt);
  });

  test('takes the secret from JANUS_TOKEN_SECRET and refuses to run without one', () => {
    const saved = process.env.JANUS_TOKEN_SECRET;
    try {
      process.env.JANUS_TOKEN_SECRET = SECRET;
      const token = mintToken([]);
      expect(token.split(':')[1]).toBe(hmac(SECRET, token.split(':')[0]));
      delete process.env.JANUS_TOKEN_SECRET;
      expect(() => mintToken([])).toThrow(/JANUS_TOKEN_SECRET/);
      expect(() => mintToken(['--secret', SECRET, '--ttl', 'soon'])).toThrow(/--ttl/);
    } finally {
      if (saved === undefined) delete process.env.JANUS_TOKEN_SECRET;
      else process.env.JANUS_TOKEN_SECRET = saved;
    }
  });
});

describe('application server', () => {
  let app: AppServer;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

  beforeAll(async () => {
    app = await startAppServer({
      tokenSecret: SECRET,
      gatewayUrl: 'wss://gw.example.com:8989',
      ttlSeconds: 600,
      stunUrls: ['stun:turn.example.com:3478'],
      turn: { secret: 'turn-secret', urls: ['turn:turn.example.com:3478'] },
      allowOrigin: 'https://app.example.com',
      authenticate: (name) => name !== 'mallory',
    });
  });
  afterAll(() => app?.close());

  test('POST /api/token {name} -> a signed token, its expiry, the gateway URL and iceServers, never cached', async () => {
    const res = await post('/api/token', { name: 'Alice Kim' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const body = await res.json();
    const [data, signature] = body.token.split(':');
    expect(signature).toBe(hmac(SECRET, data));
    expect(body.expiresAt).toBe(parseToken(body.token).expiresAt);
    expect(body.expiresAt - Date.now() / 1000).toBeGreaterThan(590);
    expect(body).toMatchObject({ name: 'Alice Kim', server: 'wss://gw.example.com:8989' });
    const [stun, turn] = body.iceServers;
    expect(stun).toEqual({ urls: ['stun:turn.example.com:3478'] });
    expect(turn.urls).toEqual(['turn:turn.example.com:3478']);
    expect(turn.username).toMatch(/^\d+:Alice_Kim$/);
    expect(turn.credential).toBe(hmac('turn-secret', turn.username));
  });

  test('refuses bad requests with a status and a reason', async () => {
    expect((await post('/api/token', { name: '' })).status).toBe(400);
    expect((await post('/api/token', { name: 'x'.repeat(65) })).status).toBe(400);
    expect((await post('/api/token', {})).status).toBe(400);
    expect((await post('/api/token', 'not json')).status).toBe(400);
    expect((await post('/api/token', { name: 'x'.repeat(5000) })).status).toBe(413);
    expect((await post('/api/token', { name: 'mallory' })).status).toBe(401);
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

  test('will not start without the token secret', async () => {
    await expect(startAppServer({} as never)).rejects.toThrow(/tokenSecret/);
  });
});
