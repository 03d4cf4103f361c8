/**
 * The browser matrix (issue 16), part 1: the same scenarios on Chromium (playwright-core) and
 * Firefox ESR (puppeteer-core over WebDriver BiDi), written once against the engine-neutral
 * MemberPage: a call, a screen share, devices; and a mixed call, a Firefox member with a Chromium
 * one. Every call is proven by frames decoded (and audio samples received) on the receiving side.
 *
 * A canvas stands in for the screen on both engines: getDisplayMedia needs a person to pick a
 * window in Chromium, and headless Firefox has nothing to offer (NotFoundError).
 * Firefox's fake devices are one camera and one microphone, and no speaker: the switches go to
 * that same device (a fresh capture of it, the old track stopped), which proves the switch path
 * (capture, replaceTrack, no renegotiation) but not a different picture.
 */
import { ENGINES, type Engine, type MemberPage } from '../support/browser';
import { createAndJoin, disconnectAll, expectFrames, initAll, isRed, newRoomId, waitForPixel, waitForPublish, waitUntil } from '../support/call';
import { useEngines } from '../support/firefox-matrix';

jest.setTimeout(90_000);

const engines = useEngines();
const CAMERA = { video: { width: 320, height: 240 }, audio: true };

/** Publishes the fake camera on every member, then each subscribes to every other one. */
async function publishAndSubscribeAll(members: MemberPage[], ids: string[]): Promise<void> {
  for (const m of members) expect(await m.harness('publish', 'cam', CAMERA)).toBe(true);
  for (const [i, m] of members.entries()) {
    for (const [j, other] of ids.entries()) {
      if (i === j) continue;
      await waitForPublish(m, other);
      expect(await m.harness('subscribe', other, 'cam')).toEqual({ audio: 1, video: 1 });
    }
  }
}

/** `m` decodes frames of `userId`'s camera at 320 wide, and receives its audio. */
async function seesAndHears(m: MemberPage, userId: string): Promise<void> {
  const frames = await expectFrames(m, userId, 'cam');
  expect(frames.width).toBe(320);
  const audio = await m.harness('audioSamples', userId, 'cam');
  expect(audio).not.toBeNull();
  expect(audio.second).toBeGreaterThan(audio.first);
}

/** Kind, label and readyState of the tracks in the stream published as 'cam'. */
const localTracks = (m: MemberPage) =>
  m.evaluate(() => (window as any).localStreams.cam.getTracks().map((t: MediaStreamTrack) => ({ kind: t.kind, label: t.label, state: t.readyState })));
const keepTracks = (m: MemberPage) => m.evaluate(() => void ((window as any).kept = (window as any).localStreams.cam.getTracks()));
const keptStates = (m: MemberPage) => m.evaluate(() => Object.fromEntries((window as any).kept.map((t: MediaStreamTrack) => [t.kind, t.readyState])));

describe.each(ENGINES)('%s', (engine: Engine) => {
  const tag = engine.slice(0, 2);

  test('two members join, publish and subscribe: each decodes and hears the other', async () => {
    const members = await engines.open(engine, 2);
    const ids = await initAll(members, [`${tag}-call-a`, `${tag}-call-b`]);
    const roomId = newRoomId(`${tag}-call`);
    await createAndJoin(members, roomId, 'Matrix room');
    const joined = await members[1].call('memberList', roomId);
    expect(Object.keys(joined.members).sort()).toEqual([...ids].sort());
    await publishAndSubscribeAll(members, ids);
    await seesAndHears(members[0], ids[1]);
    await seesAndHears(members[1], ids[0]);
    await disconnectAll(members);
    // The default log level ('error') keeps a whole call, janus.js included, out of the console.
    for (const m of members) expect(m.logs).toEqual([]);
  });

  test('a screen (a canvas) next to the camera: the viewer decodes both, then the share stops', async () => {
    const [a, b] = await engines.open(engine, 2);
    const [ida] = await initAll([a, b], [`${tag}-sharer`, `${tag}-viewer`]);
    await createAndJoin([a, b], newRoomId(`${tag}-share`));
    expect(await a.harness('publish', 'cam', CAMERA)).toBe(true);
    await a.harness('canvas', 'screen', '#ff0000');
    expect(await a.harness('use', 'screenStart', { $stream: 'screen' })).toEqual({ code: '200' });
    expect(await a.openPeerConnections()).toBe(1); // both feeds on A's one sending PeerConnection
    await b.waitForPresence((p) => p.type === 'publish' && p.feeds.some((f: any) => f.id === ida && f.type === 'screen'));
    await b.waitForPresence((p) => p.type === 'screen' && p.user === ida);
    expect(await b.harness('subscribe', ida, 'cam')).toEqual({ audio: 1, video: 1 });
    expect(await b.harness('subscribe', ida, 'screen')).toEqual({ audio: 0, video: 1 });
    await expectFrames(b, ida, 'cam');
    await expectFrames(b, ida, 'screen');
    await waitForPixel(b, ida, 'screen', isRed);

    expect(await a.call('shareStop')).toEqual({ code: '200' });
    await b.waitForPresence((p) => p.type === 'shareStop' && p.user === ida);
    await expectFrames(b, ida, 'cam'); // the camera goes on
    await disconnectAll([a, b]);
  });

  test('devices: listed; camera and microphone switched mid-call without renegotiation', async () => {
    const [a, b] = await engines.open(engine, 2);
    const [ida] = await initAll([a, b], [`${tag}-dev-a`, `${tag}-dev-b`]);
    await createAndJoin([a, b], newRoomId(`${tag}-devices`));
    // Firefox lists devices only once the page has captured one (before that: one blank entry per
    // kind, which getDevices leaves out); Chromium with its fake-UI flag lists them at once.
    // Firefox also answers enumerateDevices only while the page has the focus (the spec's rule; it
    // waited forever in 2 of 5 runs where B's window had it): A is the page its user looks at.
    await a.harness('gum', 'cam', CAMERA);
    await a.focus();
    const devices = await a.call('getDevices');
    expect(devices.code).toBe('200');
    expect(devices.cameras.length).toBeGreaterThanOrEqual(1);
    expect(devices.microphones.length).toBeGreaterThanOrEqual(1);
    for (const d of [...devices.cameras, ...devices.microphones]) expect(d.label).not.toBe('');
    // Chromium's fake devices include speakers; Firefox's fake media has none.
    if (engine === 'chromium') expect(devices.speakers.length).toBeGreaterThanOrEqual(1);
    const camera = devices.cameras[devices.cameras.length - 1];
    const microphone = devices.microphones.find((d: any) => d.deviceId !== 'default') ?? devices.microphones[0];

    expect(await a.harness('use', 'publishVideo', 'cam', { $stream: 'cam' })).toBe(true);
    await waitForPublish(b, ida);
    expect(await b.harness('subscribe', ida)).toEqual({ audio: 1, video: 1 });
    await expectFrames(b, ida, 'cam');
    const sdpBefore = await a.harness('senderSdp');

    await keepTracks(a);
    expect(await a.call('switchCamera', camera.deviceId)).toEqual({ code: '200' });
    expect(await keptStates(a)).toEqual({ video: 'ended', audio: 'live' });
    expect((await localTracks(a)).filter((t: any) => t.kind === 'video')).toEqual([{ kind: 'video', label: camera.label, state: 'live' }]);
    await expectFrames(b, ida, 'cam', 10); // the old track has ended: these frames come from the new one

    await keepTracks(a);
    expect(await a.call('switchMicrophone', microphone.deviceId)).toEqual({ code: '200' });
    expect(await keptStates(a)).toEqual({ video: 'live', audio: 'ended' });
    expect((await localTracks(a)).find((t: any) => t.kind === 'audio')).toEqual({ kind: 'audio', label: microphone.label, state: 'live' });
    const samples = await b.harness('audioSamples', ida);
    expect(samples.second).toBeGreaterThan(samples.first);
    expect(await a.harness('senderSdp')).toBe(sdpBefore); // neither switch renegotiated

    expect(await a.call('switchCamera', 'no-such-camera')).toMatchObject({ code: '422' });
    expect((await localTracks(a)).every((t: any) => t.state === 'live')).toBe(true);
    await expectFrames(b, ida, 'cam');
    await disconnectAll([a, b]);
  });
});

test('a mixed call: a Firefox member and a Chromium member decode and hear each other, screen included', async () => {
  const [[fx], [cr]] = await Promise.all([engines.open('firefox', 1), engines.open('chromium', 1)]);
  await initAll([fx, cr], ['mixed-firefox', 'mixed-chromium']);
  await createAndJoin([fx, cr], newRoomId('mixed'));
  // Firefox sends its fake camera and microphone (a steady tone); Chromium a red canvas with a loud
  // tone (Chromium's fake microphone beeps, too briefly to read a level from).
  expect(await fx.harness('publish', 'cam', CAMERA)).toBe(true);
  await cr.harness('canvas', 'cam', '#ff0000', { tone: true });
  expect(await cr.harness('use', 'publishVideo', 'cam', { $stream: 'cam' })).toBe(true);
  for (const [m, other] of [
    [fx, 'mixed-chromium'],
    [cr, 'mixed-firefox'],
  ] as const) {
    await waitForPublish(m, other);
    expect(await m.harness('subscribe', other, 'cam')).toEqual({ audio: 1, video: 1 });
    expect(await m.harness('listen', other)).toBe(true);
  }
  await seesAndHears(fx, 'mixed-chromium');
  await seesAndHears(cr, 'mixed-firefox');
  await waitForPixel(fx, 'mixed-chromium', 'cam', isRed);
  // The audio level each sender's browser writes in its packets (RFC 6464), read on the other one.
  for (const [m, other, floor] of [
    [fx, 'mixed-chromium', 0.1],
    [cr, 'mixed-firefox', 0.01],
  ] as const) {
    let levels: Record<string, number> = {};
    await waitUntil(`${other}'s audio level above ${floor}`, async () => (levels = (await m.call('getRemoteAudioLevels')).levels)[other] > floor).catch(
      (err) => {
        throw new Error(`${err.message} (last ${JSON.stringify(levels)})`);
      },
    );
  }

  // Each way, a screen too: Firefox shares, then Chromium.
  for (const [sharer, viewer] of [
    [fx, cr],
    [cr, fx],
  ] as const) {
    const id = sharer === fx ? 'mixed-firefox' : 'mixed-chromium';
    await sharer.harness('canvas', 'screen', '#ff0000');
    expect(await sharer.harness('use', 'screenStart', { $stream: 'screen' })).toEqual({ code: '200' });
    await viewer.waitForPresence((p) => p.type === 'screen' && p.user === id);
    await waitUntil(`${id}'s screen feed`, async () => (await viewer.harness('subscribe', id, 'screen')) !== false);
    await expectFrames(viewer, id, 'screen');
    await waitForPixel(viewer, id, 'screen', isRed);
    expect(await sharer.call('shareStop')).toEqual({ code: '200' });
    await viewer.waitForPresence((p) => p.type === 'shareStop' && p.user === id);
  }
  await disconnectAll([fx, cr]);
});
