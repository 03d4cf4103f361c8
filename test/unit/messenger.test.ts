/**
 * The TextRoom message channel against a scripted gateway: first-comer creates the text room, a
 * whisper is retried while its target has not entered the text room yet, and only our own
 * envelopes become messages.
 */
import { videoRoomError as pluginError } from '../../sdk/janus/videoroom';
import { parseEnvelope } from '../../sdk/messaging/envelope';
import { Messenger } from '../../sdk/messaging/messenger';
import { FakeGateway } from '../support/fake-gateway';

function messenger(gateway: FakeGateway): Messenger {
  return new Messenger({ attach: (plugin) => gateway.attach(plugin), userId: 'me', timeoutMs: 2000 });
}

test('the first member to enter creates the text room, then joins it', async () => {
  const gateway = new FakeGateway((sent) => {
    if (sent.body.request === 'create') return { textroom: 'created', room: sent.body.room };
    return undefined;
  });
  let joins = 0;
  gateway.dataReply = (r) => (r.textroom === 'join' && joins++ === 0 ? { textroom: 'error', error_code: 417, error: 'No such room' } : undefined);
  const m = messenger(gateway);
  await m.join('room1', 'Me');
  const [handle] = gateway.handlesOf('textroom');
  expect(handle.data.filter((d) => d.textroom === 'join')).toHaveLength(2);
  expect(gateway.requests('create')).toEqual([expect.objectContaining({ body: expect.objectContaining({ room: 'room1', is_private: true }) })]);
  await m.close();
  expect(handle.detached).toBe(true);
});

test('a text room made by someone else in the meantime is joined, not an error', async () => {
  const gateway = new FakeGateway((sent) => {
    if (sent.body.request === 'create') throw pluginError(418, 'Room exists');
    return undefined;
  });
  let joins = 0;
  gateway.dataReply = (r) => (r.textroom === 'join' && joins++ === 0 ? { textroom: 'error', error_code: 417, error: 'No such room' } : undefined);
  const m = messenger(gateway);
  await expect(m.join('room1', 'Me')).resolves.toBeUndefined();
  await m.close();
});

test('a whisper to a member not yet in the text room is retried until it is delivered', async () => {
  const gateway = new FakeGateway();
  let attempts = 0;
  gateway.dataReply = (r) => (r.textroom === 'message' ? { textroom: 'success', sent: { bob: ++attempts >= 3 } } : undefined);
  const m = messenger(gateway);
  await m.send('room1', { k: 'chat', m: 'hi' }, 'bob');
  expect(attempts).toBe(3);
  const sent = gateway.handlesOf('textroom')[0].data.filter((d) => d.textroom === 'message');
  expect(sent[0]).toMatchObject({ room: 'room1', to: 'bob', text: JSON.stringify({ k: 'chat', m: 'hi' }) });
  await m.close();
});

test('only our envelopes from others become messages', async () => {
  const gateway = new FakeGateway();
  const m = messenger(gateway);
  await m.join('room1', 'Me');
  const got: unknown[] = [];
  m.events.on('message', (e) => got.push(e));
  const [handle] = gateway.handlesOf('textroom');
  const deliver = (msg: Record<string, unknown>) => handle.events.emit('data', { text: JSON.stringify({ textroom: 'message', room: 'room1', ...msg }) });
  deliver({ from: 'bob', text: JSON.stringify({ k: 'chat', m: 'hello' }) });
  deliver({ from: 'bob', text: 'plain text from another client' });
  deliver({ from: 'me', text: JSON.stringify({ k: 'chat', m: 'my own echo' }) });
  deliver({ from: 'carol', whisper: true, text: JSON.stringify({ k: 'inform', m: { a: [1] } }) });
  handle.events.emit('data', { text: 'not json' });
  expect(got).toEqual([
    { roomId: 'room1', from: 'bob', whisper: false, body: { k: 'chat', m: 'hello' } },
    { roomId: 'room1', from: 'carol', whisper: true, body: { k: 'inform', m: { a: [1] } } },
  ]);
  await m.close();
});

test('envelopes are checked field by field', () => {
  expect(parseEnvelope(JSON.stringify({ k: 'chat', m: 5 }))).toBeUndefined();
  expect(parseEnvelope(JSON.stringify({ k: 'user', name: 'n', video: 'yes', audio: true }))).toBeUndefined();
  expect(parseEnvelope(JSON.stringify({ k: 'p2p', t: 'mic' }))).toBeUndefined();
  expect(parseEnvelope(JSON.stringify({ k: 'p2p', t: 'screen' }))).toEqual({ k: 'p2p', t: 'screen' });
  expect(parseEnvelope(JSON.stringify({ k: 'inform', m: null }))).toEqual({ k: 'inform', m: null });
  expect(parseEnvelope('{"k":"inform"}')).toBeUndefined();
  expect(parseEnvelope('null')).toBeUndefined();
});
