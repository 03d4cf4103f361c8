/**
 * PrivacyMode (dist/privacy-mode.umd.js, its model from dist/mediapipe/) in Chromium, judged by
 * pixels. The camera is a scene (test/support/privacy-harness.js): a photograph of a person in front
 * of a black-and-white checkerboard. "Blurred" = the checkerboard's detail (mean luminance step
 * between neighbouring pixels) is gone from the background regions; "replaced" = those regions
 * have the picture's colours, cover-fitted; the person's regions keep the input's pixels and detail.
 * The model is checked first on the scene itself: it must find the person.
 */
import path from 'node:path';
import { createAndJoin, disconnectAll, initAll, newRoomId, useMembers, waitUntil } from '../support/call';
import {
  BACKGROUND,
  debug,
  debugReport,
  expectBlurred,
  expectPersonIntact,
  near,
  PERSON,
  pm,
  privacyPage,
  received,
  run,
  type Report,
} from '../support/privacy-page';

const open = useMembers();

test('the model finds the stand-in person; blur, then a cover-fitted picture, replace the background and keep the person; stop ends it all', async () => {
  const [a] = await open(1);
  // A page deeper than the script: the model is found next to the script, not next to the page.
  const requests = await privacyPage(a, { at: '/app/room/42' });
  expect(await run(a, 'scene')).toMatchObject({ width: 640, height: 480 });
  const input: Report = await run(a, 'input');

  // Loaded on init(), not before: the script alone is small.
  expect(requests.some((u) => u.includes('/mediapipe/'))).toBe(false);
  expect(await run(a, 'create')).toEqual({ init: true });
  const loaded = requests.filter((u) => u.includes('/mediapipe/')).map((u) => new URL(u).pathname);
  expect(loaded).toEqual(expect.arrayContaining(['/mediapipe/selfie_segmentation.js', '/mediapipe/selfie_segmentation_landscape.tflite']));

  // The model segments the stand-in: a clear person where the photo is, nothing on the checkerboard.
  const mask = await run(a, 'maskQuality');
  expect(mask.iou).toBeGreaterThan(0.85);
  for (const r of PERSON) expect(mask.regions[r]).toBeGreaterThan(0.95);
  for (const r of BACKGROUND) expect(mask.regions[r]).toBeLessThan(0.05);

  expect(await run(a, 'start', 'blur')).toEqual({ video: 1, size: [640, 480] });
  const blurred: Report = await run(a, 'measureOutput');
  await debug(a, 'blur', { input, blurred, mask });
  expectBlurred(blurred, input);

  // Another background: left third red, the rest blue, 3:1, so cover-fit puts the edge at x = 80
  // (stretched, it would be at 213): red at the very left, blue from 120 on, even above the head.
  const picture = await run(a, 'picture', { width: 300, height: 100, split: 1 / 3 });
  expect(await pm(a, 'changeBackground', 'bg', picture)).toBe(true);
  await waitUntil('the picture in the background', async () => near((await run<Report>(a, 'measureOutput')).right.rgb, [0, 0, 255], 10));
  const replaced: Report = await run(a, 'measureOutput');
  await debug(a, 'bg', replaced);
  expect(near(replaced.left.rgb, [255, 0, 0], 10)).toBe(true);
  expect(near(replaced.right.rgb, [0, 0, 255], 10)).toBe(true);
  for (const r of BACKGROUND) expect(replaced[r].detail).toBeLessThan(3);
  const topLeftBlue = await a.page.evaluate(() => {
    const c = (window as any).privacy.output as HTMLCanvasElement;
    return Array.from(c.getContext('2d')!.getImageData(150, 20, 1, 1).data.slice(0, 3));
  });
  expect(near(topLeftBlue, [0, 0, 255], 10)).toBe(true);
  expectPersonIntact(replaced, input);

  // A picture that does not load keeps the current background (and says so).
  expect(await pm(a, 'changeBackground', 'bg', '/no-such-picture.png')).toBe(false);
  expect(near((await run<Report>(a, 'measureOutput')).right.rgb, [0, 0, 255], 10)).toBe(true);
  expect(await pm(a, 'changeBackground', 'blur', null)).toBe(true);
  await waitUntil('the blur back', async () => (await run<Report>(a, 'measureOutput')).right.detail < 6);

  // An app that shows the canvas hides the camera's own <video>: the loop goes on.
  const hidden = await a.page.evaluate(async () => {
    const p = (window as any).privacy;
    p.video.style.display = 'none';
    const before = p.pm.getStats().frames;
    await new Promise((r) => setTimeout(r, 1000));
    const after = p.pm.getStats();
    p.video.style.display = '';
    return { frames: after.frames - before, clock: after.clock };
  });
  await debugReport('hidden input video', hidden);
  expect(hidden.frames).toBeGreaterThan(5);

  // The loop runs at the input's rate (30 fps asked; this machine has no GPU and two shared cores).
  const stats = await pm(a, 'getStats');
  expect(stats.clock).toBe('video-frame-callback');
  expect(stats.failed).toBe(0);
  expect(await run(a, 'outputFps')).toBeGreaterThan(5);

  // Nothing from anywhere but the page's own origin.
  const origin = new URL(process.env.KT_PAGE_ORIGIN!).origin;
  expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);

  // stop(): the loop is gone (nothing draws into the canvas again), its timer worker too, the
  // processed track ended; a second stop() is fine.
  await pm(a, 'stop');
  expect(await pm(a, 'getStats')).toBeNull();
  expect(await a.page.evaluate(() => (window as any).privacy.stream.getVideoTracks()[0].readyState)).toBe('ended');
  await run(a, 'paintOutput', '#ff00ff');
  await new Promise((r) => setTimeout(r, 500));
  expect(await run(a, 'outputPixel')).toEqual([255, 0, 255]);
  expect(await run(a, 'liveWorkers')).toBe(0);
  await pm(a, 'stop');
  expect(a.pageErrors).toEqual([]);
});

test('without requestVideoFrameCallback a timer drives the loop; update() takes another input and another canvas', async () => {
  const [a] = await open(1);
  await privacyPage(a);
  await run(a, 'scene');
  const input: Report = await run(a, 'input');
  await run(a, 'create');
  // This video has no frame callbacks (as in a browser without them): the worker timer drives.
  await a.page.evaluate(() => Object.defineProperty((window as any).privacy.video, 'requestVideoFrameCallback', { value: undefined }));
  expect(await run(a, 'start', 'blur')).toEqual({ video: 1, size: [640, 480] });
  expectBlurred(await run(a, 'measureOutput'), input);
  expect((await pm(a, 'getStats')).clock).toBe('timer');
  const fps = await run(a, 'outputFps');
  await debugReport('timer', { fps, stats: await pm(a, 'getStats') });
  expect(fps).toBeGreaterThan(5);

  // Another input: the checkerboard alone, no one in it: all of it is blurred, the "face" too.
  const other = await a.page.evaluate(async () => {
    const p = (window as any).privacy;
    const [video, canvas] = [p.video, p.sceneCanvas];
    await p.scene({ person: false });
    p.firstVideo = video;
    p.firstCanvas = canvas;
    return (await p.pm.update(p.video, p.output)) === p.stream;
  });
  expect(other).toBe(true); // same canvas: the same stream
  await waitUntil('the empty scene blurred', async () => (await run<Report>(a, 'measureOutput')).face.detail < 3);

  // Another output canvas: a new stream with frames, the previous one's track ended.
  const swapped = await a.page.evaluate(async () => {
    const p = (window as any).privacy;
    const previous = p.stream as MediaStream;
    p.output = document.createElement('canvas');
    p.stream = await p.pm.update(p.firstVideo, p.output);
    p.sceneCanvas = p.firstCanvas;
    return { fresh: p.stream !== previous, previous: previous.getVideoTracks()[0].readyState, now: p.stream.getVideoTracks()[0].readyState };
  });
  expect(swapped).toEqual({ fresh: true, previous: 'ended', now: 'live' });
  expectBlurred(await run(a, 'measureOutput'), input);
  await pm(a, 'stop');
  expect(await run(a, 'liveWorkers')).toBe(0);
  expect(a.pageErrors).toEqual([]);
});

test('maxFps caps the frames processed, with video frame callbacks and with the timer', async () => {
  const [a] = await open(1);
  await privacyPage(a);
  await run(a, 'scene'); // 30 fps
  const rates = await a.page.evaluate(async () => {
    const p = (window as any).privacy;
    const rate = async () => {
      const pm = new (window as any).PrivacyMode({ maxFps: 5 });
      await pm.start(p.video, document.createElement('canvas'), 'blur');
      const first = pm.getStats();
      await new Promise((r) => setTimeout(r, 2000));
      const last = pm.getStats();
      await pm.stop();
      return { fps: (last.frames - first.frames) / 2, clock: last.clock };
    };
    const withCallbacks = await rate();
    Object.defineProperty(p.video, 'requestVideoFrameCallback', { value: undefined });
    return [withCallbacks, await rate()];
  });
  expect(rates.map((r: any) => r.clock)).toEqual(['video-frame-callback', 'timer']);
  for (const { fps } of rates) {
    expect(fps).toBeGreaterThanOrEqual(3);
    expect(fps).toBeLessThanOrEqual(7);
  }
  expect(a.pageErrors).toEqual([]);
});

test('bad input and missing files resolve (false / null) and say why; nothing throws', async () => {
  const [a] = await open(1);
  await privacyPage(a);
  await a.page.route('**/nowhere/**', (route) => route.fulfill({ status: 404, body: 'not found' }));
  await run(a, 'scene');
  const results = await a.page.evaluate(async () => {
    const p = (window as any).privacy;
    const PM = (window as any).PrivacyMode;
    const canvas = document.createElement('canvas');
    const missing = new PM({ assetsUrl: '/nowhere/' });
    const pm = new PM();
    return {
      missingInit: await missing.init(),
      missingStart: await missing.start(p.video, canvas, 'blur'),
      beforeStart: [await pm.changeBackground('blur'), await pm.update(p.video, canvas), await pm.sendBlurVideoTrack((window as any).harness.kt)],
      stopBeforeStart: (await pm.stop()) ?? null,
      noVideo: await pm.start(null, canvas),
      noCanvas: await pm.start(p.video, 'canvas'),
      badMode: await pm.start(p.video, canvas, 'sepia'),
      bgWithoutPicture: !!(await pm.start(p.video, canvas, 'bg', null)),
      badChange: await pm.changeBackground('sepia', null),
      notAnSdk: await pm.sendBlurVideoTrack({}),
      // The instance exists but publishes nothing: there is nothing to replace.
      notPublishing: await pm.sendBlurVideoTrack((window as any).harness.kt),
      stopped: (await pm.stop()) ?? null,
    };
  });
  expect(results).toEqual({
    missingInit: false,
    missingStart: null,
    beforeStart: [false, null, false],
    stopBeforeStart: null,
    noVideo: null,
    noCanvas: null,
    badMode: null,
    bgWithoutPicture: true, // 'bg' without a picture blurs instead
    badChange: false,
    notAnSdk: false,
    notPublishing: false,
    stopped: null,
  });
  const errors = a.logs.filter((l) => l.startsWith('[error] [PrivacyMode]'));
  for (const why of [
    '/nowhere/selfie_segmentation.js',
    'inputVideo must be',
    'outputCanvas must be',
    "mode must be 'blur' or 'bg'",
    "'bg' needs the background picture",
    'not started',
    'must be the Knowledgetalk instance',
    'no camera is being sent',
  ]) {
    expect(errors.some((l) => l.includes(why))).toBe(true);
  }
  expect(a.pageErrors).toEqual([]);
});

test('the ES module build finds the model next to itself too', async () => {
  const [a] = await open(1);
  const requests = await privacyPage(a, { at: '/deep/page', load: false });
  await a.page.route('**/esm/privacy-mode.mjs', (route) =>
    route.fulfill({ path: path.join(__dirname, '..', '..', 'dist', 'privacy-mode.mjs'), contentType: 'text/javascript' }),
  );
  // Served from /esm/: its model folder is then /esm/mediapipe/, routed to dist/mediapipe/.
  await a.page.route('**/esm/mediapipe/*', (route) =>
    route.fulfill({ path: path.join(__dirname, '..', '..', 'dist', 'mediapipe', path.basename(new URL(route.request().url()).pathname)) }),
  );
  // (A string: ts-jest would turn an import() in a function into a require().)
  const result = await a.page.evaluate(`(async () => {
    const mod = await import('/esm/privacy-mode.mjs');
    const pm = new mod.default();
    const ok = { same: mod.default === mod.PrivacyMode, init: await pm.init() };
    await pm.stop();
    return ok;
  })()`);
  expect(result).toEqual({ same: true, init: true });
  const model = requests.map((u) => new URL(u).pathname).filter((u) => u.includes('mediapipe/'));
  expect(model.length).toBeGreaterThan(0);
  expect(model.every((u) => u.startsWith('/esm/mediapipe/'))).toBe(true);
  expect(a.pageErrors).toEqual([]);
});

test('through the SDK: A sends the blurred camera with sendBlurVideoTrack, B receives a blurred background and the person intact, then the original again after stop()', async () => {
  const [a, b] = await open(2);
  await privacyPage(a);
  await privacyPage(b);
  expect((await run(a, 'scene', { tone: true })).tracks.sort()).toEqual(['audio', 'video']);
  await run(b, 'scene'); // B draws the same scene, to compare what it receives with it
  const roomId = newRoomId('privacy');
  await initAll([a, b], ['alice', 'bob']);
  await createAndJoin([a, b], roomId);
  expect(await a.page.evaluate(() => (window as any).harness.kt.publishVideo('cam', (window as any).privacy.sceneStream))).toBe(true);
  await b.waitForPresence((p) => p.type === 'publish' && p.feeds.some((f: any) => f.id === 'alice'));
  expect(await b.harness('subscribe', 'alice', 'cam')).toEqual({ audio: 1, video: 1 });

  // Before: B sees the checkerboard (once the encoder has ramped up).
  let before!: Report;
  await waitUntil(
    'the checkerboard at B',
    async () => {
      before = await received(b, 'alice');
      return BACKGROUND.every((r) => before[r].detail > 20);
    },
    30000,
  );

  await run(a, 'create');
  expect(await run(a, 'start', 'blur')).toEqual({ video: 1, size: [640, 480] });
  expect(await a.page.evaluate(() => (window as any).privacy.pm.sendBlurVideoTrack((window as any).harness.kt))).toBe(true);
  // The SDK now sends the processed video with the same audio track.
  const sent = await a.page.evaluate(() => {
    const p = (window as any).privacy;
    const now = (window as any).harness.kt.getStream('alice') as MediaStream;
    return {
      video: now.getVideoTracks()[0] === p.stream.getVideoTracks()[0],
      audio: now.getAudioTracks().length === 1 && now.getAudioTracks()[0] === p.sceneStream.getAudioTracks()[0],
    };
  });
  expect(sent).toEqual({ video: true, audio: true });

  let after!: Report;
  await waitUntil(
    'a blurred background at B',
    async () => {
      after = await received(b, 'alice');
      // (The person too: the first frames after the switch may be black.)
      return BACKGROUND.every((r) => after[r].detail < before[r].detail * 0.2) && PERSON.every((r) => after[r].diff! < before[r].diff! + 8);
    },
    20000,
  ).catch(async (err) => {
    await debugReport('received (timed out)', { before, after });
    throw err;
  });
  await debugReport('received', { before, after });
  for (const r of PERSON) {
    expect(after[r].detail).toBeGreaterThan(before[r].detail * 0.7);
    expect(after[r].diff).toBeLessThan(before[r].diff! + 8);
  }
  const audio = await b.harness('audioSamples', 'alice');
  expect(audio.second).toBeGreaterThan(audio.first);
  // Sending it again changes nothing.
  expect(await a.page.evaluate(() => (window as any).privacy.pm.sendBlurVideoTrack((window as any).harness.kt))).toBe(true);

  // Another output canvas while sending: the SDK is given the new processed track.
  const updated = await a.page.evaluate(async () => {
    const p = (window as any).privacy;
    p.output = document.createElement('canvas');
    p.stream = await p.pm.update(p.video, p.output);
    const now = (window as any).harness.kt.getStream('alice') as MediaStream;
    return { video: now.getVideoTracks()[0] === p.stream.getVideoTracks()[0], audio: now.getAudioTracks()[0] === p.sceneStream.getAudioTracks()[0] };
  });
  expect(updated).toEqual({ video: true, audio: true });
  await waitUntil(
    'a blurred background at B after update()',
    async () => {
      const now = await received(b, 'alice');
      return BACKGROUND.every((r) => now[r].detail < before[r].detail * 0.2) && PERSON.every((r) => now[r].diff! < before[r].diff! + 8);
    },
    20000,
  );

  // A picture instead: B gets it.
  const picture = await run(a, 'picture', { width: 300, height: 100, split: 1 / 3 });
  expect(await pm(a, 'changeBackground', 'bg', picture)).toBe(true);
  await waitUntil(
    'the picture at B',
    async () => {
      const now = await received(b, 'alice');
      return near(now.left.rgb, [255, 0, 0], 40) && near(now.right.rgb, [0, 0, 255], 40);
    },
    20000,
  );

  // stop(): A sends its camera again (the very stream it published), B sees the checkerboard again.
  await pm(a, 'stop');
  expect(await a.page.evaluate(() => (window as any).harness.kt.getStream('alice') === (window as any).privacy.sceneStream)).toBe(true);
  await waitUntil('the checkerboard back at B', async () => (await received(b, 'alice')).right.detail > 20, 20000);
  await disconnectAll([a, b]);
});
