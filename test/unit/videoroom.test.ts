/**
 * The VideoRoom protocol layer (sdk/janus/videoroom.ts, videoroom-events.ts) against the scripted
 * gateway: the bodies each request writes, the event that answers it, the plugin's error table,
 * and the per-handle queue that no request can bypass.
 */
import { VideoRoomHandle } from '../../sdk/janus/videoroom';
import { roomEventsOf } from '../../sdk/janus/videoroom-events';
import { FakeGateway, type Sent } from '../support/fake-gateway';

async function handleOn(gateway: FakeGateway): Promise<VideoRoomHandle> {
  return new VideoRoomHandle(await gateway.attach(), 500);
}

test('room management requests write the documented bodies', async () => {
  const gateway = new FakeGateway((sent: Sent) => {
    if (sent.body.request === 'list') return { videoroom: 'success', list: [{ room: 'a' }, { room: 'r1', record: true }] };
    if (sent.body.request === 'listparticipants') return { videoroom: 'participants', participants: [{ id: 'u1', publisher: true }] };
    if (sent.body.request === 'enable_recording') return { videoroom: 'success', record: true };
    return { videoroom: 'success' };
  });
  const vr = await handleOn(gateway);
  await vr.create({ room: 'r1', secret: 's', pin: 'p', description: 'd', capacity: 4, talkingEvents: true });
  await vr.destroy('r1', 's');
  await vr.kick('r1', 'u1', 's');
  expect(await vr.enableRecording('r1', true, 's')).toBe(true);
  expect(await vr.find('r1')).toEqual({ room: 'r1', record: true });
  expect(await vr.find('nope')).toBeUndefined();
  expect(await vr.listParticipants('r1')).toEqual([{ id: 'u1', publisher: true }]);
  expect(gateway.sent.map((s) => s.body)).toEqual([
    {
      request: 'create',
      room: 'r1',
      secret: 's',
      pin: 'p',
      description: 'd',
      publishers: 4,
      notify_joining: true,
      is_private: false,
      permanent: false,
      lock_record: true,
      audiolevel_event: true,
      audio_active_packets: 50,
    },
    { request: 'destroy', room: 'r1', secret: 's' },
    { request: 'kick', room: 'r1', id: 'u1', secret: 's' },
    { request: 'enable_recording', room: 'r1', record: true, secret: 's' },
    { request: 'list' },
    { request: 'list' },
    { request: 'listparticipants', room: 'r1' },
  ]);
});

test('an error in a response is the plugin error with its code; a refused secret is 413', async () => {
  const gateway = new FakeGateway((sent: Sent) => {
    if (sent.body.request === 'listparticipants') return { videoroom: 'event', error_code: 426, error: 'No such room (x)' };
    return { videoroom: 'event', error_code: 433, error: 'Unauthorized (wrong secret)' };
  });
  const vr = await handleOn(gateway);
  await expect(vr.listParticipants('x')).rejects.toMatchObject({ code: '441', janusCode: 426, reason: 'No such room (x)' });
  await expect(vr.destroy('x', 'guess')).rejects.toMatchObject({ code: '413', janusCode: 433 });
  await expect(vr.kick('x', 'u', undefined)).rejects.toMatchObject({ code: '413' });
});

test('an asynchronous request resolves with the event that answers it, and fails with an error event', async () => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    if (sent.body.request === 'join' && sent.body.pin === 'wrong') handle.emit({ videoroom: 'event', error_code: 433, error: 'Unauthorized (wrong pin)' });
    else if (sent.body.request === 'join') {
      handle.emit({ videoroom: 'event', configured: 'ok' }); // not the answer: ignored
      handle.emit({ videoroom: 'joined', room: sent.body.room, id: sent.body.id, private_id: 7 });
    }
    if (sent.body.request === 'configure') handle.emit({ videoroom: 'event', configured: 'ok' }, { type: 'answer', sdp: 'a' });
    return undefined;
  });
  const vr = await handleOn(gateway);
  const joined = await vr.serial((r) => r.joinAsPublisher({ room: 'r', id: 'me', display: 'Me' }));
  expect(joined).toMatchObject({ videoroom: 'joined', private_id: 7 });
  expect(gateway.sent[0].body).toEqual({ request: 'join', ptype: 'publisher', room: 'r', id: 'me', display: 'Me' });
  const answer = await vr.serial((r) => r.configure({ descriptions: [{ mid: '0', description: 'cam' }] }, { type: 'offer', sdp: 'o' }));
  expect(answer.jsep).toEqual({ type: 'answer', sdp: 'a' });
  expect(gateway.sent[1]).toMatchObject({ body: { request: 'configure', descriptions: [{ mid: '0', description: 'cam' }] }, jsep: { type: 'offer', sdp: 'o' } });
  // A wrong PIN at join is the app's '401'.
  await expect(vr.serial((r) => r.joinAsPublisher({ room: 'r', id: 'me', display: 'Me', pin: 'wrong' }))).rejects.toMatchObject({ code: '401', janusCode: 433 });
});

test('an asynchronous request that is never answered times out with 504', async () => {
  const gateway = new FakeGateway();
  const vr = await handleOn(gateway);
  await expect(vr.serial((r) => r.leave())).rejects.toMatchObject({ code: '504' });
});

test('asynchronous requests run one at a time per handle, and only inside their slot', async () => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    setTimeout(() => handle.emit({ videoroom: 'event', configured: 'ok' }), sent.body.display === 'slow' ? 50 : 0);
    return undefined;
  });
  const vr = await handleOn(gateway);
  const order: string[] = [];
  const slow = vr.serial(async (r) => {
    order.push('slow sent');
    await r.configure({ display: 'slow' });
    order.push('slow answered');
  });
  const fast = vr.serial(async (r) => {
    order.push('fast sent');
    await r.configure({ display: 'fast' });
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
    [{ videoroom: 'event', configured: 'ok' }, []],
  ])('%j', (data, events) => {
    expect(roomEventsOf(data)).toEqual(events);
  });

  test('one event saying several things comes out in the order the room applies them', () => {
    const data = { videoroom: 'event', unpublished: 'a', leaving: 'a', joining: { id: 'b' } };
    expect(roomEventsOf(data).map((e) => e.name)).toEqual(['joining', 'unpublished', 'left']);
  });
});
