import { decodeDisplay, decodeRoomMeta, encodeDisplay, encodeRoomMeta, feedTypeOf } from '../../sdk/room/wire-format';

test('room metadata survives the trip through the Janus description', () => {
  const meta = { title: '회의실 "A"', host: 'u1', capacity: 4, destroy: true, p2p: false, talkingNoty: false, createdAt: 1700000000000 };
  expect(decodeRoomMeta(encodeRoomMeta(meta))).toEqual(meta);
});

test('a description not written by us is read as a plain title', () => {
  expect(decodeRoomMeta('Demo Room')).toEqual({
    title: 'Demo Room', host: '', capacity: null, destroy: false, p2p: false, talkingNoty: false, createdAt: 0,
  });
  expect(decodeRoomMeta('kt1:{not json')).toMatchObject({ title: 'kt1:{not json', capacity: null });
  expect(decodeRoomMeta('kt1:{"capacity":-3,"host":5}')).toMatchObject({ capacity: null, host: '' });
  expect(decodeRoomMeta(undefined)).toMatchObject({ title: '' });
});

test('display carries name, device and the camera/microphone switches; a foreign display is a name', () => {
  const kim = { name: 'Kim', device: 'pc', video: false, audio: true };
  expect(decodeDisplay(encodeDisplay(kim))).toEqual(kim);
  expect(decodeDisplay('Lee')).toEqual({ name: 'Lee', device: '', video: true, audio: true });
  expect(decodeDisplay(42)).toEqual({ name: '', device: '', video: true, audio: true });
});

test('streams are camera unless labelled screen', () => {
  expect(feedTypeOf('screen')).toBe('screen');
  expect(feedTypeOf('cam')).toBe('cam');
  expect(feedTypeOf(undefined)).toBe('cam');
});
