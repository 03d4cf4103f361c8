/**
 * Serves the bench pages from a real HTTP server on 127.0.0.1, like test/support/page-server.ts:
 * pages without an address (request interception) are blocked by Chromium from opening a
 * WebSocket to the gateway on loopback. Only the files listed here are served.
 */
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..', '..');
const require = createRequire(import.meta.url);

const FILES = {
  '/knowledgetalk.umd.js': path.join(ROOT, 'dist', 'knowledgetalk.umd.js'),
  // janus-gateway's package entry is its ES build (npm/dist/janus.es.js).
  '/janus.es.js': require.resolve('janus-gateway'),
  // The browser build that sets window.adapter, the same webrtc-adapter version the SDK bundles.
  '/adapter.js': path.join(path.dirname(require.resolve('webrtc-adapter/package.json')), 'out', 'adapter.js'),
  '/bench/common.js': path.join(HERE, '..', 'page', 'common.js'),
  '/bench/ours.js': path.join(HERE, '..', 'page', 'ours.js'),
  '/bench/baseline.js': path.join(HERE, '..', 'page', 'baseline.js'),
};

const page = (title, scripts) => `<!doctype html><meta charset="utf-8"><title>${title}</title>${scripts.map((s) => `<script ${s}></script>`).join('')}`;

const PAGES = {
  '/ours.html': page('ours', ['src="/knowledgetalk.umd.js"', 'src="/bench/common.js"', 'src="/bench/ours.js"']),
  '/baseline.html': page('baseline', ['src="/adapter.js"', 'src="/bench/common.js"', 'type="module" src="/bench/baseline.js"']),
};

export async function startPageServer() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost').pathname;
    if (PAGES[url]) return res.writeHead(200, { 'content-type': 'text/html' }).end(PAGES[url]);
    if (!FILES[url]) return res.writeHead(404).end();
    readFile(FILES[url]).then(
      (body) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(body),
      (err) => res.writeHead(500).end(String(err)),
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
