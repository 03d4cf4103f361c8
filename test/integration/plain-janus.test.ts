/**
 * A plain janus.js page (no SDK of ours, the library's own API) and our SDK in the same room,
 * through the guard: each sees the other as a member with its name (Janus `display` is a plain
 * name, not our metadata), and each decodes the other's camera. This is the interoperability the
 * guard issue asks for: the room's rules live at the server, not in a message format only our SDK
 * reads.
 */
import type { Page } from 'playwright-core';
import { janusUrl } from '../support/browser';
import { disconnectAll, expectFrames, initAll, newRoomId, useMembers, waitForPublish } from '../support/call';

const open = useMembers();

/**
 * In `page`: a janus.js client that joins `room` as `id`/`name`, publishes the fake camera, and
 * subscribes to `feed`'s camera once it is listed; resolves with what it saw. Written the way the
 * janus.js VideoRoom demo does it, with nothing of ours.
 */
function plainClient(page: Page, args: { room: string; id: string; name: string; feed: string }) {
  return page.evaluate(
    async ({ server, room, id, name, feed }) => {
      const Janus = (window as any).Janus;
      const adapter = { browserDetails: { browser: 'chrome', version: 120 } };
      await new Promise((r) => Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter }), callback: r }));
      const janus: any = await new Promise((resolve, reject) => {
        const j = new Janus({ server, success: () => resolve(j), error: reject });
      });
      (window as any).plainJanus = janus;
      const handle = (onmessage: (msg: any, jsep?: any) => void, onremotetrack?: (t: MediaStreamTrack, mid: string, on: boolean) => void): Promise<any> =>
        new Promise((resolve, reject) => janus.attach({ plugin: 'janus.plugin.videoroom', success: resolve, error: reject, onmessage, onremotetrack }));
      const next = (pred: (msg: any) => boolean, sink: { resolve?: (m: [any, any]) => void; pred?: (m: any) => boolean }) =>
        new Promise<[any, any]>((resolve) => Object.assign(sink, { resolve, pred }));

      // Publisher: join, then an offer with the camera, configured.
      const pubSink: any = {};
      const publisherEvents: any[] = [];
      const pub = await handle((msg, jsep) => {
        publisherEvents.push(msg);
        if (pubSink.pred?.(msg)) pubSink.resolve([msg, jsep]);
      });
      const joined = next((m) => m.videoroom === 'joined' || m.error_code, pubSink);
      pub.send({ message: { request: 'join', ptype: 'publisher', room, id, display: name } });
      const [joinedMsg] = await joined;
      if (joinedMsg.error_code) return { error: `join: ${joinedMsg.error_code} ${joinedMsg.error}` };
      const offer: any = await new Promise((resolve, reject) =>
        pub.createOffer({
          tracks: [
            { type: 'audio', capture: true, recv: false },
            { type: 'video', capture: true, recv: false },
          ],
          success: resolve,
          error: reject,
        }),
      );
      const configured = next((m) => m.configured === 'ok' || m.error_code, pubSink);
      pub.send({ message: { request: 'configure' }, jsep: offer });
      const [confMsg, answer] = await configured;
      if (confMsg.error_code) return { error: `configure: ${confMsg.error_code} ${confMsg.error}` };
      await new Promise((resolve, reject) => pub.handleRemoteJsep({ jsep: answer, success: resolve, error: reject }));

      // Who the room shows: the SDK's member by its plain display name.
      const listed = [...(joinedMsg.publishers ?? []), ...(joinedMsg.attendees ?? [])];
      const deadline = Date.now() + 15000;
      const feedListed = () => [...listed, ...publisherEvents.flatMap((e) => e.publishers ?? [])].find((p: any) => p.id === feed && Array.isArray(p.streams));
      while (!feedListed() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const publisherEntry = feedListed();
      if (!publisherEntry) return { error: `${feed} never published` };

      // Subscriber: Janus offers, we answer; the remote video plays in an element.
      const subSink: any = {};
      const video = document.createElement('video');
      video.muted = true;
      document.body.append(video);
      const sub = await handle(
        async (msg, jsep) => {
          if (subSink.pred?.(msg)) subSink.resolve([msg, jsep]);
          if (jsep?.type === 'offer') {
            const local: any = await new Promise((resolve, reject) => sub.createAnswer({ jsep, tracks: [{ type: 'data' }], success: resolve, error: reject }));
            sub.send({ message: { request: 'start' }, jsep: local });
          }
        },
        (track, _mid, on) => {
          if (on && track.kind === 'video') {
            video.srcObject = new MediaStream([track]);
            void video.play();
          }
        },
      );
      const attached = next((m) => m.videoroom === 'attached' || m.error_code, subSink);
      sub.send({ message: { request: 'join', ptype: 'subscriber', room, streams: [{ feed }] } });
      const [attachedMsg] = await attached;
      if (attachedMsg.error_code) return { error: `subscribe: ${attachedMsg.error_code} ${attachedMsg.error}` };
      const frames = await new Promise<{ frames: number; width: number }>((resolve) => {
        let n = 0;
        const timer = setTimeout(() => resolve({ frames: n, width: video.videoWidth }), 15000);
        const tick = () => {
          n++;
          if (n >= 5 && video.videoWidth > 0) {
            clearTimeout(timer);
            resolve({ frames: n, width: video.videoWidth });
          } else (video as any).requestVideoFrameCallback(tick);
        };
        (video as any).requestVideoFrameCallback(tick);
      });
      return { self: { id: joinedMsg.id, display: joinedMsg.display }, feedDisplay: publisherEntry.display, frames };
    },
    { server: janusUrl(), ...args },
  );
}

test('a plain janus.js page and our SDK in one room see each other by name and decode each other', async () => {
  const [ours, plain] = await open(2);
  await initAll([ours], ['sdk-user']);
  const roomId = newRoomId('plain');
  expect(await ours.call('createVideoRoom', roomId, 'Mixed')).toEqual({ code: '200', roomId });
  expect((await ours.call('joinRoom', roomId)).code).toBe('200');
  expect(await ours.harness('publish', 'cam', { video: { width: 320, height: 240 }, audio: true })).toBe(true);

  await plain.page.goto(`${process.env.KT_PAGE_ORIGIN}/raw`);
  const seen = plainClient(plain.page, { room: roomId, id: 'plain-pat', name: 'Plain Pat', feed: 'sdk-user' });

  // Ours sees the plain client as a member, by its name, and decodes its camera.
  const join = await ours.waitForPresence((p) => p.type === 'join' && p.user.id === 'plain-pat');
  expect(join.user).toMatchObject({ id: 'plain-pat', userId: 'plain-pat', name: 'Plain Pat', userType: 'guest' });
  await waitForPublish(ours, 'plain-pat');
  expect(await ours.harness('subscribe', 'plain-pat', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(ours, 'plain-pat', 'cam');
  expect((await ours.call('memberList', roomId)).members['plain-pat']).toMatchObject({ name: 'Plain Pat', publishing: true });

  // The plain client sees our member's plain name (no encoded metadata) and decodes its camera.
  const result: any = await seen;
  expect(result.error).toBeUndefined();
  expect(result.feedDisplay).toBe('Name sdk-user');
  expect(result.frames.frames).toBeGreaterThanOrEqual(5);
  expect(result.frames.width).toBeGreaterThan(0);

  await plain.page.evaluate(() => new Promise((r) => (window as any).plainJanus.destroy({ success: r, error: r })));
  await ours.waitForPresence((p) => p.type === 'leave' && p.user === 'plain-pat');
  await disconnectAll([ours]);
});
