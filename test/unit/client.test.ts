/**
 * The instance state machine against a scripted gateway: failed joins leave nothing attached and
 * the instance not half-joined; a member that loses the race for the last place steps back out.
 */
import { Client } from '../../sdk/client';
import { videoRoomError as pluginError } from '../../sdk/janus/videoroom';
import { encodeRoomMeta } from '../../sdk/room/wire-format';
import { FakeGateway, type Sent } from '../support/fake-gateway';

const meta = (capacity: number | null) =>
  encodeRoomMeta({ title: 'T', host: 'h', capacity, destroy: false, p2p: false, talkingNoty: false, createdAt: 1 });

function client(gateway: FakeGateway): Client {
  return new Client({ servers: ['ws://fake'], timeoutMs: 1000, reconnectMs: 0, connect: gateway.connect });
}

test('joining an unknown room is 441 and leaves no handle attached', async () => {
  const gateway = new FakeGateway((sent: Sent) => {
    if (sent.body.request === 'listparticipants') throw pluginError(426, 'No such room (nope)');
    if (sent.body.request === 'list') return { videoroom: 'success', list: [] };
    return undefined;
  });
  const c = client(gateway);
  await c.init('me', 'Me', '', 'token');
  await expect(c.joinRoom('nope')).rejects.toMatchObject({ code: '441', janusCode: 426 });
  const publisherHandle = gateway.handlesOf('videoroom')[1];
  expect(publisherHandle.detached).toBe(true);
  expect(c.roomId).toBeUndefined();
  expect(gateway.requests('join')).toHaveLength(0);
});

test('a full room is 444 before any join is sent', async () => {
  const gateway = new FakeGateway((sent: Sent) => {
    if (sent.body.request === 'listparticipants') return { participants: [{ id: 'a' }, { id: 'b' }] };
    if (sent.body.request === 'list') return { list: [{ room: 'r', description: meta(2) }] };
    return undefined;
  });
  const c = client(gateway);
  await c.init('me', 'Me', '', 'token');
  await expect(c.joinRoom('r')).rejects.toMatchObject({ code: '444' });
  expect(gateway.requests('join')).toHaveLength(0);
  expect(gateway.handlesOf('videoroom')[1].detached).toBe(true);
});

test('losing the race for the last place: the later joiner leaves again and gets 444', async () => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    const { request } = sent.body;
    if (request === 'listparticipants') return { participants: [{ id: 'a' }] }; // looked free
    if (request === 'list') return { list: [{ room: 'r', description: meta(2) }] };
    if (request === 'join') {
      // Meanwhile b got in first: Janus's joined lists a and b.
      handle.emit({ videoroom: 'joined', room: 'r', id: 'me', description: meta(2), publishers: [], attendees: [{ id: 'a' }, { id: 'b' }] });
    }
    if (request === 'leave') handle.emit({ videoroom: 'event', leaving: 'ok' });
    return undefined;
  });
  const c = client(gateway);
  await c.init('me', 'Me', '', 'token');
  await expect(c.joinRoom('r')).rejects.toMatchObject({ code: '444' });
  expect(gateway.requests('leave')).toHaveLength(1);
  expect(gateway.handlesOf('videoroom')[1].detached).toBe(true);
  expect(c.roomId).toBeUndefined();
});

test('disconnect during a join backs the join out and destroys the session', async () => {
  let release: () => void = () => {};
  const gateway = new FakeGateway((sent: Sent, handle) => {
    const { request } = sent.body;
    if (request === 'listparticipants') return { participants: [] };
    if (request === 'list') return { list: [] };
    if (request === 'join') {
      release = () => handle.emit({ videoroom: 'joined', room: 'r', id: 'me', description: meta(null), publishers: [] });
    }
    if (request === 'leave') handle.emit({ videoroom: 'event', leaving: 'ok' });
    return undefined;
  });
  const c = client(gateway);
  await c.init('me', 'Me', '', 'token');
  const joining = c.joinRoom('r');
  await new Promise((r) => setTimeout(r, 10));
  const disconnected = c.disconnect();
  release();
  await expect(joining).rejects.toMatchObject({ code: '400' });
  await disconnected;
  expect(c.roomId).toBeUndefined();
  expect(c.userId).toBeUndefined();
  expect(gateway.destroyed).toBe(1);
  expect(gateway.handlesOf('videoroom')[1].detached).toBe(true);
});

describe('a dropped connection', () => {
  function inRoomGateway() {
    let participants = [{ id: 'a' }];
    const gateway = new FakeGateway((sent: Sent, handle) => {
      const { request } = sent.body;
      if (request === 'listparticipants') return { participants };
      if (request === 'list') return { list: [{ room: 'r', description: meta(null) }] };
      if (request === 'join') handle.emit({ videoroom: 'joined', room: 'r', id: 'me', description: meta(null), publishers: [], attendees: [{ id: 'a' }] });
      if (request === 'leave') handle.emit({ videoroom: 'event', leaving: 'ok' });
      return undefined;
    });
    return { gateway, setParticipants: (p: { id: string }[]) => (participants = p) };
  }

  function watch(c: Client) {
    const seen: string[] = [];
    c.events.on('connectionStateChanged', ({ state }) => seen.push(state));
    c.events.on('reconnecting', () => seen.push('event:reconnecting'));
    c.events.on('reconnected', () => seen.push('event:reconnected'));
    c.events.on('disconnected', () => seen.push('event:disconnected'));
    c.events.on('presence', (p) => seen.push(`presence:${p.type}`));
    return seen;
  }

  test('is reclaimed: reconnecting, the member table resynced, then connected again', async () => {
    const { gateway, setParticipants } = inRoomGateway();
    const c = new Client({ servers: ['ws://fake'], timeoutMs: 1000, reconnectMs: 2000, connect: gateway.connect });
    const seen = watch(c);
    await c.init('me', 'Me', '', 'token');
    await c.joinRoom('r');
    setParticipants([{ id: 'me' }, { id: 'b' }]); // during the outage a left and b came
    gateway.session!.events.emit('dropped', { reason: 'socket closed' });
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual([
      'connecting',
      'connected',
      'reconnecting',
      'event:reconnecting',
      'presence:leave',
      'presence:join',
      'connected',
      'event:reconnected',
    ]);
    expect(c.connectionState).toBe('connected');
    expect(c.roomId).toBe('r');
    expect(gateway.sessions).toBe(1);
  });

  test('that cannot be claimed within reconnectMs ends in disconnected, with nothing left attached', async () => {
    const { gateway } = inRoomGateway();
    gateway.claimWith = 'fail';
    const c = new Client({ servers: ['ws://fake'], timeoutMs: 1000, reconnectMs: 600, connect: gateway.connect });
    const seen = watch(c);
    await c.init('me', 'Me', '', 'token');
    await c.joinRoom('r');
    gateway.session!.events.emit('dropped', { reason: 'socket closed' });
    await new Promise((r) => setTimeout(r, 1200));
    expect(seen.slice(2)).toEqual(['reconnecting', 'event:reconnecting', 'disconnected', 'event:disconnected']);
    expect(c.connectionState).toBe('disconnected');
    expect(c.userId).toBeUndefined();
    expect(gateway.destroyed).toBe(1);
    // Only the control handle is left to the session's destroy (Janus frees it with the session).
    expect(gateway.handles.filter((h) => !h.detached)).toEqual([gateway.handles[0]]);
  });
});
