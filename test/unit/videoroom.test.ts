/**
 * The VideoRoom protocol layer as the guard serves it (sdk/janus/videoroom.ts, videoroom-events.ts)
 * against the scripted gateway: the bodies each request writes, the event that answers it, the
 * error table (and the guard's kt_code), and the per-handle queue that no request can bypass.
 */
import { VideoRoomHandle } from '../../sdk/janus/videoroom';
import { roomEventsOf } from '../../sdk/janus/videoroom-events';
import { FakeGateway, type Sent } from '../support/fake-gateway';

async function handleOn(gateway: FakeGateway): Promise<VideoRoomHandle> {
  return new VideoRoomHandle(await gateway.attach(), 500);
}

test('room management and guard requests write the documented bodies, and carry no secret', async () => {
  const gateway = new FakeGateway((sent: Sent) => {
    const { request } = sent.body;
    if (request === 'create') return { videoroom: 'created', room: sent.body.room, kt: { title: 'T', host: 'me', capacity: 4 } };
    if (request === 'kt_room') return { videoroom: 'kt_room', room: 'r1', kt: { title: 'T', recording: true } };
    if (request === 'listparticipants') return { videoroom: 'participants', participants: [{ id: 'u1', publisher: true }] };
    if (request === 'enable_recording') return { videoroom: 'success', record: true };
    if (request === 'kt_whoami') return { videoroom: 'kt_identity', id: 'me', name: 'Me', signed: true };
    return { videoroom: 'success' };
  });
  const vr = await handleOn(gateway);
  expect(await vr.create({ room: 'r1', pin: 'p', title: 'T', capacity: 4, destroy: true, talkingNoty: true, p2p: false })).toMatchObject({
    title: 'T',
    host: 'me',
    capacity: 4,
  });
  await vr.destroy('r1');
  await vr.kick('r1', 'u1');
  expect(await vr.enableRecording('r1', true)).toBe(true);
  expect(await vr.roomInfo('r1')).toMatchObject({ title: 'T', recording: true });
  expect(await vr.listParticipants('r1')).toEqual([{ id: 'u1', publisher: true }]);
  expect(await vr.whoami({ id: 'wanted', name: 'W' })).toEqual({ id: 'me', name: 'Me', signed: true });
  await vr.message('r1', { k: 'chat', m: 'hi' }, 'u1');
  await vr.message('r1', { k: 'chat', m: 'all' });
  await vr.updateMember('r1', { video: false });
  expect(gateway.sent.map((s) => s.body)).toEqual([
    {
      request: 'create',
      room: 'r1',
      pin: 'p',
      kt: { title: 'T', capacity: 4, destroy: true, talkingNoty: true, p2p: false },
      audiolevel_event: true,
      audio_active_packets: 50,
    },
    { request: 'destroy', room: 'r1' },
    { request: 'kick', room: 'r1', id: 'u1' },
    { request: 'enable_recording', room: 'r1', record: true },
    { request: 'kt_room', room: 'r1' },
    { request: 'listparticipants', room: 'r1' },
    { request: 'kt_whoami', id: 'wanted', name: 'W' },
    { request: 'kt_message', room: 'r1', body: { k: 'chat', m: 'hi' }, to: 'u1' },
    { request: 'kt_message', room: 'r1', body: { k: 'chat', m: 'all' } },
    { request: 'kt_user', room: 'r1', video: false },
  ]);
});

test("an error in a response is the plugin error with its code; the guard's kt_code wins", async () => {
  const gateway = new FakeGateway((sent: Sent) => {
    if (sent.body.request === 'listparticipants') return { videoroom: 'event', error_code: 426, error: 'No such room (x)' };
    if (sent.body.request === 'kt_message') return { videoroom: 'event', error_code: 433, error: 'not a member', kt_code: '422' };
    if (sent.body.request === 'kick') return { videoroom: 'event', error_code: 433, error: 'Only the host', kt_code: 'nonsense' };
    return { videoroom: 'event', error_code: 433, error: 'Only the host may do this', kt_code: '413' };
  });
  const vr = await handleOn(gateway);
  await expect(vr.listParticipants('x')).rejects.toMatchObject({ code: '441', janusCode: 426, reason: 'No such room (x)' });
  await expect(vr.destroy('x')).rejects.toMatchObject({ code: '413', janusCode: 433 });
  await expect(vr.message('x', {}, 'nobody')).rejects.toMatchObject({ code: '422', janusCode: 433 });
  // A kt_code that is not one of ours is ignored: Janus's own code decides.
  await expect(vr.kick('x', 'u')).rejects.toMatchObject({ code: '413', janusCode: 433 });
});

test('an asynchronous request resolves with the event that answers it, and fails with an error event', async () => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    if (sent.body.request === 'join' && sent.body.pin === 'wrong') handle.emit({ videoroom: 'event', error_code: 433, error: 'Unauthorized (wrong pin)' });
    else if (sent.body.request === 'join' && sent.body.room === 'full')
      handle.emit({ videoroom: 'event', error_code: 432, error: 'room full', kt_code: '444' });
    else if (sent.body.request === 'join' && sent.body.room === 'not-yours')
      handle.emit({ videoroom: 'event', error_code: 433, error: 'not allowed', kt_code: '413' });
    else if (sent.body.request === 'join') {
      handle.emit({ videoroom: 'event', configured: 'ok' }); // not the answer: ignored
      handle.emit({ videoroom: 'joined', room: sent.body.room, id: sent.body.id, private_id: 7 });
    }
    if (sent.body.request === 'configure') handle.emit({ videoroom: 'event', configured: 'ok' }, { type: 'answer', sdp: 'a' });
    return undefined;
  });
  const vr = await handleOn(gateway);
  const info = { device: 'pc', video: true, audio: false };
  const joined = await vr.serial((r) => r.joinAsPublisher({ room: 'r', id: 'me', display: 'Me', info }));
  expect(joined).toMatchObject({ videoroom: 'joined', private_id: 7 });
  expect(gateway.sent[0].body).toEqual({ request: 'join', ptype: 'publisher', room: 'r', id: 'me', display: 'Me', kt: info });
  const answer = await vr.serial((r) => r.configure({ descriptions: [{ mid: '0', description: 'cam' }] }, { type: 'offer', sdp: 'o' }));
  expect(answer.jsep).toEqual({ type: 'answer', sdp: 'a' });
  expect(gateway.sent[1]).toMatchObject({
    body: { request: 'configure', descriptions: [{ mid: '0', description: 'cam' }] },
    jsep: { type: 'offer', sdp: 'o' },
  });
  // A wrong PIN at join is Knowledgetalk's '411' (the password does not match).
  await expect(vr.serial((r) => r.joinAsPublisher({ room: 'r', id: 'me', display: 'Me', pin: 'wrong', info }))).rejects.toMatchObject({
    code: '411',
    janusCode: 433,
  });
  // The guard's capacity refusal is Knowledgetalk's '444'.
  await expect(vr.serial((r) => r.joinAsPublisher({ room: 'full', id: 'me', display: 'Me', info }))).rejects.toMatchObject({ code: '444', janusCode: 432 });
  // A room the token does not name: the guard's 433 says '413', not a PIN problem.
  await expect(vr.serial((r) => r.joinAsPublisher({ room: 'not-yours', id: 'me', display: 'Me', info }))).rejects.toMatchObject({
    code: '413',
    janusCode: 433,
  });
});

test('an asynchronous request that is never answered times out with 504', async () => {
  const gateway = new FakeGateway();
  const vr = await handleOn(gateway);
  await expect(vr.serial((r) => r.leave())).rejects.toMatchObject({ code: '504' });
});

test('asynchronous requests run one at a time per handle, and only inside their slot', async () => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    setTimeout(() => handle.emit({ videoroom: 'event', configured: 'ok' }), sent.body.descriptions?.[0]?.mid === 'slow' ? 50 : 0);
    return undefined;
  });
  const vr = await handleOn(gateway);
  const order: string[] = [];
  const slow = vr.serial(async (r) => {
    order.push('slow sent');
    await r.configure({ descriptions: [{ mid: 'slow', description: 'cam' }] }, { type: 'offer', sdp: 'o' });
    order.push('slow answered');
  });
  const fast = vr.serial(async (r) => {
    order.push('fast sent');
    await r.configure({ descriptions: [] }, { type: 'offer', sdp: 'o' });
  });
  await Promise.all([slow, fast]);
  expect(order).toEqual(['slow sent', 'slow answered', 'fast sent']);
  // Requests kept past their slot are refused, not sent beside the queue.
  let kept: Parameters<Parameters<VideoRoomHandle['serial']>[0]>[0] | undefined;
  await vr.serial(async (r) => void (kept = r));
  const before = gateway.sent.length;
  await expect(kept!.unpublish()).rejects.toMatchObject({ code: '599' });
  expect(gateway.sent.length).toBe(before);
});

test('the subscriber requests write their bodies; start is done once acknowledged', async () => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    if (sent.body.request === 'join') handle.emit({ videoroom: 'attached', streams: [] }, { type: 'offer', sdp: 'o' });
    if (sent.body.request === 'update') handle.emit({ videoroom: 'updating' });
    if (sent.body.request === 'configure') handle.emit({ videoroom: 'event', configured: 'ok' });
    return undefined;
  });
  const vr = await handleOn(gateway);
  const attached = await vr.serial((r) => r.joinAsSubscriber({ room: 'r', privateId: 7, streams: [{ feed: 'a', mid: '1' }], pin: 'p' }));
  expect(attached.jsep?.type).toBe('offer');
  await vr.serial(async (r) => {
    await r.start({ type: 'answer', sdp: 'x' });
    await r.update({ subscribe: [{ feed: 'b', mid: '0' }] });
    await r.configureStreams([{ mid: '0', substream: 1 }]);
  });
  expect(gateway.sent.map((s) => s.body)).toEqual([
    { request: 'join', ptype: 'subscriber', room: 'r', private_id: 7, streams: [{ feed: 'a', mid: '1' }], pin: 'p' },
    { request: 'start' },
    { request: 'update', subscribe: [{ feed: 'b', mid: '0' }] },
    { request: 'configure', streams: [{ mid: '0', substream: 1 }] },
  ]);
  expect(gateway.sent[1].jsep).toEqual({ type: 'answer', sdp: 'x' });
});

describe('the event classifier', () => {
  test.each([
    [{ videoroom: 'destroyed', room: 'r' }, [{ name: 'destroyed' }]],
    [{ videoroom: 'event', leaving: 'ok', reason: 'kicked' }, [{ name: 'kickedOut' }]],
    [{ videoroom: 'talking', id: 'a' }, [{ name: 'talking', id: 'a', talking: true }]],
    [{ videoroom: 'stopped-talking', id: 'a' }, [{ name: 'talking', id: 'a', talking: false }]],
    [{ videoroom: 'event', id: 'a', display: 'A2' }, [{ name: 'display', id: 'a', display: 'A2' }]],
    [{ videoroom: 'event', joining: { id: 'b', display: 'B' } }, [{ name: 'joining', id: 'b', display: 'B' }]],
    [{ videoroom: 'event', publishers: [{ id: 'c' }] }, [{ name: 'publishers', publishers: [{ id: 'c' }] }]],
    [{ videoroom: 'event', unpublished: 'c' }, [{ name: 'unpublished', id: 'c' }]],
    [{ videoroom: 'event', leaving: 'c' }, [{ name: 'left', id: 'c' }]],
    [{ videoroom: 'event', kicked: 'c' }, [{ name: 'left', id: 'c' }]],
    [{ videoroom: 'event', mid: '1', substream: 2 }, [{ name: 'substream', mid: '1', substream: 2 }]],
    [
      { videoroom: 'kt_message', room: 'r', from: { id: 'a', name: 'A' }, whisper: true, body: { k: 'chat' } },
      [{ name: 'message', from: 'a', whisper: true, body: { k: 'chat' } }],
    ],
    [
      { videoroom: 'kt_member', room: 'r', member: { id: 'a', name: 'A2', video: false } },
      [
        {
          name: 'member',
          member: {
            id: 'a',
            name: 'A2',
            userType: 'guest',
            device: '',
            video: false,
            audio: true,
            permit: { chat: true, draw: true, screen: true, whiteboard: true, document: true },
          },
        },
      ],
    ],
    [
      { videoroom: 'kt_share', room: 'r', share: { type: 'whiteboard', user: 'a', board: 2 } },
      [{ name: 'share', share: { type: 'whiteboard', user: 'a', board: 2 }, ended: null }],
    ],
    [
      { videoroom: 'kt_share', room: 'r', share: null, ended: { type: 'document', user: 'a', board: 2 } },
      [{ name: 'share', share: null, ended: { type: 'document', user: 'a', board: 2 } }],
    ],
    [{ videoroom: 'kt_board', room: 'r', from: 'a', board: 2, update: 'AAE=' }, [{ name: 'board', from: 'a', board: 2, update: 'AAE=', transient: undefined }]],
    [{ videoroom: 'kt_board', room: 'r', board: 2, update: 'AAE=' }, []],
    [{ videoroom: 'kt_group', room: 'r', group: 'G1', title: 'T', from: 'h' }, [{ name: 'group', group: 'G1', title: 'T', from: 'h' }]],
    [{ videoroom: 'kt_group_end', room: 'G1', main: 'r' }, [{ name: 'groupEnd', group: 'G1', main: 'r' }]],
    [{ videoroom: 'kt_replaced' }, [{ name: 'replaced' }]],
    [{ videoroom: 'kt_message', room: 'r', sent: {} }, []],
    [{ videoroom: 'event', configured: 'ok' }, []],
  ])('%j', (data, events) => {
    expect(roomEventsOf(data)).toEqual(events);
  });

  test('one event saying several things comes out in the order the room applies them', () => {
    const data = { videoroom: 'event', unpublished: 'a', leaving: 'a', joining: { id: 'b' } };
    expect(roomEventsOf(data).map((e) => e.name)).toEqual(['joining', 'unpublished', 'left']);
  });
});
