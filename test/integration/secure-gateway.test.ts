/**
 * Secure mode (issue 5) on real Janus gateways started by this file, next to the suite's default
 * one: a local gateway with token auth (start.cjs `tokenSecret`), and the production profile
 * (production/start-production.sh: wss with a self-signed certificate, token auth, Admin API on
 * loopback, RTP port range). The SDK runs as the built UMD bundle in Chromium.
 *
 * Time bounds here only say "promptly, not after a timeout or retries": they are generous (10 s,
 * the SDK's own request timeout) because other suites share this 2-core machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { X509Certificate, randomBytes } from 'node:crypto';
import { chromium, type Browser, type WebSocket } from 'playwright-core';
import { startGateway, LOCAL_SECURE_SECRETS, type Gateway } from '../../gateway-config/start.cjs';
import { startAppServer, type AppServer } from '../../gateway-config/app-server.cjs';
import { createToken, parseToken } from '../../sdk/server';
import { adminRequest, listSessions, waitForNoSessions } from '../support/admin';
import { CHROMIUM_ARGS, launchBrowser, MemberPage } from '../support/browser';
import { disconnectAll } from '../support/call';
import { waitFor } from '../support/wait';

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

/**
 * Two members on `server`, each with the token `tokenFor` gives it: create, join, publish,
 * subscribe, and frames decoded both ways. Returns them still connected.
 */
async function twoMemberCall(b: Browser, server: string, tokenFor: (userId: string, m: MemberPage) => Promise<string>): Promise<MemberPage[]> {
  const roomId = newRoomId();
  const ids = ['alice', 'bob'].map((n) => `${n}-${roomId.slice(-8)}`);
  const members = await Promise.all(ids.map(() => openMember(b, server)));
  for (const [i, m] of members.entries()) {
    expect(await m.call('init', 'cp-code', await tokenFor(ids[i], m), ids[i], ids[i])).toEqual({ code: '200', userId: ids[i] });
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

// ---------------------------------------------------------------------------------------------
describe('a gateway in secure mode (token auth)', () => {
  const secret = LOCAL_SECURE_SECRETS.tokenSecret;
  let gw: Gateway;
  let app: AppServer;

  beforeAll(async () => {
    gw = await startGateway({
      freePorts: true,
      quiet: true,
      logFile: path.join(OUT, 'janus-secure.log'),
      tokenSecret: secret,
      apiSecret: LOCAL_SECURE_SECRETS.apiSecret,
    });
    // The browser asks the application server for its token, as a deployed app would.
    app = await startAppServer({ tokenSecret: secret, gatewayUrl: gw.wsUrl, allowOrigin: process.env.KT_PAGE_ORIGIN });
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

    const tampered = () => {
      // A valid token for VideoRoom only, with TextRoom added afterwards: the signature no longer matches.
      const [data, signature] = createToken({ secret, plugins: ['janus.plugin.videoroom'] }).split(':');
      return `${data},janus.plugin.textroom:${signature}`;
    };
    test.each([
      ['not a token (the placeholder Knowledgetalk apps pass)', () => 'auth-key', 403],
      ['signed with the wrong secret', () => createToken({ secret: 'not-the-gateway-secret' }), 403],
      ['expired', () => createToken({ secret, ttlSeconds: 60, now: Date.now() - 120_000 }), 403],
      ['tampered with', tampered, 403],
      ['not valid for VideoRoom', () => createToken({ secret, plugins: ['janus.plugin.textroom'] }), 405],
    ])('a token %s', async (_what, token, janusCode) => {
      sockets.length = 0;
      framesSent = 0;
      const started = Date.now();
      const result = await member.call('init', 'cp-code', token());
      const elapsed = Date.now() - started;
      expect(result).toMatchObject({ code: '401', janusCode });
      expect(elapsed).toBeLessThan(PROMPTLY_MS);
      // One connection, a handful of requests (create; or create, attach(es), destroy), then silence.
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

    test('no token: the SDK refuses an empty authKey before connecting (421), and the gateway refuses requests without one', async () => {
      sockets.length = 0;
      expect(await member.call('init', 'cp-code', '')).toMatchObject({ code: '421' });
      expect(sockets).toHaveLength(0);
      const res = await fetch(gw.httpUrl, { method: 'POST', body: JSON.stringify({ janus: 'create', transaction: 'no-token' }) });
      expect((await res.json()).error).toMatchObject({ code: 403 });
    });
  });

  test('a valid token from the application server: a two-member call with frames, nothing left behind', async () => {
    const tokenFor = async (userId: string, m: MemberPage): Promise<string> => {
      // In the page, like the demo: POST /api/token {name} from the app's origin.
      const answer = await m.page.evaluate(async ([url, name]) => {
        const res = await fetch(`${url}/api/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) });
        return res.json();
      }, [app.url, userId] as const);
      expect(answer.server).toBe(gw.wsUrl);
      return answer.token;
    };
    const members = await twoMemberCall(browser, gw.wsUrl, tokenFor);
    await disconnectAll(members, gw);
  }, 120_000);

  test('a token that expires mid-session: the next request gets 401 and the app disconnected at once; Janus drops the session later', async () => {
    const member = await openMember(browser, gw.wsUrl);
    const token = createToken({ secret, ttlSeconds: 8 });
    const roomId = newRoomId();
    expect(await member.call('init', 'cp-code', token)).toMatchObject({ code: '200' });
    expect(await member.call('createVideoRoom', roomId)).toEqual({ code: '200', roomId });

    // Janus accepts the token up to and including its expiry second.
    await sleep((parseToken(token).expiresAt + 1) * 1000 - Date.now() + 300);
    const started = Date.now();
    expect(await member.call('createVideoRoom', `${roomId}-2`)).toMatchObject({ code: '401', janusCode: 403 });
    expect(Date.now() - started).toBeLessThan(PROMPTLY_MS);
    // The session is useless from here on: the app is told at once and the instance is reset.
    const events = await member.page.evaluate(() => (window as any).harness.events);
    expect(events).toEqual([{ type: 'disconnected', detail: { reason: expect.stringContaining('token') } }]);
    expect(await member.call('getUserId')).toBeNull();

    // Janus now refuses even "destroy"; the session goes once its socket is closed and the
    // reclaim timeout (20 s, janus.jcfg) has passed.
    await member.call('disconnect');
    expect(await waitForNoSessions(45_000, gw)).toEqual({ sessions: 0, handles: 0 });
    expect(member.pageErrors).toEqual([]);
  }, 120_000);
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
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  const stop = async () => {
    if (!done) process.kill(-(child.pid as number), 'SIGTERM');
    const timer = setTimeout(() => !done && process.kill(-(child.pid as number), 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { exited: () => done, stop };
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

/** Whether a TCP connection to host:port is accepted. */
function tcpAccepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const START_PRODUCTION = path.join(ROOT, 'gateway-config', 'production', 'start-production.sh');

describe('the production profile (production/start-production.sh)', () => {
  let dir: string;
  let cert: string;
  let key: string;
  // Random per run, so no committed string is a production secret.
  const secrets = {
    JANUS_ADMIN_SECRET: randomBytes(24).toString('hex'),
    JANUS_API_SECRET: randomBytes(24).toString('hex'),
    JANUS_TOKEN_SECRET: randomBytes(24).toString('hex'),
  };
  const RTP = { min: 42000, max: 42999 };
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kt-prod-test-'));
    cert = path.join(dir, 'cert.pem');
    key = path.join(dir, 'key.pem');
    // A self-signed certificate for 127.0.0.1 / localhost.
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key,
      '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
    env = { ...process.env, ...secrets, JANUS_TLS_CERT: cert, JANUS_TLS_KEY: key, JANUS_WSS_IP: '127.0.0.1', JANUS_RTP_PORT_RANGE: `${RTP.min}-${RTP.max}` };
  });

  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  /** Runs the script with `change` applied to the environment; it must refuse to start. */
  function refusal(change: Record<string, string | undefined>): { status: number | null; stderr: string } {
    const e = { ...env, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete e[k];
    try {
      execFileSync('bash', [START_PRODUCTION], { env: e, stdio: 'pipe', timeout: 10_000 });
      return { status: 0, stderr: '' };
    } catch (err) {
      const { status, stderr } = err as { status: number | null; stderr: Buffer };
      return { status, stderr: String(stderr) };
    }
  }

  test.each([
    ['a missing admin secret', { JANUS_ADMIN_SECRET: undefined }, /JANUS_ADMIN_SECRET is required/],
    ['a missing token secret', { JANUS_TOKEN_SECRET: undefined }, /JANUS_TOKEN_SECRET is required/],
    ['a missing API secret', { JANUS_API_SECRET: undefined }, /JANUS_API_SECRET is required/],
    ['the local default admin secret', { JANUS_ADMIN_SECRET: 'kt-local-admin' }, /well-known default/],
    ['the local token secret', { JANUS_TOKEN_SECRET: LOCAL_SECURE_SECRETS.tokenSecret }, /well-known default/],
    ["Janus's sample admin secret", { JANUS_ADMIN_SECRET: 'janusoverlord' }, /well-known default/],
    ['a short secret', { JANUS_API_SECRET: 'short-secret' }, /at least 16/],
    ['one secret for two purposes', { JANUS_TOKEN_SECRET: secrets.JANUS_API_SECRET }, /must differ/],
    ['a missing certificate', { JANUS_TLS_CERT: '/nonexistent/kt-cert.pem' }, /cannot read/],
    ['no key', { JANUS_TLS_KEY: undefined }, /JANUS_TLS_KEY is required/],
  ])('refuses to start with %s', (_what, change, message) => {
    const { status, stderr } = refusal(change);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(message);
  });

  describe('running natively', () => {
    let service: ReturnType<typeof startService>;
    let wssUrl: string;
    let adminUrl: string;
    let tlsBrowser: Browser;
    const adminSecret = secrets.JANUS_ADMIN_SECRET;
    const ports = { wss: 0, admin: 0 };

    beforeAll(async () => {
      ports.wss = await freePort();
      ports.admin = await freePort();
      wssUrl = `wss://127.0.0.1:${ports.wss}`;
      adminUrl = `http://127.0.0.1:${ports.admin}/admin`;
      service = startService('bash', [START_PRODUCTION], { ...env, JANUS_WSS_PORT: String(ports.wss), JANUS_ADMIN_PORT: String(ports.admin) },
        path.join(OUT, 'janus-production.log'));
      await waitFor('the production gateway', async () => {
        const info = await adminRequest(adminUrl, adminSecret, { janus: 'info' });
        const loaded = Object.keys((info.transports as object) ?? {});
        return loaded.includes('janus.transport.websockets') && (await servedFingerprint(ports.wss)) !== undefined;
      }, { timeoutMs: 20_000, giveUpIf: () => service.exited() && 'the process exited' });
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

    test('serves wss with the configured certificate, token auth and the API secret on, and hides versions', async () => {
      const expected = new X509Certificate(readFileSync(cert)).fingerprint256;
      expect(await servedFingerprint(ports.wss)).toBe(expected);
      const status = await adminRequest(adminUrl, adminSecret, { janus: 'get_status' });
      expect(status).toMatchObject({ janus: 'success', status: { token_auth: true } });
      const info = await adminRequest(adminUrl, adminSecret, { janus: 'info' });
      expect(info).toMatchObject({ api_secret: true, auth_token: true });
      expect(info.dependencies).toBeUndefined();
      expect(Object.keys(info.transports as object).sort()).toEqual(['janus.transport.http', 'janus.transport.websockets']);
    });

    test('keeps the Admin API on 127.0.0.1 and refuses the local default admin secret', async () => {
      const external = Object.values(os.networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal);
      if (external) expect(await tcpAccepts(external.address, ports.admin)).toBe(false);
      expect(await tcpAccepts('127.0.0.1', ports.admin)).toBe(true);
      const answer = await adminRequest(adminUrl, 'kt-local-admin', { janus: 'get_status' });
      expect(answer.janus).toBe('error');
    });

    test('over wss: an invalid token gets 401, valid ones make a call whose media uses the RTP port range', async () => {
      const intruder = await openMember(tlsBrowser, wssUrl);
      expect(await intruder.call('init', 'cp-code', createToken({ secret: 'guessed-secret' }))).toMatchObject({ code: '401', janusCode: 403 });
      // The API secret is for server-side tools: the SDK never has it, and the token is what counts.
      const members = await twoMemberCall(tlsBrowser, wssUrl, async () => createToken({ secret: secrets.JANUS_TOKEN_SECRET }));

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

      await disconnectAll(members, { adminUrl, adminSecret });
    }, 120_000);
  });
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
    service = startService('turnserver', [
      '-c', path.join(ROOT, 'gateway-config', 'production', 'turnserver.conf'),
      '--static-auth-secret', turnSecret, '--realm', 'kt.test',
      '-p', String(turnPort), '--no-tls', '--no-dtls', '--listening-ip', '127.0.0.1', '--relay-ip', '127.0.0.1',
      '--min-port', '43000', '--max-port', '43999', '--pidfile', path.join(dir, 'turnserver.pid'),
    ], process.env, path.join(OUT, 'coturn.log'));
    await waitFor('coturn', () => tcpAccepts('127.0.0.1', turnPort), { timeoutMs: 20_000, giveUpIf: () => service.exited() && 'the process exited' });
    app = await startAppServer({ tokenSecret: 'unused-here', turn: { secret: turnSecret, urls: [`turn:127.0.0.1:${turnPort}`] } });
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
