/**
 * The HTTP side of the guard's file store (files.ts), for Node's `http` server the guard's
 * WebSocket server runs on: uploads with a ticket, downloads by capability URL.
 *
 *   server.on('request', (req, res) => { if (!handleFileRequest(req, res, store, options)) res.writeHead(404).end(); });
 *
 * handleFileRequest answers everything under /files (and returns true), or returns false without
 * touching the request, so that the server answers other requests (and upgrades) itself.
 *
 *   POST /files?ticket=<t>  (or the header x-kt-ticket: better, a query ends up in access logs)
 *     body: the raw bytes of the file (no multipart; the content-type is ignored). The ticket is
 *     taken when the request starts (a second upload with it: 401), and given back if the upload
 *     fails before its body is in (cut off, stalled, the client gone). Read with a hard cap, the
 *     ticket's size: a declared content-length over it is refused before the body is read, and a
 *     body that grows past it is cut off there (413, and the connection is closed: the test saw
 *     ~130-200 KB read of a 32 MiB body).
 *     201 {code:'200', url, path, id, room, name, type, size}: `url` is absolute when the option
 *     publicUrl is set (e.g. 'https://gateway.example.com:8188'), else the path
 *     /files/<room>/<id>/<name>.
 *   GET|HEAD /files/<room>/<id>/<name>
 *     the bytes, with the sniffed content-type, x-content-type-options: nosniff,
 *     content-security-policy: default-src 'none'; sandbox (a document opened from it can run no
 *     script: browsers refuse to show a PDF in their own viewer under it, which is the SDK's
 *     pdf.js's to do anyway), cache-control: private, max-age (files never change under an id),
 *     content-disposition: inline with the stored name, an etag (304 to If-None-Match),
 *     cross-origin-resource-policy: cross-origin (pages embed them from other origins). No range
 *     requests (accept-ranges: none): pdf.js then reads the whole file, at most maxFileBytes.
 *   OPTIONS /files...  the CORS preflight (POST with content-type, x-kt-ticket).
 *
 * CORS: pages come from another origin than the guard (ws://host:8188 vs https://app). Option
 * allowOrigin: a list of origins, or '*' (the default: file URLs are capabilities, and a ticket is
 * needed to write). A request whose Origin is not allowed gets no CORS headers (the browser keeps
 * the answer from the page), and its upload is refused (403) even when the browser sent it without
 * a preflight.
 *
 * Errors are JSON {code, reason} with a Knowledgetalk code, and never stop the server:
 *   400 '421'  POST without a ticket
 *   401 '401'  a ticket unknown, used or expired
 *   403 '413'  an upload from an origin not allowed
 *   404 '404'  no such file (or a path that is none: /files/../x, encoded or not, is just that:
 *              paths are looked up, never joined onto a directory)
 *   405 '400'  another method
 *   408 '400'  an upload that stalled (no byte for uploadIdleMs, default 30 s)
 *   413 '445'  more bytes than the ticket allows, or over the store's limits
 *   415 '405'  a type that is not allowed (by magic bytes)
 *   500 '500'  the store failed (a disk error)
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { isValidId } from './identity';
import type { FileRefusal, FileStore, StoredFile } from './files';

export interface FileHttpOptions {
  /** The guard's address as browsers reach it (scheme, host, port): upload answers give absolute URLs. */
  publicUrl?: string;
  /** Origins whose pages may upload and read answers. Default '*'. */
  allowOrigin?: readonly string[] | '*';
  /** cache-control max-age of downloads, in seconds. Default 3600. */
  maxAgeSeconds?: number;
  /** An upload with no byte for this long is ended (408). Default 30000. */
  uploadIdleMs?: number;
  /** Where failures are logged. Default: nowhere. */
  log?: (line: string) => void;
}

const PREFIX = '/files';
const ID_SHAPE = /^[A-Za-z0-9_-]{22}$/;
const ALLOW_METHODS = 'GET, HEAD, POST, OPTIONS';
const ALLOW_HEADERS = 'content-type, x-kt-ticket';
const EXPOSE_HEADERS = 'content-length, content-type, content-disposition, etag';

const STATUS_OF: Record<FileRefusal['kt'], number> = { '401': 401, '405': 415, '421': 400, '422': 400, '441': 404, '445': 413 };

type Headers = Record<string, string>;

/** Answers a request under /files and returns true; returns false (and does nothing) for any other path. */
export function handleFileRequest(req: IncomingMessage, res: ServerResponse, store: FileStore, options: FileHttpOptions = {}): boolean {
  const raw = req.url ?? '';
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  if (pathname !== PREFIX && !pathname.startsWith(`${PREFIX}/`)) return false;
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const cors = corsHeaders(req, options);
  const log = options.log ?? (() => {});
  try {
    const method = req.method ?? 'GET';
    const isUpload = pathname === PREFIX || pathname === `${PREFIX}/`;
    if (method === 'OPTIONS') {
      if (!cors) sendJson(req, res, 403, { code: '413', reason: 'origin not allowed' });
      else
        res
          .writeHead(204, {
            ...cors,
            'access-control-allow-methods': ALLOW_METHODS,
            'access-control-allow-headers': ALLOW_HEADERS,
            'access-control-max-age': '600',
          })
          .end();
    } else if (isUpload) {
      if (method !== 'POST') sendJson(req, res, 405, { code: '400', reason: 'POST the file here' }, { ...cors, allow: 'POST, OPTIONS' }, hasBody(req));
      else upload(req, res, store, options, query, cors, log);
    } else if (method === 'GET' || method === 'HEAD') {
      download(req, res, store, options, pathname, cors, log);
    } else {
      sendJson(req, res, 405, { code: '400', reason: `${method} is not allowed here` }, { ...cors, allow: 'GET, HEAD, OPTIONS' }, hasBody(req));
    }
  } catch (err) {
    log(`files: ${String(err)}`);
    if (!res.headersSent) sendJson(req, res, 500, { code: '500', reason: 'server error' }, cors ?? {});
    else res.destroy();
  }
  return true;
}

/** A body this handler will not read: the answer then closes the connection instead of draining it. */
const hasBody = (req: IncomingMessage): boolean => req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;

/** The CORS headers for the request's origin, or null when the origin is not allowed. */
function corsHeaders(req: IncomingMessage, options: FileHttpOptions): Headers | null {
  const allow = options.allowOrigin ?? '*';
  const origin = req.headers.origin;
  const common = { 'access-control-expose-headers': EXPOSE_HEADERS };
  if (allow === '*') return { ...common, 'access-control-allow-origin': '*' };
  if (origin === undefined) return { ...common, vary: 'origin' };
  return allow.includes(origin) ? { ...common, 'access-control-allow-origin': origin, vary: 'origin' } : null;
}

function upload(
  req: IncomingMessage,
  res: ServerResponse,
  store: FileStore,
  options: FileHttpOptions,
  query: URLSearchParams,
  cors: Headers | null,
  log: (line: string) => void,
): void {
  const headers = cors ?? {};
  // Answers sent before the body was read close the connection: nothing more of it is read.
  const early = (status: number, body: Record<string, unknown>) => sendJson(req, res, status, body, headers, true);
  if (!cors) return early(403, { code: '413', reason: 'origin not allowed' });
  const header = req.headers['x-kt-ticket'];
  const ticket = query.get('ticket') ?? (typeof header === 'string' ? header : undefined);
  if (!ticket) return early(400, { code: '421', reason: 'missing ticket (?ticket= or x-kt-ticket)' });
  const pending = store.beginUpload(ticket);
  if (!pending.ok) return early(STATUS_OF[pending.kt], { code: pending.kt, reason: pending.reason });
  const cap = pending.maxBytes;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap) {
    pending.abort();
    return early(413, { code: '445', reason: `at most ${cap} bytes` });
  }

  const chunks: Buffer[] = [];
  let received = 0;
  let done = false;
  const idleMs = options.uploadIdleMs ?? 30000;
  const stall = () => stop(408, { code: '400', reason: 'upload stalled' });
  let idle = setTimeout(stall, idleMs);
  const stop = (status: number, body: Record<string, unknown>) => {
    if (done) return;
    done = true;
    clearTimeout(idle);
    req.removeListener('data', onData);
    chunks.length = 0;
    pending.abort();
    early(status, body);
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > cap) return stop(413, { code: '445', reason: `at most ${cap} bytes` });
    chunks.push(chunk);
    clearTimeout(idle);
    idle = setTimeout(stall, idleMs);
  };
  // The client went away (or the connection failed) before the whole body was in.
  const gone = () => {
    if (done) return;
    done = true;
    clearTimeout(idle);
    chunks.length = 0;
    pending.abort();
  };
  req.on('data', onData);
  req.on('error', gone);
  req.on('close', gone);
  req.on('end', () => {
    if (done) return;
    done = true;
    clearTimeout(idle);
    const bytes = Buffer.concat(chunks, received);
    chunks.length = 0;
    pending.finish(bytes).then(
      (stored) => {
        if (!stored.ok) return sendJson(req, res, STATUS_OF[stored.kt], { code: stored.kt, reason: stored.reason }, headers);
        const url = options.publicUrl ? `${options.publicUrl.replace(/\/+$/, '')}${stored.path}` : stored.path;
        sendJson(
          req,
          res,
          201,
          { code: '200', url, path: stored.path, id: stored.id, room: stored.room, name: stored.name, type: stored.type, size: stored.size },
          headers,
        );
      },
      (err: unknown) => {
        log(`files: storing an upload failed: ${String(err)}`);
        sendJson(req, res, 500, { code: '500', reason: 'the file could not be stored' }, headers);
      },
    );
  });
}

function download(
  req: IncomingMessage,
  res: ServerResponse,
  store: FileStore,
  options: FileHttpOptions,
  pathname: string,
  cors: Headers | null,
  log: (line: string) => void,
): void {
  const headers = cors ?? {};
  const file = lookup(store, pathname);
  if (!file) return sendJson(req, res, 404, { code: '404', reason: 'no such file' }, headers);
  const etag = `"${file.id}"`;
  const common: Headers = {
    ...headers,
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'cross-origin-resource-policy': 'cross-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': `private, max-age=${options.maxAgeSeconds ?? 3600}, immutable`,
    etag,
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, common).end();
    return;
  }
  res.writeHead(200, {
    ...common,
    'content-type': file.type,
    'content-length': String(file.size),
    'content-disposition': contentDisposition(file.name),
    'accept-ranges': 'none',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const body = store.createReadStream(file.room, file.id);
  if (!body) {
    res.destroy();
    return;
  }
  pipeline(body, res, (err) => {
    if (err && err.code !== 'ERR_STREAM_PREMATURE_CLOSE') log(`files: sending ${file.path} failed: ${String(err)}`);
  });
}

/** The file a download path names: exactly /files/<room>/<id>/<its name>, else undefined. */
function lookup(store: FileStore, pathname: string): StoredFile | undefined {
  const parts = pathname.slice(PREFIX.length + 1).split('/');
  if (parts.length !== 3) return undefined;
  const [room, id, encodedName] = parts;
  if (!isValidId(room) || !ID_SHAPE.test(id)) return undefined;
  const file = store.get(room, id);
  if (!file) return undefined;
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    return undefined;
  }
  return name === file.name ? file : undefined;
}

/** inline, the name as ASCII for old clients and in full (RFC 5987) for the others. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, body: Record<string, unknown>, headers: Headers = {}, close = false): void {
  if (res.headersSent) return void res.destroy();
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : text);
  if (close) closeAfter(req, res);
}

/**
 * Ends a connection whose request body was not (fully) read, without reading it: the answer is
 * flushed, the sending side closed, and the socket destroyed shortly after, whatever the client
 * still sends. (Destroying at once could reset the connection before the client has read the
 * answer; reading on would take what the cap refused.)
 */
function closeAfter(req: IncomingMessage, res: ServerResponse): void {
  req.pause();
  res.once('finish', () => {
    const socket = req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), 1000).unref();
  });
}
