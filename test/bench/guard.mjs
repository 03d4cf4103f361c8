/**
 * The guard's own cost (issue 14): added latency per request, and what keepalives cost it.
 *
 *   npm run bench:guard            (= npm run build && node test/bench/guard.mjs)
 *   GUARD_BENCH_N=2000 GUARD_BENCH_SESSIONS=200 node test/bench/guard.mjs [--json]
 *
 * `npm run bench` runs it too (--json: one JSON object on stdout instead of the text) and puts its
 * figures in its report. Starts its own gateway (startGateway: Janus with its VideoRoom admin_key,
 * and the gateway's own guard, unused here) and a guard of its own in front of the same Janus, in
 * this process, so that this process's CPU is the guard's. One raw
 * client sends the same requests one at a time straight to Janus and through the guard, and prints
 * median and p99 round trips for: a keepalive (core request, relayed), a listparticipants (plugin
 * request, policy + relay) and a kt_message to one member (answered and delivered by the guard,
 * no Janus: the path chat would take instead of the TextRoom data channel). Then it holds
 * GUARD_BENCH_SESSIONS sessions through the guard, sends one keepalive on each, and reports the
 * guard's CPU per keepalive and the sessions one core could hold at janus.js's 25 s keepalive.
 * Bounded in count and time; stops everything it started. Not a test: it prints figures.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

const require = createRequire(import.meta.url);
const { startGateway } = require('../../gateway-config/start.cjs');
const { startGuard, signToken } = require('../../dist/guard.cjs');

const N = Number(process.env.GUARD_BENCH_N ?? 2000);
const SESSIONS = Number(process.env.GUARD_BENCH_SESSIONS ?? 200);
const SECRET = 'bench-secret-' + Math.random().toString(36).slice(2);
const JSON_OUTPUT = process.argv.includes('--json');
/** Progress and text figures go to stderr with --json, so stdout holds the JSON alone. */
const say = (...a) => (JSON_OUTPUT ? console.error : console.log)(...a);

class Client {
  static async open(url) {
    const c = new Client();
    c.ws = new WebSocket(url, 'janus-protocol', { perMessageDeflate: false });
    c.waiting = new Map();
    c.onEvent = () => {};
    c.n = 0;
    c.ws.on('message', (d) => {
      const f = JSON.parse(d.toString());
      const w = c.waiting.get(f.transaction);
      if (w && f.janus !== 'event' && !(f.janus === 'ack' && w.async)) {
        c.waiting.delete(f.transaction);
        w.resolve(f);
      } else if (f.janus === 'event') {
        if (w) {
          c.waiting.delete(f.transaction);
          w.resolve(f);
        } else c.onEvent(f);
      }
    });
    await new Promise((resolve, reject) => c.ws.once('open', resolve).once('error', reject));
    return c;
  }
  request(frame, async = false) {
    const transaction = `b${++this.n}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timeout ' + frame.janus)), 10000);
      this.waiting.set(transaction, { async, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      this.ws.send(JSON.stringify({ ...frame, transaction }));
    });
  }
  close() {
    this.ws.close();
  }
}

async function sessionOn(url, token) {
  const c = await Client.open(url);
  const created = await c.request({ janus: 'create', ...(token ? { token } : {}) });
  const sid = created.data.id;
  const attached = await c.request({ janus: 'attach', session_id: sid, plugin: 'janus.plugin.videoroom', ...(token ? { token } : {}) });
  return { c, sid, hid: attached.data.id, token };
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return { median: q(0.5), p99: q(0.99) };
}

async function time(label, fn) {
  for (let i = 0; i < 100; i++) await fn(); // warm up
  const samples = [];
  for (let i = 0; i < N; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  const { median, p99 } = stats(samples);
  return { label, median, p99 };
}

const tmp = mkdtempSync(path.join(tmpdir(), 'kt-guard-bench-'));
const gateway = await startGateway({ freePorts: true, quiet: true, logFile: path.join(tmp, 'janus.log'), recordingsDir: path.join(tmp, 'rec') });
const guard = await startGuard({
  janusUrl: gateway.janusWsUrl,
  adminKey: gateway.janusAdminKey,
  profile: 'secure',
  tokenSecret: SECRET,
  limits: { maxMembers: 1000 },
  // Back-to-back requests are a flood by the guard's default limits (100/s): lifted for the bench.
  rate: { perSecond: 1e6, burst: 1e6 },
});
const cleanup = [];
try {
  const token = (user, extra = {}) => signToken({ secret: SECRET, user, ...extra });
  // A room (made through the guard) with two members, so that listparticipants and messages have work.
  const host = await sessionOn(guard.url, await token('host', { create: true }));
  cleanup.push(host.c);
  await host.c.request({
    janus: 'message',
    session_id: host.sid,
    handle_id: host.hid,
    token: host.token,
    body: { request: 'create', room: 'bench', kt: { destroy: false } },
  });
  const members = [];
  for (const user of ['alice', 'bob']) {
    const m = await sessionOn(guard.url, await token(user, { rooms: ['bench'] }));
    cleanup.push(m.c);
    await m.c.request(
      { janus: 'message', session_id: m.sid, handle_id: m.hid, token: m.token, body: { request: 'join', ptype: 'publisher', room: 'bench' } },
      true,
    );
    members.push(m);
  }
  const [alice, bob] = members;
  const direct = await sessionOn(gateway.janusWsUrl, undefined);
  cleanup.push(direct.c);

  const rows = [];
  rows.push(await time('keepalive, Janus direct', () => direct.c.request({ janus: 'keepalive', session_id: direct.sid })));
  rows.push(await time('keepalive, through the guard', () => alice.c.request({ janus: 'keepalive', session_id: alice.sid, token: alice.token })));
  const lp = { request: 'listparticipants', room: 'bench' };
  rows.push(
    await time('listparticipants, Janus direct', () => direct.c.request({ janus: 'message', session_id: direct.sid, handle_id: direct.hid, body: lp })),
  );
  rows.push(
    await time('listparticipants, through the guard', () =>
      alice.c.request({ janus: 'message', session_id: alice.sid, handle_id: alice.hid, token: alice.token, body: lp }),
    ),
  );
  // A whisper: request answered by the guard; the time until bob HAS it is what chat would cost.
  let delivered;
  bob.c.onEvent = (f) => f.plugindata?.data?.videoroom === 'kt_message' && delivered?.();
  rows.push(
    await time('kt_message alice→bob, until bob has it', async () => {
      const got = new Promise((resolve) => (delivered = resolve));
      await alice.c.request({
        janus: 'message',
        session_id: alice.sid,
        handle_id: alice.hid,
        token: alice.token,
        body: { request: 'kt_message', room: 'bench', to: 'bob', body: { text: 'hi' } },
      });
      await got;
    }),
  );
  say(`\nRound trips, ${N} sequential requests each (ms):`);
  for (const r of rows) say(`  ${r.label.padEnd(42)} median ${r.median.toFixed(3)}  p99 ${r.p99.toFixed(3)}`);
  const signed = (x) => (x >= 0 ? '+' : '') + x.toFixed(3);
  const addedBy = (a, b) => ({ median: rows[b].median - rows[a].median, p99: rows[b].p99 - rows[a].p99 });
  const added = { keepalive: addedBy(0, 1), listparticipants: addedBy(2, 3) };
  const text = (x) => `median ${signed(x.median)} ms, p99 ${signed(x.p99)} ms`;
  say(`  added by the guard: keepalive ${text(added.keepalive)}; listparticipants ${text(added.listparticipants)}`);

  // Sessions with keepalives: CPU of this process (the guard; the clients are cheap in comparison,
  // and counted too, so the figure is an upper bound) per keepalive.
  const held = [];
  for (let i = 0; i < SESSIONS; i++) held.push(await sessionOn(guard.url, await token(`u${i}`)));
  cleanup.push(...held.map((h) => h.c));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const rounds = 5;
  for (let r = 0; r < rounds; r++) await Promise.all(held.map((h) => h.c.request({ janus: 'keepalive', session_id: h.sid, token: h.token })));
  const cpu = process.cpuUsage(cpu0);
  const perKeepalive = (cpu.user + cpu.system) / 1000 / (SESSIONS * rounds);
  const perCore = Math.floor(25 / (perKeepalive / 1000));
  const wallMs = performance.now() - t0;
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  const sessions = guard.stats().sessions;
  say(`\n${SESSIONS} sessions through the guard, ${rounds} keepalives each in ${wallMs.toFixed(0)} ms:`);
  say(
    `  CPU per keepalive (guard + bench clients, an upper bound) ${perKeepalive.toFixed(3)} ms → one core keeps ~${perCore} sessions alive at one keepalive per 25 s`,
  );
  say(`  memory: rss ${rssMiB.toFixed(0)} MiB with ${sessions} sessions`);
  if (JSON_OUTPUT) {
    console.log(
      JSON.stringify({
        n: N,
        rows,
        added,
        keepalive: { sessions: SESSIONS, rounds, wallMs, cpuPerKeepaliveMs: perKeepalive, sessionsPerCore: perCore, rssMiB, guardSessions: sessions },
      }),
    );
  }
} finally {
  for (const c of cleanup) c.close();
  await guard.stop();
  await gateway.stop();
  rmSync(tmp, { recursive: true, force: true });
}
