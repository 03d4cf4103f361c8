/**
 * Fixtures shared by the call tests: one Chromium per test file, member pages closed after each
 * test, and the end-of-scenario leak check (Admin API, PeerConnections, page errors).
 */
import type { Browser } from 'playwright-core';
import { waitForNoSessions, type AdminApi } from './admin';
import { launchBrowser, MemberPage, type LaunchOptions } from './browser';
import { eventually, waitFor } from './wait';

/** Registers the browser's lifecycle in the calling test file; returns a page opener. */
export function useMembers(options: LaunchOptions = {}): (n: number) => Promise<MemberPage[]> {
  let browser: Browser;
  const pages: MemberPage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser(options);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return async (n: number) => {
    const members = await Promise.all(Array.from({ length: n }, () => MemberPage.open(browser)));
    pages.push(...members);
    return members;
  };
}

let roomCounter = 0;
/** A room id no other test (or earlier run against the same gateway) uses. */
export const newRoomId = (prefix = 'call') => `${prefix}-${process.pid}-${Date.now()}-${roomCounter++}`;

/** `init` for each member with the given user ids; returns them. */
export async function initAll(members: MemberPage[], ids: string[]): Promise<string[]> {
  for (const [i, m] of members.entries()) {
    expect(await m.call('init', 'cp-code', 'auth-key', ids[i], `Name ${ids[i]}`)).toEqual({ code: '200', userId: ids[i] });
  }
  return ids;
}

/** The first member creates the room (createVideoRoom args after the id), then everyone joins. */
export async function createAndJoin(members: MemberPage[], roomId: string, ...createArgs: unknown[]): Promise<void> {
  expect(await members[0].call('createVideoRoom', roomId, ...createArgs)).toEqual({ code: '200', roomId });
  for (const m of members) expect((await m.call('joinRoom', roomId)).code).toBe('200');
}

/**
 * Disconnects everyone and proves nothing is left: no session or handle (on the suite's gateway, or
 * on `gateway` for a test that runs its own), no open PeerConnection, no page error.
 */
export async function disconnectAll(members: MemberPage[], gateway?: AdminApi): Promise<void> {
  for (const m of members) await m.call('disconnect');
  const usage = await waitForNoSessions(undefined, gateway);
  expect(usage).toEqual({ sessions: 0, handles: 0 });
  for (const m of members) expect(await m.openPeerConnections()).toBe(0);
  for (const m of members) expect(m.pageErrors).toEqual([]);
}

/** Resolves once `m` was told (presence `publish`) that `userId` publishes. */
export const waitForPublish = (m: MemberPage, userId: string): Promise<any> =>
  m.waitForPresence((p) => p.type === 'publish' && p.feeds.some((f: any) => f.id === userId));

/** Waits until a received stream decodes `n` frames; returns the frame report. */
export async function expectFrames(m: MemberPage, userId: string, type: 'cam' | 'screen', n = 5): Promise<any> {
  const frames = await m.harness('frames', userId, type, n);
  expect(frames.frames).toBeGreaterThanOrEqual(n);
  expect(frames.width).toBeGreaterThan(0);
  return frames;
}

/** Polls the centre pixel of a received stream until `test` holds (the source changed); fails after `timeoutMs`. */
export function waitForPixel(m: MemberPage, userId: string, type: 'cam' | 'screen', test: (rgb: number[]) => boolean, timeoutMs = 15000): Promise<number[]> {
  const pixel = () => m.harness<number[] | null>('pixel', userId, type);
  const matches = (rgb: number[] | null) => rgb !== null && test(rgb);
  return eventually(`the pixel of ${userId}/${type} to match`, pixel, matches, { timeoutMs, intervalMs: 200 }) as Promise<number[]>;
}

/** The instance's connection events so far (disconnected, reconnecting, reconnected), by type. */
export const instanceEvents = (m: MemberPage): Promise<string[]> => m.page.evaluate(() => (window as any).harness.events.map((e: { type: string }) => e.type));

/** Polls `check` until it holds; fails after `timeoutMs`, saying `what` was awaited. */
export const waitUntil = (what: string, check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> =>
  waitFor(what, check, { timeoutMs, intervalMs: 200 });

export const isRed = ([r, g, b]: number[]) => r > 180 && g < 80 && b < 80;
export const isBlue = ([r, g, b]: number[]) => b > 180 && r < 80 && g < 80;
export const isBlack = ([r, g, b]: number[]) => r < 40 && g < 40 && b < 40;
