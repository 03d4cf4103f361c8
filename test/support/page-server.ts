/**
 * Serves the test page and the built UMD bundle from a real HTTP server on 127.0.0.1. (Pages
 * faked by request interception have no address, and Chromium's local-network-access checks then
 * block their WebSocket to the gateway on loopback.) http://127.0.0.1 is a secure context, so
 * getUserMedia works.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const DIST = path.resolve(__dirname, '..', '..', 'dist');
const BUNDLE = path.join(DIST, 'knowledgetalk.umd.js');
/** What the bundle loads when used (dist/lazy: whiteboard, PDF) and the privacy-mode script with its model. */
const DIST_FILES = /^\/((lazy|mediapipe)\/[\w.-]+|lazy\/pdfjs\/\w+\/[\w.-]+|privacy-mode\.(umd\.js|mjs))$/;
const TYPES: Record<string, string> = {
  '.mjs': 'text/javascript',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.json': 'application/json',
};
const PAGE = '<!doctype html><meta charset="utf-8"><title>member</title><script src="/knowledgetalk.umd.js"></script>';
/** Plain janus.js, for the hand-written client that bypasses our SDK (the security tests). */
const RAW_JANUS = path.resolve(__dirname, '..', '..', 'node_modules', 'janus-gateway', 'npm', 'src', 'janus.js');
const RAW_PAGE = '<!doctype html><meta charset="utf-8"><title>raw</title><script src="/raw/janus.js"></script>';

export async function startPageServer(): Promise<{ origin: string; server: Server }> {
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    const script = url === '/knowledgetalk.umd.js' ? BUNDLE : url === '/raw/janus.js' ? RAW_JANUS : DIST_FILES.test(url) ? path.join(DIST, url) : undefined;
    if (script) {
      readFile(script).then(
        (body) => res.writeHead(200, { 'content-type': TYPES[path.extname(script)] ?? 'application/octet-stream' }).end(body),
        () => res.writeHead(500).end('run npm run build first'),
      );
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(req.url === '/raw' ? RAW_PAGE : PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, server };
}
