/**
 * Room access enforced by the gateway, not by our client code: a room PIN ('401' when wrong or
 * missing) and the room secret that only the creating
 * instance holds, which Janus demands for kick and destroy. The attacker is a hand-written client
 * on plain janus.js in a page, bypassing the SDK.
 */
import type { Page } from 'playwright-core';
import { janusUrl } from '../support/browser';
import { createAndJoin, disconnectAll, expectFrames, initAll, newRoomId, useMembers } from '../support/call';

const open = useMembers();

/** Runs a few VideoRoom/TextRoom requests from plain janus.js; returns each plugin answer (or error). */
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
        const handle: any = await new Promise((resolve, reject) => janus.attach({ plugin, success: resolve, error: reject }));
        out.push(await new Promise((resolve) => handle.send({ message, success: resolve, error: (e: unknown) => resolve({ error: String(e) }) })));
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
  expect(await stranger.call('joinRoom', roomId, '1111')).toMatchObject({ code: '401' });
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

test('a hand-written client cannot destroy or kick in a room it did not create', async () => {
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
  // 429: the room secret is missing, 433: it is wrong (videoroom); 413/419 the same for textroom.
  expect(answers.map((a) => a.error_code)).toEqual([429, 433, 429, 433, 413]);
  // Nothing happened: both are still in, the room still there, and they still talk.
  const members = await host.call('memberList', roomId);
  expect(Object.keys(members.members).sort()).toEqual(['owner', 'target']);
  expect(await victim.call('chat', 'still here')).toEqual({ code: '200' });
  await host.waitForPresence((p) => p.type === 'chat');

  // Our own SDK, as the same user after a disconnect (the secret went with it): the gateway
  // refuses it too, though our client-side check thinks it is the host.
  await host.call('disconnect');
  await victim.waitForPresence((p) => p.type === 'leave' && p.user === 'owner');
  expect((await host.call('init', 'cp', 'key', 'owner')).code).toBe('200');
  expect((await host.call('joinRoom', roomId)).code).toBe('200');
  expect(await host.call('kickOut', 'target')).toMatchObject({ code: '413', janusCode: 429 });
  expect(await host.call('destroyRoom', roomId)).toMatchObject({ code: '413', janusCode: 429 });
  expect(await victim.call('getRoomId')).toBe(roomId);
  await disconnectAll([host, victim]);
});
