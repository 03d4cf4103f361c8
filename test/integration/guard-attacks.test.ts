/**
 * The guard (issue 14) against a real Janus, secure profile: a raw-Janus attacker (a Node
 * WebSocket client, valid token for ANOTHER room) tries each item of the attack list and is
 * refused, while honest raw clients in their own room keep working. Own gateway (startGateway: a
 * loopback Janus with a random VideoRoom admin_key + lock_rtp_forward, no TextRoom, and its own
 * guard) and guards of this file in front of the same Janus, on free ports; nothing left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../gateway-config/start.cjs';
import { startGuard, signToken, type Guard } from '../../sdk/server/guard';
import { RawJanus, RawSession, fakeOffer } from '../support/raw-janus';
import { DEFAULT_RATE } from '../../sdk/server/guard/rate-limit';

jest.setTimeout(60000);

const SECRET = 'guard-test-secret-' + Math.random().toString(36).slice(2);
/** The VideoRoom admin_key of the gateway's Janus (random per start). */
let ADMIN_KEY: string;

let gateway: Gateway;
let guard: Guard;
let devGuard: Guard;
let tmp: string;
const opened: RawSession[] = [];

/** Token helpers: the victim room 'vroom' belongs to 'victim'; the attacker may enter 'aroom'. */
const token = (user: string, extra: Partial<Parameters<typeof signToken>[0]> = {}) => signToken({ secret: SECRET, user, ...extra });
async function session(tok: string | undefined, url = guard.url): Promise<RawSession> {
  const s = await RawSession.create(url, tok);
  opened.push(s);
  return s;
}

/** A member of a room: a session, its publisher handle, joined. */
async function member(user: string, room: string, extra: Partial<Parameters<typeof signToken>[0]> = {}) {
  const s = await session(await token(user, { rooms: [room], ...extra }));
  const pub = await s.attach();
  const joined = await s.async(pub, { request: 'join', ptype: 'publisher', room, id: user, display: user });
  return { s, pub, joined };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'kt-guard-test-'));
  gateway = await startGateway({ freePorts: true, quiet: true, logFile: path.join(tmp, 'janus.log'), recordingsDir: path.join(tmp, 'rec') });
  ADMIN_KEY = gateway.janusAdminKey;
  guard = await startGuard({
    janusUrl: gateway.janusWsUrl,
    adminKey: ADMIN_KEY,
    profile: 'secure',
    tokenSecret: SECRET,
    reclaimMs: 300,
    limits: { maxRoomsPerUser: 3 },
  });
  devGuard = await startGuard({ janusUrl: gateway.janusWsUrl, adminKey: ADMIN_KEY, profile: 'development', reclaimMs: 300 });
  // The victim's room, with a PIN, and the attacker's own room.
  const host = await session(await token('victim', { create: true }));
  const h = await host.attach();
  expect(await host.sync(h, { request: 'create', room: 'vroom', pin: '1234', kt: { title: 'Victim room', capacity: 5, destroy: false } })).toMatchObject({
    videoroom: 'created',
    room: 'vroom',
  });
  const a = await session(await token('alice', { create: true }));
  const ah = await a.attach();
  expect(await a.sync(ah, { request: 'create', room: 'aroom', kt: { title: 'Attacker room', destroy: false } })).toMatchObject({ videoroom: 'created' });
});

afterAll(async () => {
  for (const s of opened) s.close();
  await guard?.stop();
  await devGuard?.stop();
  await gateway?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A refusal by the guard, not by Janus: the policy's Knowledgetalk code rides along. */
const refused = (data: Record<string, any>, kt = '413') => expect(data).toMatchObject({ error_code: expect.any(Number), kt_code: kt });

describe('tokens', () => {
  test('no token, a forged, an expired token: create refused with 403 (the SDK says 401)', async () => {
    const forged = (await token('alice', { rooms: ['aroom'] })).replace(/\.[^.]+$/, '.' + 'A'.repeat(43));
    const otherSecret = await signToken({ secret: 'another-secret-of-enough-length', user: 'alice', rooms: ['aroom'] });
    const expired = await token('alice', { rooms: ['aroom'], ttlSeconds: 1, now: () => Date.now() - 10000 });
    for (const t of [undefined, 'any-auth-key', forged, otherSecret, expired]) {
      const c = await RawJanus.open(guard.url);
      const answer = await c.request({ janus: 'create', ...(t === undefined ? {} : { token: t }) });
      c.close();
      expect(answer).toMatchObject({ janus: 'error', error: { code: 403, reason: 'Unauthorized request (wrong or missing secret/token)' } });
    }
  });

  test('a token for another room cannot join the victim room, even with its PIN', async () => {
    const s = await session(await token('mallory', { rooms: ['aroom'] }));
    const h = await s.attach();
    refused(await s.async(h, { request: 'join', ptype: 'publisher', room: 'vroom', id: 'mallory', pin: '1234' }));
  });

  test('every request of a session must carry its token; a different one is refused', async () => {
    const s = await session(await token('mallory', { rooms: ['aroom'] }));
    const other = await token('victim', { rooms: ['vroom'], host: true });
    const answer = await s.c.request({ janus: 'attach', plugin: 'janus.plugin.videoroom', session_id: s.id, token: other });
    expect(answer).toMatchObject({ janus: 'error', error: { code: 403 } });
    expect(await s.c.request({ janus: 'keepalive', session_id: s.id })).toMatchObject({ janus: 'error', error: { code: 403 } });
  });

  test('the session id and handle ids of another client are unknown here', async () => {
    const victim = await member('victim2', 'vroom', { rooms: ['vroom'] }).catch(() => null);
    const v = await session(await token('victim', { rooms: ['vroom'] }));
    const vh = await v.attach();
    const m = await session(await token('mallory', { rooms: ['aroom'] }));
    const answer = await m.c.request({ janus: 'message', session_id: v.id, handle_id: vh, token: m.token, body: { request: 'list' } });
    expect(answer).toMatchObject({ janus: 'error', error: { code: 458 } });
    const answer2 = await m.c.request({ janus: 'message', session_id: m.id, handle_id: vh, token: m.token, body: { request: 'list' } });
    expect(answer2).toMatchObject({ janus: 'error', error: { code: 459 } });
    expect(await m.c.request({ janus: 'claim', session_id: v.id, token: m.token })).toMatchObject({ janus: 'error', error: { code: 403 } });
    void victim;
  });
});

describe('the attack list: a valid token for another room', () => {
  let m: RawSession;
  let h: number;
  beforeAll(async () => {
    m = await session(await token('mallory', { rooms: ['aroom'] }));
    h = await m.attach();
  });

  test('Janus itself refuses to create rooms without the admin key (the guard is the only creator)', async () => {
    const direct = await RawSession.create(gateway.janusWsUrl, undefined);
    opened.push(direct);
    const dh = await direct.attach();
    expect(await direct.sync(dh, { request: 'create', room: 'direct-room' })).toMatchObject({ error_code: 429, error: expect.stringContaining('admin_key') });
    expect(await direct.sync(dh, { request: 'create', room: 'direct-room', admin_key: 'guess' })).toMatchObject({ error_code: 433 });
    expect(await direct.sync(dh, { request: 'rtp_forward', room: 'aroom', publisher_id: 'x', host: '127.0.0.1', streams: [] })).toMatchObject({
      error_code: 429,
      error: expect.stringContaining('admin_key'),
    }); // lock_rtp_forward
  });

  test('list does not show rooms it may not enter', async () => {
    const list = await m.sync(h, { request: 'list' });
    expect(list.videoroom).toBe('success');
    const ids = list.list.map((r: any) => r.room);
    expect(ids).toContain('aroom');
    expect(ids).not.toContain('vroom');
  });

  test('listparticipants of the victim room is refused', async () => {
    refused(await m.sync(h, { request: 'listparticipants', room: 'vroom' }));
    refused(await m.sync(h, { request: 'kt_room', room: 'vroom' }));
  });

  test('watching without joining: a subscriber join into the victim room is refused, whatever private_id', async () => {
    const sub = await m.attach();
    for (const extra of [{}, { private_id: 12345 }, { pin: '1234' }]) {
      refused(await m.async(sub, { request: 'join', ptype: 'subscriber', room: 'vroom', streams: [{ feed: 'victim' }], ...extra }));
    }
  });

  test('reading the chat, fetching URLs: no plugin but VideoRoom can be attached (TextRoom included)', async () => {
    for (const plugin of ['janus.plugin.textroom', 'janus.plugin.streaming', 'janus.plugin.echotest', 'janus.plugin.videoroom ', 42]) {
      const answer = await m.c.request({ janus: 'attach', plugin, session_id: m.id, token: m.token });
      expect(answer).toMatchObject({ janus: 'error', error: { code: 460 } });
    }
  });

  test('making the server send UDP anywhere: rtp_forward and the remote-publisher requests are refused', async () => {
    const { s, pub } = await member('mallory2', 'aroom');
    for (const body of [
      { request: 'rtp_forward', room: 'aroom', publisher_id: 'mallory2', host: '192.0.2.1', streams: [{ mid: '0', port: 5000 }], admin_key: ADMIN_KEY },
      { request: 'rtp_forward', room: 'aroom', publisher_id: 'mallory2', host: '192.0.2.1', audio_port: 5000 },
      { request: 'stop_rtp_forward', room: 'aroom', publisher_id: 'mallory2', stream_id: 1 },
      { request: 'listforwarders', room: 'aroom' },
      { request: 'publish_remotely', room: 'aroom', publisher_id: 'mallory2', remote_id: 'x', host: '192.0.2.1', port: 5000 },
      { request: 'unpublish_remotely', room: 'aroom', publisher_id: 'mallory2', remote_id: 'x' },
      { request: 'add_remote_publisher', room: 'aroom', id: 'ghost', streams: [] },
      { request: 'listremotes', room: 'aroom', publisher_id: 'mallory2' },
    ]) {
      refused(await s.sync(pub, body));
    }
  });

  test('posing as another user: join with the victim id and name is rewritten to the token identity', async () => {
    const s = await session(await token('mallory3', { rooms: ['aroom'], name: 'Mallory' }));
    const pub = await s.attach();
    const joined = await s.async(pub, { request: 'join', ptype: 'publisher', room: 'aroom', id: 'alice', display: 'Alice (host)' });
    expect(joined).toMatchObject({ videoroom: 'joined', id: 'mallory3' });
    expect(joined.kt.self).toEqual({
      id: 'mallory3',
      name: 'Mallory',
      userType: 'guest',
      device: '',
      video: true,
      audio: true,
      permit: { chat: true, draw: true, screen: true, whiteboard: true, document: true },
    });
    expect(guard.rooms.member('aroom', 'mallory3')?.name).toBe('Mallory');
    expect(guard.rooms.member('aroom', 'alice')).toBeUndefined();
    const renamed = await s.async(pub, { request: 'configure', display: 'Alice' });
    expect(renamed).toMatchObject({ configured: 'ok' });
    const listed = await s.sync(pub, { request: 'listparticipants', room: 'aroom' });
    expect(listed.participants.find((p: any) => p.id === 'mallory3').display).toBe('Mallory');
    // Looking like the host does not give host powers.
    refused(await s.sync(pub, { request: 'kick', room: 'aroom', id: 'bob', secret: 'guess' }));
    refused(await s.sync(pub, { request: 'destroy', room: 'aroom' }));
    refused(await s.sync(pub, { request: 'enable_recording', room: 'aroom', record: true }));
    await s.async(pub, { request: 'leave' });
  });

  test('whispers go by identity: a message names its real sender and reaches only its target', async () => {
    const carol = await member('carol', 'aroom');
    const dave = await member('dave', 'aroom');
    const eve = await member('eve', 'aroom');
    expect(await eve.s.sync(eve.pub, { request: 'kt_message', room: 'aroom', to: 'carol', body: { text: 'hi, I am dave' } })).toMatchObject({
      videoroom: 'kt_message',
      sent: 1,
    });
    const got = await carol.s.c.wait((f) => f.plugindata?.data?.videoroom === 'kt_message');
    expect(got?.plugindata.data).toMatchObject({ from: { id: 'eve' }, whisper: true, body: { text: 'hi, I am dave' } });
    expect(got?.sender).toBe(carol.pub);
    expect(await dave.s.c.wait((f) => f.plugindata?.data?.videoroom === 'kt_message', 300)).toBeUndefined();
    // Not a member: no messages into the victim room ('400': join first).
    refused(await m.sync(h, { request: 'kt_message', room: 'vroom', body: { text: 'spam' } }), '400');
    for (const x of [carol, dave, eve]) await x.s.async(x.pub, { request: 'leave' });
  });

  test('recording to a path: filename / record on a participant, joinandconfigure, publish, rec_dir are refused', async () => {
    const { s, pub } = await member('mallory4', 'aroom');
    refused(await s.async(pub, { request: 'configure', record: true, filename: '/tmp/pwned' }, fakeOffer()));
    refused(await s.async(pub, { request: 'publish', record: true, filename: '/tmp/pwned' }, fakeOffer()));
    const fresh = await s.attach();
    refused(await s.async(fresh, { request: 'joinandconfigure', ptype: 'publisher', room: 'aroom', filename: '/tmp/pwned' }, fakeOffer()));
    refused(await s.async(fresh, { request: 'join', ptype: 'publisher', room: 'aroom', record: true, filename: '/tmp/pwned' }));
    const c = await session(await token('maker', { create: true }));
    const ch = await c.attach();
    refused(await c.sync(ch, { request: 'create', room: 'rec-room', rec_dir: '/tmp', record: true }));
    await s.async(pub, { request: 'leave' });
  });

  test('rooms: permanent, admin_key, and more rooms than the per-user limit are refused', async () => {
    const c = await session(await token('maker2', { create: true }));
    const ch = await c.attach();
    refused(await c.sync(ch, { request: 'create', room: 'perm-room', permanent: true }));
    refused(await c.sync(ch, { request: 'create', room: 'key-room', admin_key: ADMIN_KEY }));
    for (const i of [1, 2, 3])
      expect(await c.sync(ch, { request: 'create', room: `many-${i}`, kt: { destroy: false } })).toMatchObject({ videoroom: 'created' });
    refused(await c.sync(ch, { request: 'create', room: 'many-4' }));
    // A token without the create right creates nothing.
    refused(await m.sync(h, { request: 'create', room: 'mallory-room' }));
    for (const i of [1, 2, 3]) expect(await c.sync(ch, { request: 'destroy', room: `many-${i}` })).toMatchObject({ videoroom: 'destroyed' });
  });

  test('the rest of the VideoRoom API is refused too', async () => {
    for (const body of [
      { request: 'edit', room: 'aroom', new_description: 'x' },
      { request: 'allowed', room: 'aroom', action: 'disable' },
      { request: 'moderate', room: 'aroom', id: 'bob', mid: '0', mute: true },
      { request: 'exists', room: 'vroom' },
      { request: 'destroy', room: 'vroom', secret: 'guess' },
      { request: 'kick', room: 'vroom', id: 'victim' },
    ]) {
      refused(await m.sync(h, body));
    }
    expect(await m.core({ janus: 'info' })).toMatchObject({ janus: 'error', error: { code: 453 } });
  });
});

describe('honest clients', () => {
  test('a member joins its own room as its token identity and publishes (configure gets an answer)', async () => {
    const { s, pub, joined } = await member('bob', 'aroom');
    expect(joined).toMatchObject({ videoroom: 'joined', room: 'aroom', id: 'bob' });
    expect(joined.kt).toMatchObject({ self: { id: 'bob', name: 'bob', userType: 'guest' }, room: { title: 'Attacker room', host: 'alice' } });
    const configured = await s.async(pub, { request: 'configure', descriptions: [{ mid: '1', description: 'cam' }] }, fakeOffer());
    expect(configured).toMatchObject({ videoroom: 'event', configured: 'ok' });
    expect(configured.jsep).toMatchObject({ type: 'answer' });
    expect(await s.async(pub, { request: 'leave' })).toMatchObject({ leaving: 'ok' });
  });
});

describe('room authority', () => {
  /** Whether Janus still has the room (asked directly, bypassing the guard). */
  async function janusHas(room: string): Promise<boolean> {
    const direct = await RawSession.create(gateway.janusWsUrl, undefined);
    opened.push(direct);
    const dh = await direct.attach();
    const answer = await direct.sync(dh, { request: 'exists', room });
    direct.close();
    return answer.exists === true;
  }
  async function createRoom(host: string, room: string, kt: Record<string, unknown>) {
    const s = await session(await token(host, { create: true }));
    const h = await s.attach();
    expect(await s.sync(h, { request: 'create', room, kt })).toMatchObject({ videoroom: 'created' });
    return { s, h };
  }

  test("a 3rd member of a capacity-2 room gets '444' through raw JSON; a seat freed is taken again", async () => {
    await createRoom('cap-host', 'cap2', { capacity: 2, destroy: false });
    const one = await member('m1', 'cap2');
    const two = await member('m2', 'cap2');
    expect([one.joined.videoroom, two.joined.videoroom]).toEqual(['joined', 'joined']);
    const three = await member('m3', 'cap2');
    expect(three.joined).toMatchObject({ error_code: 432, kt_code: '444' });
    expect(guard.rooms.get('cap2')!.members.size).toBe(2);
    await one.s.async(one.pub, { request: 'leave' });
    const again = await three.s.async(three.pub, { request: 'join', ptype: 'publisher', room: 'cap2', id: 'm3' });
    expect(again).toMatchObject({ videoroom: 'joined', id: 'm3' });
  });

  test('the host reloads (new session, same identity) and still kicks and destroys', async () => {
    const first = await createRoom('hoster', 'reload-room', { destroy: false });
    const guest = await member('g1', 'reload-room');
    first.s.close(); // the page is gone, secret and all
    const again = await session(await token('hoster', { create: true }));
    const h = await again.attach();
    expect(await again.sync(h, { request: 'kick', room: 'reload-room', id: 'g1' })).toMatchObject({ videoroom: 'success' });
    expect(await guest.s.c.wait((f) => f.plugindata?.data?.leaving === 'ok' && f.plugindata?.data?.reason === 'kicked')).toBeDefined();
    expect(guard.rooms.member('reload-room', 'g1')).toBeUndefined();
    expect(await again.sync(h, { request: 'destroy', room: 'reload-room' })).toMatchObject({ videoroom: 'destroyed' });
    expect(await janusHas('reload-room')).toBe(false);
  });

  test('a guest leaving last destroys a destroy room', async () => {
    await createRoom('dhost', 'dest-room', { destroy: true });
    const host = await member('dhost', 'dest-room', { create: true });
    const guest = await member('dguest', 'dest-room');
    await host.s.async(host.pub, { request: 'leave' });
    expect(await janusHas('dest-room')).toBe(true);
    await guest.s.async(guest.pub, { request: 'leave' });
    await waitFor(() => !guard.rooms.get('dest-room'));
    expect(await janusHas('dest-room')).toBe(false);
  });

  test('a page that vanished and was not claimed back counts as leaving (destroy-on-empty)', async () => {
    await createRoom('vhost', 'vanish-room', { destroy: true });
    const guest = await member('vguest', 'vanish-room');
    guest.s.c.ws.terminate();
    await waitFor(() => !guard.rooms.get('vanish-room'), 5000);
    expect(await janusHas('vanish-room')).toBe(false);
  });

  test('a dropped page that claims its session back stays a member', async () => {
    await createRoom('chost', 'claim-room', { destroy: false });
    const guest = await member('cguest', 'claim-room');
    guest.s.c.ws.terminate();
    const c = await RawJanus.open(guard.url);
    expect(await c.request({ janus: 'claim', session_id: guest.s.id, token: guest.s.token })).toMatchObject({ janus: 'success' });
    await new Promise((r) => setTimeout(r, 600)); // past reclaimMs
    expect(guard.rooms.member('claim-room', 'cguest')).toBeDefined();
    expect(await c.request({ janus: 'keepalive', session_id: guest.s.id, token: guest.s.token })).toMatchObject({ janus: 'ack' });
    c.close();
  });

  test("one screen sharer: a second member's screen stream gets '440' until the first stops", async () => {
    await createRoom('shost', 'share-room', { destroy: false });
    const a = await member('sa', 'share-room');
    const b = await member('sb', 'share-room');
    const screen = [
      { mid: '1', description: 'cam' },
      { mid: '2', description: 'screen' },
    ];
    expect(await a.s.async(a.pub, { request: 'configure', descriptions: screen }, fakeOffer(['0', '1', '2'], ['1', '2']))).toMatchObject({ configured: 'ok' });
    refused(await b.s.async(b.pub, { request: 'configure', descriptions: screen }, fakeOffer(['0', '1', '2'], ['1', '2'])), '440');
    // b's camera alone is fine; a stops sharing (screen m-line inactive), then b may share.
    expect(await b.s.async(b.pub, { request: 'configure', descriptions: screen }, fakeOffer(['0', '1'], ['1', '2']))).toMatchObject({ configured: 'ok' });
    expect(await a.s.async(a.pub, { request: 'configure' }, fakeOffer(['0', '1'], ['1', '2']))).toMatchObject({ configured: 'ok' });
    expect(await b.s.async(b.pub, { request: 'configure' }, fakeOffer(['0', '1', '2'], ['1', '2']))).toMatchObject({ configured: 'ok' });
  });

  test('a member subscribes with the private_id the guard supplies (Janus, not the guard, answers)', async () => {
    await createRoom('subhost', 'sub-room', { destroy: false });
    const a = await member('suba', 'sub-room');
    const sub = await a.s.attach();
    // The feed has no PeerConnection up (a raw client does no ICE), so Janus says 428; without a
    // valid private_id it would say 433 (require_pvtid), and the guard's own refusal has kt_code.
    const answer = await a.s.async(sub, { request: 'join', ptype: 'subscriber', room: 'sub-room', private_id: 1, streams: [{ feed: 'suba' }] });
    expect(answer.error_code).toBe(428);
    expect(answer.kt_code).toBeUndefined();
  });
});

describe('development profile (tokens optional)', () => {
  test('an unchanged sample: any authKey, the id bound on first use and kept', async () => {
    const s = await session('any-key-at-all', devGuard.url);
    const h = await s.attach();
    expect(await s.sync(h, { request: 'kt_whoami', id: 'alice', name: 'Alice' })).toMatchObject({ id: 'alice', name: 'Alice', signed: false });
    const created = await s.sync(h, {
      request: 'create',
      room: 'dev-room',
      pin: 'p1',
      kt: { title: 'Sample', capacity: 3, destroy: true, talkingNoty: false, p2p: false },
      audiolevel_event: false,
      audio_active_packets: 50,
    });
    expect(created.kt).toMatchObject({ title: 'Sample', host: 'alice', capacity: 3, destroy: true, pinRequired: true });
    const pub = await s.attach();
    expect(await s.async(pub, { request: 'join', ptype: 'publisher', room: 'dev-room', id: 'bob', display: 'Alice', pin: 'p1' })).toMatchObject({
      videoroom: 'joined',
      id: 'alice',
    });
    expect(await s.sync(h, { request: 'kt_whoami', id: 'bob' })).toMatchObject({ id: 'alice', signed: false });
    // Host powers by identity: the kick gets past the host check (and finds nobody to kick).
    expect(await s.sync(h, { request: 'kick', room: 'dev-room', id: 'nobody' })).toMatchObject({ kt_code: '410' });
    // A second session claiming 'alice' in the same room while the first is connected: '442'.
    const other = await session('another-key', devGuard.url);
    const oh = await other.attach();
    expect(await other.async(oh, { request: 'join', ptype: 'publisher', room: 'dev-room', id: 'alice', pin: 'p1' })).toMatchObject({ kt_code: '442' });
    await s.async(pub, { request: 'leave' });
  });

  test('TextRoom is off: disabled in Janus (janus.jcfg), and the guard attaches nobody to it', async () => {
    const s = await session('k', devGuard.url);
    expect(await s.c.request({ janus: 'attach', plugin: 'janus.plugin.textroom', session_id: s.id, token: 'k' })).toMatchObject({
      janus: 'error',
      error: { code: 460 },
    });
    const direct = await RawSession.create(gateway.janusWsUrl, undefined);
    opened.push(direct);
    await expect(direct.attach('janus.plugin.textroom')).rejects.toThrow(/460/);
  });
});

describe('bad input', () => {
  test('malformed frames get Janus-style errors; oversize frames and floods close that client only', async () => {
    const c = await RawJanus.open(guard.url);
    c.sendRaw('{not json');
    expect(await c.wait((f) => f.error?.code === 454)).toBeDefined();
    c.sendRaw('[1,2,3]');
    expect(await c.wait((f) => f.error?.code === 455)).toBeDefined();
    c.sendRaw(JSON.stringify({ janus: 'keepalive' }));
    expect(await c.wait((f) => f.error?.code === 456)).toBeDefined();
    expect(await c.request({ janus: 'keepalive', session_id: 1 })).toMatchObject({ error: { code: 458 } });

    const big = await RawJanus.open(guard.url);
    big.sendRaw('x'.repeat(300 * 1024));
    expect((await big.closed).code).toBe(1009);

    const flood = await RawJanus.open(guard.url);
    // Past two bursts at once: the frames over the first get 490, the client goes past the second.
    for (let i = 0; i < 2 * DEFAULT_RATE.burst + 200; i++) flood.sendRaw(JSON.stringify({ janus: 'ping', transaction: `f${i}` }));
    expect((await flood.closed).code).toBe(1008);
    expect(flood.frames.some((f) => f.error?.code === 490)).toBe(true);

    const noProtocol = await RawJanus.open(guard.url, null);
    expect((await noProtocol.closed).code).toBe(1002);

    // The first client was never affected.
    expect(await c.request({ janus: 'ping' })).toMatchObject({ janus: 'pong' });
    c.close();
  });

  test('fuzzed garbage does not crash the guard; an honest client is served throughout', async () => {
    const rnd = seeded(14);
    const s = await session(await token('fuzz', { rooms: ['aroom'] }));
    const h = await s.attach();
    const fuzzToken = await token('fuzzer', { rooms: ['aroom'], create: true });
    const shapes = (): unknown => {
      const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
      // Ids of the honest session are fair game; its token is not (with it, a claim is legitimate).
      const junk = () => pick<unknown>([null, true, 0, -1, 1e308, 'x', '', [], {}, [{}], { a: { b: { c: [] } } }, 'A'.repeat(5000), s.id, h, fuzzToken]);
      const janus = pick(['create', 'attach', 'message', 'trickle', 'keepalive', 'detach', 'hangup', 'claim', 'destroy', 'info', junk()]);
      const body: Record<string, unknown> = { request: pick(['join', 'configure', 'create', 'kt_message', 'update', 'start', 'list', junk()]) };
      for (const k of ['room', 'ptype', 'id', 'streams', 'descriptions', 'subscribe', 'display', 'body', 'to', 'kt', 'publishers'])
        if (rnd() < 0.4) body[k] = junk();
      return {
        janus,
        transaction: rnd() < 0.9 ? `z${rnd()}` : junk(),
        session_id: pick([s.id, junk()]),
        handle_id: pick([h, junk()]),
        token: pick([fuzzToken, junk()]),
        body: rnd() < 0.9 ? body : junk(),
        jsep: rnd() < 0.3 ? { type: pick(['offer', 'answer', junk()]), sdp: junk() } : undefined,
        candidate: rnd() < 0.3 ? junk() : undefined,
      };
    };
    const fuzzers = await Promise.all([1, 2, 3].map(() => RawJanus.open(guard.url)));
    for (let round = 0; round < 5; round++) {
      for (const f of fuzzers) {
        if (f.ws.readyState !== 1) continue;
        for (let i = 0; i < 60; i++) {
          const r = rnd();
          if (r < 0.1) f.sendRaw(Buffer.from(Array.from({ length: 64 }, () => Math.floor(rnd() * 256))));
          else if (r < 0.2) f.sendRaw(JSON.stringify(shapes()).slice(0, Math.floor(rnd() * 200)));
          else f.sendRaw(JSON.stringify(shapes()));
        }
      }
      // The honest client keeps being answered, by the guard and by Janus behind it.
      expect(await s.sync(h, { request: 'list' })).toMatchObject({ videoroom: 'success' });
      await new Promise((r) => setTimeout(r, 50));
    }
    const fresh = await session(await token('fuzz2', { rooms: ['aroom'] }));
    expect(await fresh.attach()).toEqual(expect.any(Number));
    for (const f of fuzzers) f.close();
  });
});

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A small deterministic PRNG (mulberry32), so a failing fuzz run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
