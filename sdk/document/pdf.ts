/**
 * PDF pages for document sharing (Knowledgetalk `documentShare`), drawn by pdf.js. A lazy part
 * (rollup.config.mjs, LAZY): built on its own as dist/lazy/pdf.mjs, pdf.js inside it, and imported
 * by the SDK only when a PDF is shared; pdf.js parses in a worker, dist/lazy/pdf.worker.mjs, next
 * to this file (the build copies it there).
 *
 *   const doc = await openPdf(url);           // doc.pages
 *   const canvas = await doc.render(1, 800, 600);
 *   await doc.destroy();
 *
 * Network: the PDF's URL (CORS, no credentials) and files next to this one, never a CDN: the
 * worker, and pdf.js's data files in ./pdfjs/ (the build's to copy from node_modules/pdfjs-dist:
 * cmaps/, standard_fonts/, wasm/, iccs/), each fetched only by a PDF that needs it:
 *   - fonts a PDF does not embed are drawn in the browser's own fonts (useSystemFonts): Helvetica,
 *     Times, Courier, and ordinary PDFs, need nothing; Symbol and ZapfDingbats take their glyphs
 *     from standard_fonts/ (without it, system fonts' approximations);
 *   - a CJK font known only by its character collection (older Korean PDFs: HYGoThic-Medium with
 *     UniKS-UCS2-H) needs its CMaps from cmaps/: without them that text is not drawn at all;
 *   - JPEG 2000 images need wasm/openjpeg.wasm (else they are left out); ICC colour profiles
 *     wasm/qcms_bg.wasm and iccs/ (else their alternate colour space is used); JBIG2 and CCITT
 *     images wasm/jbig2.wasm (else a slower JavaScript decoder).
 * A missing file costs a 404 and a console warning; the page still renders, without that part.
 *
 * Hardening: isEvalSupported false (no code generated from a PDF's fonts or functions: the
 * CVE-2024-4367 class), no XFA, and a PDF's own JavaScript never runs (pdf.js runs it only in its
 * scripting sandbox, which is not bundled); requests without credentials (file URLs are
 * capabilities, see sdk/server/guard/files.ts). A password-protected PDF is refused, not asked for.
 *
 * Imports nothing from the rest of the SDK: the part must stay self-contained.
 */
import { GlobalWorkerOptions, getDocument, type PDFDocumentLoadingTask, type PDFDocumentProxy, type RenderTask } from 'pdfjs-dist';

// The worker is the file next to this one, wherever the SDK is served from. (`import.meta` is
// this ES module's; the test tsconfig compiles sdk/ as CommonJS for type checks only, hence the
// ignore.)
// eslint-disable-next-line @typescript-eslint/ban-ts-comment -- an error in the CommonJS type check only, so not @ts-expect-error
// @ts-ignore TS1343 under the CommonJS type check
const here: string = import.meta.url;
GlobalWorkerOptions.workerSrc = new URL('./pdf.worker.mjs', here).href;
/** pdf.js's data files (CMaps, standard fonts, wasm decoders, ICC profile), copied next to the part. */
const resource = (folder: string) => new URL(`./pdfjs/${folder}/`, here).href;

export interface PdfDocument {
  /** The number of pages. */
  readonly pages: number;
  /**
   * Page `page` (1-based) drawn on a new canvas: fitted inside maxWidth × maxHeight CSS pixels,
   * its aspect ratio kept (the canvas's style width/height), at devicePixelRatio (its width/height).
   * Rejects with an Error for a page outside 1..pages, a size that is not positive, or a document
   * destroyed.
   */
  render(page: number, maxWidth: number, maxHeight: number): Promise<HTMLCanvasElement>;
  /** Frees the document and its worker; renders still running reject. */
  destroy(): Promise<void>;
}

/** The largest canvas drawn, in device pixels (4096 × 4096): past it the resolution goes down, not the size. */
export const MAX_CANVAS_PIXELS = 4096 * 4096;

/** Opens the PDF at `url` (fetched with CORS, no credentials). Rejects with an Error saying why. */
export async function openPdf(url: string): Promise<PdfDocument> {
  if (typeof url !== 'string' || url.length === 0) throw new Error('openPdf: a PDF URL is required');
  const task = getDocument({
    url,
    withCredentials: false,
    isEvalSupported: false,
    enableXfa: false,
    useSystemFonts: true,
    cMapUrl: resource('cmaps'),
    standardFontDataUrl: resource('standard_fonts'),
    wasmUrl: resource('wasm'),
    iccUrl: resource('iccs'),
  });
  let doc: PDFDocumentProxy;
  try {
    doc = await task.promise;
  } catch (err) {
    await task.destroy().catch(() => {});
    throw new Error(`openPdf: cannot open ${url}: ${reasonOf(err)}`);
  }
  return new OpenPdf(task, doc);
}

class OpenPdf implements PdfDocument {
  readonly pages: number;
  private destroyed = false;
  private readonly running = new Set<RenderTask>();

  constructor(
    private readonly task: PDFDocumentLoadingTask,
    private readonly doc: PDFDocumentProxy,
  ) {
    this.pages = doc.numPages;
  }

  async render(page: number, maxWidth: number, maxHeight: number): Promise<HTMLCanvasElement> {
    if (this.destroyed) throw new Error('PdfDocument.render: the document was destroyed');
    if (!Number.isInteger(page) || page < 1 || page > this.pages) {
      throw new Error(`PdfDocument.render: page ${String(page)} is outside 1..${this.pages}`);
    }
    if (!(maxWidth > 0 && maxHeight > 0 && Number.isFinite(maxWidth) && Number.isFinite(maxHeight))) {
      throw new Error(`PdfDocument.render: the size ${String(maxWidth)}×${String(maxHeight)} is not a positive size`);
    }
    let task: RenderTask | undefined;
    try {
      const proxy = await this.doc.getPage(page);
      const natural = proxy.getViewport({ scale: 1 });
      const fit = Math.min(maxWidth / natural.width, maxHeight / natural.height);
      const cssWidth = natural.width * fit;
      const cssHeight = natural.height * fit;
      let ratio = typeof devicePixelRatio === 'number' && devicePixelRatio > 0 ? devicePixelRatio : 1;
      ratio = Math.min(ratio, Math.sqrt(MAX_CANVAS_PIXELS / (cssWidth * cssHeight)));
      const viewport = proxy.getViewport({ scale: fit * ratio });
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(viewport.width));
      canvas.height = Math.max(1, Math.round(viewport.height));
      canvas.style.width = `${Math.round(cssWidth)}px`;
      canvas.style.height = `${Math.round(cssHeight)}px`;
      if (this.destroyed) throw new Error('the document was destroyed');
      task = proxy.render({ canvas, viewport });
      this.running.add(task);
      await task.promise;
      return canvas;
    } catch (err) {
      throw new Error(`PdfDocument.render: page ${page}: ${this.destroyed ? 'the document was destroyed' : reasonOf(err)}`);
    } finally {
      if (task) this.running.delete(task);
    }
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const task of this.running) task.cancel();
    await this.task.destroy();
  }
}

function reasonOf(err: unknown): string {
  if (err && typeof err === 'object') {
    const { name, message } = err as { name?: unknown; message?: unknown };
    if (name === 'PasswordException') return 'the PDF is password-protected';
    if (name === 'InvalidPDFException') return 'not a valid PDF';
    if (typeof message === 'string' && message) return typeof name === 'string' && name !== 'Error' ? `${name}: ${message}` : message;
  }
  return String(err);
}
