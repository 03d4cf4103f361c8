/**
 * The README's minimal example runs as written (issue 16): the first ```html block of README.md,
 * unchanged, served as a page next to the built bundle at the path it names, opened by two
 * Chromium members; each must decode the other's camera. The example names no server, so the SDK
 * takes its default, ws://<page host>:8188: the test puts a TCP proxy on that port in front of the
 * suite's gateway (and fails, saying so, when something else holds 8188).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitForNoSessions } from '../support/admin';
import { CHROMIUM_ARGS, janusUrl } from '../support/browser';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { eventually } from '../support/wait';

const ROOT = path.resolve(__dirname, '..', '..');
const SCRIPT_PATH = '/node_modules/knowledgetalk-janus/dist/';

export function readmeExample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /```html\n([\s\S]*?)\n```/.exec(readme);
  if (!block) throw new Error('README.md has no ```html block');
  return block[1];
}

let server: Server;
let origin: string;
let proxy: TcpProxy;
let browser: Browser;

beforeAll(async () => {
  const html = readmeExample();
  expect(html).toContain(`src="${SCRIPT_PATH}knowledgetalk.umd.js"`);
  server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if (url.startsWith(SCRIPT_PATH) && /^[\w./-]+$/.test(url) && !url.includes('..')) {
      try {
        const body = readFileSync(path.join(ROOT, 'dist', url.slice(SCRIPT_PATH.length)));
        res.writeHead(200, { 'content-type': url.endsWith('js') ? 'text/javascript' : 'application/octet-stream' }).end(body);
      } catch {
        res.writeHead(404).end();
      }
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy = await startTcpProxy(janusUrl(), 8188).catch((err) => {
    throw new Error(`the README example talks to ws://127.0.0.1:8188 and that port is taken (${String(err)})`);
  });
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Frames decoded so far by the page's video of the other member (0 while there is none). */
const decodedFromOthers = (page: Page) =>
  page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('#others video');
    return video && video.videoWidth > 0 ? video.getVideoPlaybackQuality().totalVideoFrames : 0;
  });

test('two pages running the README example as written decode each other', async () => {
  const room = `readme-${Date.now().toString(36)}`;
  const pages: Page[] = [];
  const errors: string[] = [];
  for (let i = 0; i < 2; i++) {
    const page = await (await browser.newContext()).newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${origin}/?room=${room}`);
    pages.push(page);
  }
  for (const page of pages) {
    const first = await eventually(
      'the other member decoded',
      () => decodedFromOthers(page),
      (n) => n > 0,
      { timeoutMs: 20_000 },
    );
    // Still decoding a moment later: frames, not a frozen first picture.
    await eventually(
      'frames keep coming',
      () => decodedFromOthers(page),
      (n) => n > first + 5,
      { timeoutMs: 10_000 },
    );
  }
  expect(errors).toEqual([]);
  // The example never calls disconnect: a tab that navigates away must still leave nothing at the
  // gateway (janus.js destroys its session on unload), or the next test would count its sessions.
  for (const page of pages) await page.goto('about:blank');
  expect(await waitForNoSessions(30_000)).toEqual({ sessions: 0, handles: 0 });
}, 90_000);
