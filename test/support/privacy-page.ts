/**
 * The PrivacyMode tests' side of test/support/privacy-harness.js: a member page with PrivacyMode's
 * script and the scene, calls into it, and the pixel checks ("blurred", "person intact").
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { MemberPage } from './browser';

const HARNESS = path.join(__dirname, 'privacy-harness.js');
const PHOTO = path.join(__dirname, 'privacy', 'astronaut.jpg');
export const PERSON = ['face', 'chest'] as const;
export const BACKGROUND = ['left', 'right', 'topLeft'] as const;

export type Region = { rgb: number[]; detail: number; diff?: number };
export type Report = Record<(typeof PERSON)[number] | (typeof BACKGROUND)[number], Region> & { width: number; height: number };

/**
 * A member page with PrivacyMode's script and the scene helpers; every request it makes is
 * recorded. `at`: first go to this page path (the SDK instance of harness.js is then not created).
 */
export async function privacyPage(m: MemberPage, { at, load = true }: { at?: string; load?: boolean } = {}): Promise<string[]> {
  const requests: string[] = [];
  m.page.on('request', (r) => requests.push(r.url()));
  await m.page.route('**/privacy-fixture/astronaut.jpg', (route) => route.fulfill({ path: PHOTO, contentType: 'image/jpeg' }));
  if (at) await m.page.goto(`${process.env.KT_PAGE_ORIGIN}${at}`);
  await m.page.addScriptTag({ path: HARNESS });
  if (load) expect(await m.page.evaluate(() => (window as any).privacy.load())).toBe(true);
  return requests;
}

export const run = <T = any>(m: MemberPage, fn: string, ...args: unknown[]): Promise<T> =>
  m.page.evaluate(([f, a]) => (window as any).privacy[f as string](...(a as unknown[])), [fn, args] as const);

/** Calls a PrivacyMode method in the page (window.privacy.pm) with JSON-able arguments. */
export const pm = <T = any>(m: MemberPage, method: string, ...args: unknown[]): Promise<T> =>
  m.page.evaluate(
    async ([f, a]) => {
      const r = await (window as any).privacy.pm[f as string](...(a as unknown[]));
      return r instanceof MediaStream ? { video: r.getVideoTracks().length } : r === undefined ? null : r;
    },
    [method, args] as const,
  );

/** PRIVACY_DEBUG=1: prints the measures and saves the output canvas to test-output/privacy-<name>.png. */
export async function debug(m: MemberPage, name: string, report?: unknown): Promise<void> {
  if (!process.env.PRIVACY_DEBUG) return;
  if (report) console.log(name, JSON.stringify(report));
  const png = await m.page.evaluate(() => (window as any).privacy.output.toDataURL('image/png'));
  const dir = path.join(__dirname, '..', '..', 'test-output');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `privacy-${name}.png`), Buffer.from(png.split(',')[1], 'base64'));
}

export const near = (a: number[], b: number[], tolerance: number) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

/** The background regions lost the checkerboard; the person's regions kept the input. */
export function expectBlurred(out: Report, input: Report): void {
  for (const r of BACKGROUND) {
    expect(input[r].detail).toBeGreaterThan(40);
    expect(out[r].detail).toBeLessThan(input[r].detail * 0.1);
  }
  expectPersonIntact(out, input);
}

export function expectPersonIntact(out: Report, input: Report): void {
  for (const r of PERSON) {
    expect(out[r].diff).toBeLessThan(10);
    expect(out[r].detail).toBeGreaterThan(input[r].detail * 0.8);
  }
}

/** The received frame of `userId` on `m`, measured against the same scene drawn in that page. */
export const received = (m: MemberPage, userId: string): Promise<Report> =>
  m.page.evaluate((id) => (window as any).privacy.measureStream((window as any).harness.kt.getStream(id)), userId);

export async function debugReport(name: string, report: unknown): Promise<void> {
  if (process.env.PRIVACY_DEBUG) console.log(name, JSON.stringify(report));
}
