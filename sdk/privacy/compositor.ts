/**
 * Draws one output frame: the background (the frame blurred, or a picture cover-fitted), then the
 * person, cut out of the frame by the mask (the mask's alpha is the model's confidence, so its
 * edge is soft). Canvas 2D only. The output is opaque whatever the output canvas's own settings.
 *
 * The blur is done at a quarter of the frame's size (`filter: blur()` there, then scaled up): the
 * same look as a blur at full size, a sixteenth of the pixels to filter. Where the canvas has no
 * `filter` (Safari before 18), scaling down to 1/16 and back up stands in for it.
 */
import { log } from './log';

export type PrivacyModeName = 'blur' | 'bg';

export type Background = { mode: 'blur' } | { mode: 'bg'; image: CanvasImageSource; width: number; height: number; src: string };

/** The background blur's standard deviation, in pixels of a 640-pixel-wide frame (scaled with the frame). */
export const DEFAULT_BLUR = 12;
const BLUR_SCALE = 4;

function canvas(width = 1, height = 1): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}

function context(c: HTMLCanvasElement, alpha: boolean): CanvasRenderingContext2D {
  const g = c.getContext('2d', { alpha });
  if (!g) throw new Error('no 2D canvas context');
  return g;
}

function resize(c: HTMLCanvasElement, width: number, height: number): void {
  if (c.width !== width) c.width = width;
  if (c.height !== height) c.height = height;
}

const canFilter = (g: CanvasRenderingContext2D): boolean => {
  if (!('filter' in g)) return false;
  g.filter = 'blur(1px)';
  const works = g.filter === 'blur(1px)';
  g.filter = 'none';
  return works;
};

/** Where to draw a `width`×`height` picture so that it covers `w`×`h`, centred (CSS `object-fit: cover`). */
export function coverFit(width: number, height: number, w: number, h: number): [number, number, number, number] {
  const scale = Math.max(w / width, h / height);
  const [dw, dh] = [width * scale, height * scale];
  return [(w - dw) / 2, (h - dh) / 2, dw, dh];
}

export class Compositor {
  private readonly person = canvas();
  private readonly personG = context(this.person, true);
  private readonly small = canvas();
  private readonly smallG = context(this.small, false);
  private readonly filters = canFilter(this.smallG);
  private readonly fittedCanvas = canvas();
  private fittedFor: { background: Background; w: number; h: number } | undefined;

  /** `blur`: see DEFAULT_BLUR. */
  constructor(private readonly blur = DEFAULT_BLUR) {
    if (!this.filters) log.debug('no canvas filter here: the background blur is a scale down and up');
  }

  /**
   * One output frame into `out` (sized like `frame`). `mask` undefined (the model failed on this
   * frame): background only, so a failure never shows what should be hidden.
   */
  draw(out: CanvasRenderingContext2D, frame: HTMLCanvasElement, mask: CanvasImageSource | undefined, background: Background): void {
    const { width: w, height: h } = frame;
    out.globalCompositeOperation = 'source-over';
    out.filter = 'none';
    if (background.mode === 'bg') {
      out.drawImage(this.fitted(background, w, h), 0, 0);
    } else {
      this.blurred(out, frame, w, h);
    }
    if (!mask) return;
    resize(this.person, w, h);
    const g = this.personG;
    g.globalCompositeOperation = 'copy';
    g.drawImage(mask, 0, 0, w, h);
    g.globalCompositeOperation = 'source-in';
    g.drawImage(frame, 0, 0, w, h);
    out.drawImage(this.person, 0, 0);
  }

  /** The picture cover-fitted to w×h, drawn once (a large picture scaled every frame costs more than the blur). */
  private fitted(background: Background & { mode: 'bg' }, w: number, h: number): HTMLCanvasElement {
    const key = this.fittedFor;
    if (key && key.background === background && key.w === w && key.h === h) return this.fittedCanvas;
    resize(this.fittedCanvas, w, h);
    const g = context(this.fittedCanvas, false);
    g.fillStyle = '#000';
    g.fillRect(0, 0, w, h);
    g.imageSmoothingQuality = 'high';
    g.drawImage(background.image, ...coverFit(background.width, background.height, w, h));
    this.fittedFor = { background, w, h };
    return this.fittedCanvas;
  }

  private blurred(out: CanvasRenderingContext2D, frame: HTMLCanvasElement, w: number, h: number): void {
    const scale = this.filters ? BLUR_SCALE : 16;
    const [sw, sh] = [Math.max(1, Math.ceil(w / scale)), Math.max(1, Math.ceil(h / scale))];
    resize(this.small, sw, sh);
    const g = this.smallG;
    g.filter = 'none';
    g.drawImage(frame, 0, 0, sw, sh);
    if (this.filters) {
      const sigma = (this.blur * (w / 640)) / scale;
      // Drawn a little larger than the canvas, so that the blur near the edges takes in the frame,
      // not the transparency around it; the sharp copy under it fills what little still shows.
      const m = Math.ceil(2 * sigma);
      g.filter = `blur(${sigma.toFixed(2)}px)`;
      g.drawImage(frame, -m, -m, sw + 2 * m, sh + 2 * m);
      g.filter = 'none';
    }
    out.imageSmoothingEnabled = true;
    out.drawImage(this.small, 0, 0, w, h);
  }
}

/**
 * Loads a background picture (any URL an <img> takes: the page's own, data:, blob:; another
 * origin only if it allows CORS, or the canvas could no longer be captured).
 */
export async function loadBackground(src: string): Promise<Background> {
  const image = new Image();
  image.crossOrigin = 'anonymous';
  image.decoding = 'async';
  image.src = src;
  await image.decode();
  if (!image.naturalWidth || !image.naturalHeight) throw new Error(`background image ${src.slice(0, 80)} has no size`);
  return { mode: 'bg', image, width: image.naturalWidth, height: image.naturalHeight, src };
}
