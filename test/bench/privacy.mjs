#!/usr/bin/env node
/**
 * What PrivacyMode costs, in one run: `node test/bench/privacy.mjs` after a build (`npx rollup -c`).
 *
 * The camera is the tests' scene (test/support/privacy-harness.js: a person in front of a
 * checkerboard, 640×480, 30 fps, drawn into a canvas and captured). Three kinds, interleaved,
 * each in a fresh page, REPS times:
 *   - none: the scene alone (what a page showing its camera costs anyway): the baseline;
 *   - blur: PrivacyMode 'blur' on it;
 *   - bg:   PrivacyMode 'bg' (a picture) on it.
 * Per window of WINDOW_MS after WARMUP_MS: the frame rate a <video> playing the output stream
 * (none: the scene's stream) shows; the page's main-thread busy time (CDP Performance.getMetrics
 * TaskDuration) per second of wall time; the CPU time of every Chromium process per second
 * (CDP SystemInfo.getProcessInfo: renderer, GPU process (software WebGL here), browser); and
 * PrivacyMode's own time per processed frame (its getStats). Prints medians with min–max and the
 * ratios to the baseline, and the sizes of what is loaded (the script, then what init() loads).
 *
 * Environment: PRIVACY_BENCH_REPS (default 5), PRIVACY_BENCH_MS (window, default 5000), CHROMIUM_PATH.
 */
import { readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchBrowser } from './lib/pages.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = path.join(ROOT, 'dist');
const HARNESS = path.join(ROOT, 'test', 'support', 'privacy-harness.js');
const PHOTO = path.join(ROOT, 'test', 'support', 'privacy', 'astronaut.jpg');
const REPS = Math.max(1, Number(process.env.PRIVACY_BENCH_REPS ?? 5));
const WINDOW_MS = Math.max(1000, Number(process.env.PRIVACY_BENCH_MS ?? 5000));
const WARMUP_MS = 2000;
const KINDS = ['none', 'blur', 'bg'];

const log = (...a) => console.error('[privacy-bench]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** dist/privacy-mode.umd.js, dist/mediapipe/*, the photo, and an empty page: nothing else. */
async function startServer() {
  const TYPES = { '.js': 'text/javascript', '.wasm': 'application/wasm', '.jpg': 'image/jpeg' };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost').pathname;
    const file =
      url === '/privacy-mode.umd.js'
        ? path.join(DIST, 'privacy-mode.umd.js')
        : /^\/mediapipe\/[\w.-]+$/.test(url)
          ? path.join(DIST, url)
          : url === '/privacy-fixture/astronaut.jpg'
            ? PHOTO
            : null;
    if (!file) return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>privacy bench</title>');
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => (server.closeAllConnections(), server.close()) };
}

/** CPU seconds of every Chromium process so far. */
async function chromiumCpu(browserSession) {
  const { processInfo } = await browserSession.send('SystemInfo.getProcessInfo');
  const by = {};
  for (const p of processInfo) by[p.type] = (by[p.type] ?? 0) + p.cpuTime;
  by.total = processInfo.reduce((s, p) => s + p.cpuTime, 0);
  return by;
}

async function taskSeconds(session) {
  const { metrics } = await session.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'TaskDuration').value;
}

async function measure(browser, browserSession, origin, kind) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(`${origin}/`);
    await page.addScriptTag({ path: HARNESS });
    await page.evaluate(() => window.privacy.scene());
    if (kind !== 'none') {
      await page.evaluate(() => window.privacy.load());
      const ok = await page.evaluate(async (kind) => {
        const p = window.privacy;
        await p.create();
        return !!(await p.start(kind, kind === 'bg' ? p.picture({ width: 1280, height: 720, split: 0.5 }) : null));
      }, kind);
      if (!ok) throw new Error(`PrivacyMode did not start (${kind})`);
    } else {
      await page.evaluate(() => (window.privacy.stream = window.privacy.sceneStream));
    }
    await sleep(WARMUP_MS);
    const session = await context.newCDPSession(page);
    await session.send('Performance.enable');
    const [task0, cpu0, stats0] = [
      await taskSeconds(session),
      await chromiumCpu(browserSession),
      await page.evaluate(() => window.privacy.pm?.getStats() ?? null),
    ];
    const t0 = Date.now();
    const fps = await page.evaluate((ms) => window.privacy.outputFps(ms), WINDOW_MS);
    const wall = (Date.now() - t0) / 1000;
    const [task1, cpu1, stats1] = [
      await taskSeconds(session),
      await chromiumCpu(browserSession),
      await page.evaluate(() => window.privacy.pm?.getStats() ?? null),
    ];
    if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    const frames = stats1 ? stats1.frames - stats0.frames : 0;
    return {
      fps,
      mainThread: (task1 - task0) / wall,
      cpu: (cpu1.total - cpu0.total) / wall,
      renderer: ((cpu1.renderer ?? 0) - (cpu0.renderer ?? 0)) / wall,
      gpu: ((cpu1.GPU ?? 0) - (cpu0.GPU ?? 0)) / wall,
      frameMs: stats1 && frames > 0 ? (stats1.meanMs * stats1.frames - stats0.meanMs * stats0.frames) / frames : null,
      compositeMs: stats1 && frames > 0 ? (stats1.compositeMs * stats1.frames - stats0.compositeMs * stats0.frames) / frames : null,
      processedFps: frames / wall,
      dropped: stats1 ? stats1.dropped - stats0.dropped : 0,
    };
  } finally {
    await context.close();
  }
}

function sizes() {
  const file = (rel) => {
    const full = path.join(DIST, rel);
    return { file: rel, bytes: statSync(full).size, gzip: gzipSync(readFileSync(full)).length };
  };
  return { script: file('privacy-mode.umd.js'), esm: file('privacy-mode.mjs') };
}

async function lazyLoads(browser, origin) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const urls = [];
  page.on('request', (r) => urls.push(new URL(r.url()).pathname));
  await page.goto(`${origin}/`);
  await page.addScriptTag({ path: HARNESS });
  await page.evaluate(() => window.privacy.load());
  const before = urls.length;
  await page.evaluate(() => window.privacy.create());
  await context.close();
  return urls
    .slice(before)
    .filter((u) => u.startsWith('/mediapipe/'))
    .map((u) => {
      const full = path.join(DIST, u);
      return { file: u.slice(1), bytes: statSync(full).size, gzip: gzipSync(readFileSync(full)).length };
    });
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const fmt = (values, digits = 1, unit = '') => {
  const v = values.filter((x) => x !== null && Number.isFinite(x));
  if (!v.length) return '–';
  return `${median(v).toFixed(digits)}${unit} (${Math.min(...v).toFixed(digits)}–${Math.max(...v).toFixed(digits)})`;
};

async function main() {
  const server = await startServer();
  const browser = await launchBrowser();
  const browserSession = await browser.newBrowserCDPSession();
  const samples = Object.fromEntries(KINDS.map((k) => [k, []]));
  try {
    for (let rep = 0; rep < REPS; rep++) {
      const order = [...KINDS.slice(rep % KINDS.length), ...KINDS.slice(0, rep % KINDS.length)];
      for (const kind of order) {
        const s = await measure(browser, browserSession, server.origin, kind);
        samples[kind].push(s);
        log(
          `rep ${rep + 1}/${REPS} ${kind}: ${s.fps.toFixed(1)} fps, main thread ${(s.mainThread * 100).toFixed(0)}%, all processes ${(s.cpu * 100).toFixed(0)}% of a core${s.frameMs ? `, ${s.frameMs.toFixed(1)} ms/frame` : ''}`,
        );
      }
    }
    const loads = await lazyLoads(browser, server.origin);
    const size = sizes();
    const col = (kind, key, digits, unit, scale = 1) =>
      fmt(
        samples[kind].map((s) => (s[key] === null ? null : s[key] * scale)),
        digits,
        unit,
      );
    const ratio = (kind, key) => (median(samples[kind].map((s) => s[key])) / median(samples.none.map((s) => s[key]))).toFixed(2);
    const lines = [
      `PrivacyMode cost, 640×480 input at 30 fps, ${REPS} windows of ${WINDOW_MS / 1000} s per kind (median (min–max)).`,
      `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, Chromium without GPU (software WebGL); ${new Date().toISOString().slice(0, 10)}.`,
      '',
      '| | none (baseline) | blur | bg |',
      '| --- | --- | --- | --- |',
      `| output frame rate (fps) | ${KINDS.map((k) => col(k, 'fps', 1, '')).join(' | ')} |`,
      `| frames processed (fps) | – | ${col('blur', 'processedFps', 1, '')} | ${col('bg', 'processedFps', 1, '')} |`,
      `| PrivacyMode time per frame (ms) | – | ${col('blur', 'frameMs', 1, '')} | ${col('bg', 'frameMs', 1, '')} |`,
      `| of which compositing (ms; the canvas rasterizes later, off this figure) | – | ${col('blur', 'compositeMs', 1, '')} | ${col('bg', 'compositeMs', 1, '')} |`,
      `| page main thread busy (% of wall time) | ${KINDS.map((k) => col(k, 'mainThread', 0, '%', 100)).join(' | ')} |`,
      `| renderer process CPU (% of a core) | ${KINDS.map((k) => col(k, 'renderer', 0, '%', 100)).join(' | ')} |`,
      `| GPU process CPU (% of a core) | ${KINDS.map((k) => col(k, 'gpu', 0, '%', 100)).join(' | ')} |`,
      `| all Chromium processes CPU (% of a core) | ${KINDS.map((k) => col(k, 'cpu', 0, '%', 100)).join(' | ')} |`,
      `| main thread, ratio to baseline | 1 | ${ratio('blur', 'mainThread')} | ${ratio('bg', 'mainThread')} |`,
      `| all processes CPU, ratio to baseline | 1 | ${ratio('blur', 'cpu')} | ${ratio('bg', 'cpu')} |`,
      '',
      `Script: ${size.script.file} ${kb(size.script.bytes)} (${kb(size.script.gzip)} gzip); ${size.esm.file} ${kb(size.esm.bytes)} (${kb(size.esm.gzip)} gzip).`,
      `Loaded by init() from dist/mediapipe/ (${kb(loads.reduce((s, f) => s + f.bytes, 0))}, ${kb(loads.reduce((s, f) => s + f.gzip, 0))} gzip):`,
      ...loads.map((f) => `  ${f.file}: ${kb(f.bytes)} (${kb(f.gzip)} gzip)`),
    ];
    console.log(lines.join('\n'));
  } finally {
    await browser.close();
    server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
