/**
 * Room-wide recording state (sdk/room/recording.ts) against a scripted control handle: what is
 * sent to the guard, its refusal of a non-host as '413', and a change announced once per change,
 * read from the gateway and not from the notice.
 */
import type { PluginHandle } from '../../sdk/janus/types';
import { VideoRoomHandle, videoRoomError as pluginError } from '../../sdk/janus/videoroom';
import { parseEnvelope } from '../../sdk/messaging/envelope';
import { RoomRecording } from '../../sdk/room/recording';

/** A control handle whose room view says `recording`, and that refuses enable_recording unless we are `host`. */
function fakeControl(host: boolean) {
  const state = { recording: false, sent: [] as Record<string, unknown>[] };
  const handle = {
    async send(body: Record<string, unknown>) {
      state.sent.push(body);
      if (body.request === 'kt_room') return { videoroom: 'kt_room', room: body.room, kt: { title: 'T', recording: state.recording } };
      if (body.request === 'enable_recording') {
        if (!host) return { videoroom: 'event', error_code: 433, error: 'Only the host may do this', kt_code: '413' };
        state.recording = body.record === true;
        return { videoroom: 'success', record: state.recording };
      }
      throw pluginError(423, 'unexpected request');
    },
  } as unknown as PluginHandle;
  return { handle: new VideoRoomHandle(handle, 1000), state };
}

test('the host turns recording on and off; each change is announced once', async () => {
  const { handle, state } = fakeControl(true);
  const changes: boolean[] = [];
  const rec = new RoomRecording({ control: handle, roomId: 'r1', onChange: (on) => changes.push(on) }, false);
  await rec.set(true);
  await rec.set(true);
  expect(rec.active).toBe(true);
  await rec.set(false);
  expect(changes).toEqual([true, false]);
  expect(state.sent[0]).toEqual({ request: 'enable_recording', room: 'r1', record: true });
});

test('for anyone but the host the guard refuses: 413, and nothing changes', async () => {
  const { handle } = fakeControl(false);
  const changes: boolean[] = [];
  const rec = new RoomRecording({ control: handle, roomId: 'r1', onChange: (on) => changes.push(on) }, false);
  await expect(rec.set(true)).rejects.toMatchObject({ code: '413', janusCode: 433 });
  expect(rec.active).toBe(false);
  expect(changes).toEqual([]);
});

test('members read the state from the guard: a notice alone changes nothing', async () => {
  const { handle, state } = fakeControl(false);
  const changes: boolean[] = [];
  const rec = new RoomRecording({ control: handle, roomId: 'r1', onChange: (on) => changes.push(on) }, false);
  await rec.refresh();
  expect(changes).toEqual([]);
  state.recording = true;
  await rec.refresh();
  await rec.refresh();
  expect(changes).toEqual([true]);
  expect(parseEnvelope({ k: 'rec', recording: false })).toEqual({ k: 'rec' });
});
