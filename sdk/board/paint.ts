/**
 * How one item looks: its outline computed once (a Path2D, cached by the renderer) and painted
 * with its tool's style. Everything is derived from the item alone, so every member paints the
 * same picture, scaled to its own canvas.
 */
import { getStroke, type StrokeOptions } from 'perfect-freehand';
import { REFERENCE_WIDTH, type Item, type StrokeItem } from './doc';
import { traceShape } from './shapes';

/** The highlighter's opacity: ink under it stays readable. */
export const HIGHLIGHT_ALPHA = 0.35;
const TEXT_LINE_HEIGHT = 1.25;
const FONT_FAMILY = 'sans-serif';

/** A width in reference pixels on a canvas `canvasWidth` px wide; never thinner than half a pixel. */
export function toPixels(width: number, canvasWidth: number): number {
  return Math.max(0.5, (width * canvasWidth) / REFERENCE_WIDTH);
}

function strokeOptions(item: StrokeItem, size: number): StrokeOptions {
  const common = { size, smoothing: 0.5, streamline: 0.45, last: item.done };
  if (item.tool === 'eraser' || item.highlight) return { ...common, thinning: 0, simulatePressure: false };
  if (item.tool === 'crayon') return { ...common, thinning: 0.2, simulatePressure: true };
  return { ...common, thinning: 0.55, simulatePressure: true };
}

/** The filled outline of a freehand stroke (perfect-freehand), smoothed through the midpoints. */
function strokePath(item: StrokeItem, width: number, height: number): Path2D {
  const input: [number, number][] = [];
  for (let i = 0; i + 1 < item.points.length; i += 2) input.push([item.points[i] * width, item.points[i + 1] * height]);
  const outline = getStroke(input, strokeOptions(item, toPixels(item.width, width)));
  const path = new Path2D();
  if (outline.length < 3) return path;
  path.moveTo(outline[0][0], outline[0][1]);
  for (let i = 0; i < outline.length; i++) {
    const [x0, y0] = outline[i];
    const [x1, y1] = outline[(i + 1) % outline.length];
    path.quadraticCurveTo(x0, y0, (x0 + x1) / 2, (y0 + y1) / 2);
  }
  path.closePath();
  return path;
}

/** What is worth caching for an item: its path (null for text, drawn with fillText). */
export function outline(item: Item, width: number, height: number): Path2D | null {
  if (item.kind === 'stroke') return strokePath(item, width, height);
  if (item.kind === 'shape') {
    const path = new Path2D();
    const [x0, y0, x1, y1] = item.box;
    traceShape(path, item.type, x0 * width, y0 * height, x1 * width, y1 * height, toPixels(item.width, width));
    return path;
  }
  return null;
}

export function paint(ctx: CanvasRenderingContext2D, item: Item, path: Path2D | null, width: number, height: number, crayons: CrayonPatterns): void {
  ctx.save();
  // A color the canvas cannot parse is ignored by it: start from black, not from the last item's.
  ctx.fillStyle = ctx.strokeStyle = '#000';
  ctx.fillStyle = ctx.strokeStyle = item.color;
  if (item.kind === 'stroke' && path) {
    if (item.tool === 'eraser') {
      // The eraser is a stroke of its own that cuts through the ink under it: it is painted on the
      // strokes layer only, never on the page's background (render.ts).
      ctx.globalCompositeOperation = 'destination-out';
      ctx.fillStyle = '#000';
    } else if (item.highlight) {
      ctx.globalAlpha = HIGHLIGHT_ALPHA;
    } else if (item.tool === 'crayon') {
      ctx.fillStyle = crayons.get(ctx, item.color, item.seed, width);
      ctx.imageSmoothingEnabled = false; // a crisp grain, not a blur
    }
    ctx.fill(path);
  } else if (item.kind === 'shape' && path) {
    ctx.lineWidth = toPixels(item.width, width);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.stroke(path);
  } else if (item.kind === 'text') {
    const size = toPixels(item.width, width);
    ctx.font = `${size}px ${FONT_FAMILY}`;
    ctx.textBaseline = 'top';
    item.text.split('\n').forEach((line, i) => ctx.fillText(line, item.x * width, item.y * height + i * size * TEXT_LINE_HEIGHT));
  }
  ctx.restore();
}

export const TEXT_STYLE = { lineHeight: TEXT_LINE_HEIGHT, fontFamily: FONT_FAMILY };

/** A small seeded generator (mulberry32): the same seed gives every member the same grain. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TILE = 64;
/** Grain size in reference pixels: the texture scales with the canvas like everything else. */
const GRAIN = 2;
/** Tiles differ by the low bits of the seed only: eight textures a color are plenty to the eye. */
const TILE_VARIANTS = 8;

/** The crayon's fill: the stroke's color with a seeded grain of holes and uneven pressure. */
export class CrayonPatterns {
  private readonly tiles = new Map<string, HTMLCanvasElement>();

  get(ctx: CanvasRenderingContext2D, color: string, seed: number, canvasWidth: number): CanvasPattern | string {
    const variant = seed % TILE_VARIANTS;
    const key = `${variant}|${color}`;
    let tile = this.tiles.get(key);
    if (!tile) {
      if (this.tiles.size > 64) this.tiles.clear();
      tile = makeTile(color, variant);
      this.tiles.set(key, tile);
    }
    const pattern = ctx.createPattern(tile, 'repeat');
    if (!pattern) return color;
    const scale = (canvasWidth / REFERENCE_WIDTH) * GRAIN;
    const random = seededRandom(seed);
    pattern.setTransform(new DOMMatrix().translate(random() * TILE * scale, random() * TILE * scale).scale(scale));
    return pattern;
  }
}

function makeTile(color: string, variant: number): HTMLCanvasElement {
  const tile = document.createElement('canvas');
  tile.width = tile.height = TILE;
  const ctx = tile.getContext('2d', { willReadFrequently: true });
  if (!ctx) return tile;
  ctx.fillStyle = '#000';
  ctx.fillStyle = color;
  ctx.fillRect(0, 0, TILE, TILE);
  const image = ctx.getImageData(0, 0, TILE, TILE);
  const random = seededRandom(0x9e3779b9 + variant);
  for (let i = 3; i < image.data.length; i += 4) {
    const r = random();
    // a third of the paper shows through; the rest takes the wax unevenly
    image.data[i] = r < 0.33 ? 0 : Math.round(image.data[i] * (0.45 + 0.55 * random()));
  }
  ctx.putImageData(image, 0, 0);
  return tile;
}
