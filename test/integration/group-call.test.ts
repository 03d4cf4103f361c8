/**
 * The Knowledgetalk group-call flow (SPEC §2) between Chromium pages on a real Janus, proven by
 * decoded frames on every receiving side, and checked for leaks with the Admin API.
 */
import type { Browser } from 'playwright-core';
import { waitForNoSessions } from '../support/admin';
import { launchBrowser, MemberPage } from '../support/browser';

let browser: Browser;
const pages: MemberPage[] = [];

beforeAll(async () => {
  browser = await launchBrowser();
});

afterEach(async () => {
  await Promise.all(pages.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  await browser?.close();
});

async function openMembers(n: number): Promise<MemberPage[]> {
  const members = await Promise.all(Array.from({ length: n }, () => MemberPage.open(browser)));
  pages.push(...members);
  return members;
}

let roomCounter = 0;
const newRoomId = () => `call-${process.pid}-${Date.now()}-${roomCounter++}`;

/** init, then the first member creates the room; everyone joins and publishes the fake camera. */
async function joinAndPublish(members: MemberPage[], roomId: string): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, m] of members.entries()) {
    const init = await m.call('init', 'cp-code', 'auth-key', `user${i}-${roomId.slice(-6)}`, `User ${i}`);
    expect(init).toEqual({ code: '200', userId: `user${i}-${roomId.slice(-6)}` });
    ids.push(init.userId);
  }
  expect(await members[0].call('createVideoRoom', roomId, 'Test room')).toEqual({ code: '200', roomId });
  for (const m of members) {
    const joined = await m.call('joinRoom', roomId);
    expect(joined.code).toBe('200');
    expect(await m.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  }
  return ids;
}

/** Each member subscribes to every other member and must decode frames from each. */
async function expectEveryoneSeesEveryone(members: MemberPage[], ids: string[]): Promise<void> {
  await Promise.all(
    members.map(async (m, i) => {
      for (const [j, other] of ids.entries()) {
        if (i === j) continue;
        await m.waitForPresence((p) => p.type === 'publish' && p.feeds.some((f: any) => f.id === other));
        expect(await m.harness('subscribe', other, 'cam')).toEqual({ audio: 1, video: 1 });
      }
      for (const [j, other] of ids.entries()) {
        if (i === j) continue;
        const frames = await m.harness('frames', other, 'cam', 5);
        expect(frames).toEqual(expect.objectContaining({ frames: expect.any(Number), width: 320 }));
        expect(frames.frames).toBeGreaterThanOrEqual(5);
        const audio = await m.harness('audioSamples', other, 'cam');
        expect(audio.second).toBeGreaterThan(audio.first);
      }
    }),
  );
}

async function disconnectAll(members: MemberPage[]): Promise<void> {
  for (const m of members) await m.call('disconnect');
  const usage = await waitForNoSessions();
  expect(usage).toEqual({ sessions: 0, handles: 0 });
  for (const m of members) expect(await m.openPeerConnections()).toBe(0);
  for (const m of members) expect(m.pageErrors).toEqual([]);
}

test('two members see and hear each other', async () => {
  const members = await openMembers(2);
  const ids = await joinAndPublish(members, newRoomId());
  await expectEveryoneSeesEveryone(members, ids);
  await disconnectAll(members);
});
