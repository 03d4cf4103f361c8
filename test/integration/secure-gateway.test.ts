/**
 * The secure profile (issue 14) on real gateways started by this file, next to the suite's
 * development one: a local gateway whose guard requires signed tokens (startGateway `profile:
 * 'secure'`), and the production profile (production/start-production.sh: the guard serving wss
 * with a self-signed certificate in front of a loopback Janus, secrets from the environment,
 * Admin API on loopback, RTP port range, run as an unprivileged user). The SDK runs as the built
 * UMD bundle in Chromium; the tokens come from the application server or the guard's signToken.
 *
 * Time bounds here only say "promptly, not after a timeout or retries": they are generous (10 s,
 * the SDK's own request timeout) because other suites share this 2-core machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate, randomBytes } from 'node:crypto';
import { chromium, type Browser, type WebSocket } from 'playwright-core';
import { startGateway, LOCAL_SECURE_SECRETS, type Gateway } from '../../gateway-config/start.cjs';
import { startAppServer, type AppServer } from '../../gateway-config/app-server.cjs';
import { signToken } from '../../sdk/server/guard';
import { adminRequest, listSessions, waitForNoSessions } from '../support/admin';
import { CHROMIUM_ARGS, launchBrowser, MemberPage } from '../support/browser';
import { disconnectAll } from '../support/call';
import { RawJanus } from '../support/raw-janus';
import { waitFor } from '../support/wait';
import { tcpAccepts } from '../support/tcp';

const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'test-output');
const PROMPTLY_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let browser: Browser;
const pages: MemberPage[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
});

async function openMember(b: Browser, server: string): Promise<MemberPage> {
  const member = await MemberPage.open(b, { server });
  pages.push(member);
  return member;
}

let roomCounter = 0;
const newRoomId = () => `secure-${process.pid}-${Date.now()}-${roomCounter++}`;

/** Who asks for a token: the room's creator (may create rooms) or a member of `room`. */
type Ask = { userId: string; room: string; creator: boolean };

/**
 * Two members on `server`, each with the token `tokenFor` gives it (the first may create rooms,
 * the second may enter the room): create, join, publish, subscribe, and frames decoded both ways.
 * Returns them still connected.
 */
async function twoMemberCall(b: Browser, server: string, tokenFor: (ask: Ask, m: MemberPage) => Promise<string>): Promise<MemberPage[]> {
  const roomId = newRoomId();
  const ids = ['alice', 'bob'].map((n) => `${n}-${roomId.slice(-8)}`);
  const members = await Promise.all(ids.map(() => openMember(b, server)));
  for (const [i, m] of members.entries()) {
    const token = await tokenFor({ userId: ids[i], room: roomId, creator: i === 0 }, m);
    expect(await m.call('init', 'cp-code', token, ids[i], ids[i])).toEqual({ code: '200', userId: ids[i] });
  }
  expect(await members[0].call('createVideoRoom', roomId, 'Secure room')).toEqual({ code: '200', roomId });
  for (const m of members) {
    expect((await m.call('joinRoom', roomId)).code).toBe('200');
    expect(await m.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  }
  for (const [i, m] of members.entries()) {
    const other = ids[1 - i];
    await m.waitForPresence((p) => p.type === 'publish' && p.feeds.some((f: { id: string }) => f.id === other));
    expect(await m.harness('subscribe', other, 'cam')).toEqual({ audio: 1, video: 1 });
    const frames = await m.harness('frames', other, 'cam', 5);
    expect(frames).toEqual(expect.objectContaining({ width: 320 }));
    expect(frames.frames).toBeGreaterThanOrEqual(5);
  }
  return members;
}

/** A token the guard gives the identity of `ask`, signed with `secret`. */
const tokenOf =
  (secret: string, extra: Partial<Parameters<typeof signToken>[0]> = {}) =>
  (ask: Ask) =>
    signToken({ secret, user: ask.userId, ...(ask.creator ? { create: true } : { rooms: [ask.room] }), ...extra });

/** A JWT whose payload was changed after signing (the signature no longer matches). */
async function tampered(secret: string): Promise<string> {
  const [header, , signature] = (await signToken({ secret, user: 'mallory', rooms: ['r1'] })).split('.');
  const payload = Buffer.from(JSON.stringify({ sub: 'mallory', create: true, role: 'host', exp: Math.floor(Date.now() / 1000) + 3600 })).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

/** An unsigned JWT (alg none): never accepted. */
function unsigned(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'mallory', create: true, exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
}

// ---------------------------------------------------------------------------------------------
describe('a gateway in the secure profile (the guard requires signed tokens)', () => {
  const secret = LOCAL_SECURE_SECRETS.tokenSecret;
  let gw: Gateway;
  let app: AppServer;

  beforeAll(async () => {
    gw = await startGateway({
      freePorts: true,
      quiet: true,
      logFile: path.join(OUT, 'janus-secure.log'),
      profile: 'secure',
      tokenSecret: secret,
      apiSecret: LOCAL_SECURE_SECRETS.apiSecret,
    });
    // The browser asks the application server for its token, as a deployed app would; its sign-in
    // here trusts the name (a real one checks the app's session).
    app = await startAppServer({
      tokenSecret: secret,
      gatewayUrl: gw.wsUrl,
      allowOrigin: process.env.KT_PAGE_ORIGIN,
      rateLimit: false,
      signIn: ({ name, room, create }) => ({ user: name, rooms: room ? [room] : [], create }),
    });
  });

  afterAll(async () => {
    await app?.close();
    await gw?.stop();
  });

  describe('refuses a bad token with 401, at once, without retrying', () => {
    let member: MemberPage;
    const sockets: WebSocket[] = [];
    let framesSent = 0;

    beforeAll(async () => {
      member = await MemberPage.open(browser, { server: gw.wsUrl });
      member.page.on('websocket', (ws) => {
        sockets.push(ws);
        ws.on('framesent', () => framesSent++);
      });
    });
    afterAll(() => member?.close());

    test.each([
      ['not a token (the placeholder Knowledgetalk apps pass)', async () => 'auth-key'],
      ['signed with the wrong secret', () => signToken({ secret: 'not-the-gateway-secret', user: 'mallory', create: true })],
      ['expired', () => signToken({ secret, user: 'mallory', create: true, ttlSeconds: 60, now: () => Date.now() - 120_000 })],
      ['forged (another signature)', async () => (await signToken({ secret, user: 'mallory', create: true })).replace(/\.[^.]+$/, '.' + 'A'.repeat(43))],
      ['tampered with (claims changed after signing)', () => tampered(secret)],
      ['unsigned (alg none)', async () => unsigned()],
    ])('a token %s', async (_what, token) => {
      sockets.length = 0;
      framesSent = 0;
      const authKey = await token();
      const started = Date.now();
      const result = await member.call('init', 'cp-code', authKey);
      const elapsed = Date.now() - started;
      expect(result).toMatchObject({ code: '401', janusCode: 403 });
      expect(elapsed).toBeLessThan(PROMPTLY_MS);
      // One connection, a handful of requests, then silence.
      const sent = framesSent;
      expect(sent).toBeLessThanOrEqual(5);
      await sleep(2000);
      expect(framesSent).toBe(sent);
      expect(sockets).toHaveLength(1);
      expect(sockets[0].isClosed()).toBe(true);
      expect(await waitForNoSessions(undefined, gw)).toEqual({ sessions: 0, handles: 0 });
      expect(await member.call('getUserId')).toBeNull();
      expect(member.pageErrors).toEqual([]);
    });

    test('no token: the SDK refuses an empty authKey before connecting (421), and the guard refuses a create without one', async () => {
      sockets.length = 0;
      expect(await member.call('init', 'cp-code', '')).toMatchObject({ code: '421' });
      expect(sockets).toHaveLength(0);
      const c = await RawJanus.open(gw.wsUrl);
      expect(await c.request({ janus: 'create' })).toMatchObject({ janus: 'error', error: { code: 403 } });
      c.close();
    });
  });

  test('valid tokens from the application server: a two-member call with frames; a token for another room cannot join; nothing left behind', async () => {
    const tokenFor = async (ask: Ask, m: MemberPage): Promise<string> => {
      // In the page, like the demo: POST /api/token from the app's origin.
      const answer = await m.page.evaluate(
        async ([url, body]) => {
          const res = await fetch(`${url}/api/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
          return res.json();
        },
        [app.url, ask.creator ? { name: ask.userId, create: true } : { name: ask.userId, room: ask.room }] as const,
      );
      expect(answer).toMatchObject({ server: gw.wsUrl, user: ask.userId });
      return answer.token;
    };
    const members = await twoMemberCall(browser, gw.wsUrl, tokenFor);
    const roomId = await members[0].call('getRoomId');
    // A valid token, but for another room: the guard refuses the join.
    const outsider = await openMember(browser, gw.wsUrl);
    expect(await outsider.call('init', 'cp-code', await signToken({ secret, user: 'outsider', rooms: ['elsewhere'] }))).toMatchObject({
      code: '200',
      userId: 'outsider',
    });
    expect(await outsider.call('joinRoom', roomId)).toMatchObject({ code: '413' });
    await disconnectAll([...members, outsider], gw);
  }, 120_000);

  test('a token that expires mid-session ends the session: the app gets `disconnected`, the gateway frees it', async () => {
    const member = await openMember(browser, gw.wsUrl);
    const token = await signToken({ secret, user: `expiring-${process.pid}`, create: true, ttlSeconds: 8 });
    const expiresAt = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp * 1000;
    const roomId = newRoomId();
    expect(await member.call('init', 'cp-code', token)).toMatchObject({ code: '200' });
    expect(await member.call('createVideoRoom', roomId)).toEqual({ code: '200', roomId });
    expect((await member.call('joinRoom', roomId)).code).toBe('200');
    expect(await member.page.evaluate(() => (window as any).harness.events)).toEqual([]);

    // No call of the app's: the session ends by itself once the token has expired (the guard
    // refuses the session's requests, keepalives included, and ends it).
    await waitFor(
      'disconnected after the expiry',
      async () => (await member.page.evaluate(() => (window as any).harness.events)).some((e: { type: string }) => e.type === 'disconnected'),
      { timeoutMs: 90_000 },
    );
    const events: { type: string; detail: { reason: string } }[] = await member.page.evaluate(() => (window as any).harness.events);
    expect(Date.now()).toBeGreaterThan(expiresAt);
    // However the SDK learns it (a refused request, or the connection closed and a reconnect
    // refused), it ends in `disconnected`, naming the refusal, and never comes back.
    expect(events.at(-1)).toEqual({ type: 'disconnected', detail: { reason: expect.stringMatching(/token|401|403|unauthori[sz]ed|expired/i) } });
    expect(events.map((e) => e.type)).not.toContain('reconnected');
    expect(await member.call('getUserId')).toBeNull();
    expect(await member.call('getConnectionState')).toBe('disconnected');
    await member.call('disconnect');
    expect(await waitForNoSessions(45_000, gw)).toEqual({ sessions: 0, handles: 0 });
    expect(member.pageErrors).toEqual([]);
  }, 180_000);
});

// ---------------------------------------------------------------------------------------------
/** A free TCP port on 127.0.0.1 (freed again at once: a small race, fine for a test). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A long-running process in its own process group, output appended to `logFile`. */
function startService(command: string, args: string[], env: NodeJS.ProcessEnv, logFile: string) {
  const log = openSync(logFile, 'a');
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', log, log] });
  let code: number | null = null;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  let done = false;
  void exited.then((c) => {
    code = c;
    done = true;
  });
  const stop = async () => {
    if (!done) process.kill(-(child.pid as number), 'SIGTERM');
    const timer = setTimeout(() => !done && process.kill(-(child.pid as number), 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { exited: () => done, code: () => code, stop };
}

/** The SHA-256 fingerprint of the certificate a TLS server presents. */
function servedFingerprint(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, servername: 'localhost' }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.once('error', reject);
  });
}

const START_PRODUCTION = path.join(ROOT, 'gateway-config', 'production', 'start-production.sh');
const AS_ROOT = process.getuid?.() === 0;
const NOBODY = 65534;
/**
 * The production profile refuses to run as root; where the tests run as root (CI containers), it
 * runs as `nobody` through setpriv, as the image runs it as `kt`.
 */
const asService = (args: string[]): [string, string[]] =>
  AS_ROOT ? ['setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'bash', ...args]] : ['bash', args];

/** The TCP ports listened on, by process id (ss). */
function listeners(): Map<number, number> {
  const byPort = new Map<number, number>();
  for (const line of execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' }).split('\n')) {
    const port = Number(line.trim().split(/\s+/)[3]?.split(':').pop());
    const pid = Number(/pid=(\d+)/.exec(line)?.[1]);
    if (port && pid) byPort.set(port, pid);
  }
  return byPort;
}
const uidOf = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
const commandOf = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

describe('the production profile (production/start-production.sh)', () => {
  let dir: string;
  let cert: string;
  let key: string;
  let recordings: string;
  // Random per run, so no committed string is a production secret.
  const secrets = {
    JANUS_ADMIN_SECRET: randomBytes(24).toString('hex'),
    JANUS_API_SECRET: randomBytes(24).toString('hex'),
    KT_TOKEN_SECRET: randomBytes(24).toString('hex'),
  };
  const RTP = { min: 42000, max: 42999 };
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kt-prod-test-'));
    cert = path.join(dir, 'cert.pem');
    key = path.join(dir, 'key.pem');
    recordings = path.join(dir, 'recordings');
    // A self-signed certificate for 127.0.0.1 / localhost.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    mkdirSync(recordings);
    if (AS_ROOT) {
      // What the service user must read (certificate and key) and write (recordings).
      chmodSync(dir, 0o755);
      chmodSync(key, 0o644);
      chownSync(recordings, NOBODY, NOBODY);
    }
    const { KT_TOKEN_SECRET: _k, JANUS_TOKEN_SECRET: _j, ...rest } = process.env;
    env = {
      ...rest,
      ...secrets,
      KT_TLS_CERT: cert,
      KT_TLS_KEY: key,
      KT_WSS_IP: '127.0.0.1',
      JANUS_RTP_PORT_RANGE: `${RTP.min}-${RTP.max}`,
      JANUS_RECORDINGS_DIR: recordings,
    };
  });

  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** Runs the script with `change` applied to the environment; it must refuse to start. */
  function refusal(change: Record<string, string | undefined>, run = asService([START_PRODUCTION])): { status: number | null; stderr: string } {
    const e = { ...env, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete e[k];
    try {
      execFileSync(run[0], run[1], { env: e, stdio: 'pipe', timeout: 10_000 });
      return { status: 0, stderr: '' };
    } catch (err) {
      const { status, stderr } = err as { status: number | null; stderr: Buffer };
      return { status, stderr: String(stderr) };
    }
  }

  test.each([
    ['a missing admin secret', { JANUS_ADMIN_SECRET: undefined }, /JANUS_ADMIN_SECRET is required/],
    ['a missing token secret', { KT_TOKEN_SECRET: undefined }, /KT_TOKEN_SECRET is required/],
    ['a missing API secret', { JANUS_API_SECRET: undefined }, /JANUS_API_SECRET is required/],
    ['the old JANUS_TOKEN_SECRET', { JANUS_TOKEN_SECRET: secrets.KT_TOKEN_SECRET }, /now KT_TOKEN_SECRET/],
    ['the local default admin secret', { JANUS_ADMIN_SECRET: 'kt-local-admin' }, /well-known default/],
    ['the local token secret', { KT_TOKEN_SECRET: LOCAL_SECURE_SECRETS.tokenSecret }, /well-known default/],
    ["Janus's sample admin secret", { JANUS_ADMIN_SECRET: 'janusoverlord' }, /well-known default/],
    ['a short secret', { JANUS_API_SECRET: 'short-secret' }, /at least 16/],
    ['one secret for two purposes', { KT_TOKEN_SECRET: secrets.JANUS_API_SECRET }, /must differ/],
    ['a missing certificate', { KT_TLS_CERT: '/nonexistent/kt-cert.pem' }, /cannot read/],
    ['a key without its certificate', { KT_TLS_CERT: undefined }, /KT_TLS_CERT is required/],
    ['no TLS at all (no certificate, no proxy)', { KT_TLS_CERT: undefined, KT_TLS_KEY: undefined }, /no TLS/],
    ['both TLS here and behind a proxy', { KT_BEHIND_PROXY: '1' }, /choose one/],
  ])('refuses to start with %s', (_what, change, message) => {
    const { status, stderr } = refusal(change);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(message);
  });

  (AS_ROOT ? test : test.skip)('refuses to run as root (unless KT_ALLOW_ROOT=1)', () => {
    const { status, stderr } = refusal({}, ['bash', [START_PRODUCTION]]);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/refusing to run as root/);
  });

  describe('running natively, TLS served by the guard', () => {
    let service: ReturnType<typeof startService>;
    let wssUrl: string;
    let adminUrl: string;
    let tlsBrowser: Browser;
    const adminSecret = secrets.JANUS_ADMIN_SECRET;
    const ports = { wss: 0, guard: 0, janusWs: 0, admin: 0 };

    beforeAll(async () => {
      for (const k of Object.keys(ports) as (keyof typeof ports)[]) ports[k] = await freePort();
      wssUrl = `wss://127.0.0.1:${ports.wss}`;
      adminUrl = `http://127.0.0.1:${ports.admin}/admin`;
      const [command, args] = asService([START_PRODUCTION]);
      service = startService(
        command,
        args,
        {
          ...env,
          KT_WSS_PORT: String(ports.wss),
          KT_GUARD_PORT: String(ports.guard),
          JANUS_WS_PORT: String(ports.janusWs),
          JANUS_ADMIN_PORT: String(ports.admin),
        },
        path.join(OUT, 'janus-production.log'),
      );
      await waitFor(
        'the production gateway',
        async () => {
          const info = await adminRequest(adminUrl, adminSecret, { janus: 'info' });
          const loaded = Object.keys((info.transports as object) ?? {});
          if (!loaded.includes('janus.transport.websockets')) return false;
          const c = await RawJanus.open(wssUrl.replace('wss:', 'ws:').replace(String(ports.wss), String(ports.guard)));
          const pong = await c.request({ janus: 'ping' });
          c.close();
          return pong.janus === 'pong' && (await servedFingerprint(ports.wss)) !== undefined;
        },
        { timeoutMs: 30_000, giveUpIf: () => service.exited() && 'the process exited' },
      );
      // The certificate is self-signed: this browser trusts it (a deployment uses a real one).
      tlsBrowser = await chromium.launch({
        executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
        args: [...CHROMIUM_ARGS, '--ignore-certificate-errors'],
      });
    }, 60_000);

    afterAll(async () => {
      await tlsBrowser?.close();
      await service?.stop();
    });

    test('the guard serves wss with the configured certificate; Janus and the guard run unprivileged; Janus has no token auth, has the API secret, hides versions', async () => {
      const expected = new X509Certificate(readFileSync(cert)).fingerprint256;
      expect(await servedFingerprint(ports.wss)).toBe(expected);
      const byPort = listeners();
      const guardPid = byPort.get(ports.wss)!;
      const janusPid = byPort.get(ports.janusWs)!;
      expect(commandOf(guardPid)).toMatch(/node .*guard\.cjs/);
      expect(byPort.get(ports.guard)).toBe(guardPid);
      expect(commandOf(janusPid)).toMatch(/^janus /);
      expect(byPort.get(ports.admin)).toBe(janusPid);
      for (const pid of [guardPid, janusPid]) expect(uidOf(pid)).not.toBe(0);
      // Each process has only the secrets it needs.
      const environ = (pid: number) => readFileSync(`/proc/${pid}/environ`, 'utf8');
      expect(environ(janusPid)).not.toContain(secrets.KT_TOKEN_SECRET);
      expect(environ(guardPid)).not.toContain(secrets.JANUS_ADMIN_SECRET);
      const status = await adminRequest(adminUrl, adminSecret, { janus: 'get_status' });
      expect(status).toMatchObject({ janus: 'success', status: { token_auth: false } });
      const info = await adminRequest(adminUrl, adminSecret, { janus: 'info' });
      expect(info).toMatchObject({ api_secret: true, auth_token: false });
      expect(info.dependencies).toBeUndefined();
      expect(Object.keys(info.transports as object).sort()).toEqual(['janus.transport.http', 'janus.transport.websockets']);
      expect(Object.keys(info.plugins as object)).toEqual(['janus.plugin.videoroom']);
    });

    test("Janus: its WebSocket and the Admin API on 127.0.0.1 only, rooms only with the admin key (the guard's), the local default admin secret refused", async () => {
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal);
      for (const port of [ports.janusWs, ports.admin, ports.guard]) {
        if (external) expect(await tcpAccepts(external.address, port)).toBe(false);
        expect(await tcpAccepts('127.0.0.1', port)).toBe(true);
      }
      expect(await adminRequest(adminUrl, 'kt-local-admin', { janus: 'get_status' })).toMatchObject({ janus: 'error' });
      // Even a local process with the API secret cannot make rooms: the admin key is the guard's.
      const c = await RawJanus.open(`ws://127.0.0.1:${ports.janusWs}`);
      const apisecret = secrets.JANUS_API_SECRET;
      expect(await c.request({ janus: 'create' })).toMatchObject({ janus: 'error', error: { code: 403 } });
      const sid = (await c.request({ janus: 'create', apisecret })).data.id;
      const hid = (await c.request({ janus: 'attach', session_id: sid, plugin: 'janus.plugin.videoroom', apisecret })).data.id;
      const created = await c.request({ janus: 'message', session_id: sid, handle_id: hid, apisecret, body: { request: 'create', room: 'local-room' } });
      expect(created.plugindata.data).toMatchObject({ error_code: 429, error: expect.stringContaining('admin_key') });
      await c.request({ janus: 'destroy', session_id: sid, apisecret });
      c.close();
    });

    test('over wss: an invalid token gets 401, valid ones make a call whose media uses the RTP port range', async () => {
      const intruder = await openMember(tlsBrowser, wssUrl);
      expect(await intruder.call('init', 'cp-code', await signToken({ secret: 'guessed-secret-0123', user: 'intruder', create: true }))).toMatchObject({
        code: '401',
        janusCode: 403,
      });
      expect(await intruder.call('init', 'cp-code', 'auth-key')).toMatchObject({ code: '401' });
      const members = await twoMemberCall(tlsBrowser, wssUrl, tokenOf(secrets.KT_TOKEN_SECRET));

      // Every selected ICE pair has Janus's side inside JANUS_RTP_PORT_RANGE.
      const localPorts: number[] = [];
      for (const session of await listSessions(adminUrl, adminSecret)) {
        const handles = await adminRequest(adminUrl, adminSecret, { janus: 'list_handles' }, session);
        for (const handle of (handles.handles as number[]) ?? []) {
          const info = JSON.stringify(await adminRequest(adminUrl, adminSecret, { janus: 'handle_info' }, `${session}/${handle}`));
          for (const m of info.matchAll(/"selected-pair":"[^"]*?:(\d+) \[/g)) localPorts.push(Number(m[1]));
        }
      }
      expect(localPorts.length).toBeGreaterThanOrEqual(4); // 2 publishers + 2 subscribers
      for (const port of localPorts) expect(port >= RTP.min && port <= RTP.max).toBe(true);

      // The guard's own admin session stays; every client session goes.
      for (const m of members) await m.call('disconnect');
      await waitFor("only the guard's own session left", async () => (await listSessions(adminUrl, adminSecret)).length === 1, { timeoutMs: 30_000 });
      for (const m of members) expect(m.pageErrors).toEqual([]);
    }, 120_000);

    test('a crash of the guard stops Janus and the script exits non-zero (for the supervisor to restart both)', async () => {
      const byPort = listeners();
      const janusPid = byPort.get(ports.janusWs)!;
      process.kill(byPort.get(ports.wss)!, 'SIGKILL');
      await waitFor('the script to exit', async () => service.exited() || undefined, { timeoutMs: 15_000 });
      expect(service.code()).not.toBe(0);
      expect(() => process.kill(janusPid, 0)).toThrow();
    });
  });

  test('behind a proxy (KT_BEHIND_PROXY=1): the guard on 127.0.0.1 in plain ws, no wss here', async () => {
    const ports = { guard: await freePort(), janusWs: await freePort(), admin: await freePort() };
    const [command, args] = asService([START_PRODUCTION]);
    const service = startService(
      command,
      args,
      {
        ...env,
        KT_TLS_CERT: '',
        KT_TLS_KEY: '',
        KT_BEHIND_PROXY: '1',
        KT_GUARD_PORT: String(ports.guard),
        JANUS_WS_PORT: String(ports.janusWs),
        JANUS_ADMIN_PORT: String(ports.admin),
      },
      path.join(OUT, 'janus-production.log'),
    );
    try {
      const url = `ws://127.0.0.1:${ports.guard}`;
      await waitFor(
        'the guard',
        async () => {
          const c = await RawJanus.open(url);
          const pong = await c.request({ janus: 'ping' });
          c.close();
          return pong.janus === 'pong';
        },
        { timeoutMs: 30_000, giveUpIf: () => service.exited() && 'the process exited' },
      );
      const c = await RawJanus.open(url);
      expect(await c.request({ janus: 'create', token: 'auth-key' })).toMatchObject({ janus: 'error', error: { code: 403 } });
      c.close();
      const guardPid = listeners().get(ports.guard)!;
      expect([...listeners()].filter(([, pid]) => pid === guardPid).map(([port]) => port)).toEqual([ports.guard]);
    } finally {
      await service.stop();
    }
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
/** coturn is not a project dependency: this part runs where `turnserver` is installed (apt-get install coturn). */
const hasCoturn = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

(hasCoturn ? describe : describe.skip)('production/turnserver.conf with credentials from the application server', () => {
  const turnSecret = randomBytes(24).toString('hex');
  let dir: string;
  let service: ReturnType<typeof startService>;
  let app: AppServer;
  let turnPort: number;

  beforeAll(async () => {
    turnPort = await freePort();
    dir = mkdtempSync(path.join(os.tmpdir(), 'kt-turn-test-'));
    // The committed file, with the ports and addresses of this machine given on the command line.
    service = startService(
      'turnserver',
      [
        '-c',
        path.join(ROOT, 'gateway-config', 'production', 'turnserver.conf'),
        '--static-auth-secret',
        turnSecret,
        '--realm',
        'kt.test',
        '-p',
        String(turnPort),
        '--no-tls',
        '--no-dtls',
        '--listening-ip',
        '127.0.0.1',
        '--relay-ip',
        '127.0.0.1',
        '--min-port',
        '43000',
        '--max-port',
        '43999',
        '--pidfile',
        path.join(dir, 'turnserver.pid'),
      ],
      process.env,
      path.join(OUT, 'coturn.log'),
    );
    await waitFor('coturn', () => tcpAccepts('127.0.0.1', turnPort), { timeoutMs: 20_000, giveUpIf: () => service.exited() && 'the process exited' });
    app = await startAppServer({
      tokenSecret: randomBytes(16).toString('hex'),
      allowOpenSignUp: true,
      turn: { secret: turnSecret, urls: [`turn:127.0.0.1:${turnPort}`] },
    });
  });

  afterAll(async () => {
    await app?.close();
    await service?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('Chromium gets a relay candidate with the handed-out credential, and a 401 with a forged one', async () => {
    const answer = await (await fetch(`${app.url}/api/token`, { method: 'POST', body: JSON.stringify({ name: 'alice' }) })).json();
    const [ice] = answer.iceServers;
    const page = await browser.newPage();
    try {
      const gather = (server: RTCIceServer) =>
        page.evaluate(async (s) => {
          const pc = new RTCPeerConnection({ iceServers: [s], iceTransportPolicy: 'relay' });
          const relays: string[] = [];
          const errors: number[] = [];
          pc.onicecandidateerror = (e) => errors.push((e as RTCPeerConnectionIceErrorEvent).errorCode);
          const complete = new Promise<void>((done) => {
            pc.onicecandidate = (e) => (e.candidate ? e.candidate.type === 'relay' && relays.push(e.candidate.candidate) : done());
            setTimeout(done, 10_000);
          });
          pc.createDataChannel('probe');
          await pc.setLocalDescription(await pc.createOffer());
          await complete;
          pc.close();
          return { relays: relays.length, errors };
        }, server);
      expect((await gather(ice)).relays).toBeGreaterThan(0);
      const forged = await gather({ ...ice, credential: Buffer.from('forged').toString('base64') });
      expect(forged).toEqual({ relays: 0, errors: expect.arrayContaining([401]) });
    } finally {
      await page.close();
    }
  }, 60_000);
});
