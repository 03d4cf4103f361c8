/**
 * Room access enforced by the gateway, not by our client code: a room PIN ('401' when missing,
 * '411' when wrong), and host powers that the guard gives the host's identity alone (it holds the room
 * secret), which survive a reload. The attacker is a hand-written client on plain janus.js in a
 * page, bypassing the SDK. (The guard's full attack table, in the secure profile, is
 * guard-attacks.test.ts.)
 */
import type { Page } from 'playwright-core';
import { janusUrl } from '../support/browser';
import { createAndJoin, disconnectAll, expectFrames, initAll, newRoomId, useMembers } from '../support/call';

const open = useMembers();

/** Runs a few plugin requests from plain janus.js; returns each plugin answer (or error). */
async function rawJanus(page: Page, requests: { plugin: string; message: Record<string, unknown> }[]): Promise<any[]> {
  await page.goto(`${process.env.KT_PAGE_ORIGIN}/raw`);
  return page.evaluate(
    async ({ server, requests }) => {
      const Janus = (window as any).Janus;
      // Signalling only: janus.js wants an adapter object, not WebRTC.
      const adapter = { browserDetails: { browser: 'chrome', version: 120 } };
      await new Promise((r) => Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter }), callback: r }));
      const janus: any = await new Promise((resolve, reject) => {
        const j = new Janus({ server, success: () => resolve(j), error: reject });
      });
      const out: unknown[] = [];
      for (const { plugin, message } of requests) {
        const handle: any = await new Promise((resolve) =>
          janus.attach({ plugin, success: resolve, error: (e: unknown) => resolve({ attachError: String(e) }) }),
        );
        if (handle.attachError) out.push(handle);
        else out.push(await new Promise((resolve) => handle.send({ message, success: resolve, error: (e: unknown) => resolve({ error: String(e) }) })));
      }
      await new Promise((r) => janus.destroy({ success: r, error: r }));
      return out;
    },
    { server: janusUrl(), requests },
  );
}

test('a PIN room: wrong or missing PIN is 401; with it, the call and chat work', async () => {
  const [host, guest, stranger] = await open(3);
  await initAll([host, guest, stranger], ['pin-host', 'pin-guest', 'pin-stranger']);
  const roomId = newRoomId('pin');
  expect(await host.call('createVideoRoom', roomId, 'Locked', undefined, true, false, { pin: '2468' })).toEqual({ code: '200', roomId });
  expect(await stranger.call('joinRoom', roomId)).toMatchObject({ code: '401' });
  expect(await stranger.call('joinRoom', roomId, '1111')).toMatchObject({ code: '411' });
  expect(await stranger.call('joinRoom', roomId, 1234)).toMatchObject({ code: '422' });
  expect(await host.call('createVideoRoom', newRoomId('pin'), 'x', undefined, true, false, { pin: 42 })).toMatchObject({ code: '422' });
  expect(await host.call('createVideoRoom', newRoomId('pin'), 'x', undefined, true, false, 'pin')).toMatchObject({ code: '422' });
  expect(await stranger.call('getRoomId')).toBeNull();

  expect((await host.call('joinRoom', roomId, '2468')).code).toBe('200');
  expect((await guest.call('joinroom', roomId, '2468')).code).toBe('200');
  expect(await host.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);
  await guest.waitForPresence((p) => p.type === 'publish');
  // Subscribing is joining too: the SDK passes the PIN on.
  expect(await guest.harness('subscribe', 'pin-host', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(guest, 'pin-host', 'cam');
  expect(await guest.call('chat', 'inside')).toEqual({ code: '200' });
  await host.waitForPresence((p) => p.type === 'chat' && p.message === 'inside');

  await disconnectAll([host, guest, stranger]);
});

test('a hand-written client cannot destroy or kick in a room it did not create; the host can, also after a reload', async () => {
  const [host, victim, attacker] = await open(3);
  await initAll([host, victim], ['owner', 'target']);
  const roomId = newRoomId('secret');
  await createAndJoin([host, victim], roomId, 'Owned');

  const answers = await rawJanus(attacker.page, [
    { plugin: 'janus.plugin.videoroom', message: { request: 'destroy', room: roomId } },
    { plugin: 'janus.plugin.videoroom', message: { request: 'destroy', room: roomId, secret: 'guess' } },
    { plugin: 'janus.plugin.videoroom', message: { request: 'kick', room: roomId, id: 'target' } },
    { plugin: 'janus.plugin.videoroom', message: { request: 'kick', room: roomId, id: 'target', secret: 'guess' } },
    { plugin: 'janus.plugin.textroom', message: { request: 'destroy', room: roomId } },
  ]);
  // The guard: not the host, whatever secret is sent ('413'); TextRoom is not served at all.
  expect(answers.slice(0, 4).map((a) => [a.error_code, a.kt_code])).toEqual(Array(4).fill([433, '413']));
  expect(answers[4].attachError).toMatch(/460/);
  // Nothing happened: both are still in, the room still there, and they still talk.
  const members = await host.call('memberList', roomId);
  expect(Object.keys(members.members).sort()).toEqual(['owner', 'target']);
  expect(await victim.call('chat', 'still here')).toEqual({ code: '200' });
  await host.waitForPresence((p) => p.type === 'chat');

  // The host reloads (a new session of the same identity): the guard still knows it is the host.
  await host.call('disconnect');
  await victim.waitForPresence((p) => p.type === 'leave' && p.user === 'owner');
  expect((await host.call('init', 'cp', 'key', 'owner')).code).toBe('200');
  const rejoined = await host.call('joinRoom', roomId);
  expect(rejoined).toMatchObject({ code: '200', host: { id: 'owner', userType: 'host' }, members: { owner: { userType: 'host' } } });
  expect(await host.call('kickOut', 'target')).toEqual({ code: '200' });
  expect(await victim.waitForPresence((p) => p.type === 'kickOut')).toMatchObject({ user: 'target', reason: 'kicked' });
  expect(await victim.call('getRoomId')).toBeNull();
  expect(await host.call('destroyRoom', roomId)).toEqual({ code: '200' });
  expect((await victim.call('joinRoom', roomId)).code).toBe('441');
  await disconnectAll([host, victim]);
});
