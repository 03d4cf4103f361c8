// `npm run load` (issue 7): one publisher and N viewers in one room on this machine, viewers being
// Chromium pages on our SDK. For N = 1, 2, 4, 8, 12, 16, 24, 32 (LOAD_STEPS), viewers are added, given
// a few seconds to settle, then measured for LOAD_SECONDS (30): each viewer must decode at least 90%
// of the frames the publisher encoded in that window. Prints, per N, the frame rates, the worst
// viewer's share and the CPU of Janus and of the guard in front of it (the viewers connect to the
// guard, startGateway's wsUrl), and the largest N that held. A script, not a test: the
// figure depends on the machine, and the README quotes it.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { launchBrowser, BenchPage } from '../bench/lib/pages.mjs';
import { startPageServer } from '../bench/lib/page-server.mjs';

const require = createRequire(import.meta.url);
const { startGateway } = require('../../gateway-config/start.cjs');

const SECONDS = Number(process.env.LOAD_SECONDS ?? 30);
const STEPS = (process.env.LOAD_STEPS ?? '1,2,4,8,12,16,24,32').split(',').map(Number);
const SETTLE_MS = 5000;
const NEEDED = 0.9;
const CAMERA = { video: { width: 320, height: 240, frameRate: 30 }, audio: true };

const log = (...a) => console.log('[load]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds the process has used so far (user + system), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

const frames = (member) => member.page.evaluate(() => window.harness.videoFrameCounters());

async function main() {
  const gateway = await startGateway({ freePorts: true, quiet: true });
  const pages = await startPageServer();
  const browser = await launchBrowser();
  const roomId = `load-${Date.now()}`;
  const results = [];
  try {
    const publisher = await BenchPage.open(browser, pages.origin, 'ours', 'publisher');
    await publisher.page.evaluate(
      async ([server, room, camera]) => {
        const kt = new window.Knowledgetalk({ server });
        window.loadKt = kt;
        await kt.init('load', 'load', 'publisher');
        await kt.createVideoRoom(room, 'load', undefined, false);
        await kt.joinRoom(room);
        await kt.publishVideo('cam', await navigator.mediaDevices.getUserMedia(camera));
      },
      [gateway.wsUrl, roomId, CAMERA],
    );

    const viewers = [];
    for (const n of STEPS) {
      while (viewers.length < n) {
        const v = await BenchPage.open(browser, pages.origin, 'ours', `viewer${viewers.length}`);
        await v.page.evaluate(
          async ([server, room, id]) => {
            const kt = new window.Knowledgetalk({ server });
            kt.addEventListener('presence', async ({ detail }) => {
              if (detail.type !== 'publish') return;
              for (const feed of detail.feeds) {
                const stream = await kt.subscribeVideo(feed.id, feed.type);
                // Played, as an app would: Chromium decodes what a page shows.
                const video = document.createElement('video');
                video.muted = true;
                video.srcObject = stream;
                document.body.append(video);
                video.play().catch(() => {});
              }
            });
            await kt.init('load', 'load', id);
            await kt.joinRoom(room);
          },
          [gateway.wsUrl, roomId, `viewer${viewers.length}`],
        );
        viewers.push(v);
      }
      await sleep(SETTLE_MS);
      const before = await Promise.all([publisher, ...viewers].map(frames));
      const cpuBefore = cpuSeconds(gateway.pid);
      const guardCpuBefore = cpuSeconds(gateway.guardPid);
      const started = Date.now();
      await sleep(SECONDS * 1000);
      const after = await Promise.all([publisher, ...viewers].map(frames));
      const elapsed = (Date.now() - started) / 1000;
      const cpu = (cpuSeconds(gateway.pid) - cpuBefore) / elapsed;
      const guardCpu = (cpuSeconds(gateway.guardPid) - guardCpuBefore) / elapsed;
      const sent = after[0].encoded - before[0].encoded;
      const received = after.slice(1).map((a, i) => a.decoded - before[i + 1].decoded);
      const worst = Math.min(...received) / sent;
      const row = {
        viewers: n,
        publisherFps: sent / elapsed,
        viewerFpsMin: Math.min(...received) / elapsed,
        viewerFpsMedian: received.sort((a, b) => a - b)[Math.floor(received.length / 2)] / elapsed,
        worstShare: worst,
        gatewayCpu: cpu,
        guardCpu,
        held: worst >= NEEDED,
      };
      results.push(row);
      log(
        `N=${n}: publisher ${row.publisherFps.toFixed(1)} fps; viewers min ${row.viewerFpsMin.toFixed(1)} / median ` +
          `${row.viewerFpsMedian.toFixed(1)} fps; worst ${(100 * worst).toFixed(0)}% of frames; Janus CPU ${(100 * cpu).toFixed(0)}%, guard ${(100 * guardCpu).toFixed(1)}% of one core` +
          (row.held ? '' : '  <- below 90%'),
      );
      if (!row.held) break;
    }
  } finally {
    await browser.close().catch(() => {});
    pages.close();
    await gateway.stop();
  }
  const best = results.filter((r) => r.held).pop();
  console.log('');
  console.log(
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; viewers are Chromium pages on the same machine, decoding 320x240.`,
  );
  console.log('| viewers | publisher fps | viewer fps (min / median) | worst viewer | Janus CPU | guard CPU |');
  console.log('|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.viewers} | ${r.publisherFps.toFixed(1)} | ${r.viewerFpsMin.toFixed(1)} / ${r.viewerFpsMedian.toFixed(1)} | ${(100 * r.worstShare).toFixed(0)}% | ${(100 * r.gatewayCpu).toFixed(0)}% | ${(100 * r.guardCpu).toFixed(1)}% |`,
    );
  }
  console.log(best ? `Largest N with every viewer at >= 90% of the frames: ${best.viewers}` : 'No N held 90%.');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
