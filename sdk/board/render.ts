/**
 * Paints the current page on the member's canvas: its background (drawn to fit, centred) and over
 * it the strokes layer, an offscreen canvas where the items are painted in order (the eraser cuts
 * through that layer only, so the background is never erased).
 *
 * Cheap to repeat: at most one paint per animation frame, whatever changed in between; each item's
 * outline is a Path2D computed once per size and item version; and the leading run of items that
 * are not being drawn is kept painted on its own canvas (`settled`), so a frame while someone
 * draws repaints only what is still being drawn (and what came after it).
 */
import type * as Y from 'yjs';
import { readItem, type BoardDoc, type Item } from './doc';
import { CrayonPatterns, outline, paint } from './paint';

/**
 * An unfinished item that has not changed for this long counts as settled: its author left
 * mid-stroke (a closed tab), and it must not keep every later item out of the cache for good.
 */
const IDLE_MS = 2000;

interface Prepared {
  key: string;
  item: Item | null;
  path: Path2D | null;
}

export class Renderer {
  background: CanvasImageSource | null = null;
  private readonly ctx: CanvasRenderingContext2D;
  /** The finished items at the start of the page, painted. */
  private readonly settled = document.createElement('canvas');
  /** `settled` plus the items after it, when there are any. */
  private readonly layer = document.createElement('canvas');
  private settledItems: { map: Y.Map<unknown>; version: number }[] = [];
  private settledPage = '';
  private readonly prepared = new WeakMap<Y.Map<unknown>, Prepared>();
  /** When each unfinished item was last seen to change. */
  private readonly changed = new WeakMap<Y.Map<unknown>, { version: number; at: number }>();
  private readonly crayons = new CrayonPatterns();
  private frame: number | null = null;
  /** How long the last paint took (ms): for the measurements of the tests. */
  lastPaintMs = 0;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly model: BoardDoc,
    private readonly page: () => string,
  ) {
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('board: the canvas has no 2d context (is it already used for WebGL?)');
    this.ctx = ctx;
  }

  /** Paints at the next animation frame (once, however often this is called before). */
  schedule(): void {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.paintNow());
  }

  /** Forgets the painted items: the next paint starts over (a new page, a resize). */
  invalidate(): void {
    this.settledItems = [];
    // Its pixels too: a page with no items would otherwise keep showing the last page's ink
    // (nothing to paint, nothing that differs from the empty list kept).
    this.settled.getContext('2d')?.clearRect(0, 0, this.settled.width, this.settled.height);
  }

  paintNow(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    const started = performance.now();
    const { width, height } = this.canvas;
    for (const c of [this.settled, this.layer]) {
      if (c.width !== width || c.height !== height) {
        c.width = width;
        c.height = height;
        this.settledItems = [];
      }
    }
    const page = this.page();
    if (page !== this.settledPage) this.invalidate();
    this.settledPage = page;
    const maps = this.model.pageItems(page);
    let firstOpen = maps.findIndex((map) => this.beingDrawn(map, started));
    if (firstOpen < 0) firstOpen = maps.length;

    const settledCtx = this.settled.getContext('2d');
    const layerCtx = this.layer.getContext('2d');
    if (!settledCtx || !layerCtx) return;
    const kept = this.settledItems.length <= firstOpen && this.settledItems.every((s, i) => s.map === maps[i] && s.version === this.model.version(s.map));
    if (!kept) {
      settledCtx.clearRect(0, 0, width, height);
      this.settledItems = [];
    }
    for (let i = this.settledItems.length; i < firstOpen; i++) {
      this.paintItem(settledCtx, maps[i], width, height);
      this.settledItems.push({ map: maps[i], version: this.model.version(maps[i]) });
    }
    let strokes = this.settled;
    if (firstOpen < maps.length) {
      layerCtx.clearRect(0, 0, width, height);
      layerCtx.drawImage(this.settled, 0, 0);
      for (let i = firstOpen; i < maps.length; i++) this.paintItem(layerCtx, maps[i], width, height);
      strokes = this.layer;
    }

    const ctx = this.ctx;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.globalCompositeOperation = 'source-over';
    ctx.clearRect(0, 0, width, height);
    if (this.background) drawFitted(ctx, this.background, width, height);
    ctx.drawImage(strokes, 0, 0);
    ctx.restore();
    this.lastPaintMs = performance.now() - started;
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.settledItems = [];
    this.settled.width = this.layer.width = 0;
  }

  private beingDrawn(map: Y.Map<unknown>, now: number): boolean {
    if (map.get('done') === true) return false;
    const version = this.model.version(map);
    const last = this.changed.get(map);
    if (!last || last.version !== version) {
      this.changed.set(map, { version, at: now });
      return true;
    }
    return now - last.at < IDLE_MS;
  }

  private paintItem(ctx: CanvasRenderingContext2D, map: Y.Map<unknown>, width: number, height: number): void {
    const key = `${width}x${height}:${this.model.version(map)}`;
    let prepared = this.prepared.get(map);
    try {
      if (!prepared || prepared.key !== key) {
        const item = readItem(map);
        prepared = { key, item, path: item ? outline(item, width, height) : null };
        this.prepared.set(map, prepared);
      }
      if (prepared.item) paint(ctx, prepared.item, prepared.path, width, height, this.crayons);
    } catch {
      // An item the canvas refuses (a peer's nonsense) is not drawn; the others still are.
    }
  }
}

/** The size of anything a canvas can draw, or null when it has none (yet). */
export function sourceSize(source: CanvasImageSource): [number, number] | null {
  const s = source as unknown as Record<string, unknown>;
  const pick = (w: unknown, h: unknown): [number, number] | null => (typeof w === 'number' && typeof h === 'number' && w > 0 && h > 0 ? [w, h] : null);
  if ('naturalWidth' in s) return pick(s.naturalWidth, s.naturalHeight); // <img>
  if ('videoWidth' in s) return pick(s.videoWidth, s.videoHeight); // <video>
  if ('displayWidth' in s) return pick(s.displayWidth, s.displayHeight); // VideoFrame
  if (typeof s.width === 'number') return pick(s.width, s.height); // canvas, ImageBitmap, OffscreenCanvas
  const svg = source as SVGImageElement;
  if (svg.width?.baseVal) return pick(svg.width.baseVal.value, svg.height.baseVal.value);
  return null;
}

/** Draws `source` as large as fits, keeping its proportions, centred. */
function drawFitted(ctx: CanvasRenderingContext2D, source: CanvasImageSource, width: number, height: number): void {
  const size = sourceSize(source);
  if (!size) return;
  const scale = Math.min(width / size[0], height / size[1]);
  const w = size[0] * scale;
  const h = size[1] * scale;
  try {
    ctx.drawImage(source, (width - w) / 2, (height - h) / 2, w, h);
  } catch {
    // a source that cannot be drawn (a closed ImageBitmap, a broken image): the strokes still are
  }
}
