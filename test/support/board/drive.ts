/**
 * Node-side driving of the board test page (test/integration/board-pixels.test.ts): the page's
 * helpers (page-helpers.js, window.bt), real mouse gestures over a canvas in fractions of it, and
 * the two boards every test starts from.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';

export const HELPERS = path.join(__dirname, 'page-helpers.js');
export type Rgba = [number, number, number, number];
export type Frac = [number, number];

let page: Page;

/** The page the functions below drive. */
export function drivePage(p: Page): void {
  page = p;
}

/** window.bt[fn](...args) in the page (page-helpers.js). */
export function bt<T = unknown>(fn: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(([f, a]) => (window as any).bt[f as string](...(a as unknown[])), [fn, args] as const);
}
export const call = <T = unknown>(id: string, method: string, ...args: unknown[]) => bt<T>('call', id, method, ...args);
export const at = (id: string, f: Frac, radius = 0, which?: 'overlay') => bt<Rgba>('at', id, f[0], f[1], radius, which);
export const inkCount = (id: string, which?: 'overlay') => bt<number>('inkCount', id, which);
export const settle = () => bt('settle');

/** A drag with the real mouse over canvas `id`, through `points` (fractions of the canvas). */
export async function drag(id: string, points: Frac[], steps = 6): Promise<void> {
  const box = await page.locator(`#${id}`).boundingBox();
  if (!box) throw new Error(`#${id} is not shown`);
  const xy = ([fx, fy]: Frac): [number, number] => [box.x + fx * box.width, box.y + fy * box.height];
  await page.mouse.move(...xy(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...xy(p), { steps });
  await page.mouse.up();
}

export async function click(id: string, f: Frac): Promise<void> {
  const box = await page.locator(`#${id}`).boundingBox();
  if (!box) throw new Error(`#${id} is not shown`);
  await page.mouse.click(box.x + f[0] * box.width, box.y + f[1] * box.height);
}

export const line = (from: Frac, to: Frac, n: number): Frac[] =>
  Array.from({ length: n + 1 }, (_, i) => [from[0] + ((to[0] - from[0]) * i) / n, from[1] + ((to[1] - from[1]) * i) / n]);
export const hamming = (a: string, b: string) => [...a].filter((c, i) => c !== b[i]).length;

/** Two boards, A 400x300 px shown at 500x375 CSS px, B 800x600, drawing enabled on both. */
export async function twoBoards(): Promise<void> {
  await bt('reset');
  await bt('create', 'a', { width: 400, height: 300, cssWidth: 500, cssHeight: 375 });
  await bt('create', 'b', { width: 800, height: 600 });
  expect(await call('a', 'enableDrawing')).toBe(true);
  expect(await call('b', 'enableDrawing')).toBe(true);
}
