/**
 * Recording (issue 8) on a gateway of this file's own, so the test knows its recordings folder
 * (startGateway `recordingsDir`): the host records the room for ~3 s, every publisher's feed lands
 * there as .mjr files, gateway-config/convert-recordings.sh turns them into WebM/Opus with
 * janus-pp-rec, and ffprobe reads codecs and durations. Also: who may record ('413' for a guest, the
 * guard deciding, also for a host who reloads), the
 * `recording` presence, and `isRecording` for a member who joins a room being recorded.
 *
 * Durations are checked within a window (from 1.5 s to 1 s more than the time between the start
 * and stop calls): the machine is shared and the first video frame waits for a keyframe, so only
 * "about what was recorded" is meaningful.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { startGateway, type Gateway } from '../../gateway-config/start.cjs';
import type { MemberPage } from '../support/browser';
import { disconnectAll, expectFrames, initAll, newRoomId, useMembers, waitForPublish } from '../support/call';

const ROOT = path.resolve(__dirname, '..', '..');
const CONVERT = path.join(ROOT, 'gateway-config', 'convert-recordings.sh');
const RECORD_MS = 3000;
const CAM = { video: { width: 320, height: 240 }, audio: true };

const open = useMembers();
let gateway: Gateway;

beforeAll(async () => {
  const out = path.join(ROOT, 'test-output');
  mkdirSync(out, { recursive: true });
  gateway = await startGateway({
    freePorts: true,
    quiet: true,
    logFile: path.join(out, 'janus-recording.log'),
    recordingsDir: mkdtempSync(path.join(out, 'recordings-')),
  });
});

afterAll(async () => {
  await gateway?.stop();
  if (gateway) rmSync(gateway.recordingsDir, { recursive: true, force: true });
});

/** Member pages whose SDK talks to this file's gateway. */
async function openMembers(n: number): Promise<MemberPage[]> {
  const members = await open(n);
  for (const m of members) await m.page.evaluate((server) => (window as any).harness.create({ server }), gateway.wsUrl);
  return members;
}

interface Probe {
  duration: number;
  codecs: string[];
}

/** Codecs and duration (s) of a media file, as ffprobe reads them. */
function probe(file: string): Probe {
  const json = execFileSync('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name:format=duration', '-of', 'json', file], {
    encoding: 'utf8',
  });
  const { streams, format } = JSON.parse(json) as { streams: { codec_name: string }[]; format: { duration?: string } };
  return { duration: Number(format.duration), codecs: streams.map((s) => s.codec_name).sort() };
}

const filesOf = (dir: string, roomId: string) =>
  readdirSync(dir)
    .filter((f) => f.startsWith(`videoroom-${roomId}-user-`))
    .sort();

test('the host records every feed of the room; the files convert to ~3 s of VP8 and Opus', async () => {
  const members = await openMembers(3);
  const [host, guest, late] = members;
  const [hostId, guestId, lateId] = await initAll(members, ['rec-host', 'rec-guest', 'rec-late']);
  const roomId = newRoomId('rec');
  expect(await host.call('createVideoRoom', roomId, 'Recorded')).toEqual({ code: '200', roomId });
  for (const m of [host, guest]) expect(await m.call('joinRoom', roomId)).toMatchObject({ code: '200', isRecording: false });
  for (const m of [host, guest]) expect(await m.harness('publish', 'cam', CAM)).toBe(true);
  // Media reaches the gateway from both before the recording starts.
  await waitForPublish(guest, hostId);
  await waitForPublish(host, guestId);
  expect(await guest.harness('subscribe', hostId, 'cam')).toEqual({ audio: 1, video: 1 });
  expect(await host.harness('subscribe', guestId, 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(guest, hostId, 'cam');
  await expectFrames(host, guestId, 'cam');
  // Nothing is recorded unless the host asks.
  expect(filesOf(gateway.recordingsDir, roomId)).toEqual([]);

  expect(await guest.call('startRecording')).toMatchObject({ code: '413' });
  expect(await host.call('startRecording')).toEqual({ code: '200' });
  const started = Date.now();
  for (const m of [host, guest]) {
    expect(await m.waitForPresence((p) => p.type === 'recording')).toEqual({ eventOp: 'presence', type: 'recording', roomId, recording: true });
  }
  // A member who comes in while the room is recorded is told so.
  expect(await late.call('joinRoom', roomId)).toMatchObject({ code: '200', isRecording: true });
  // A guest can neither stop it nor start it again; starting twice is '452', "already recording".
  expect(await guest.call('stopRecording')).toMatchObject({ code: '413' });
  expect(await host.call('startRecording')).toMatchObject({ code: '452' });
  await new Promise((r) => setTimeout(r, RECORD_MS - (Date.now() - started)));
  expect(await host.call('stopRecording')).toEqual({ code: '200' });
  const recordedMs = Date.now() - started;
  for (const m of [host, guest, late]) {
    await m.waitForPresence((p) => p.type === 'recording' && p.recording === false);
  }
  // Each side got exactly one `recording: true` (the repeated start changed nothing).
  expect((await guest.presence()).filter((p) => p.type === 'recording').map((p) => p.recording)).toEqual([true, false]);

  // One .mjr per stream of each publisher (audio and video); the silent late member has none.
  const mjr = filesOf(gateway.recordingsDir, roomId);
  for (const id of [hostId, guestId]) {
    const mine = mjr.filter((f) => f.includes(`-user-${id}-`));
    expect(mine.filter((f) => /-audio-\d+\.mjr$/.test(f))).toHaveLength(1);
    expect(mine.filter((f) => /-video-\d+\.mjr$/.test(f))).toHaveLength(1);
  }
  expect(mjr.filter((f) => f.includes(`-user-${lateId}-`))).toEqual([]);

  const converted = mkdtempSync(path.join(gateway.recordingsDir, 'converted-'));
  const t0 = Date.now();
  execFileSync('bash', [CONVERT, gateway.recordingsDir, converted], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const conversionMs = Date.now() - t0;
  const figures: string[] = [];
  for (const id of [hostId, guestId]) {
    const outputs = filesOf(converted, roomId).filter((f) => f.includes(`-user-${id}-`));
    const video = outputs.filter((f) => /-video-\d+\.webm$/.test(f));
    const audio = outputs.filter((f) => /-audio-\d+\.opus$/.test(f));
    const muxed = outputs.filter((f) => /-\d+\.webm$/.test(f) && !/-(audio|video)-\d+\./.test(f));
    expect([video.length, audio.length, muxed.length]).toEqual([1, 1, 1]);
    const probes = { video: probe(path.join(converted, video[0])), audio: probe(path.join(converted, audio[0])), muxed: probe(path.join(converted, muxed[0])) };
    expect(probes.video.codecs).toEqual(['vp8']);
    expect(probes.audio.codecs).toEqual(['opus']);
    expect(probes.muxed.codecs).toEqual(['opus', 'vp8']);
    for (const p of Object.values(probes)) {
      expect(p.duration).toBeGreaterThan(1.5);
      expect(p.duration).toBeLessThan(recordedMs / 1000 + 1);
    }
    figures.push(
      `${id}: video ${probes.video.duration.toFixed(2)} s, audio ${probes.audio.duration.toFixed(2)} s, muxed ${probes.muxed.duration.toFixed(2)} s`,
    );
  }
  console.log(`recorded ${recordedMs} ms; converted ${mjr.length} .mjr in ${conversionMs} ms\n${figures.join('\n')}`);
  await disconnectAll(members, gateway);
});

test('who may record: not before init, not outside a room, not a guest; the host, also after a reload', async () => {
  const members = await openMembers(2);
  const [host, guest] = members;
  expect(await host.call('startRecording')).toMatchObject({ code: '400' });
  expect(await host.call('stopRecording')).toMatchObject({ code: '400' });
  await initAll(members, ['rec-owner', 'rec-other']);
  expect(await host.call('startRecording')).toMatchObject({ code: '400' });
  const roomId = newRoomId('rec-rights');
  // destroy = false: the room outlives its host's reconnection below.
  expect(await host.call('createVideoRoom', roomId, 'Rights', undefined, false)).toEqual({ code: '200', roomId });
  expect(await host.call('stopRecording')).toMatchObject({ code: '400' });
  for (const m of members) expect((await m.call('joinRoom', roomId)).code).toBe('200');
  expect(await guest.call('startRecording')).toMatchObject({ code: '413' });
  expect(await guest.call('stopRecording')).toMatchObject({ code: '413' });

  expect((await guest.presence()).filter((p) => p.type === 'recording')).toEqual([]);
  expect(filesOf(gateway.recordingsDir, roomId)).toEqual([]);

  // The host's own id again, on a new connection (a reload): the guard holds who the host is.
  await host.call('disconnect');
  expect(await host.call('init', 'cp-code', 'auth-key', 'rec-owner')).toMatchObject({ code: '200' });
  expect((await host.call('joinRoom', roomId)).code).toBe('200');
  expect(await host.call('startRecording')).toEqual({ code: '200' });
  expect(await guest.waitForPresence((p) => p.type === 'recording')).toMatchObject({ recording: true });
  expect(await guest.call('stopRecording')).toMatchObject({ code: '413' });
  expect(await host.call('stopRecording')).toEqual({ code: '200' });
  await guest.waitForPresence((p) => p.type === 'recording' && p.recording === false);

  for (const m of members) expect(await m.call('leaveRoom', roomId)).toEqual({ code: '200' });
  await disconnectAll(members, gateway);
});
