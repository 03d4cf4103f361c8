/**
 * Subscribing the instant presence `publish` arrives, as apps do (the demo did, with a retry after
 * 1.5 s because a feed "can fail once"): three members publish, unpublish and publish again at
 * once, round after round, and the viewer must decode every feed it was announced.
 *
 * What it caught, on both sides:
 * - the viewer: a member who publishes again comes back under the same keys (its id, the same
 *   mids), and Janus's offer removing the old streams comes late or not at all; the subscription
 *   was handed the dead m-line at once (5-17 ms) and never showed a frame (subscriber/gone.ts);
 * - the publisher: Janus's `hangup` of the PeerConnection an unpublish closed reached janus.js
 *   after the next publish had made a new one, and took that (570 "No PeerConnection", and the
 *   feed was never announced: publisher.ts, unpublish).
 */
import type { MemberPage } from '../support/browser';
import { createAndJoin, disconnectAll, initAll, newRoomId, useMembers, waitUntil } from '../support/call';

const open = useMembers();
const CAMERA = { video: { width: 320, height: 240 }, audio: true };
const ROUNDS = 8;

interface Subscribed {
  id: string;
  type: string;
  round: number;
  ok: boolean;
}

/** The viewer subscribes to every feed announced, the moment presence `publish` says so. */
function subscribeOnPublish(m: MemberPage): Promise<void> {
  return m.evaluate(() => {
    const w = window as any;
    w.subscribed = [];
    w.round = 0;
    w.harness.kt.addEventListener('presence', (e: any) => {
      if (e.detail.type !== 'publish') return;
      const round = w.round;
      for (const f of e.detail.feeds) w.harness.subscribe(f.id, f.type).then((r: unknown) => w.subscribed.push({ id: f.id, type: f.type, round, ok: !!r }));
    });
  });
}

const subscribed = (m: MemberPage): Promise<Subscribed[]> => m.evaluate(() => (window as any).subscribed);

test('feeds published, unpublished and published again at once: every subscription made on presence decodes', async () => {
  const members = await open(4);
  const [viewer, ...publishers] = members;
  const ids = await initAll(members, ['race-viewer', 'race-p1', 'race-p2', 'race-p3']);
  await createAndJoin(members, newRoomId('race'));
  await subscribeOnPublish(viewer);
  for (const p of publishers) await p.harness('gum', 'cam', CAMERA);
  await publishers[0].harness('canvas', 'screen', '#ff0000');

  for (let round = 0; round < ROUNDS; round++) {
    await viewer.evaluate((r) => void ((window as any).round = r), round);
    // Everyone at once, and the first publisher's screen beside its camera.
    const published = await Promise.all([
      ...publishers.map((p) => p.harness<boolean>('use', 'publishVideo', 'cam', { $stream: 'cam' })),
      publishers[0].harness<boolean>('use', 'publishVideo', 'screen', { $stream: 'screen' }),
    ]);
    expect(published).toEqual([true, true, true, true]);
    const expected = publishers.length + 1;
    await waitUntil(
      `round ${round}: ${expected} subscriptions settled`,
      async () => (await subscribed(viewer)).filter((s) => s.round === round).length >= expected,
      20_000,
    );
    const settled = (await subscribed(viewer)).filter((s) => s.round === round);
    expect(settled.filter((s) => !s.ok)).toEqual([]);
    for (const s of settled) {
      const frames = await viewer.harness<any>('frames', s.id, s.type, 3, 8000);
      expect({ round, feed: `${s.id}/${s.type}`, decoded: frames.frames >= 3 }).toEqual({ round, feed: `${s.id}/${s.type}`, decoded: true });
    }
    // Gone and back at once: the next round's `publish` overtakes Janus's renegotiation of the viewer.
    const removed = await Promise.all(publishers.map((p) => p.harness<boolean>('use', 'removeLocalPeer', null, 'cam')));
    removed.push(await publishers[0].harness('use', 'removeLocalPeer', null, 'screen'));
    expect(removed).toEqual([true, true, true, true]);
  }
  expect(ids).toHaveLength(4);
  await disconnectAll(members);
}, 180_000);
