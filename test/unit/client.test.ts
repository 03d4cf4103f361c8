/**
 * The instance state machine against a scripted gateway (Janus behind the guard): the identity is
 * the guard's; failed joins leave nothing attached and the instance not half-joined; a dropped
 * connection is reclaimed or given up.
 */
import { Client } from '../../sdk/client';
import { FakeGateway, type Sent } from '../support/fake-gateway';

/** The guard's part of a `joined` event. */
const kt = (self = 'me') => ({ self: { id: self, name: 'Me', userType: 'guest' }, room: { title: 'T', host: 'h', capacity: null } });

function client(gateway: FakeGateway): Client {
  return new Client({ servers: ['ws://fake'], timeoutMs: 1000, reconnectMs: 0, connect: gateway.connect });
}

test("init takes the identity the guard gives: a signed token's user wins over the id asked for", async () => {
  const gateway = new FakeGateway((sent: Sent) =>
    sent.body.request === 'kt_whoami' ? { videoroom: 'kt_identity', id: 'token-user', name: 'Token User', signed: true } : undefined,
  );
  const c = client(gateway);
  expect(await c.init('asked', 'Asked', '', 'jwt')).toBe('token-user');
  expect([c.userId, c.name]).toEqual(['token-user', 'Token User']);
  expect(gateway.requests('kt_whoami')[0].body).toEqual({ request: 'kt_whoami', id: 'asked', name: 'Asked' });
});

test('a gateway that is not the guard: init fails with a code and leaves no session', async () => {
  const gateway = new FakeGateway((sent: Sent) =>
    sent.body.request === 'kt_whoami' ? { videoroom: 'event', error_code: 423, error: 'Unknown request' } : undefined,
  );
  const c = client(gateway);
  await expect(c.init('me', 'Me', '', 'token')).rejects.toMatchObject({ code: '400', janusCode: 423 });
  expect(gateway.destroyed).toBe(1);
  expect(c.connectionState).toBe('disconnected');
});

test.each([
  ['an unknown room is 441', { error_code: 426, error: 'No such room (nope)' }, '441'],
  ["a full room is the guard's 444", { error_code: 432, error: 'room full', kt_code: '444' }, '444'],
  ['the same user twice is 442', { error_code: 436, error: 'already in', kt_code: '442' }, '442'],
])('joining: %s, decided at the join, and no handle is left attached', async (_what, error, code) => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    if (sent.body.request === 'join') handle.emit({ videoroom: 'event', ...error });
    return undefined;
  });
  const c = client(gateway);
  await c.init('me', 'Me', '', 'token');
  await expect(c.joinRoom('r')).rejects.toMatchObject({ code });
  const [, publisher, subscriber] = gateway.handlesOf('videoroom');
  expect([publisher.detached, subscriber.detached]).toEqual([true, true]);
  expect(c.roomId).toBeUndefined();
  // No pre-checks: the guard decides at the join, where two joiners cannot race past it.
  expect(gateway.sent.map((s) => s.body.request)).toEqual(['kt_whoami', 'join']);
});

test("the join result is the guard's view of the room; host only as the guard says", async () => {
  const gateway = new FakeGateway((sent: Sent, handle) => {
    if (sent.body.request === 'join') {
      handle.emit({
        videoroom: 'joined',
        room: 'r',
        id: 'me',
        publishers: [],
        attendees: [{ id: 'h', display: 'Host', kt: { id: 'h', name: 'Host', userType: 'host', device: 'pc', video: false, audio: true } }],
        kt: {
          self: { id: 'me', name: 'Me', userType: 'guest' },
          room: { title: 'Class', host: 'h', capacity: 5, talkingNoty: true, recording: true, createdAt: 7 },
        },
      });
    }
    return undefined;
  });
  const c = client(gateway);
  await c.init('me', 'Me', 'tablet', 'token');
  const joined = await c.joinRoom('r');
  // createdAt as the original writes it (local time), the host as a Member, a media-server room.
  const at = new Date(7);
  const two = (n: number) => String(n).padStart(2, '0');
  const createdAt = `${at.getFullYear()}/${two(at.getMonth() + 1)}/${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}`;
  expect(joined).toMatchObject({ roomId: 'r', title: 'Class', talkingNoty: true, isRecording: true, createdAt, media: true, share: null });
  expect(joined.host).toEqual(joined.members?.h);
  expect(joined.createdAt).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
  expect(joined.members?.h).toMatchObject({ name: 'Host', userType: 'host', device: 'pc', video: false });
  expect(joined.members?.me).toMatchObject({ userType: 'guest', device: 'tablet' });
  expect(gateway.requests('join')[0].body).toMatchObject({ kt: { device: 'tablet', video: true, audio: true } });
  expect(c.room?.isHost).toBe(false);
});

test('disconnect during a join backs the join out and destroys the session', async () => {
  let release: () => void = () => {};
  const gateway = new FakeGateway((sent: Sent, handle) => {
    const { request } = sent.body;
    if (request === 'join') {
      release = () => handle.emit({ videoroom: 'joined', room: 'r', id: 'me', publishers: [], kt: kt() });
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
      if (request === 'join') handle.emit({ videoroom: 'joined', room: 'r', id: 'me', publishers: [], attendees: [{ id: 'a' }], kt: kt() });
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
