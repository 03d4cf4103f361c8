/**
 * Canvases in member pages for the teaching tests (whiteboard, documents): a canvas in a parent
 * element (the board puts its overlay there), real mouse strokes over it in fractions of its size,
 * and pixel reads of what it shows.
 */
import type { MemberPage } from './browser';
import { eventually } from './wait';

export type Frac = [number, number];

/** A canvas of `width`×`height` pixels in its own wrapper, shown at that size; the element id is `id`. */
export function addCanvas(m: MemberPage, id: string, width = 400, height = 300): Promise<void> {
  return m.page.evaluate(
    ([cid, w, h]) => {
      const wrap = document.createElement('div');
      wrap.style.cssText = 'position:relative;display:inline-block;margin:4px';
      const canvas = document.createElement('canvas');
      canvas.id = cid as string;
      canvas.width = w as number;
      canvas.height = h as number;
      canvas.style.cssText = `display:block;width:${w}px;height:${h}px`;
      wrap.appendChild(canvas);
      document.body.appendChild(wrap);
    },
    [id, width, height] as const,
  );
}

/** Calls kt[method] with the canvas `id` as its first argument (then `rest`); JSON of the result. */
export function withCanvas<T = any>(m: MemberPage, method: string, id: string, ...rest: unknown[]): Promise<T> {
  return m.page.evaluate(
    async ([fn, cid, more]) => {
      const r = await (window as any).harness.kt[fn as string](document.getElementById(cid as string), ...(more as unknown[]));
      return r === undefined ? null : JSON.parse(JSON.stringify(r));
    },
    [method, id, rest] as const,
  );
}

/** A stroke with the real mouse over canvas `id` through `points` (fractions of its size). */
export async function drag(m: MemberPage, id: string, points: Frac[], steps = 24): Promise<void> {
  const box = await m.page.locator(`#${id}`).boundingBox();
  if (!box) throw new Error(`#${id} is not shown`);
  const xy = ([fx, fy]: Frac): [number, number] => [box.x + fx * box.width, box.y + fy * box.height];
  await m.page.mouse.move(...xy(points[0]));
  await m.page.mouse.down();
  for (const p of points.slice(1)) await m.page.mouse.move(...xy(p), { steps });
  await m.page.mouse.up();
}

/** The RGBA of canvas `id` at a fraction of its size: the darkest pixel within `radius`. */
export function pixelAt(m: MemberPage, id: string, [fx, fy]: Frac, radius = 4): Promise<[number, number, number, number]> {
  return m.page.evaluate(
    ([cid, x, y, r]) => {
      const canvas = document.getElementById(cid as string) as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const cx = Math.round((x as number) * canvas.width);
      const cy = Math.round((y as number) * canvas.height);
      const rad = r as number;
      const data = ctx.getImageData(Math.max(0, cx - rad), Math.max(0, cy - rad), 2 * rad + 1, 2 * rad + 1).data;
      let best: [number, number, number, number] = [255, 255, 255, 0];
      for (let i = 0; i < data.length; i += 4) {
        const px: [number, number, number, number] = [data[i], data[i + 1], data[i + 2], data[i + 3]];
        if (px[3] > best[3] || (px[3] === best[3] && px[0] + px[1] + px[2] < best[0] + best[1] + best[2])) best = px;
      }
      return best;
    },
    [id, fx, fy, radius] as const,
  );
}

/** How many pixels of canvas `id` are not transparent. */
export function inkCount(m: MemberPage, id: string): Promise<number> {
  return m.page.evaluate((cid) => {
    const canvas = document.getElementById(cid) as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  }, id);
}

export const isInk = ([, , , a]: number[]): boolean => a > 100;
export const isEmpty = ([, , , a]: number[]): boolean => a === 0;

/** Waits until canvas `id` shows `check` at `f` (strokes travel through the gateway). */
export async function waitForPixelAt(m: MemberPage, id: string, f: Frac, check: (rgba: number[]) => boolean, what: string, timeoutMs = 15000): Promise<void> {
  await eventually(what, () => pixelAt(m, id, f), check, { timeoutMs, intervalMs: 100 });
}
