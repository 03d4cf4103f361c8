/**
 * gateway-config/start.cjs itself, beyond what every suite relies on (the global setup starts the
 * suite's gateway with it): the guard in front of a loopback Janus that only it can use (admin_key,
 * no HTTP Janus API, no TextRoom), the profiles, one gateway made of two processes (a crashed guard
 * is a crashed gateway), the `env` option that passes settings without an option of their own to
 * Janus (run-janus.sh) and its refusals, and the CLI's (`npm run gateway`) refusal of shipped
 * secrets in the secure profile. Raw Janus clients only: no browser.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGateway, LOCAL_SECURE_SECRETS, type Gateway } from '../../gateway-config/start.cjs';
import { signToken } from '../../sdk/server/guard';
import { adminRequest } from '../support/admin';
import { RawJanus, RawSession } from '../support/raw-janus';
import { tcpAccepts } from '../support/tcp';

const START = path.join(__dirname, '..', '..', 'gateway-config', 'start.cjs');

/** The environment a process was started with (Linux). */
const environmentOf = (pid: number): string[] => readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
/** The command line of a process (Linux). */
const commandOf = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

/** The TCP ports a process listens on (ss). */
const listeningPorts = (pid: number): number[] =>
  execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(`pid=${pid},`))
    .map((line) => Number(line.trim().split(/\s+/)[3].split(':').pop()))
    .sort((a, b) => a - b);

const externalAddress = () =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

describe('a development gateway', () => {
  let gw: Gateway;
  const opened: Array<{ close(): void }> = [];
  beforeAll(async () => {
    gw = await startGateway({ freePorts: true, quiet: true });
  });
  afterAll(async () => {
    for (const c of opened) c.close();
    await gw?.stop();
  });

  test('wsUrl is the guard (its own Node process), janusWsUrl Janus; both on loopback only', async () => {
    expect(gw.profile).toBe('development');
    expect(gw.wsUrl).toBe(`ws://127.0.0.1:${gw.ports.ws}`);
    expect(gw.janusWsUrl).toBe(`ws://127.0.0.1:${gw.ports.janusWs}`);
    expect(new Set(Object.values(gw.ports)).size).toBe(3);
    expect(commandOf(gw.guardPid)).toMatch(/node .*gateway-config\/guard\.cjs/);
    expect(commandOf(gw.pid)).toMatch(/^janus /);
    const external = externalAddress();
    for (const port of Object.values(gw.ports)) {
      expect(await tcpAccepts('127.0.0.1', port)).toBe(true);
      if (external) expect(await tcpAccepts(external, port)).toBe(false);
    }
    // The guard answers the Janus API (ping is its own), and any authKey makes a session.
    const c = await RawJanus.open(gw.wsUrl);
    opened.push(c);
    expect(await c.request({ janus: 'ping' })).toMatchObject({ janus: 'pong' });
    const s = await RawSession.create(gw.wsUrl, 'any-auth-key');
    opened.push(s);
    const h = await s.attach();
    expect(await s.sync(h, { request: 'create', room: `start-${process.pid}`, kt: { title: 'Through the guard' } })).toMatchObject({ videoroom: 'created' });
    expect(await s.core({ janus: 'destroy' })).toMatchObject({ janus: 'success' });
  });

  test('Janus behind it: admin_key and lock_rtp_forward set (a fresh random key), no TextRoom, no token auth, no HTTP Janus API', async () => {
    const direct = await RawSession.create(gw.janusWsUrl, undefined);
    opened.push(direct);
    const h = await direct.attach();
    expect(await direct.sync(h, { request: 'create', room: 'direct-room' })).toMatchObject({ error_code: 429, error: expect.stringContaining('admin_key') });
    expect(await direct.sync(h, { request: 'rtp_forward', room: 'x', publisher_id: 'x', host: '127.0.0.1', streams: [] })).toMatchObject({
      error_code: 429,
      error: expect.stringContaining('admin_key'),
    });
    expect(gw.janusAdminKey).toMatch(/^[0-9a-f]{48}$/);
    expect(environmentOf(gw.pid)).toContain(`JANUS_VIDEOROOM_ADMIN_KEY=${gw.janusAdminKey}`);
    await expect(direct.attach('janus.plugin.textroom')).rejects.toThrow(/460/);
    const info = await adminRequest(gw.adminUrl, gw.adminSecret, { janus: 'info' });
    expect(Object.keys(info.plugins as object)).toEqual(['janus.plugin.videoroom']);
    expect(info).toMatchObject({ auth_token: false });
    // Janus listens on its WebSocket and the Admin API, nothing else (the HTTP Janus API is off).
    expect(listeningPorts(gw.pid)).toEqual([gw.ports.janusWs, gw.ports.admin].sort((a, b) => a - b));
    expect(listeningPorts(gw.guardPid)).toEqual([gw.ports.ws]);
    // The guard's admin session is the only one Janus held when the gateway was ready.
    expect(gw.ownSessions).toHaveLength(1);
  });

  test('a second start gets another admin key', async () => {
    const other = await startGateway({ freePorts: true, quiet: true });
    try {
      expect(other.janusAdminKey).not.toBe(gw.janusAdminKey);
    } finally {
      await other.stop();
    }
  });
});

test('the secure profile: the guard refuses a session without a token signed with tokenSecret', async () => {
  const secret = LOCAL_SECURE_SECRETS.tokenSecret;
  const gw = await startGateway({ freePorts: true, quiet: true, profile: 'secure', tokenSecret: secret });
  try {
    expect(gw.profile).toBe('secure');
    // Janus never sees the token secret: it does no token auth.
    expect(environmentOf(gw.pid).filter((v) => v.includes(secret))).toEqual([]);
    expect(environmentOf(gw.guardPid)).toEqual(expect.arrayContaining(['KT_PROFILE=secure', `KT_TOKEN_SECRET=${secret}`]));
    for (const token of [undefined, 'auth-key', await signToken({ secret: 'another-secret-of-16+', user: 'alice', create: true })]) {
      const c = await RawJanus.open(gw.wsUrl);
      const answer = await c.request({ janus: 'create', ...(token === undefined ? {} : { token }) });
      c.close();
      expect(answer).toMatchObject({ janus: 'error', error: { code: 403 } });
    }
    const s = await RawSession.create(gw.wsUrl, await signToken({ secret, user: 'alice', create: true }));
    expect(await s.core({ janus: 'destroy' })).toMatchObject({ janus: 'success' });
    s.close();
  } finally {
    await gw.stop();
  }
});

test('a crashed guard is a crashed gateway: exited says so, and Janus is stopped too', async () => {
  const gw = await startGateway({ freePorts: true, quiet: true });
  process.kill(gw.guardPid, 'SIGKILL');
  expect(await gw.exited).toMatchObject({ process: 'guard', signal: 'SIGKILL' });
  expect(() => process.kill(gw.pid, 0)).toThrow();
  expect(await tcpAccepts('127.0.0.1', gw.ports.janusWs)).toBe(false);
  await gw.stop(); // idempotent
});

test('options that make no sense are refused before anything starts', async () => {
  await expect(startGateway({ profile: 'secure' })).rejects.toThrow(/secure' profile needs tokenSecret/);
  await expect(startGateway({ profile: 'open' as never })).rejects.toThrow(/profile must be/);
  await expect(startGateway({ tokenSecret: 'short' })).rejects.toThrow(/16 characters/);
  await expect(startGateway({ httpPort: 8088 } as never)).rejects.toThrow(/httpPort is gone/);
});

test('env: its variables reach Janus over process.env, and one given as undefined is removed', async () => {
  process.env.KT_START_TEST_INHERITED = 'from-process-env';
  try {
    const gw = await startGateway({
      freePorts: true,
      quiet: true,
      env: { KT_START_TEST_EXTRA: 'from-env-option', KT_START_TEST_INHERITED: undefined },
    });
    try {
      const environment = environmentOf(gw.pid);
      expect(environment).toContain('KT_START_TEST_EXTRA=from-env-option');
      expect(environment.filter((v) => v.startsWith('KT_START_TEST_INHERITED='))).toEqual([]);
    } finally {
      await gw.stop();
    }
  } finally {
    delete process.env.KT_START_TEST_INHERITED;
  }
});

test('env may not set what an option sets: startGateway rejects before starting Janus, naming it', async () => {
  await expect(startGateway({ freePorts: true, quiet: true, env: { JANUS_ADMIN_SECRET: 'other', KT_FINE: '1' } })).rejects.toThrow(
    /env may not set JANUS_ADMIN_SECRET; use the matching startGateway options/,
  );
  await expect(startGateway({ freePorts: true, quiet: true, env: { JANUS_VIDEOROOM_ADMIN_KEY: 'mine' } })).rejects.toThrow(
    /env may not set JANUS_VIDEOROOM_ADMIN_KEY/,
  );
});

test("a token secret left in the caller's environment changes nothing", async () => {
  process.env.KT_TOKEN_SECRET = 'left-in-the-shell-0123';
  process.env.JANUS_TOKEN_SECRET = 'left-in-the-shell-0123';
  try {
    const gw = await startGateway({ freePorts: true, quiet: true });
    try {
      expect(environmentOf(gw.guardPid)).toContain('KT_PROFILE=development');
      expect(environmentOf(gw.guardPid).filter((v) => v.startsWith('KT_TOKEN_SECRET='))).toEqual([]);
      expect(environmentOf(gw.pid).filter((v) => /TOKEN_SECRET=/.test(v))).toEqual([]);
    } finally {
      await gw.stop();
    }
  } finally {
    delete process.env.KT_TOKEN_SECRET;
    delete process.env.JANUS_TOKEN_SECRET;
  }
});

describe('the CLI (npm run gateway -- --secure)', () => {
  const run = (env: Record<string, string | undefined>) =>
    promisify(execFile)(process.execPath, [START, '--secure'], { env: { PATH: process.env.PATH, ...env }, timeout: 10_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
  test.each([
    ['without KT_TOKEN_SECRET', {}, /KT_TOKEN_SECRET is required/],
    ['with the shipped local token secret', { KT_TOKEN_SECRET: LOCAL_SECURE_SECRETS.tokenSecret }, /well-known default/],
    ['with a secret shorter than 16 characters', { KT_TOKEN_SECRET: 'too-short' }, /at least 16/],
  ])('refuses to start %s', async (_what, env, message) => {
    const { code, stderr } = await run(env);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
