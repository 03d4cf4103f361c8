/**
 * The guard's file store (sdk/server/guard/files.ts) and its HTTP side (file-http.ts): limits,
 * types by magic bytes, one-use expiring tickets, rooms dropped with their files; then the handler
 * on a real http server on 127.0.0.1, driven by real fetch (and raw requests where fetch would
 * normalise the path).
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileStore, filePluginError, sniffType, storedName, type FileStoreOptions } from '../../sdk/server/guard/files';
import { handleFileRequest, type FileHttpOptions } from '../../sdk/server/guard/file-http';

const bytes = (...parts: (number[] | string)[]): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));
/** A real 1×1 PNG. */
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));
const JPEG = bytes([0xff, 0xd8, 0xff, 0xe0], '\0\x10JFIF\0', Array(64).fill(0));
const GIF = bytes('GIF89a', [1, 0, 1, 0, 0x80, 0, 0], Array(32).fill(0));
const WEBP = bytes('RIFF', [26, 0, 0, 0], 'WEBPVP8 ', Array(32).fill(0));
const PDF = bytes('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
const HTML = bytes('<!doctype html><script>alert(document.domain)</script>');
const SVG = bytes('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
const EXE = bytes('MZ', [0x90, 0, 3, 0, 0, 0, 4, 0], Array(64).fill(0));

const ticketOf = (store: FileStore, size: number, room = 'r1', name = 'doc.png') => {
  const t = store.issueTicket({ room, owner: 'alice', name, size });
  if (!t.ok) throw new Error(`ticket refused: ${t.reason}`);
  return t.ticket;
};

describe('FileStore', () => {
  test("types by magic bytes only; the name keeps the sniffed type's extension", async () => {
    expect([PNG, JPEG, GIF, WEBP, PDF].map(sniffType)).toEqual(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf']);
    for (const b of [HTML, SVG, EXE, new Uint8Array(0), bytes('RIFF', [0, 0, 0, 0], 'WAVE'), bytes('%PD')]) expect(sniffType(b)).toBeNull();

    const store = new FileStore();
    // A PNG renamed .pdf is a PNG.
    const png = await store.put(ticketOf(store, PNG.length, 'r1', 'slides.pdf'), PNG);
    expect(png).toMatchObject({ ok: true, type: 'image/png', name: 'slides.png', size: PNG.length, room: 'r1', owner: 'alice' });
    // A PDF named .png is a PDF; a JPEG keeps its .jpeg.
    expect(await store.put(ticketOf(store, PDF.length, 'r1', 'photo.png'), PDF)).toMatchObject({ ok: true, type: 'application/pdf', name: 'photo.pdf' });
    expect(await store.put(ticketOf(store, JPEG.length, 'r1', 'Photo.JPEG'), JPEG)).toMatchObject({ ok: true, type: 'image/jpeg', name: 'Photo.jpeg' });
    // HTML, SVG or an executable named .png is refused ('405', a resource not allowed), and its ticket is used up.
    for (const evil of [HTML, SVG, EXE]) {
      const t = ticketOf(store, evil.length, 'r1', 'innocent.png');
      expect(await store.put(t, evil)).toEqual({ ok: false, kt: '405', reason: expect.stringContaining('type') });
      expect(await store.put(t, PNG)).toMatchObject({ ok: false, kt: '401' });
    }
    expect(store.stats()).toEqual({ files: 3, bytes: PNG.length + PDF.length + JPEG.length, rooms: 1, tickets: 0, uploads: 0, reservedBytes: 0 });
  });

  test('stored names: no path parts, safe characters, at most 128 characters, any script kept', () => {
    expect(storedName('../../etc/passwd', 'image/png')).toBe('passwd.png');
    expect(storedName('C:\\Users\\x\\evil.exe.png', 'image/png')).toBe('evil.exe.png');
    expect(storedName('..', 'application/pdf')).toBe('file.pdf');
    expect(storedName('.htaccess', 'image/gif')).toBe('htaccess.gif');
    expect(storedName('a<script>"b\'.png', 'image/png')).toBe('a_script_b.png');
    expect(storedName('회의 자료 v2.pdf', 'application/pdf')).toBe('회의_자료_v2.pdf');
    expect(storedName('x\u202egnp.exe', 'image/png')).toBe('x_gnp.exe.png');
    expect(storedName(undefined, 'image/webp')).toBe('file.webp');
    expect(storedName('report.final', 'application/pdf')).toBe('report.final.pdf');
    const long = storedName(`${'가'.repeat(300)}.pdf`, 'application/pdf');
    expect([...long].length).toBe(128);
    expect(long.endsWith('가.pdf')).toBe(true);
  });

  test("limits: one file, a room, the whole store, refused with '445' at the ticket; bad requests '422'", async () => {
    const store = new FileStore({ maxFileBytes: 1000, maxRoomBytes: 2500, maxTotalBytes: 4000 });
    expect(store.issueTicket({ room: 'r1', owner: 'a', name: 'x.png', size: 1001 })).toMatchObject({ ok: false, kt: '445' });
    for (const size of [0, -1, 1.5, '10', NaN, undefined]) expect(store.issueTicket({ room: 'r1', owner: 'a', size })).toMatchObject({ ok: false, kt: '422' });
    for (const room of ['', '../r', 'a b', 5, 'x'.repeat(65)])
      expect(store.issueTicket({ room, owner: 'a', size: 10 })).toMatchObject({ ok: false, kt: '422' });
    expect(store.issueTicket({ room: 'r1', owner: 'a', name: { evil: 1 }, size: 10 })).toMatchObject({ ok: false, kt: '422' });

    // Tickets reserve their size: two of 1000 and one of 500 fill room r1 (2500).
    const a = ticketOf(store, 1000);
    const b = ticketOf(store, 1000);
    expect(store.issueTicket({ room: 'r1', owner: 'a', size: 501 })).toMatchObject({ ok: false, kt: '445', reason: expect.stringContaining('room') });
    const c = ticketOf(store, 500);
    expect(store.stats().reservedBytes).toBe(2500);
    // Another room still has space, until the store's 4000 are reached.
    const d = ticketOf(store, 1000, 'r2');
    expect(store.issueTicket({ room: 'r3', owner: 'a', size: 501 })).toMatchObject({ ok: false, kt: '445', reason: expect.stringContaining('full') });
    // Uploads smaller than their ticket give the rest back.
    const small = Uint8Array.from([...PNG, ...Array(100 - PNG.length).fill(0)]);
    expect(await store.put(a, small)).toMatchObject({ ok: true, size: 100 });
    expect(store.stats()).toMatchObject({ bytes: 100, reservedBytes: 2500 });
    ticketOf(store, 900, 'r3');
    // More bytes than the ticket said: '445', ticket used up, reservation freed.
    const big = Uint8Array.from([...PNG, ...Array(501).fill(0)]);
    expect(await store.put(c, big)).toMatchObject({ ok: false, kt: '445' });
    expect(await store.put(c, PNG)).toMatchObject({ ok: false, kt: '401' });
    expect(store.stats()).toMatchObject({ bytes: 100, reservedBytes: 2900, tickets: 3 });
    void b;
    void d;
  });

  test('outstanding tickets are bounded per room and in all; files per room too', async () => {
    const store = new FileStore({ maxTicketsPerRoom: 2, maxTickets: 3, maxRoomFiles: 3 });
    ticketOf(store, 10, 'r1');
    ticketOf(store, 10, 'r1');
    expect(store.issueTicket({ room: 'r1', owner: 'a', size: 10 })).toMatchObject({ ok: false, kt: '445' });
    ticketOf(store, 10, 'r2');
    expect(store.issueTicket({ room: 'r3', owner: 'a', size: 10 })).toMatchObject({ ok: false, kt: '445' });
    const other = new FileStore({ maxRoomFiles: 2 });
    await other.put(ticketOf(other, PNG.length), PNG);
    ticketOf(other, PNG.length);
    expect(other.issueTicket({ room: 'r1', owner: 'a', size: 10 })).toMatchObject({ ok: false, kt: '445', reason: expect.stringContaining('files') });
  });

  test('tickets are unguessable, single-use and expire (their space comes back)', async () => {
    let now = 1_000_000;
    const store = new FileStore({ now: () => now, ticketMs: 5 * 60 * 1000, maxTicketsPerRoom: 100 });
    const issued = store.issueTicket({ room: 'r1', owner: 'alice', name: 'a.png', size: 1000 });
    expect(issued).toEqual({ ok: true, ticket: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), expiresAt: now + 300000, maxBytes: 1000 });
    const tickets = new Set(Array.from({ length: 50 }, () => ticketOf(store, 1, 'r2')));
    expect(tickets.size).toBe(50);

    const t = ticketOf(store, PNG.length);
    const first = await store.put(t, PNG);
    expect(first).toMatchObject({ ok: true, id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) });
    expect(await store.put(t, PNG)).toEqual({ ok: false, kt: '401', reason: expect.any(String) });
    expect(await store.put('made-up-ticket-0000000', PNG)).toMatchObject({ ok: false, kt: '401' });
    expect(await store.put(undefined, PNG)).toMatchObject({ ok: false, kt: '401' });

    const late = ticketOf(store, PNG.length);
    expect(store.checkTicket(late)).toMatchObject({ ok: true, room: 'r1', maxBytes: PNG.length });
    now += 5 * 60 * 1000 - 1;
    expect(store.checkTicket(late)).toMatchObject({ ok: true });
    now += 1;
    expect(store.checkTicket(late)).toMatchObject({ ok: false, kt: '401' });
    expect(await store.put(late, PNG)).toMatchObject({ ok: false, kt: '401' });
    expect(store.stats()).toMatchObject({ tickets: 0, reservedBytes: 0, files: 1 });
    if (!first.ok) throw new Error('unreachable');
    expect(store.get('r1', first.id)).toMatchObject({ name: 'doc.png' });
    expect(store.get('r2', first.id)).toBeUndefined();
    expect(Buffer.from((await store.read('r1', first.id))!)).toEqual(Buffer.from(PNG));
  });

  test('an upload takes its ticket when it begins: no second one with it, expiry no longer counts, abort gives it back', async () => {
    let now = 0;
    const store = new FileStore({ now: () => now, ticketMs: 1000 });
    const t = ticketOf(store, PNG.length);
    const upload = store.beginUpload(t);
    if (!upload.ok) throw new Error(upload.reason);
    expect(upload).toMatchObject({ room: 'r1', maxBytes: PNG.length });
    expect(store.beginUpload(t)).toMatchObject({ ok: false, kt: '401' });
    expect(store.stats()).toMatchObject({ tickets: 0, uploads: 1, reservedBytes: PNG.length });
    now += 5000; // the ticket's time is up, but the upload had begun
    expect(await upload.finish(PNG)).toMatchObject({ ok: true, type: 'image/png' });
    expect(await upload.finish(PNG)).toMatchObject({ ok: false, kt: '401' });

    // Aborted in time: the same ticket works again. Aborted after its expiry: gone, space freed.
    const again = ticketOf(store, PNG.length);
    const first = store.beginUpload(again);
    if (!first.ok) throw new Error(first.reason);
    first.abort();
    expect(store.checkTicket(again)).toMatchObject({ ok: true });
    const second = store.beginUpload(again);
    if (!second.ok) throw new Error(second.reason);
    now += 1000;
    second.abort();
    expect(store.checkTicket(again)).toMatchObject({ ok: false, kt: '401' });
    expect(store.stats()).toEqual({ files: 1, bytes: PNG.length, rooms: 1, tickets: 0, uploads: 0, reservedBytes: 0 });

    // The room destroyed while an upload is under way: refused ('441'), nothing stays.
    const late = store.beginUpload(ticketOf(store, PNG.length, 'r2'));
    if (!late.ok) throw new Error(late.reason);
    await store.dropRoom('r2');
    expect(await late.finish(PNG)).toMatchObject({ ok: false, kt: '441' });
    late.abort();
    await store.clear();
    expect(store.stats()).toEqual({ files: 0, bytes: 0, rooms: 0, tickets: 0, uploads: 0, reservedBytes: 0 });
  });

  test('dropRoom deletes its files and tickets; other rooms keep theirs', async () => {
    const store = new FileStore();
    const a = await store.put(ticketOf(store, PNG.length, 'r1'), PNG);
    const b = await store.put(ticketOf(store, PDF.length, 'r2', 'b.pdf'), PDF);
    const pending = ticketOf(store, 10, 'r1');
    if (!a.ok || !b.ok) throw new Error('upload failed');
    await store.dropRoom('r1');
    expect(store.get('r1', a.id)).toBeUndefined();
    expect(await store.read('r1', a.id)).toBeUndefined();
    expect(await store.put(pending, PNG)).toMatchObject({ ok: false, kt: '401' });
    expect(store.list('r2')).toEqual([expect.objectContaining({ id: b.id })]);
    expect(store.stats()).toEqual({ files: 1, bytes: PDF.length, rooms: 1, tickets: 0, uploads: 0, reservedBytes: 0 });
    await store.dropRoom('nope');
  });

  test('a directory store writes files named by id only, and deletes them with the room', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-files-'));
    try {
      writeFileSync(path.join(dir, 'AAAAAAAAAAAAAAAAAAAAAA.ktfile'), 'left over from a previous run');
      writeFileSync(path.join(dir, 'keep-me.txt'), "not the store's");
      const store = new FileStore({ dir });
      expect(readdirSync(dir)).toEqual(['keep-me.txt']);
      const put = await store.put(ticketOf(store, PDF.length, 'r1', '../../../../tmp/owned.pdf'), PDF);
      if (!put.ok) throw new Error(put.reason);
      expect(put.name).toBe('owned.pdf');
      expect(readdirSync(dir).sort()).toEqual([`${put.id}.ktfile`, 'keep-me.txt'].sort());
      expect(Buffer.from((await store.read('r1', put.id))!)).toEqual(Buffer.from(PDF));
      await store.dropRoom('r1');
      expect(readdirSync(dir)).toEqual(['keep-me.txt']);
      // The room destroyed while an upload is being written: the upload is refused, nothing stays.
      const writing = store.put(ticketOf(store, PDF.length, 'r1'), PDF);
      await store.dropRoom('r1');
      expect(await writing).toMatchObject({ ok: false, kt: '441' });
      expect(readdirSync(dir)).toEqual(['keep-me.txt']);
      expect(store.stats()).toEqual({ files: 0, bytes: 0, rooms: 0, tickets: 0, uploads: 0, reservedBytes: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("refusals map onto the guard's plugin errors", () => {
    expect(filePluginError({ ok: false, kt: '445', reason: 'too big' })).toEqual({ code: 430, reason: 'too big', kt: '445' });
    expect(filePluginError({ ok: false, kt: '401', reason: 'x' })).toMatchObject({ code: 433, kt: '401' });
  });
});

describe('handleFileRequest on a real http server', () => {
  let server: Server;
  let base: string;
  let port: number;
  let store: FileStore;
  let options: FileHttpOptions = {};
  const errors: string[] = [];
  /** Bytes the server read on each connection, when it closed. */
  const readBy: number[] = [];

  const start = async (storeOptions: FileStoreOptions = {}, httpOptions: FileHttpOptions = {}) => {
    store = new FileStore(storeOptions);
    options = { ...httpOptions, log: (line) => errors.push(line) };
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (!handleFileRequest(req, res, store, options)) res.writeHead(418, { 'content-type': 'text/plain' }).end('not a file request');
    });
    server.on('connection', (socket) => socket.on('close', () => readBy.push(socket.bytesRead)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => start());

  /** A request with the path sent exactly as written (fetch would resolve `..`). */
  const raw = (method: string, target: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method, path: target, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });

  test('upload with a ticket, then download with the safety headers; HEAD; 304', async () => {
    await start({}, { publicUrl: 'https://gw.example.com:8188/' });
    const ticket = ticketOf(store, PDF.length, 'room-1', '회의 자료.pdf');
    const up = await fetch(`${base}/files?ticket=${ticket}`, { method: 'POST', body: PDF, headers: { 'content-type': 'image/png' } });
    expect(up.status).toBe(201);
    const answer = await up.json();
    expect(answer).toEqual({
      code: '200',
      url: expect.stringMatching(/^https:\/\/gw\.example\.com:8188\/files\/room-1\/[A-Za-z0-9_-]{22}\/%ED%9A%8C/),
      path: expect.stringMatching(/^\/files\/room-1\//),
      id: expect.any(String),
      room: 'room-1',
      name: '회의_자료.pdf',
      type: 'application/pdf',
      size: PDF.length,
    });
    expect(answer.url).toBe(`https://gw.example.com:8188${answer.path}`);

    const down = await fetch(`${base}${answer.path}`, { headers: { origin: 'https://app.example.com' } });
    expect(down.status).toBe(200);
    expect(Buffer.from(await down.arrayBuffer())).toEqual(Buffer.from(PDF));
    expect(Object.fromEntries(down.headers)).toMatchObject({
      'content-type': 'application/pdf',
      'content-length': String(PDF.length),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': expect.stringMatching(/^private, max-age=\d+/),
      'content-disposition': `inline; filename="_____.pdf"; filename*=UTF-8''${encodeURIComponent('회의_자료.pdf')}`,
      'access-control-allow-origin': '*',
      'cross-origin-resource-policy': 'cross-origin',
    });
    const head = await fetch(`${base}${answer.path}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(PDF.length));
    expect(await head.text()).toBe('');
    const again = await fetch(`${base}${answer.path}`, { headers: { 'if-none-match': down.headers.get('etag')! } });
    expect(again.status).toBe(304);

    // The ticket was used: a second upload with it is refused.
    const reuse = await fetch(`${base}/files`, { method: 'POST', body: PDF, headers: { 'x-kt-ticket': ticket } });
    expect(reuse.status).toBe(401);
    expect(await reuse.json()).toMatchObject({ code: '401' });
  });

  test("the type comes from the bytes; a refused type is 415 '405'", async () => {
    const png = await fetch(`${base}/files`, {
      method: 'POST',
      body: PNG,
      headers: { 'x-kt-ticket': ticketOf(store, PNG.length, 'r1', 'x.pdf'), 'content-type': 'application/pdf' },
    });
    const answer = await png.json();
    expect(answer).toMatchObject({ code: '200', type: 'image/png', name: 'x.png', url: expect.stringMatching(/^\/files\/r1\/.+\/x\.png$/) });
    expect((await fetch(`${base}${answer.url}`)).headers.get('content-type')).toBe('image/png');
    const html = await fetch(`${base}/files`, {
      method: 'POST',
      body: HTML,
      headers: { 'x-kt-ticket': ticketOf(store, HTML.length, 'r1', 'x.png'), 'content-type': 'image/png' },
    });
    expect(html.status).toBe(415);
    expect(await html.json()).toMatchObject({ code: '405' });
  });

  test('CORS: the preflight for POST; origins outside the list get no CORS headers and cannot upload', async () => {
    const pre = await fetch(`${base}/files`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-kt-ticket' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')).toBe('content-type, x-kt-ticket');

    await start({}, { allowOrigin: ['https://app.example.com'] });
    const ok = await fetch(`${base}/files`, { method: 'OPTIONS', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(ok.headers.get('vary')).toBe('origin');
    const no = await fetch(`${base}/files`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
    expect(no.status).toBe(403);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
    // A "simple" POST (text/plain, no preflight) from an origin not allowed is refused by the server too.
    const ticket = ticketOf(store, PNG.length);
    const evil = await fetch(`${base}/files?ticket=${ticket}`, {
      method: 'POST',
      body: PNG,
      headers: { origin: 'https://evil.example', 'content-type': 'text/plain' },
    });
    expect(evil.status).toBe(403);
    expect(await evil.json()).toMatchObject({ code: '413' });
    expect(store.checkTicket(ticket)).toMatchObject({ ok: true });
    const good = await fetch(`${base}/files?ticket=${ticket}`, { method: 'POST', body: PNG, headers: { origin: 'https://app.example.com' } });
    expect(good.status).toBe(201);
    expect(good.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
  });

  test("an upload over its ticket is cut off (413 '445') without reading the rest; the server keeps serving", async () => {
    await start({ maxFileBytes: 64 * 1024 });
    const closed = async () => {
      for (let i = 0; i < 50 && readBy.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      return readBy.splice(0);
    };
    readBy.length = 0;
    // Declared too long (32 MiB): refused before the body, and little of it is read.
    const declared = await fetch(`${base}/files`, {
      method: 'POST',
      body: new Uint8Array(32 * 1024 * 1024),
      headers: { 'x-kt-ticket': ticketOf(store, 1000) },
    });
    expect(declared.status).toBe(413);
    expect(await declared.json()).toMatchObject({ code: '445' });
    const [declaredRead] = await closed();
    expect(declaredRead).toBeLessThan(1024 * 1024);

    // No length given (a stream): cut off at the cap, and the rest of a 64 MiB body is never read.
    const ticket = ticketOf(store, 1000);
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024);
    chunk.set(PNG);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const started = Date.now();
    const streamed = await fetch(`${base}/files`, { method: 'POST', body, headers: { 'x-kt-ticket': ticket }, duplex: 'half' } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(await streamed.json()).toMatchObject({ code: '445' });
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    expect(Date.now() - started).toBeLessThan(5000);
    const [streamedRead] = await closed();
    console.log(`cut off: declared ${declaredRead} bytes read, streamed ${streamedRead} read of ${sent} sent`);
    expect(streamedRead).toBeLessThan(1024 * 1024);
    // Nothing stored, the ticket still there for a proper upload.
    expect(store.stats()).toMatchObject({ files: 0, tickets: 2 });
    const proper = await fetch(`${base}/files`, { method: 'POST', body: PNG, headers: { 'x-kt-ticket': ticket } });
    expect(proper.status).toBe(201);
  });

  test('a directory store over HTTP: the bytes stream from disk', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kt-files-http-'));
    try {
      await start({ dir });
      const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => (i * 7) & 0xff);
      big.set(PDF.subarray(0, 16));
      const up = await fetch(`${base}/files`, { method: 'POST', body: big, headers: { 'x-kt-ticket': ticketOf(store, big.length, 'r1', 'big.pdf') } });
      const { path: where } = await up.json();
      const down = await fetch(`${base}${where}`);
      expect(down.status).toBe(200);
      expect(Buffer.from(await down.arrayBuffer()).equals(Buffer.from(big))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a second upload with a ticket whose upload is under way is refused at once', async () => {
    const ticket = ticketOf(store, 1000);
    const first = request({ host: '127.0.0.1', port, method: 'POST', path: `/files?ticket=${ticket}`, headers: { 'content-length': String(PNG.length) } });
    const firstAnswer = new Promise<number>((resolve, reject) => {
      first.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      first.on('error', reject);
    });
    first.write(Buffer.from(PNG.subarray(0, 10)));
    for (let i = 0; i < 50 && store.stats().uploads === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(store.stats()).toMatchObject({ uploads: 1, tickets: 0 });
    const second = await fetch(`${base}/files?ticket=${ticket}`, { method: 'POST', body: PNG });
    expect(second.status).toBe(401);
    first.end(Buffer.from(PNG.subarray(10)));
    expect(await firstAnswer).toBe(201);
  });

  test('a stalled upload is ended (408) and its ticket stays usable', async () => {
    await start({}, { uploadIdleMs: 200 });
    const ticket = ticketOf(store, 1000);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: `/files?ticket=${ticket}`, headers: { 'content-length': '1000' } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.write(Buffer.from(PNG)); // ...and then nothing more
    });
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ code: '400' });
    expect(store.checkTicket(ticket)).toMatchObject({ ok: true });

    // A client that goes away mid-upload gives its ticket back too.
    const quitter = request({ host: '127.0.0.1', port, method: 'POST', path: `/files?ticket=${ticket}`, headers: { 'content-length': '1000' } });
    quitter.on('error', () => {});
    quitter.write(Buffer.from(PNG));
    for (let i = 0; i < 50 && store.stats().uploads === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(store.stats()).toMatchObject({ uploads: 1 });
    quitter.destroy();
    for (let i = 0; i < 50 && store.stats().uploads === 1; i++) await new Promise((r) => setTimeout(r, 20));
    expect(store.stats()).toMatchObject({ uploads: 0, tickets: 1 });
    expect(store.checkTicket(ticket)).toMatchObject({ ok: true });
  });

  test('bad requests get JSON errors with Knowledgetalk codes; other paths are left to the server', async () => {
    const noTicket = await fetch(`${base}/files`, { method: 'POST', body: PNG });
    expect(noTicket.status).toBe(400);
    expect(await noTicket.json()).toMatchObject({ code: '421' });
    const wrongTicket = await fetch(`${base}/files?ticket=nope`, { method: 'POST', body: PNG });
    expect(wrongTicket.status).toBe(401);
    expect(await wrongTicket.json()).toMatchObject({ code: '401' });
    const put = await fetch(`${base}/files/r1/AAAAAAAAAAAAAAAAAAAAAA/x.png`, { method: 'PUT', body: PNG });
    expect(put.status).toBe(405);
    expect(await put.json()).toMatchObject({ code: '400' });
    for (const upload of ['/files', '/files/']) {
      const getUpload = await fetch(`${base}${upload}`);
      expect(getUpload.status).toBe(405);
      expect(getUpload.headers.get('allow')).toBe('POST, OPTIONS');
    }

    const t = ticketOf(store, PNG.length, 'r1', 'a.png');
    const { path: good } = await (await fetch(`${base}/files?ticket=${t}`, { method: 'POST', body: PNG })).json();
    const [, , room, id] = good.split('/');
    for (const target of [
      `/files/r1/${'A'.repeat(22)}/a.png`, // an id that is not there
      `/files/r2/${id}/a.png`, // another room's id
      `/files/${room}/${id}/other.png`, // the wrong name
      `/files/${room}/${id}`,
      `/files/${room}/${id}/a.png/extra`,
      `/files/${room}/${id}/%E0%A4%A`, // not decodable
    ]) {
      const res = await fetch(`${base}${target}`);
      expect([target, res.status]).toEqual([target, 404]);
      expect(await res.json()).toMatchObject({ code: '404' });
    }
    expect((await fetch(`${base}${good}`)).status).toBe(200);

    const other = await fetch(`${base}/filesystem`);
    expect(other.status).toBe(418);
    expect((await fetch(`${base}/`)).status).toBe(418);
  });

  test('path traversal is refused, literal or encoded', async () => {
    const t = ticketOf(store, PNG.length, 'r1', 'a.png');
    await fetch(`${base}/files?ticket=${t}`, { method: 'POST', body: PNG });
    for (const target of [
      '/files/../../etc/passwd',
      '/files/%2e%2e/%2e%2e/etc/passwd',
      '/files/..%2f..%2fetc%2fpasswd',
      '/files/r1/..%2f..%2f..%2fetc/passwd',
      '/files/r1/%2e%2e/%2e%2e%2fpackage.json',
      '/files/r1/AAAAAAAAAAAAAAAAAAAAAA/..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/files/%252e%252e/etc/passwd',
      '/files/r1/....//....//etc/passwd',
    ]) {
      const res = await raw('GET', target);
      expect([target, res.status]).toEqual([target, 404]);
      expect(JSON.parse(res.body)).toMatchObject({ code: '404' });
      expect(res.body).not.toContain('root:');
    }
    // A traversal that does not start with /files is not the handler's.
    expect((await raw('GET', '/../files/../etc/passwd')).status).toBe(418);
    expect(errors).toEqual([]);
  });
});
