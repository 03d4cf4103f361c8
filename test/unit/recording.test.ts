/**
 * Room-wide recording state (sdk/room/recording.ts) against a scripted control handle: what is
 * sent to Janus, the room secret's refusal as '413', and a change announced once per change, read
 * from the gateway and not from the notice.
 */
import type { PluginHandle } from '../../sdk/janus/types';
import { VideoRoomHandle, videoRoomError as pluginError } from '../../sdk/janus/videoroom';
import { parseEnvelope } from '../../sdk/messaging/envelope';
import { RoomRecording, isRecorded } from '../../sdk/room/recording';

/** A control handle whose room list says `recording`, and that refuses enable_recording without `secret`. */
function fakeControl(secret: string | undefined) {
  const state = { recording: false, sent: [] as Record<string, unknown>[] };
  const handle = {
    async send(body: Record<string, unknown>) {
      state.sent.push(body);
      if (body.request === 'list') return { videoroom: 'success', list: [{ room: 'other', record: true }, { room: 'r1', record: state.recording }] };
      if (body.request === 'enable_recording') {
        if (secret !== undefined && body.secret === undefined) throw pluginError(429, 'Missing element (secret)');
        if (secret !== undefined && body.secret !== secret) throw pluginError(433, 'Unauthorized (wrong secret)');
        state.recording = body.record === true;
        return { videoroom: 'success', record: state.recording };
      }
      throw pluginError(423, 'unexpected request');
    },
  } as unknown as PluginHandle;
  return { handle: new VideoRoomHandle(handle, 1000), state };
}

test('the host turns recording on and off with the room secret; each change is announced once', async () => {
  const { handle, state } = fakeControl('s3cret');
  const changes: boolean[] = [];
  const rec = new RoomRecording({ control: handle, roomId: 'r1', secret: 's3cret', onChange: (on) => changes.push(on) }, false);
  await rec.set(true);
  await rec.set(true);
  expect(rec.active).toBe(true);
  await rec.set(false);
  expect(changes).toEqual([true, false]);
  expect(state.sent[0]).toEqual({ request: 'enable_recording', room: 'r1', record: true, secret: 's3cret' });
});

test('without the secret the gateway refuses: 413, and nothing changes', async () => {
  const { handle } = fakeControl('s3cret');
  const changes: boolean[] = [];
  const rec = new RoomRecording({ control: handle, roomId: 'r1', onChange: (on) => changes.push(on) }, false);
  await expect(rec.set(true)).rejects.toMatchObject({ code: '413', janusCode: 429 });
  const wrong = new RoomRecording({ control: handle, roomId: 'r1', secret: 'guess', onChange: (on) => changes.push(on) }, false);
  await expect(wrong.set(true)).rejects.toMatchObject({ code: '413', janusCode: 433 });
  expect(changes).toEqual([]);
});

test('members read the state from the room list: a notice alone changes nothing', async () => {
  const { handle, state } = fakeControl(undefined);
  const changes: boolean[] = [];
  const rec = new RoomRecording({ control: handle, roomId: 'r1', onChange: (on) => changes.push(on) }, false);
  await rec.refresh();
  expect(changes).toEqual([]);
  state.recording = true;
  await rec.refresh();
  await rec.refresh();
  expect(changes).toEqual([true]);
  expect(isRecorded({ room: 'r1', record: 'yes' })).toBe(false);
  expect(isRecorded(undefined)).toBe(false);
  expect(parseEnvelope(JSON.stringify({ k: 'rec', recording: false }))).toEqual({ k: 'rec' });
});
