/**
 * The TextRoom protocol layer (sdk/janus/textroom.ts) against the scripted gateway: data-channel
 * requests answered by their transaction, the plugin's errors as codes, messages as events.
 */
import { TextRoomHandle } from '../../sdk/janus/textroom';
import { FakeGateway } from '../support/fake-gateway';

async function textRoom(gateway: FakeGateway): Promise<{ tr: TextRoomHandle; data: Record<string, any>[] }> {
  const handle = await gateway.attach('janus.plugin.textroom');
  return { tr: new TextRoomHandle(handle, 500), data: handle.data };
}

test('join, message and leave go over the data channel, each answered by its own transaction', async () => {
  const gateway = new FakeGateway();
  gateway.dataReply = (r) => (r.textroom === 'message' ? { textroom: 'success', sent: { bob: r.to === 'bob' } } : undefined);
  const { tr, data } = await textRoom(gateway);
  await tr.join('r1', 'me', 'Me', 'pin');
  expect(await tr.message('r1', 'hi')).toBe(true);
  expect(await tr.message('r1', 'psst', 'bob')).toBe(true);
  expect(await tr.message('r1', 'psst', 'carol')).toBe(false); // not reached: the caller decides
  await tr.leave('r1');
  expect(data.map(({ transaction, ...rest }) => (expect(typeof transaction).toBe('string'), rest))).toEqual([
    { textroom: 'join', room: 'r1', username: 'me', display: 'Me', history: false, pin: 'pin' },
    { textroom: 'message', room: 'r1', text: 'hi' },
    { textroom: 'message', room: 'r1', text: 'psst', to: 'bob' },
    { textroom: 'message', room: 'r1', text: 'psst', to: 'carol' },
    { textroom: 'leave', room: 'r1' },
  ]);
  expect(new Set(data.map((d) => d.transaction)).size).toBe(5);
});

test('TextRoom errors come back with their code; creating a room that exists is fine', async () => {
  const gateway = new FakeGateway((sent) => {
    if (sent.body.request === 'create') return { textroom: 'error', error_code: 418, error: 'Room exists' };
    return { textroom: 'error', error_code: 419, error: 'Unauthorized' };
  });
  gateway.dataReply = () => ({ textroom: 'error', error_code: 417, error: 'No such room' });
  const { tr } = await textRoom(gateway);
  await expect(tr.join('nope', 'me', 'Me')).rejects.toMatchObject({ code: '441', janusCode: 417 });
  await expect(tr.create('r1', { secret: 's' })).resolves.toBeUndefined();
  await expect(tr.destroy('r1', 'guess')).rejects.toMatchObject({ code: '401', janusCode: 419 });
  expect(gateway.requests('create')[0].body).toEqual({ request: 'create', room: 'r1', is_private: true, permanent: false, secret: 's' });
});

test('messages for us become events; our own answers and unreadable data do not', async () => {
  const gateway = new FakeGateway();
  const { tr } = await textRoom(gateway);
  const got: unknown[] = [];
  tr.events.on('message', (m) => got.push(m));
  const handle = gateway.handlesOf('textroom')[0];
  handle.events.emit('data', { text: JSON.stringify({ textroom: 'message', room: 'r1', from: 'bob', text: 'x', whisper: true }) });
  handle.events.emit('data', { text: JSON.stringify({ textroom: 'success', transaction: 'not-ours' }) });
  handle.events.emit('data', { text: '{not json' });
  expect(got).toEqual([{ room: 'r1', from: 'bob', text: 'x', whisper: true }]);
});

test('a request whose answer never comes times out; abandon fails the ones waiting', async () => {
  const gateway = new FakeGateway();
  const { tr } = await textRoom(gateway);
  const handle = gateway.handlesOf('textroom')[0];
  handle.sendData = async () => {}; // the channel swallows everything
  await expect(tr.leave('r1')).rejects.toMatchObject({ code: '504' });
  const waiting = tr.join('r1', 'me', 'Me');
  await new Promise((r) => setTimeout(r, 10));
  tr.abandon();
  await expect(waiting).rejects.toMatchObject({ code: '400' });
});
