/**
 * Simulcast and receiver-side quality, and remote audio levels (issue 8), judged by what the
 * receiving side gets: the size of the frames it decodes, and the level of the audio it receives.
 */
import type { MemberPage } from '../support/browser';
import { createAndJoin, disconnectAll, expectFrames, initAll, newRoomId, useMembers, waitForPublish, waitUntil } from '../support/call';

const open = useMembers();

/** Width of the frames a member decodes from a received camera feed now. */
async function receivedWidth(m: MemberPage, userId: string): Promise<number> {
  const f = await m.harness('frames', userId, 'cam', 3, 5000);
  return f.width ?? 0;
}

/** What the sender's layers do (for a failure message): rid, size, fps, quality limitation. */
const layers = (m: MemberPage) =>
  m.page.evaluate(async () => {
    const out: string[] = [];
    for (const pc of (window as any).harness.kt.client.room?.peerConnections() ?? []) {
      for (const st of (await pc.getStats()).values()) {
        if (st.type === 'outbound-rtp' && st.kind === 'video')
          out.push(
            `${st.rid}:${st.frameWidth}x${st.frameHeight}@${st.framesPerSecond} ${st.qualityLimitationReason} active=${st.active} pli=${st.pliCount} fir=${st.firCount} kf=${st.keyFramesEncoded} nack=${st.nackCount}`,
          );
      }
    }
    return out.join(', ');
  });

/** Waits until the decoded width satisfies `test`; returns the widths seen on the way. */
async function widthBecomes(m: MemberPage, userId: string, what: string, test: (w: number) => boolean, sender?: MemberPage): Promise<number> {
  let last = 0;
  // Generous: the sender's bandwidth estimate has to ramp up before it sends the full-size layer.
  await waitUntil(what, async () => test((last = await receivedWidth(m, userId))), 30_000).catch(async (err) => {
    throw new Error(`${err.message} (last width ${last}; sender layers: ${sender ? await layers(sender) : '?'})`);
  });
  return last;
}

test('a simulcast camera in HD: the receiver chooses the layer, and the decoded size follows', async () => {
  const [a, b] = await open(2);
  const [ida] = await initAll([a, b], ['sim-a', 'sim-b']);
  await createAndJoin([a, b], newRoomId('simulcast'));
  await a.harness('gum', 'cam', { video: true, audio: true }); // 640×480 until `resolution` asks for more
  expect(await a.harness('use', 'publishVideo', 'cam', { $stream: 'cam' }, { simulcast: true, resolution: 'hd' })).toBe(true);
  expect(await a.page.evaluate(() => (window as any).localStreams.cam.getVideoTracks()[0].getSettings().width)).toBe(1280);
  await waitForPublish(b, ida);
  expect(await b.harness('subscribe', ida)).toEqual({ audio: 1, video: 1 });
  await expectFrames(b, ida, 'cam');

  // Janus relays the full-size layer unless told otherwise.
  await widthBecomes(b, ida, 'the full-size layer by default', (w) => w === 1280, a);
  expect(await b.call('setQuality', ida, 'cam', 'l')).toEqual({ code: '200' });
  await widthBecomes(b, ida, "'l': a quarter of the size", (w) => w === 320, a);
  expect(await b.call('setQuality', ida, 'cam', 'm')).toEqual({ code: '200' });
  await widthBecomes(b, ida, "'m': half the size", (w) => w === 640, a);
  expect(await b.call('setQuality', ida, 'cam', 'h')).toEqual({ code: '200' });
  await widthBecomes(b, ida, "'h': full size again", (w) => w === 1280, a);

  // Bad input loses nothing.
  expect(await b.call('setQuality', ida, 'cam', 'x')).toMatchObject({ code: '422' });
  expect(await b.call('setQuality', ida, 'cam')).toMatchObject({ code: '421' });
  expect(await b.call('setQuality', 'nobody', 'cam', 'l')).toMatchObject({ code: '410' });
  expect(await b.call('setQuality', ida, 'screen', 'l')).toMatchObject({ code: '400' }); // no screen shared
  expect(await a.harness('use', 'publishVideo', 'screen', { $stream: 'cam' }, { simulcast: 'yes' })).toBe(false);
  expect(await a.harness('use', 'publishVideo', 'screen', { $stream: 'cam' }, { resolution: '4k' })).toBe(false);
  expect(await receivedWidth(b, ida)).toBe(1280);
  await disconnectAll([a, b]);
});

test('setQuality on a camera sent without simulcast is refused with 400', async () => {
  const [a, b] = await open(2);
  const [ida] = await initAll([a, b], ['plain-a', 'plain-b']);
  await createAndJoin([a, b], newRoomId('plain'));
  expect(await a.harness('publish', 'cam', { video: true, audio: true })).toBe(true);
  await waitForPublish(b, ida);
  await b.harness('subscribe', ida);
  await expectFrames(b, ida, 'cam');
  expect(await b.call('setQuality', ida, 'cam', 'l')).toMatchObject({ code: '400' });
  expect(await a.harness('use', 'publishVideo', 'screen', { $stream: 'cam' }, { maxBitrate: 1 })).toBe(false);
  await disconnectAll([a, b]);
});

test('remote audio levels tell a loud member from a silent one', async () => {
  const [loud, silent, listener] = await open(3);
  const [idLoud, idSilent] = await initAll([loud, silent, listener], ['lvl-loud', 'lvl-silent', 'lvl-listener']);
  await createAndJoin([loud, silent, listener], newRoomId('levels'));
  expect(await listener.call('getRemoteAudioLevels')).toEqual({ code: '200', levels: {} });
  await loud.harness('canvas', 'cam', 'red', { tone: true });
  await silent.harness('canvas', 'cam', 'blue', { tone: true, silent: true });
  expect(await loud.harness('use', 'publishVideo', 'cam', { $stream: 'cam' })).toBe(true);
  expect(await silent.harness('use', 'publishVideo', 'cam', { $stream: 'cam' })).toBe(true);
  for (const id of [idLoud, idSilent]) {
    await waitForPublish(listener, id);
    expect(await listener.harness('subscribe', id)).toEqual({ audio: 1, video: 1 });
    expect(await listener.harness('listen', id)).toBe(true);
  }
  let levels: Record<string, number> = {};
  await waitUntil('a loud and a silent level', async () => {
    levels = (await listener.call('getRemoteAudioLevels')).levels;
    return levels[idLoud] > 0.1 && levels[idSilent] !== undefined;
  }).catch((err) => {
    throw new Error(`${err.message} (last ${JSON.stringify(levels)})`);
  });
  expect(levels[idSilent]).toBeLessThan(0.01);
  expect(Object.keys(levels).sort()).toEqual([idLoud, idSilent].sort());

  // The loud one mutes: its level drops.
  expect(await loud.call('editUserInfo', undefined, undefined, false)).toEqual({ code: '200' });
  await waitUntil('the muted member is quiet', async () => (await listener.call('getRemoteAudioLevels')).levels[idLoud] < 0.01);
  await disconnectAll([loud, silent, listener]);
  expect(await listener.call('getRemoteAudioLevels')).toMatchObject({ code: '400' });
});
