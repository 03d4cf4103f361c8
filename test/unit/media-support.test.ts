/**
 * Where the browser lacks what a device call needs, the call says so with '501' (not supported)
 * instead of failing in some other way. Node has neither `navigator.mediaDevices` nor
 * `HTMLMediaElement.setSinkId`, which makes it such a place.
 */
import { captureTrack, listDevices, watchDevices } from '../../sdk/media/devices';
import { canChooseSpeaker, SpeakerOutput } from '../../sdk/media/speaker';

test("choosing the speaker without setSinkId is '501'", async () => {
  expect(canChooseSpeaker()).toBe(false);
  await expect(new SpeakerOutput(() => []).choose('any')).rejects.toMatchObject({ code: '501' });
});

test("listing or opening devices without navigator.mediaDevices is '501'", async () => {
  await expect(listDevices()).rejects.toMatchObject({ code: '501' });
  await expect(captureTrack('video', 'cam-1')).rejects.toMatchObject({ code: '501' });
});

test('watching device changes without navigator.mediaDevices is a no-op', () => {
  const stop = watchDevices(
    () => {
      throw new Error('no change can come');
    },
    () => {},
  );
  expect(() => stop()).not.toThrow();
});
