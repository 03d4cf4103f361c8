/**
 * Devices (issue 8): listing, switching camera and microphone mid-call without renegotiation, the
 * speaker for every element playing what we receive, and `devicechange`. Chromium offers three fake
 * cameras here. The switch goes to the third: the second produces a depth format (Y16) that
 * Chromium's encoder never picks up after `replaceTrack`, with or without this SDK (checked on a
 * bare PeerConnection pair), so it would prove nothing about us.
 */
import type { MemberPage } from '../support/browser';
import { createAndJoin, disconnectAll, expectFrames, initAll, newRoomId, useMembers, waitForPublish, waitUntil } from '../support/call';

const open = useMembers({ fakeDevices: 3 });

const devicesOf = (m: MemberPage) => m.call('getDevices');

/** Kind, label and readyState of the tracks in the stream published as 'cam'. */
const localTracks = (m: MemberPage) =>
  m.page.evaluate(() => (window as any).localStreams.cam.getTracks().map((t: MediaStreamTrack) => ({ kind: t.kind, label: t.label, state: t.readyState })));

/** Keeps the published tracks of this moment, to look at them after a switch. */
const keepTracks = (m: MemberPage) => m.page.evaluate(() => ((window as any).kept = (window as any).localStreams.cam.getTracks()));
const keptStates = (m: MemberPage) => m.page.evaluate(() => Object.fromEntries((window as any).kept.map((t: MediaStreamTrack) => [t.kind, t.readyState])));

test('lists devices, switches camera and microphone mid-call without renegotiation, and stops the old ones', async () => {
  const [a, b] = await open(2);
  const [ida, idb] = await initAll([a, b], ['dev-a', 'dev-b']);
  await createAndJoin([a, b], newRoomId('devices'));

  const devices = await devicesOf(a);
  expect(devices.code).toBe('200');
  expect(devices.cameras.map((d: any) => d.label)).toEqual(['fake_device_0', 'fake_device_1', 'fake_device_2']);
  expect(devices.microphones.length).toBeGreaterThanOrEqual(2);
  expect(devices.speakers.length).toBeGreaterThanOrEqual(2);
  const [cam0, , cam2] = devices.cameras;
  const otherMic = devices.microphones.find((d: any) => d.deviceId !== 'default');

  await a.harness('gum', 'cam', { video: { deviceId: { exact: cam0.deviceId } }, audio: true });
  expect(await a.harness('use', 'publishVideo', 'cam', { $stream: 'cam' })).toBe(true);
  await waitForPublish(b, ida);
  expect(await b.harness('subscribe', ida)).toEqual({ audio: 1, video: 1 });
  await expectFrames(b, ida, 'cam');
  const sdpBefore = await a.harness('senderSdp');
  await keepTracks(a);

  // Camera: the old camera's track has ended, yet the other side keeps decoding new frames, which
  // can only come from the new camera.
  expect(await a.call('switchCamera', cam2.deviceId)).toEqual({ code: '200' });
  expect(await keptStates(a)).toEqual({ video: 'ended', audio: 'live' });
  await expectFrames(b, ida, 'cam', 10);
  const afterCam = await localTracks(a);
  expect(afterCam.filter((t: any) => t.kind === 'video')).toEqual([{ kind: 'video', label: 'fake_device_2', state: 'live' }]);

  // Microphone: audio keeps arriving from the new one.
  expect(await a.call('switchMicrophone', otherMic.deviceId)).toEqual({ code: '200' });
  const afterMic = await localTracks(a);
  expect(afterMic.find((t: any) => t.kind === 'audio')).toEqual({ kind: 'audio', label: otherMic.label, state: 'live' });
  expect(await keptStates(a)).toEqual({ video: 'ended', audio: 'ended' });
  const samples = await b.harness('audioSamples', ida);
  expect(samples.second).toBeGreaterThan(samples.first);

  // Neither switch renegotiated.
  expect(await a.harness('senderSdp')).toBe(sdpBefore);

  // Bad input loses nothing: the call goes on.
  expect(await a.call('switchCamera', 'no-such-camera')).toMatchObject({ code: '422' });
  expect(await a.call('switchCamera')).toMatchObject({ code: '421' });
  expect(await a.call('switchMicrophone', 42)).toMatchObject({ code: '422' });
  expect(await b.call('switchCamera', cam0.deviceId)).toMatchObject({ code: '400' }); // b publishes nothing
  expect((await localTracks(a)).every((t: any) => t.state === 'live')).toBe(true);
  await expectFrames(b, ida, 'cam');
  expect(idb).toBe('dev-b');
  await disconnectAll([a, b]);
});

test('the speaker follows every element playing what we receive, also ones started later; devicechange brings fresh lists', async () => {
  const [a, b] = await open(2);
  const [ida] = await initAll([a, b], ['spk-a', 'spk-b']);
  await createAndJoin([a, b], newRoomId('speaker'));
  expect(await a.harness('publish', 'cam', { video: true, audio: true })).toBe(true);
  await waitForPublish(b, ida);
  expect(await b.harness('subscribe', ida)).toEqual({ audio: 1, video: 1 });
  const { speakers } = await b.call('getDevices');
  const chosen = speakers.find((d: any) => d.deviceId !== 'default');

  const play = (id: string, what: 'received' | 'own') =>
    b.page.evaluate(
      async ([id, what, from]) => {
        const el = document.createElement(what === 'own' ? 'audio' : 'video');
        el.id = id;
        el.muted = true;
        el.srcObject = what === 'own' ? await navigator.mediaDevices.getUserMedia({ audio: true }) : (window as any).harness.kt.getStream(from);
        document.body.append(el);
        await el.play();
      },
      [id, what, ida] as const,
    );
  const sinkIds = () =>
    b.page.evaluate(() => Object.fromEntries([...document.querySelectorAll('audio, video')].filter((e) => e.id).map((e: any) => [e.id, e.sinkId])));

  await play('before', 'received');
  await play('own', 'own'); // the page's own microphone: not the SDK's to move
  expect(await b.call('setSpeaker', chosen.deviceId)).toEqual({ code: '200', elements: 1 });
  expect(await sinkIds()).toEqual({ before: chosen.deviceId, own: '' });
  await play('later', 'received');
  await waitUntil('an element started later plays on the chosen speaker', async () => (await sinkIds()).later === chosen.deviceId);
  expect((await sinkIds()).own).toBe('');

  expect(await b.call('setSpeaker', 'no-such-speaker')).toMatchObject({ code: '422' });
  expect(await b.call('setSpeaker', 7)).toMatchObject({ code: '422' });
  expect(await b.call('setSpeaker', '')).toEqual({ code: '200', elements: 2 }); // back to the default
  expect(await sinkIds()).toEqual({ before: '', own: '', later: '' });

  // Chromium cannot plug a device in here, so the test fires the browser's own event; the lists
  // the SDK then sends are the browser's real ones.
  const changed = b.page.evaluate(
    () =>
      new Promise((resolve) => {
        (window as any).harness.kt.addEventListener('devicechange', (e: CustomEvent) => resolve(e.detail), { once: true });
        navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      }),
  );
  const lists: any = await changed;
  expect(lists.cameras.map((d: any) => d.label)).toEqual(['fake_device_0', 'fake_device_1', 'fake_device_2']);
  expect(lists.speakers.some((d: any) => d.deviceId === chosen.deviceId)).toBe(true);
  await disconnectAll([a, b]);
});
