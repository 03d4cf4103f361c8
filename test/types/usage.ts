/**
 * What an app written in TypeScript gets from the package's types: compiled (not run) by
 * test/unit/consumer-types.test.ts under each module resolution, from a package installed the way
 * an app installs it. Each `@ts-expect-error` is a mistake the types must catch: if one compiles,
 * tsc fails with "Unused '@ts-expect-error' directive".
 */
import type { Knowledgetalk, KnowledgetalkEventMap, Member, PresenceDetail, Result } from 'knowledgetalk-janus';

export async function usage(kt: Knowledgetalk, stream: MediaStream): Promise<string[]> {
  const seen: string[] = [];

  // Events: the detail is typed by the event's name, and presence narrows on `type`.
  kt.addEventListener('presence', ({ detail }) => {
    const d: PresenceDetail = detail;
    if (d.type === 'join') {
      const who: Member = d.user;
      seen.push(who.name, who.permit.chat ? 'may chat' : 'may not');
    }
    if (d.type === 'chat') seen.push(d.message);
    // @ts-expect-error a 'leave' presence carries the id only
    if (d.type === 'leave') seen.push(d.user.name);
  });
  kt.addEventListener('connectionStateChanged', (e) => seen.push(e.detail.state, e.detail.previous));
  kt.addEventListener('devicechange', (e) => seen.push(String(e.detail.cameras.length)));
  const onQuality = (e: KnowledgetalkEventMap['connectionQuality']) => seen.push(e.detail.quality);
  kt.addEventListener('connectionQuality', onQuality);
  kt.removeEventListener('connectionQuality', onQuality);
  // @ts-expect-error connectionState has no `progress`
  kt.addEventListener('connectionStateChanged', (e) => seen.push(String(e.detail.progress)));
  // Any other event name still works, untyped, as on every EventTarget.
  kt.addEventListener('something-else', (e) => seen.push(e.type));

  // Results narrow on `code`.
  const init = await kt.init('cp', 'token', 'alice', 'Alice');
  if (init.code === '200') seen.push(init.userId);
  else seen.push(init.reason);
  // @ts-expect-error userId is there only once the code is '200'
  seen.push(init.userId);

  const joined = await kt.joinRoom('room-1', '1234');
  if (joined.code !== '200') return [joined.code, joined.reason];
  seen.push(joined.title, joined.createdAt, ...Object.keys(joined.members));
  const host = joined.host;
  seen.push(host.userId);

  // Parameters and options are typed.
  const ok: boolean = await kt.publishVideo('cam', stream, { simulcast: true, resolution: 'hd' });
  // @ts-expect-error a feed is 'cam' or 'screen'
  await kt.publishVideo('camera', stream);
  // @ts-expect-error the stream is a MediaStream
  await kt.publishVideo('cam', 42);
  // @ts-expect-error no such option
  await kt.publishVideo('cam', stream, { simulcats: true });
  // @ts-expect-error resolutions are 'sd', 'hd', 'fhd'
  await kt.publishVideo('cam', stream, { resolution: '4k' });
  const sub = await kt.subscribeVideo('bob', 'screen');
  if (sub) seen.push(sub.id);
  const quality: Result = await kt.setQuality('bob', 'cam', 'h');
  // @ts-expect-error layers are 'l', 'm', 'h'
  await kt.setQuality('bob', 'cam', 'high');
  const room = await kt.createVideoRoom('room-2', 'Class', 10, true, false, { pin: '1234', guestPermit: { chat: false } });
  if (room.code === '200') seen.push(room.roomId);
  // @ts-expect-error guestPermit has no such key
  await kt.createVideoRoom('room-3', 'Class', 10, true, false, { guestPermit: { sing: true } });
  const stats = await kt.getStats('bob');
  if (stats.code === '200') seen.push(String(stats.stats.video?.fps));
  const shared = await kt.screenStart(stream);
  if (shared) seen.push(shared.code);
  kt.setTool('shape', '#ff0000', 3, 'star');
  // @ts-expect-error no such shape
  kt.setTool('shape', '#ff0000', 3, 'hexagon');

  seen.push(String(ok), quality.code, kt.getConnectionState());
  return seen;
}
