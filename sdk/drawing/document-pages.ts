/**
 * A shared document's page under the board's strokes: the image itself, or a PDF's page rendered
 * by pdf.js to the canvas's size (dist/lazy/pdf.mjs, loaded the first time a PDF is shown, and kept
 * open across page turns). Each page has strokes of its own (the board's page key: url#page).
 */
import type { PdfDocument } from '../document/pdf';
import type { Logger } from '../logger';
import type { BoardSession } from './board-session';
import { isPdfUrl } from '../util/document-url';

export class DocumentPages {
  private pdf?: { url: string; doc: Promise<PdfDocument> };
  /** The page asked for last: a slow load of an older one does not replace it. */
  private wanted = '';

  constructor(
    private readonly board: BoardSession,
    private readonly log: Logger,
  ) {}

  async show(url: string, page: number): Promise<void> {
    const key = pageKey(url, page);
    this.wanted = key;
    try {
      const background = isPdfUrl(url) ? await this.pdfPage(url, page) : await loadImage(url);
      if (this.wanted === key) this.board.setPage(key, background);
    } catch (err) {
      this.log.warn(`the document ${url} (page ${page}) could not be shown`, err);
    }
  }

  close(): void {
    void this.pdf?.doc.then((d) => d.destroy()).catch(() => {});
    this.pdf = undefined;
  }

  private async pdfPage(url: string, page: number): Promise<HTMLCanvasElement> {
    if (this.pdf?.url !== url) {
      this.close();
      this.pdf = { url, doc: import('../document/pdf').then((part) => part.openPdf(url)) };
    }
    const doc = await this.pdf.doc;
    const size = this.board.size() ?? { width: 1280, height: 720 };
    return doc.render(Math.min(page, doc.pages), size.width, size.height);
  }
}

/**
 * The board's key of a document's page (strokes belong to it). The board takes keys of up to 256
 * characters: a longer address (an image as a data URL) goes by a hash of it, the same for everyone.
 */
export function pageKey(url: string, page: number): string {
  if (url.length <= 200) return `${url}#${page}`;
  let h = 5381;
  for (let i = 0; i < url.length; i++) h = ((h << 5) + h + url.charCodeAt(i)) | 0;
  return `doc:${(h >>> 0).toString(36)}:${url.length}#${page}`;
}

/** An image that may be drawn and read back (crossOrigin: the gateway's file store allows it). */
function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const image = new Image();
    image.crossOrigin = 'anonymous';
    image.onload = () => resolve(image);
    image.onerror = () => reject(new Error(`${url} did not load`));
    image.src = url;
  });
}
