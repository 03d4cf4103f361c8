/**
 * PDF pages in the browser (sdk/document/pdf.ts, built as dist/lazy/pdf.mjs): real Chromium imports
 * the lazy part, opens a 2-page PDF served by the guard's file store (files.ts + file-http.ts, on
 * another origin than the page, as in production), renders both pages and the pixels show page 1's
 * red rectangle and page 2's blue one and its Helvetica text where the PDF put them. The only
 * requests are the page's, the part and its worker, and the PDF. Needs `npx rollup -c` first.
 * Then fonts a PDF does not embed: with pdf.js's data files next to the part (dist/lazy/pdfjs/, or
 * node_modules/pdfjs-dist's folders in their place while the build does not copy them), a Korean
 * font known only by its character collection, ZapfDingbats and Symbol.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser';
import { ENCRYPTED, HELVETICA, KOREAN_CID, SYMBOL, ZAPF_DINGBATS, makePdf } from '../support/document/make-pdf';
import { FileStore } from '../../sdk/server/guard/files';
import { handleFileRequest } from '../../sdk/server/guard/file-http';

/** Page 1: portrait, a red rectangle. Page 2: landscape, a blue rectangle and black Helvetica text. */
const PAGES = [
  { width: 612, height: 792, content: '1 0 0 rg 100 500 200 150 re f' },
  { width: 792, height: 612, content: '0 0 1 rg 300 100 150 200 re f 0 g BT /F1 36 Tf 72 500 Td (Hello Helvetica) Tj ET' },
];
const RED = { x: [100, 300], y: [500, 650] };
const BLUE = { x: [300, 450], y: [100, 300] };
/** Where "Hello Helvetica" at 36 pt from (72, 500) lies (Helvetica: ~0.55 em a glyph, caps 0.72 em). */
const TEXT = { x: [72, 330], y: [497, 528] };

let browser: Browser;
let context: BrowserContext;
let page: Page;
let files: Server;
let store: FileStore;
let pdfUrl: string;
let lockedUrl: string;
const requests: string[] = [];
const consoleLines: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  store = new FileStore();
  files = createServer((req, res) => {
    if (!handleFileRequest(req, res, store)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
  const filesOrigin = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  const pdf = makePdf(PAGES);
  const ticket = store.issueTicket({ room: 'doc-room', owner: 'alice', name: 'two pages.pdf', size: pdf.length });
  if (!ticket.ok) throw new Error(ticket.reason);
  const up = await fetch(`${filesOrigin}/files`, { method: 'POST', body: new Uint8Array(pdf), headers: { 'x-kt-ticket': ticket.ticket } });
  const answer = await up.json();
  expect(answer).toMatchObject({ code: '200', type: 'application/pdf' });
  pdfUrl = `${filesOrigin}${answer.path}`;
  const locked = makePdf(PAGES, undefined, ENCRYPTED);
  const lockedTicket = store.issueTicket({ room: 'doc-room', owner: 'alice', name: 'locked.pdf', size: locked.length });
  if (!lockedTicket.ok) throw new Error(lockedTicket.reason);
  lockedUrl = `${filesOrigin}${((await store.put(lockedTicket.ticket, locked)) as { path: string }).path}`;

  browser = await launchBrowser();
  context = await browser.newContext({ deviceScaleFactor: 2 });
  context.on('request', (r) => requests.push(r.url()));
  page = await context.newPage();
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${process.env.KT_PAGE_ORIGIN}/`);
  // A string: ts-jest would turn a dynamic import() in a function into require().
  const exported = await page.evaluate(`import('/lazy/pdf.mjs').then((m) => { window.ktPdf = m; return Object.keys(m).sort(); })`);
  expect(exported).toEqual(['MAX_CANVAS_PIXELS', 'openPdf']);
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => files?.close(() => resolve()));
});

interface Rendered {
  width: number;
  height: number;
  cssWidth: string;
  cssHeight: string;
  ms: number;
  /** RGB at the centre of each probe, PDF coordinates. */
  probes: Record<string, [number, number, number]>;
  /** How many pixels of the text box are dark. */
  dark: number;
  darkOf: number;
}

/** Renders `pageNo` at maxWidth × maxHeight and reads pixels at PDF coordinates (origin bottom-left). */
function renderAndProbe(
  pageNo: number,
  maxWidth: number,
  maxHeight: number,
  size: { width: number; height: number },
  probes: Record<string, [number, number]>,
  box?: { x: number[]; y: number[] },
): Promise<Rendered> {
  return page.evaluate(
    async ({ url, pageNo, maxWidth, maxHeight, size, probes, box }) => {
      const w = window as any;
      w.ktDoc ??= await w.ktPdf.openPdf(url);
      const t0 = performance.now();
      const canvas: HTMLCanvasElement = await w.ktDoc.render(pageNo, maxWidth, maxHeight);
      const ms = performance.now() - t0;
      const ctx = canvas.getContext('2d')!;
      const sx = canvas.width / size.width;
      const sy = canvas.height / size.height;
      const at = (x: number, y: number) => Array.from(ctx.getImageData(Math.floor(x * sx), Math.floor((size.height - y) * sy), 1, 1).data.slice(0, 3));
      const out: Record<string, number[]> = {};
      for (const [name, [x, y]] of Object.entries(probes)) out[name] = at(x, y);
      let dark = 0;
      let darkOf = 0;
      if (box) {
        const x0 = Math.floor(box.x[0] * sx);
        const y0 = Math.floor((size.height - box.y[1]) * sy);
        const img = ctx.getImageData(x0, y0, Math.ceil((box.x[1] - box.x[0]) * sx), Math.ceil((box.y[1] - box.y[0]) * sy)).data;
        for (let i = 0; i < img.length; i += 4) {
          darkOf++;
          if (img[i] < 100 && img[i + 1] < 100 && img[i + 2] < 100) dark++;
        }
      }
      return { width: canvas.width, height: canvas.height, cssWidth: canvas.style.width, cssHeight: canvas.style.height, ms, probes: out, dark, darkOf };
    },
    { url: pdfUrl, pageNo, maxWidth, maxHeight, size, probes, box },
  ) as Promise<Rendered>;
}

/** Dark pixels (all channels < 100) in a PDF-coordinate box of a rendered canvas, as a fraction. */
function darkIn(target: Page, box: { x: number[]; y: number[] }): Promise<number> {
  return target.evaluate(
    ({ box }) => {
      const canvas: HTMLCanvasElement = (window as any).ktCanvas;
      const size = (window as any).ktSize as { width: number; height: number };
      const sx = canvas.width / size.width;
      const sy = canvas.height / size.height;
      const img = canvas
        .getContext('2d')!
        .getImageData(
          Math.floor(box.x[0] * sx),
          Math.floor((size.height - box.y[1]) * sy),
          Math.ceil((box.x[1] - box.x[0]) * sx),
          Math.ceil((box.y[1] - box.y[0]) * sy),
        ).data;
      let dark = 0;
      for (let i = 0; i < img.length; i += 4) if (img[i] < 100 && img[i + 1] < 100 && img[i + 2] < 100) dark++;
      return dark / (img.length / 4);
    },
    { box },
  );
}

const isRed = ([r, g, b]: number[]) => r > 200 && g < 60 && b < 60;
const isBlue = ([r, g, b]: number[]) => b > 200 && r < 60 && g < 60;
const isWhite = ([r, g, b]: number[]) => r > 240 && g > 240 && b > 240;
const centre = (box: { x: number[]; y: number[] }): [number, number] => [(box.x[0] + box.x[1]) / 2, (box.y[0] + box.y[1]) / 2];

test("a 2-page PDF from the guard's file store: red on page 1, blue and Helvetica text on page 2, fitted at devicePixelRatio", async () => {
  const { pages, openMs } = await page.evaluate(async (url) => {
    const w = window as any;
    const t0 = performance.now();
    w.ktDoc = await w.ktPdf.openPdf(url);
    return { pages: w.ktDoc.pages, openMs: performance.now() - t0 };
  }, pdfUrl);
  expect(pages).toBe(2);
  // A well-formed file: pdf.js had nothing to repair or warn about.
  expect(consoleLines.filter((l) => /warn|error/i.test(l))).toEqual([]);

  // Portrait 612×792 into 400×400: 400 CSS pixels high, 2 device pixels each.
  const one = await renderAndProbe(1, 400, 400, PAGES[0], {
    red: centre(RED),
    redCorner: [RED.x[0] + 3, RED.y[1] - 3],
    left: [RED.x[0] - 20, 575],
    above: [200, RED.y[1] + 20],
    blank: [50, 50],
  });
  expect({ cssWidth: one.cssWidth, cssHeight: one.cssHeight, width: one.width, height: one.height }).toEqual({
    cssWidth: '309px',
    cssHeight: '400px',
    width: 618,
    height: 800,
  });
  expect(isRed(one.probes.red) && isRed(one.probes.redCorner)).toBe(true);
  expect([one.probes.left, one.probes.above, one.probes.blank].every(isWhite)).toBe(true);

  // Landscape 792×612 into the same box: 400 CSS pixels wide.
  const two = await renderAndProbe(2, 400, 400, PAGES[1], { blue: centre(BLUE), right: [BLUE.x[1] + 20, 200], where1Red: centre(RED), blank: [700, 50] }, TEXT);
  expect({ cssWidth: two.cssWidth, cssHeight: two.cssHeight, width: two.width, height: two.height }).toEqual({
    cssWidth: '400px',
    cssHeight: '309px',
    width: 800,
    height: 618,
  });
  expect(isBlue(two.probes.blue)).toBe(true);
  expect([two.probes.right, two.probes.where1Red, two.probes.blank].every(isWhite)).toBe(true);
  // The text was drawn: glyph strokes cover some of its box, not all of it.
  expect(two.dark / two.darkOf).toBeGreaterThan(0.08);
  expect(two.dark / two.darkOf).toBeLessThan(0.7);

  // A wide, short box: the height decides; and again page 1, back after page 2 (a page turn back).
  const wide = await renderAndProbe(1, 2000, 300, PAGES[0], { red: centre(RED) });
  expect([wide.cssWidth, wide.cssHeight, wide.height]).toEqual(['232px', '300px', 600]);
  expect(isRed(wide.probes.red)).toBe(true);

  console.log(
    `pdf open (worker start + fetch) ${openMs.toFixed(0)} ms; render: page 1 ${one.ms.toFixed(0)} ms, page 2 ${two.ms.toFixed(0)} ms, page 1 again ${wide.ms.toFixed(0)} ms; text box ${((100 * two.dark) / two.darkOf).toFixed(0)}% dark`,
  );
});

test('pages outside 1..pages, bad sizes and a destroyed document reject with clear Errors; a non-PDF URL too', async () => {
  const errors = await page.evaluate(
    async ({ url, lockedUrl }) => {
      const w = window as any;
      const doc = await w.ktPdf.openPdf(url);
      const why = (p: Promise<unknown>) =>
        p.then(
          () => 'resolved',
          (e: unknown) => (e instanceof Error ? e.message : `not an Error: ${String(e)}`),
        );
      const out: Record<string, string> = {};
      out.zero = await why(doc.render(0, 100, 100));
      out.three = await why(doc.render(3, 100, 100));
      out.half = await why(doc.render(1.5, 100, 100));
      out.size = await why(doc.render(1, 0, 100));
      out.nan = await why(doc.render(1, NaN, 100));
      const pending = why(doc.render(2, 300, 300));
      await doc.destroy();
      out.pending = await pending;
      out.after = await why(doc.render(1, 100, 100));
      out.destroyTwice = await why(doc.destroy());
      out.missing = await why(w.ktPdf.openPdf(url.replace(/\/[^/]+\/([^/]+)$/, '/AAAAAAAAAAAAAAAAAAAAAA/$1')));
      out.notPdf = await why(w.ktPdf.openPdf(`${location.origin}/lazy/pdf.mjs`));
      out.empty = await why(w.ktPdf.openPdf(''));
      out.locked = await why(w.ktPdf.openPdf(lockedUrl));
      return out;
    },
    { url: pdfUrl, lockedUrl },
  );
  expect(errors.zero).toMatch(/page 0 is outside 1\.\.2/);
  expect(errors.three).toMatch(/page 3 is outside 1\.\.2/);
  expect(errors.half).toMatch(/page 1\.5 is outside 1\.\.2/);
  expect(errors.size).toMatch(/not a positive size/);
  expect(errors.nan).toMatch(/not a positive size/);
  // A render under way when the document goes either finished first or says why it stopped.
  expect(errors.pending).toMatch(/^(resolved|.*destroyed.*)$/);
  expect(errors.after).toMatch(/destroyed/);
  expect(errors.destroyTwice).toBe('resolved');
  expect(errors.missing).toMatch(/^openPdf: cannot open .*404/);
  expect(errors.notPdf).toMatch(/^openPdf: cannot open .*not a valid PDF/);
  expect(errors.empty).toMatch(/a PDF URL is required/);
  expect(errors.locked).toMatch(/^openPdf: cannot open .*password-protected/);
});

test('no network but the page, the part, its worker and the PDF; no page errors', () => {
  const pageOrigin = process.env.KT_PAGE_ORIGIN!;
  const allowed = (url: string) => url.startsWith(pdfUrl.replace(/\/files\/.*$/, '/files/')) || url.startsWith(`${pageOrigin}/`);
  expect(requests.filter((u) => !allowed(u))).toEqual([]);
  expect(requests).toContain(`${pageOrigin}/lazy/pdf.mjs`);
  expect(requests).toContain(`${pageOrigin}/lazy/pdf.worker.mjs`);
  const fromPageOrigin = new Set(requests.filter((u) => u.startsWith(pageOrigin)).map((u) => new URL(u).pathname));
  expect([...fromPageOrigin].sort()).toEqual(['/', '/knowledgetalk.umd.js', '/lazy/pdf.mjs', '/lazy/pdf.worker.mjs']);
  expect(pageErrors).toEqual([]);
});

const FONT_BOXES = {
  korean: { x: [50, 250], y: [140, 195] },
  dingbats: { x: [50, 230], y: [295, 340] },
  symbol: { x: [50, 170], y: [40, 85] },
  helvetica: { x: [300, 420], y: [45, 85] },
};

/**
 * Renders a page of non-embedded fonts on a page served like the SDK's dist/lazy, with pdf.js's
 * data files (dist/lazy/pdfjs/, or node_modules/pdfjs-dist's folders in their place while the build
 * does not copy them) or without. Returns the dark share of each text box and what was fetched.
 */
async function renderFonts(withData: boolean): Promise<{ dark: Record<keyof typeof FONT_BOXES, number>; fetched: string[]; warnings: string[] }> {
  const DIST_LAZY = path.resolve(__dirname, '..', '..', 'dist', 'lazy');
  const PDFJS = path.resolve(__dirname, '..', '..', 'node_modules', 'pdfjs-dist');
  const served: string[] = [];
  const assets = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    served.push(url);
    if (url === '/') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><title>fonts</title>');
    const data = withData ? /^\/lazy\/pdfjs\/(cmaps|standard_fonts|wasm|iccs)\/([\w.-]+)$/.exec(url) : null;
    const file = data
      ? [path.join(DIST_LAZY, 'pdfjs', data[1], data[2]), path.join(PDFJS, data[1], data[2])].find((f) => existsSync(f))
      : /^\/lazy\/pdf(\.worker)?\.mjs$/.test(url)
        ? path.join(DIST_LAZY, url.slice('/lazy/'.length))
        : undefined;
    if (!file) return void res.writeHead(404).end();
    readFile(file).then(
      (body) =>
        res
          .writeHead(200, {
            'content-type': file.endsWith('.mjs') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream',
          })
          .end(body),
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => assets.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(assets.address() as AddressInfo).port}`;
  const size = { width: 600, height: 400 };
  const pdf = makePdf(
    [
      {
        ...size,
        content:
          'BT /F2 48 Tf 50 300 Td (4444) Tj ET BT /F3 48 Tf 50 150 Td <D55CAE00D55CAE00> Tj ET BT /F4 48 Tf 50 50 Td (abcd) Tj ET BT /F1 48 Tf 300 50 Td (Hello) Tj ET',
      },
    ],
    { F1: HELVETICA, F2: ZAPF_DINGBATS, F3: KOREAN_CID, F4: SYMBOL },
  );
  const ticket = store.issueTicket({ room: 'doc-room', owner: 'alice', name: 'fonts.pdf', size: pdf.length });
  if (!ticket.ok) throw new Error(ticket.reason);
  const filesOrigin = pdfUrl.replace(/\/files\/.*$/, '');
  const { path: where } = await (
    await fetch(`${filesOrigin}/files`, { method: 'POST', body: new Uint8Array(pdf), headers: { 'x-kt-ticket': ticket.ticket } })
  ).json();

  const fontsPage = await context.newPage();
  const warnings: string[] = [];
  fontsPage.on('console', (m) => m.type() !== 'log' && warnings.push(m.text()));
  try {
    await fontsPage.goto(`${origin}/`);
    await fontsPage.evaluate(`import('/lazy/pdf.mjs').then((m) => { window.ktPdf = m; })`);
    await fontsPage.evaluate(
      async ({ url, size }) => {
        const w = window as any;
        const doc = await w.ktPdf.openPdf(url);
        w.ktCanvas = await doc.render(1, size.width, size.height);
        w.ktSize = size;
        await doc.destroy();
      },
      { url: `${filesOrigin}${where}`, size },
    );
    const dark = {} as Record<keyof typeof FONT_BOXES, number>;
    for (const [name, box] of Object.entries(FONT_BOXES)) dark[name as keyof typeof FONT_BOXES] = await darkIn(fontsPage, box);
    return { dark, fetched: served.filter((u) => u.startsWith('/lazy/pdfjs/')).sort(), warnings };
  } finally {
    await fontsPage.close();
    await new Promise<void>((resolve) => assets.close(() => resolve()));
  }
}

test("fonts a PDF does not embed: Korean (with pdf.js's CMaps next to the part), ZapfDingbats, Symbol, Helvetica", async () => {
  const { dark, fetched, warnings } = await renderFonts(true);
  console.log(`with dist/lazy/pdfjs: dark share of the text boxes ${JSON.stringify(dark)}; warnings: ${JSON.stringify(warnings)}`);
  for (const share of Object.values(dark)) expect(share).toBeGreaterThan(0.08);
  // Fetched only what these fonts need, from the part's own folder.
  expect(fetched).toEqual([
    '/lazy/pdfjs/cmaps/Adobe-Korea1-UCS2.bcmap',
    '/lazy/pdfjs/cmaps/UniKS-UCS2-H.bcmap',
    '/lazy/pdfjs/standard_fonts/FoxitDingbats.pfb',
    '/lazy/pdfjs/standard_fonts/FoxitSymbol.pfb',
  ]);
});

test("without pdf.js's data files the page still renders: the Korean text is missing, the rest drawn in system fonts", async () => {
  const { dark, warnings } = await renderFonts(false);
  console.log(`without dist/lazy/pdfjs: dark share of the text boxes ${JSON.stringify(dark)}; warnings: ${JSON.stringify(warnings)}`);
  expect(dark.korean).toBeLessThan(0.01);
  for (const share of [dark.dingbats, dark.symbol, dark.helvetica]) expect(share).toBeGreaterThan(0.08);
  expect(warnings.some((w) => /UniKS-UCS2-H/.test(w))).toBe(true);
});
