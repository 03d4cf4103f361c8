// `node test/load/headless.mjs` (issue 17, first part): how many viewers one Janus instance on this
// machine feeds, with headless WebRTC peers (@roamhq/wrtc in this Node process) instead of Chromium
// pages, which ran out at 32 (npm run load). One publisher sends a 320×240 VP8 video at 30 fps
// (synthetic frames); viewers are added in steps (HEADLESS_STEPS), and after a settle time each step
// is measured for HEADLESS_SECONDS: a step holds when every viewer decoded ≥ 90 % of the frames the
// publisher produced in that window. Prints per step the worst and median viewer's share, the CPU
// of Janus and of this process (the peers), and the first step that failed with what hit it.
//
// HEADLESS_INSTANCES=2 puts half the viewers on a second Janus that receives the feed as a remote
// publisher (Janus CPU is then the two instances' sum).
// The peers talk to Janus's own WebSocket (not through the guard): this measures the media server;
// the guard's signalling cost is npm run bench:guard's. A script, not a test: the figure is this
// machine's.
import { createRequire } from 'node:module';
import os from 'node:os';
import { cpuSeconds, linkRemote, openAdmin, startPublisher, startViewer } from './lib/peers.mjs';

const require = createRequire(import.meta.url);
const { startGateway } = require('../../gateway-config/start.cjs');

const SECONDS = Number(process.env.HEADLESS_SECONDS ?? 10);
const STEPS = (process.env.HEADLESS_STEPS ?? '1,10,25,50,75,100,150,200').split(',').map(Number);
const SETTLE_MS = 4000;
const NEEDED = 0.9;
const INSTANCES = Number(process.env.HEADLESS_INSTANCES ?? 1);

const log = (...a) => console.log('[headless]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const gateway = await startGateway({ freePorts: true, quiet: true });
  const url = gateway.janusWsUrl;
  const room = `headless-${Date.now()}`;
  const admin = await openAdmin(gateway, room);
  // HEADLESS_INSTANCES=2: a second instance receives the feed as a remote publisher (Janus 1.1.2's
  // add_remote_publisher / publish_remotely), and every other viewer watches there.
  const away = INSTANCES > 1 ? await startGateway({ freePorts: true, quiet: true }) : null;
  const awayAdmin = away && (await openAdmin(away, room));
  const publisher = await startPublisher(url, room);
  const link = away && (await linkRemote(admin, awayAdmin, room, 'publisher'));
  const urlFor = (i) => (away && i % 2 === 1 ? away.janusWsUrl : url);
  const viewers = [];
  const results = [];
  log(`${INSTANCES} Janus instance(s), ${os.cpus().length} cores; steps ${STEPS.join(', ')}; ${SECONDS} s each`);
  try {
    for (const n of STEPS) {
      while (viewers.length < n) viewers.push(await startViewer(urlFor(viewers.length), room));
      await sleep(SETTLE_MS);
      const before = {
        sent: await publisher.sent(),
        decoded: await Promise.all(viewers.map((v) => v.decoded())),
        janus: cpuSeconds(gateway.pid) + (away ? cpuSeconds(away.pid) : 0),
        self: process.cpuUsage(),
        at: Date.now(),
      };
      await sleep(SECONDS * 1000);
      const elapsed = (Date.now() - before.at) / 1000;
      const sent = (await publisher.sent()) - before.sent;
      const after = await Promise.all(viewers.map((v) => v.decoded()));
      const shares = after.map((d, i) => (d - before.decoded[i]) / sent).sort((a, b) => a - b);
      const self = process.cpuUsage(before.self);
      const r = {
        n,
        worst: shares[0],
        median: shares[Math.floor(shares.length / 2)],
        janusCpu: (cpuSeconds(gateway.pid) + (away ? cpuSeconds(away.pid) : 0) - before.janus) / elapsed,
        peersCpu: (self.user + self.system) / 1e6 / elapsed,
        rssMb: process.memoryUsage().rss / 2 ** 20,
      };
      results.push(r);
      const pct = (x) => `${Math.round(x * 100)}%`;
      log(
        `N=${n}: worst viewer ${pct(r.worst)}, median ${pct(r.median)} of ${sent} frames sent; Janus ${pct(r.janusCpu)} CPU ` +
          `(${((r.janusCpu * 1000) / n).toFixed(1)} ms/s per stream), peers ${pct(r.peersCpu)} CPU, ${Math.round(r.rssMb)} MB`,
      );
      if (r.worst < NEEDED) break;
    }
  } finally {
    for (const v of viewers) v.close();
    publisher.close();
    await link?.unlink().catch(() => {});
    admin.session.close();
    awayAdmin?.session.close();
    await Promise.all([gateway.stop(), away?.stop()]);
  }
  const held = results.filter((r) => r.worst >= NEEDED).pop();
  const failed = results.find((r) => r.worst < NEEDED);
  log(`largest N that held: ${held ? held.n : 'none'}`);
  if (failed) {
    const cores = os.cpus().length;
    // Janus relays on its own threads; the peers decode every viewer's video in this process.
    const what =
      failed.janusCpu > 0.8
        ? 'Janus (near a core)'
        : failed.peersCpu >= 0.5 * cores
          ? `the peers: this process decoding ${failed.n} videos on ${cores} cores, Janus at ${Math.round(failed.janusCpu * 100)}%`
          : 'neither CPU: see the shares';
    log(`N=${failed.n} failed: worst viewer ${Math.round(failed.worst * 100)}%; what hit it: ${what}`);
  } else log(`no step failed up to N=${STEPS[STEPS.length - 1]}: raise HEADLESS_STEPS`);
  process.exit(0);
}

await main();
