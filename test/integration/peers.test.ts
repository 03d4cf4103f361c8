/**
 * Per-feed control on a real Janus: 1:1 publishing (publishP2P → `subscribed` → getStream),
 * removePeer ending the stream it returned, removeLocalPeer, and changeLocalStream swapping the
 * camera without renegotiation (the receiving side's pixels change, our SDP does not).
 */
import { createAndJoin, disconnectAll, expectFrames, initAll, isBlack, isBlue, isRed, newRoomId, useMembers, waitForPixel, waitUntil } from '../support/call';

const open = useMembers();
const CAMERA = { video: { width: 320, height: 240 }, audio: true };

test('1:1 room: publishP2P reaches the other as subscribed, both ways, with frames', async () => {
  const [a, b] = await open(2);
  await initAll([a, b], ['caller', 'callee']);
  const roomId = newRoomId('p2p');
  expect(await a.call('createRoom', roomId, 'Call')).toEqual({ code: '200', roomId });
  for (const m of [a, b]) expect((await m.call('joinRoom', roomId)).code).toBe('200');

  await a.harness('gum', 'cam', CAMERA);
  expect(await a.harness('use', 'publishP2P', 'callee', 'cam', { $stream: 'cam' })).toBe(true);
  expect(await b.waitForPresence((p) => p.type === 'subscribed')).toEqual({
    eventOp: 'presence',
    type: 'subscribed',
    roomId,
    user: 'caller',
    cam: true,
    feedType: 'cam',
  });
  expect(await b.harness('adopt', 'caller', 'cam', 'caller')).toEqual({ audio: 1, video: 1 });
  await expectFrames(b, 'caller', 'cam');

  await b.harness('gum', 'cam', CAMERA);
  expect(await b.harness('use', 'publishP2P', 'caller', 'cam', { $stream: 'cam' })).toBe(true);
  await a.waitForPresence((p) => p.type === 'subscribed' && p.user === 'callee');
  expect(await a.harness('adopt', 'callee', 'cam', 'callee')).toEqual({ audio: 1, video: 1 });
  await expectFrames(a, 'callee', 'cam');

  // getAllStreams: ours and the other's.
  expect(Object.keys(await a.call('getAllStreams')).sort()).toEqual(['callee', 'caller']);
  // Sending the same feed again is just another notice (no second publish).
  expect(await a.harness('use', 'publishP2P', 'callee', 'cam', { $stream: 'cam' })).toBe(true);
  await waitUntil('a second subscribed', async () => (await b.presence()).filter((p) => p.type === 'subscribed').length === 2);

  // Bad 1:1 calls.
  expect(await a.harness('use', 'publishP2P', 'nobody', 'cam', { $stream: 'cam' })).toBe(false);
  expect(await a.harness('use', 'publishP2P', 'caller', 'cam', { $stream: 'cam' })).toBe(false);
  expect(await a.harness('use', 'publishP2P', 'callee', 'mic', { $stream: 'cam' })).toBe(false);
  expect(await a.call('publishP2P', 'callee', 'cam', 'not a stream')).toBe(false);
  await disconnectAll([a, b]);
});

test('removePeer ends the stream it returned and frees the feed; it can be received again', async () => {
  const [a, b] = await open(2);
  await initAll([a, b], ['sender', 'receiver']);
  const roomId = newRoomId('peer');
  await createAndJoin([a, b], roomId);
  expect(await a.harness('publish', 'cam', CAMERA)).toBe(true);
  await b.waitForPresence((p) => p.type === 'publish');
  expect(await b.harness('subscribe', 'sender', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(b, 'sender', 'cam');

  expect(await b.call('removePeer', 'sender', 'cam')).toBe(true);
  expect(await b.harness('trackStates', 'sender', 'cam')).toEqual(['ended', 'ended']);
  expect(await b.call('getStream', 'sender')).toBeNull();
  // Released at the gateway too: Janus renegotiated and nothing is received any more.
  await waitUntil('no m-line receiving', async () => (await b.harness('receivingMlines')) === 0);
  expect(await b.call('removePeer', 'sender', 'cam')).toBe(false);
  expect(await b.call('removePeer', 'nobody', 'cam')).toBe(false);
  expect(await b.call('removePeer')).toBe(false);
  expect(await b.call('removePeer', 'sender', 'tv')).toBe(false);

  expect(await b.harness('subscribe', 'sender', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(b, 'sender', 'cam');

  // removeLocalPeer: the sender stops; the receiver is told and its stream ends.
  expect(await a.call('removeLocalPeer', 'receiver', 'cam')).toBe(true);
  await b.waitForPresence((p) => p.type === 'unpublish' && p.user === 'sender' && p.feedType === 'cam');
  await waitUntil('the received stream ended', async () => (await b.harness('trackStates', 'sender', 'cam')).every((s: string) => s === 'ended'));
  // The sending PeerConnection is gone, and it was the only one (messages go through the guard).
  expect(await a.harness('openPeerConnectionKinds')).toEqual([]);
  expect(await a.call('removeLocalPeer', 'receiver', 'cam')).toBe(false);
  // And publishes again.
  expect(await a.harness('publish', 'cam', CAMERA)).toBe(true);
  await waitUntil('a second publish', async () => (await b.presence()).filter((p) => p.type === 'publish').length === 2);
  expect(await b.harness('subscribe', 'sender', 'cam')).toEqual({ audio: 1, video: 1 });
  await expectFrames(b, 'sender', 'cam');
  await disconnectAll([a, b]);
});

test('changeLocalStream swaps the camera without renegotiating; the receiver sees the new source', async () => {
  const [a, b] = await open(2);
  await initAll([a, b], ['swapper', 'looker']);
  const roomId = newRoomId('swap');
  await createAndJoin([a, b], roomId);
  expect(await a.harness('publish', 'cam', CAMERA)).toBe(true);
  await b.waitForPresence((p) => p.type === 'publish');
  expect(await b.harness('subscribe', 'swapper', 'cam')).toEqual({ audio: 1, video: 1 });
  await waitForPixel(b, 'swapper', 'cam', (rgb) => !isRed(rgb) && !isBlack(rgb));
  const sdpBefore = await a.harness('senderSdp');

  await a.harness('canvas', 'red', '#ff0000', { tone: true });
  expect(await a.harness('use', 'changeLocalStream', { $stream: 'red' })).toBe(true);
  await waitForPixel(b, 'swapper', 'cam', isRed);
  await a.harness('canvas', 'blue', '#0000ff');
  expect(await a.harness('use', 'changeLocalStream', { $stream: 'blue' })).toBe(true);
  await waitForPixel(b, 'swapper', 'cam', isBlue);
  expect(await a.harness('senderSdp')).toBe(sdpBefore);
  expect(await a.harness('use', 'getStream', 'swapper')).toEqual({ audio: 0, video: 1 });
  // The blue source has no audio: the audio sender is idle, the receiver's stream keeps its tracks.
  expect(await b.harness('trackStates', 'swapper', 'cam')).toEqual(['live', 'live']);

  expect(await a.call('changeLocalStream')).toBe(false);
  expect(await a.call('changeLocalStream', 'x')).toBe(false);
  await b.harness('canvas', 'green', '#00ff00');
  expect(await b.harness('use', 'changeLocalStream', { $stream: 'green' })).toBe(false);
  await disconnectAll([a, b]);
});
