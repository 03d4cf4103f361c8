#!/usr/bin/env node
/**
 * `npm run bench` (issues 6, 14): our SDK against plain janus.js on the same local gateway, in one
 * run. Ours goes through the gateway guard (startGateway's `wsUrl`), as every app does; the
 * baseline, plain janus.js, talks to Janus directly (`janusWsUrl`), as it would without the guard.
 *
 *   1. time to first frame: joinRoom() → first decoded frame of every member already publishing,
 *      for N = 1, 4, 8 publishers;
 *   2. publish → first decoded frame on a member already in the room;
 *   3. bundle size, and its parts;
 *   4. peer connections per member;
 *   5. the guard's own cost (test/bench/guard.mjs, run as a child after the browsers are gone):
 *      added latency per request (median, p99) and what keepalives cost it.
 *
 * Prints one table and writes it, with the machine's description, to test/bench/RESULTS.md.
 * Timings are medians of BENCH_REPS repetitions (default 7), ours and baseline interleaved.
 *
 * Environment: BENCH_REPS (default 7), BENCH_N (default "1,4,8"), CHROMIUM_PATH; GUARD_BENCH_N and
 * GUARD_BENCH_SESSIONS for measure 5 (see guard.mjs); BENCH_RESULTS: write the report there instead
 * of test/bench/RESULTS.md (a quick run that must not replace the committed figures).
 * Needs `npm run build` first (the script `npm run bench` does it).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBundle } from './lib/bundle.mjs';
import { startPageServer } from './lib/page-server.mjs';
import { BenchPage, launchBrowser } from './lib/pages.mjs';
import { breakdown, machine, resultsTable, signallingTimeline } from './lib/report.mjs';

const require = createRequire(import.meta.url);
const { startGateway } = require('../../gateway-config/start.cjs');
const { postAdminRequest } = require('../../gateway-config/start/admin-request.cjs');

const HERE = path.dirname(fileURLToPath(import.meta.url));
const RESULTS = process.env.BENCH_RESULTS ? path.resolve(process.env.BENCH_RESULTS) : path.join(HERE, 'RESULTS.md');

const REPS = Math.max(1, Number(process.env.BENCH_REPS ?? 7));
const NS = (process.env.BENCH_N ?? '1,4,8').split(',').map(Number);
/**
 * Janus forwards at most one keyframe request (PLI) per second to a publisher's stream and holds
 * back the rest. A new subscriber's first frame waits for a keyframe, so a join less than a second
 * after the previous subscriber's PLI would wait for the held-back one. Every leave is followed by
 * this pause before the next join or publish.
 */
const PAUSE_MS = 1500;
/** After the publishers start, so their encoders and bandwidth estimates are past the ramp-up. */
const SETTLE_MS = 3000;
const FRAME_TIMEOUT_MS = 20000;
/**
 * What is measured: our SDK, plain janus.js, and (for N > 1) our SDK used as the README's example
 * does, awaiting each subscribeVideo in a loop instead of asking for all feeds at once.
 */
const KINDS = ['ours', 'baseline'];
const SEQUENTIAL = 'ours-seq';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => console.error('[bench]', ...a);

/**
 * Runs `fn(kind, rep)` for every kind, REPS times. Repetition -1 is a warm-up (not counted); the
 * kinds take turns going first, so neither always runs right after the other.
 */
async function repeat(kinds, fn) {
  const samples = Object.fromEntries(kinds.map((k) => [k, []]));
  for (let rep = -1; rep < REPS; rep++) {
    const shift = (rep + 1) % kinds.length;
    const order = [...kinds.slice(shift), ...kinds.slice(0, shift)];
    for (const kind of order) {
      const sample = await fn(kind, rep);
      if (rep >= 0) samples[kind].push(sample);
      log(`  ${rep < 0 ? 'warm-up' : `rep ${rep + 1}/${REPS}`} ${kind}: ${sample.error ?? `${Math.round(sample.ms)} ms`}`);
    }
  }
  return samples;
}

/** A failed repetition is kept (and counted as failed), not retried. */
const failure = (e) => ({ error: e.message.split('\n')[0] });

/**
 * Leaves the room, then the pause that spaces repetitions. Returns the peer connections still open
 * once out of the room (an SDK may keep a per-instance one; more than that would be a leak).
 */
async function leaveAndPause(member) {
  await member.call('leave').catch((e) => log(`${member.name}: leave failed: ${e.message}`));
  const open = await member.call('openPeerConnections');
  await sleep(PAUSE_MS);
  return open;
}

class Bench {
  constructor(gateway, origin, browser) {
    this.gateway = gateway;
    this.origin = origin;
    this.browser = browser;
    this.pages = [];
  }

  async member(kind, name, options = {}) {
    const page = await BenchPage.open(this.browser, this.origin, kind, name);
    this.pages.push(page);
    // Ours through the guard; plain janus.js straight to Janus (the guard speaks the same API).
    const server = kind === 'baseline' ? this.gateway.janusWsUrl : this.gateway.wsUrl;
    await page.call('connect', server, name, options);
    return page;
  }

  async setUp() {
    // Publishers only send: they use our SDK and never subscribe.
    this.publishers = [];
    for (let i = 0; i < Math.max(...NS); i++) this.publishers.push(await this.member('ours', `pub${i}`, { subscribe: false }));
    this.measured = {
      ours: await this.member('ours', 'm-ours'),
      baseline: await this.member('baseline', 'm-base'),
      [SEQUENTIAL]: await this.member('ours', 'm-ours-seq', { sequential: true }),
    };
    this.senders = { ours: await this.member('ours', 's-ours'), baseline: await this.member('baseline', 's-base') };
  }

  /** Rooms are made by one SDK page for both clients, so both join the same kind of room. */
  createRoom(roomId) {
    return this.publishers[0].call('createRoom', roomId);
  }

  /** Measures 1 and 4 for N publishers: the measured members join and leave a room they stay in. */
  async timeToFirstFrame(n) {
    const roomId = `bench-n${n}`;
    await this.createRoom(roomId);
    const active = this.publishers.slice(0, n);
    for (const p of active) {
      await p.call('join', roomId);
      await p.call('publish');
    }
    await sleep(SETTLE_MS);
    const feeds = active.map((p) => p.name);
    log(`N=${n}: ${feeds.length} publishers in ${roomId}`);
    const kinds = n > 1 ? [...KINDS, SEQUENTIAL] : KINDS;
    const samples = await repeat(kinds, async (kind) => {
      const member = this.measured[kind];
      let sample;
      try {
        const timed = await member.call('timeJoin', roomId, feeds, FRAME_TIMEOUT_MS);
        const signalling = await member.call('signallingLog');
        // As in a call, the member then sends its own camera: the connections count includes it.
        await member.call('publish');
        sample = {
          ...timed,
          pcs: await member.call('openPeerConnections'),
          mediaPcs: await member.call('openMediaPeerConnections'),
          signalling,
        };
      } catch (e) {
        sample = failure(e);
      }
      return { ...sample, pcsAfterLeave: await leaveAndPause(member) };
    });
    for (const p of active) await p.call('leave');
    return samples;
  }

  /** Measure 2: a fresh room per repetition holding the receiver and the sender, nobody else. */
  async publishToFrame() {
    log('publish → remote frame');
    return repeat(KINDS, async (kind, rep) => {
      const roomId = `bench-pub-${kind}-${rep + 1}`;
      const viewer = this.measured[kind];
      const sender = this.senders[kind];
      let sample;
      try {
        await this.createRoom(roomId);
        await viewer.call('join', roomId);
        await sender.call('join', roomId);
        await sleep(PAUSE_MS);
        const t0 = await sender.call('timePublish');
        const t1 = await viewer.call('firstFrame', sender.name, FRAME_TIMEOUT_MS);
        sample = { ms: t1 - t0 };
      } catch (e) {
        sample = failure(e);
      }
      await sender.call('leave').catch(() => {});
      await leaveAndPause(viewer);
      return sample;
    });
  }

  pageErrors() {
    return this.pages.flatMap((p) => p.errors.map((e) => `${p.name}: ${e}`));
  }
}

function resultsFile({ table, about, notes, timelines, guard }) {
  const m = about;
  return `# Benchmark results (issues 6, 14)

Produced by \`npm run bench\` (\`test/bench/run.mjs\`) on ${new Date().toISOString().slice(0, 10)}, one run, ${REPS} repetitions per timing.

Machine: ${m.cpu}, ${m.ram} RAM, ${m.os}; Chromium ${m.chromium} (headless, fake camera and microphone);
Janus ${m.janus}; Node ${m.node}. Load average before the run: ${m.loadBefore}.
${m.busy ? `\n**Development run: the machine was busy** (load average ≥ half its ${os.cpus().length} cores before the run; other engineers' browser tests share it). Figures are noisy; compare the two columns, which were measured interleaved under the same load, rather than absolute values.\n` : ''}
${table}

Timings: median (min–max, n = repetitions counted). Ratio = median ours / median baseline. Ours
goes through the gateway guard, the baseline straight to Janus: the ratios include the guard's cost.

${guardSection(guard)}

${notes}

## Where the join time goes (medians)

${breakdown(timelines.ttff)}

## Signalling of one join, N=${timelines.n} (Janus messages, ms after the join call; > sent, < received)

The last counted repetition. A received message is stamped when the page's listener saw it, which
is after janus.js's own handler ran, so requests that handler sent can appear just before it.

Ours (Knowledgetalk SDK):

\`\`\`
${timelines.ours}
\`\`\`

Baseline (plain janus.js, one subscriber handle per feed):

\`\`\`
${timelines.baseline}
\`\`\`
`;
}

const NOTES = `How it was measured:

- One Chromium (Debian's, headless, the test suite's flags from test/support/browser.ts), one browser
  context per member, pages served over HTTP from 127.0.0.1; the local gateway from gateway-config/
  (startGateway: Janus and the guard in front of it, development profile) started on free ports.
  Ours connects to the guard (\`wsUrl\`), the baseline to Janus's own WebSocket (\`janusWsUrl\`):
  rooms are the guard's (made by an SDK page), which the baseline joins directly. Publishers: ${'`'}pub0…pub${Math.max(...NS) - 1}${'`'}, our SDK, fake camera 320×240 + microphone, in the
  room for the whole series of one N.
- **Ours** is dist/knowledgetalk.umd.js used like an app: \`joinRoom()\`, then \`subscribeVideo()\` for each
  feed of the \`publish\` presence events (all feeds of an event at once, not one await after another).
  **Baseline** is plain janus.js (with webrtc-adapter via \`Janus.useDefaultDependencies\`) written like
  Janus's VideoRoom demo: attach a publisher handle, join as publisher, then one new subscriber handle
  per remote feed (\`join\` ptype subscriber with \`streams: [{feed}]\`, \`createAnswer\`, \`start\`).
  Both pages are connected (ours: \`init()\`, baseline: Janus session) before the clock starts.
- 1b: our SDK used exactly as the README's example is written — \`srcObject = await kt.subscribeVideo(…)\`
  inside a \`for\` loop over the feeds — which asks for one feed only after the previous one is ready.
- 1: from the join call to the moment the last of the N feeds has its first frame decoded
  (\`requestVideoFrameCallback\` on a \`<video>\` playing the received track). 2: from \`publishVideo()\`
  (ours) / \`createOffer\`+\`configure\` (baseline), after \`getUserMedia\`, on the sender's page to the first
  frame on the receiver's page (clocks: \`performance.timeOrigin + performance.now()\`, one browser). The
  receiver is alone in a fresh room with the sender. 4: open RTCPeerConnections of the measured page
  (counted by test/support/harness.js, which wraps \`RTCPeerConnection\` before any page script) once it
  receives the N feeds and publishes its own camera ("2/3" would mean different counts across
  repetitions), and, in brackets, those still open after it left the room (kept by the instance).
  4b: of those, the ones with audio/video m-lines. Chat, inform and whispers go through the guard
  on the VideoRoom handles (no TextRoom data channel any more), so 4 and 4b should agree.
- Spacing: ours and baseline alternate (and alternate which goes first), after one warm-up repetition
  each that is not counted. Janus passes at most one keyframe request (PLI) per second to a publisher
  stream; a new subscriber waits for a keyframe, so every leave is followed by a ${PAUSE_MS / 1000} s pause before the
  next join/publish, and measure 2 uses a fresh room (and a fresh sender feed) per repetition.
- 3: gzip = zlib default level (6), as in the CI budget check (test/unit/bundle-size.test.ts, 40 KB).
  "gzip alone": the part built by itself with the UMD build's rollup plugins (node-resolve, commonjs)
  and terser, ES format; ours = dist/knowledgetalk.mjs (the SDK with its three dependencies left as
  imports); of webrtc-adapter, what the SDK imports: its browser detection (janus.js reads nothing
  else of it; the shims are not bundled). "min in bundle": bytes of the minified UMD
  attributed to each part's sources through dist/knowledgetalk.umd.js.map (the rest is UMD wrapper).
  gzip sizes of parts do not add up to the bundle's (one gzip stream shares its dictionary).`;

async function main() {
  const loadBefore = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  const busy = os.loadavg()[0] >= os.cpus().length / 2;
  log('measuring the bundle');
  const bundle = await measureBundle();
  const gateway = await startGateway({ freePorts: true, quiet: true });
  const server = await startPageServer();
  const browser = await launchBrowser();
  let bench;
  let results;
  try {
    // Janus's `info` names the version (the Admin API's: the HTTP Janus API is off).
    const info = await postAdminRequest(gateway.adminUrl, gateway.adminSecret, { janus: 'info' });
    bench = new Bench(gateway, server.origin, browser);
    await bench.setUp();
    const ttff = {};
    for (const n of NS) ttff[n] = await bench.timeToFirstFrame(n);
    const publish = await bench.publishToFrame();

    const n = NS.includes(4) ? 4 : NS[0];
    const lastLog = (kind) => ttff[n][kind].filter((s) => s.signalling).at(-1)?.signalling ?? [];
    const table = resultsTable({ ttff, publish, bundle });
    const about = { ...machine({ chromium: browser.version(), janus: info.version_string, loadBefore }), busy };
    results = {
      table,
      about,
      notes: NOTES,
      timelines: { ttff, n, ours: signallingTimeline(lastLog('ours')), baseline: signallingTimeline(lastLog('baseline')) },
    };
    const errors = bench.pageErrors();
    if (errors.length) log(`page errors:\n  ${errors.join('\n  ')}`);
  } finally {
    await browser.close().catch(() => {});
    server.close();
    await gateway.stop();
  }
  // Measure 5 alone on the machine: the browsers and the bench's gateway are gone.
  log("the guard's own cost (test/bench/guard.mjs)");
  results.guard = await guardFigures();
  writeFileSync(RESULTS, resultsFile(results));
  console.log(results.table);
  console.log(`\n${guardSection(results.guard)}`);
  console.log(
    `\nmedians of ${REPS} repetitions; ${PAUSE_MS / 1000} s pause after every leave (Janus PLI throttling); details in ${path.relative(process.cwd(), RESULTS)}`,
  );
}

/** test/bench/guard.mjs --json in a process of its own (its CPU figure is its process's). */
function guardFigures() {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(HERE, 'guard.mjs'), '--json'], { timeout: 300_000, maxBuffer: 16 * 2 ** 20 }, (err, stdout) => {
      if (err) {
        log(`guard.mjs failed: ${err.message.split('\n')[0]}`);
        return resolve({ error: err.message.split('\n')[0] });
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)));
      } catch (e) {
        resolve({ error: `unreadable output of guard.mjs: ${e.message}` });
      }
    });
  });
}

/** Measure 5 as Markdown: added latency per request and the keepalive cost. */
function guardSection(g) {
  if (g.error) return `5. the guard's own cost: not measured (${g.error})`;
  const f = (x) => x.toFixed(3);
  const signed = (x) => (x >= 0 ? '+' : '') + f(x);
  const rows = g.rows.map((r) => `| ${r.label} | ${f(r.median)} | ${f(r.p99)} |`).join('\n');
  const k = g.keepalive;
  return `5. The guard's own cost (test/bench/guard.mjs, ${g.n} sequential requests per row, one raw client, ms):

| request | median | p99 |
|---|---|---|
${rows}

Added by the guard per request: keepalive median ${signed(g.added.keepalive.median)} ms, p99 ${signed(g.added.keepalive.p99)} ms;
listparticipants median ${signed(g.added.listparticipants.median)} ms, p99 ${signed(g.added.listparticipants.p99)} ms.
Keepalives: ${k.sessions} sessions through one guard, ${k.rounds} keepalives each in ${Math.round(k.wallMs)} ms; CPU per keepalive
${f(k.cpuPerKeepaliveMs)} ms (guard and bench clients in one process: an upper bound), so one core keeps ~${k.sessionsPerCore} sessions alive
at janus.js's one keepalive per 25 s; rss ${Math.round(k.rssMiB)} MiB with ${k.guardSessions} sessions.`;
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
