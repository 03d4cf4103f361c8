/**
 * The guard's wire contract for the SDK (sdk/server/guard/index.ts) against a real Janus, with raw
 * clients: member info (the join's `kt`, kt_user, kt_member), the MemberView annotations on Janus's
 * own frames, kt_message sizes and codes, a page that reloads while its old session is held,
 * client heartbeats, and a Janus that restarts under a guard that stays up (last: it takes Janus
 * down). Janus alone (test/support/janus-alone.ts) with this file's admin key, so that it can come
 * back with the same one.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGuard, signToken, type Guard } from '../../sdk/server/guard';
import { RawJanus, RawSession, type Frame, type OpenOptions } from '../support/raw-janus';
import { startJanusAlone, type JanusAlone } from '../support/janus-alone';

jest.setTimeout(60000);

const SECRET = 'guard-wire-secret-' + Math.random().toString(36).slice(2);
const ADMIN_KEY = 'vr-admin-' + Math.random().toString(36).slice(2);

let janus: JanusAlone;
let guard: Guard;
let devGuard: Guard;
let tmp: string;
const opened: RawSession[] = [];

type TokenExtra = Partial<Parameters<typeof signToken>[0]>;
const token = (user: string, extra: TokenExtra = {}) => signToken({ secret: SECRET, user, ...extra });

async function session(tok: string | undefined, url = guard.url, opts: OpenOptions = {}): Promise<RawSession> {
  const s = await RawSession.create(url, tok, opts);
  opened.push(s);
  return s;
}

/** A member of a room: a session (signed token for the room unless `tok` is given), its publisher handle, joined. */
async function member(user: string, room: string, o: { kt?: unknown; token?: TokenExtra; tok?: string; url?: string; open?: OpenOptions } = {}) {
  const s = await session(o.tok ?? (await token(user, { rooms: [room], ...o.token })), o.url ?? guard.url, o.open);
  const pub = await s.attach();
  const joined = await s.async(pub, { request: 'join', ptype: 'publisher', room, id: user, display: user, ...(o.kt === undefined ? {} : { kt: o.kt }) });
  return { s, pub, joined };
}

async function createRoom(host: string, room: string, kt: Record<string, unknown>, url = guard.url) {
  const s = await session(await token(host, { create: true, name: host.toUpperCase() }), url);
  const h = await s.attach();
  expect(await s.sync(h, { request: 'create', room, kt })).toMatchObject({ videoroom: 'created', room });
  return { s, h };
}

/** The next VideoRoom event data on `s` for which `match` holds (undefined after `ms`). */
async function nextEvent(s: RawSession, match: (data: Frame, frame: Frame) => boolean, ms = 3000): Promise<(Frame & { $sender?: number }) | undefined> {
  const frame = await s.c.wait((f) => f.janus === 'event' && f.plugindata?.data !== undefined && match(f.plugindata.data, f), ms);
  return frame && { ...frame.plugindata.data, $sender: frame.sender };
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'kt-guard-wire-'));
  janus = await startJanusAlone({ adminKey: ADMIN_KEY, recordingsDir: path.join(tmp, 'rec') });
  guard = await startGuard({ janusUrl: janus.wsUrl, adminKey: ADMIN_KEY, profile: 'secure', tokenSecret: SECRET, reclaimMs: 10000 });
  devGuard = await startGuard({ janusUrl: janus.wsUrl, adminKey: ADMIN_KEY, profile: 'development', reclaimMs: 10000 });
});

afterAll(async () => {
  for (const s of opened) s.close();
  await guard?.stop();
  await devGuard?.stop();
  await janus?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** A refusal by the guard: its Knowledgetalk code rides along. */
const refused = (data: Frame, kt: string, code?: number) => expect(data).toMatchObject({ error_code: code ?? expect.any(Number), kt_code: kt });
const FULL = { chat: true, draw: true, screen: true, whiteboard: true, document: true };
const view = (id: string, name: string, over: Partial<Record<string, unknown>> = {}) => ({
  id,
  name,
  userType: 'guest',
  device: '',
  video: true,
  audio: true,
  permit: FULL,
  ...over,
});

describe('member info and annotations', () => {
  test('the join kt, kt.self and kt.room.members; kt on attendees, joining and participants, Janus fields untouched', async () => {
    await createRoom('mi-host', 'mi-room', { title: 'MI', destroy: false });
    const host = await member('mi-host', 'mi-room', { token: { create: true, name: 'Host' }, kt: { device: 'Chrome 126', video: false } });
    const hostView = view('mi-host', 'Host', { userType: 'host', device: 'Chrome 126', video: false });
    expect(host.joined).toMatchObject({ videoroom: 'joined', id: 'mi-host' });
    expect(host.joined.kt.self).toEqual(hostView);
    expect(host.joined.kt.room.members).toEqual([hostView]);

    const guest = await member('mi-guest', 'mi-room', { token: { name: 'Guest' } });
    const guestView = view('mi-guest', 'Guest');
    expect(guest.joined.kt.self).toEqual(guestView);
    expect(guest.joined.attendees).toEqual([{ id: 'mi-host', display: 'Host', kt: hostView }]);
    // Janus tells the host on the host's own link; the guard knew the guest from its join already.
    expect(await nextEvent(host.s, (d) => d.joining?.id === 'mi-guest')).toMatchObject({
      room: 'mi-room',
      joining: { id: 'mi-guest', display: 'Guest', kt: guestView },
    });

    // A raw client does no ICE, so Janus never announces it as a publisher (`publishers` lists stay
    // empty here); the annotation of those lists is the same code (annotate.ts, unit-tested).
    const listed = await guest.s.sync(guest.pub, { request: 'listparticipants', room: 'mi-room' });
    expect(listed.videoroom).toBe('participants');
    const byId = Object.fromEntries(listed.participants.map((p: Frame) => [p.id, p]));
    expect(byId['mi-host']).toMatchObject({ display: 'Host', publisher: false, kt: hostView });
    expect(byId['mi-guest']).toMatchObject({ display: 'Guest', publisher: false, kt: guestView });

    const late = await member('mi-late', 'mi-room');
    expect(late.joined.attendees).toHaveLength(2);
    expect(late.joined.attendees).toEqual(
      expect.arrayContaining([
        { id: 'mi-host', display: 'Host', kt: hostView },
        { id: 'mi-guest', display: 'Guest', kt: guestView },
      ]),
    );
  });

  test("kt_user changes the sender's own view and the others hear kt_member; a signed name is the token's", async () => {
    await createRoom('ku-host', 'ku-room', { destroy: false });
    const a = await member('ku-a', 'ku-room', { token: { name: 'Ann' } });
    const b = await member('ku-b', 'ku-room', { token: { name: 'Ben' } });
    const changed = view('ku-a', 'Ann', { device: 'Phone', video: false });
    expect(await a.s.sync(a.pub, { request: 'kt_user', room: 'ku-room', device: 'Phone', video: false })).toEqual({
      videoroom: 'kt_user',
      room: 'ku-room',
      member: changed,
    });
    const heard = await nextEvent(b.s, (d) => d.videoroom === 'kt_member');
    expect(heard).toEqual({ videoroom: 'kt_member', room: 'ku-room', member: changed, $sender: b.pub });
    expect(await nextEvent(a.s, (d) => d.videoroom === 'kt_member', 300)).toBeUndefined();
    const listed = await b.s.sync(b.pub, { request: 'listparticipants', room: 'ku-room' });
    expect(listed.participants.find((p: Frame) => p.id === 'ku-a').kt).toEqual(changed);

    refused(await a.s.sync(a.pub, { request: 'kt_user', room: 'ku-room', name: 'Mallory' }), '413', 433);
    expect(await a.s.sync(a.pub, { request: 'kt_user', room: 'ku-room', name: 'Ann', audio: false })).toMatchObject({ member: { name: 'Ann', audio: false } });
    refused(await a.s.sync(a.pub, { request: 'kt_user', room: 'ku-room', userType: 'host' }), '422', 433);
    refused(await a.s.sync(a.pub, { request: 'kt_user', room: 'ku-room', video: 'off' }), '422', 433);
    refused(await a.s.sync(a.pub, { request: 'kt_user', room: 'no-such-room', video: true }), '441');
    const outsider = await session(await token('ku-c', { rooms: ['ku-room'] }));
    const oh = await outsider.attach();
    refused(await outsider.sync(oh, { request: 'kt_user', room: 'ku-room', video: false }), '400');

    // Bad member info at the join: refused the way Janus refuses a join (ack, then an error event); no seat taken.
    const c = await session(await token('ku-d', { rooms: ['ku-room'] }));
    const ch = await c.attach();
    for (const kt of [{ name: 'x' }, { video: 'yes' }, { device: 'x'.repeat(257) }, 'Chrome']) {
      refused(await c.async(ch, { request: 'join', ptype: 'publisher', room: 'ku-room', kt }), '422', 433);
    }
    expect(guard.rooms.find('ku-room', 'ku-d')).toBeUndefined();
    expect(c.c.frames.filter((f) => f.janus === 'ack').length).toBe(4);
  });

  test('a development identity renames itself (kt_user, or a display change); the room view follows', async () => {
    const s1 = await session('dev-key', devGuard.url);
    const h1 = await s1.attach();
    expect(await s1.sync(h1, { request: 'kt_whoami', id: 'dz', name: 'Dee' })).toMatchObject({ id: 'dz', name: 'Dee' });
    expect(await s1.sync(h1, { request: 'create', room: 'dz-room', kt: { destroy: false } })).toMatchObject({ videoroom: 'created' });
    const p1 = await s1.attach();
    expect(await s1.async(p1, { request: 'join', ptype: 'publisher', room: 'dz-room' })).toMatchObject({ id: 'dz', kt: { self: { name: 'Dee' } } });
    const other = await member('dy', 'dz-room', { tok: 'dev-key', url: devGuard.url });
    expect(await s1.sync(p1, { request: 'kt_user', room: 'dz-room', name: 'Zed' })).toMatchObject({ member: { id: 'dz', name: 'Zed', userType: 'host' } });
    expect(await nextEvent(other.s, (d) => d.videoroom === 'kt_member')).toMatchObject({ member: { id: 'dz', name: 'Zed' } });
    expect((await s1.sync(h1, { request: 'kt_room', room: 'dz-room' })).kt.members).toContainEqual(expect.objectContaining({ id: 'dz', name: 'Zed' }));
    expect(await s1.sync(h1, { request: 'kt_whoami' })).toMatchObject({ name: 'Zed' });
    expect(await s1.async(p1, { request: 'configure', display: 'Zed Two' })).toMatchObject({ configured: 'ok' });
    expect(devGuard.rooms.member('dz-room', 'dz')?.name).toBe('Zed Two');
    // A plain janus.js client (no kt at its join) gets the defaults.
    const plain = await member('plain', 'dz-room', { tok: 'another-key', url: devGuard.url });
    expect(plain.joined.kt.self).toEqual(view('plain', 'plain'));
  });
});

describe('kt_message', () => {
  test("64 KiB of JSON arrives whole; a byte more is '445'; the refusals carry their codes", async () => {
    await createRoom('msg-host', 'msg-room', { destroy: false });
    const a = await member('msg-a', 'msg-room');
    const b = await member('msg-b', 'msg-room');
    const c = await member('msg-c', 'msg-room');
    const body = { t: 'x'.repeat(64 * 1024 - 8) }; // {"t":"..."}: 8 bytes around the text
    expect(Buffer.byteLength(JSON.stringify(body))).toBe(64 * 1024);
    expect(await a.s.sync(a.pub, { request: 'kt_message', room: 'msg-room', body })).toEqual({ videoroom: 'kt_message', room: 'msg-room', sent: 2 });
    const got = await nextEvent(b.s, (d) => d.videoroom === 'kt_message');
    expect(got).toMatchObject({ from: { id: 'msg-a' }, whisper: false, $sender: b.pub });
    expect(got?.body).toEqual(body);
    refused(await a.s.sync(a.pub, { request: 'kt_message', room: 'msg-room', body: { t: body.t + 'x' } }), '445');
    // A whisper reaches its target only.
    expect(await a.s.sync(a.pub, { request: 'kt_message', room: 'msg-room', to: 'msg-c', body: 'psst' })).toMatchObject({ sent: 1 });
    expect(await nextEvent(c.s, (d) => d.body === 'psst')).toMatchObject({ whisper: true, from: { id: 'msg-a' } });
    expect(await nextEvent(b.s, (d) => d.body === 'psst', 300)).toBeUndefined();
    refused(await a.s.sync(a.pub, { request: 'kt_message', room: 'msg-room', to: 'ghost', body: 1 }), '410');
    refused(await a.s.sync(a.pub, { request: 'kt_message', room: 'no-room', body: 1 }), '441');
    refused(await a.s.sync(a.pub, { request: 'kt_message', room: 'msg-room', body: 1, from: 'msg-b' }), '413');
    const outsider = await session(await token('msg-d', { rooms: ['msg-room'] }));
    const oh = await outsider.attach();
    refused(await outsider.sync(oh, { request: 'kt_message', room: 'msg-room', body: 1 }), '400');
  });
});

describe('a page that reloads while its old session is held', () => {
  test("the new session takes the held one's seat (no '442'); the old is destroyed; a destroy room stays; host powers go on", async () => {
    await createRoom('rl-host', 'rl-room', { destroy: true });
    const host = await member('rl-host', 'rl-room', { token: { create: true } });
    const watcher = await member('rl-obs', 'rl-room');
    const before = guard.stats().connections;
    host.s.c.ws.terminate(); // the page reloads: its socket is gone, its session held for a claim
    await waitFor(() => guard.stats().connections === before - 1);

    const again = await member('rl-host', 'rl-room', { token: { create: true } });
    expect(again.joined).toMatchObject({ videoroom: 'joined', id: 'rl-host' });
    expect(again.joined.kt.self).toMatchObject({ id: 'rl-host', userType: 'host' });
    expect(guard.rooms.get('rl-room')?.members.size).toBe(2);
    expect(guard.rooms.member('rl-room', 'rl-host')?.sessionId).toBe(again.s.id);
    // The others saw the old one leave and the new one come.
    expect(await nextEvent(watcher.s, (d) => d.leaving === 'rl-host')).toBeDefined();
    expect(await nextEvent(watcher.s, (d) => d.joining?.id === 'rl-host')).toMatchObject({ joining: { kt: { userType: 'host' } } });
    // The old session is gone, from the guard and from Janus.
    const c = await RawJanus.open(guard.url);
    expect(await c.request({ janus: 'claim', session_id: host.s.id, token: host.s.token })).toMatchObject({ janus: 'error', error: { code: 458 } });
    c.close();
    const direct = await RawJanus.open(janus.wsUrl);
    expect(await direct.request({ janus: 'keepalive', session_id: host.s.id })).toMatchObject({ janus: 'error', error: { code: 458 } });
    direct.close();
    expect(await again.s.sync(again.pub, { request: 'kick', room: 'rl-room', id: 'rl-obs' })).toMatchObject({ videoroom: 'success' });
  });

  test("two live sessions of one identity in one room: the second gets '442', the first keeps its seat", async () => {
    await createRoom('tw-host', 'tw-room', { destroy: false });
    const first = await member('tw', 'tw-room');
    expect(first.joined.videoroom).toBe('joined');
    const second = await member('tw', 'tw-room');
    refused(second.joined, '442');
    expect(guard.rooms.member('tw-room', 'tw')?.sessionId).toBe(first.s.id);
    expect(await first.s.sync(first.pub, { request: 'kt_message', room: 'tw-room', body: 'still here' })).toMatchObject({ videoroom: 'kt_message' });
  });

  test('a held seat still counts against capacity for anyone else, and goes to its own identity (reload after reload)', async () => {
    await createRoom('cp-host', 'cp-room', { capacity: 2, destroy: true });
    let a = await member('cp-a', 'cp-room');
    await member('cp-b', 'cp-room');
    // Several reloads in a row: each new join must find the id free in Janus (no 436), every time.
    for (let reload = 0; reload < 5; reload++) {
      const before = guard.stats().connections;
      a.s.c.ws.terminate();
      await waitFor(() => guard.stats().connections === before - 1);
      if (reload === 0) refused((await member('cp-c', 'cp-room')).joined, '444');
      a = await member('cp-a', 'cp-room');
      expect([reload, a.joined]).toMatchObject([reload, { videoroom: 'joined', id: 'cp-a' }]);
      expect(guard.rooms.get('cp-room')?.members.size).toBe(2);
    }
  });
});

describe('heartbeat', () => {
  test('a client that stops answering pings is terminated; its session is then held and released like a vanished page', async () => {
    const beatGuard = await startGuard({ janusUrl: janus.wsUrl, adminKey: ADMIN_KEY, profile: 'secure', tokenSecret: SECRET, reclaimMs: 300, pingMs: 100 });
    try {
      await createRoom('hb-host', 'hb-room', { destroy: true }, beatGuard.url);
      const alive = await member('hb-alive', 'hb-room', { url: beatGuard.url });
      const frozen = await member('hb-frozen', 'hb-room', { url: beatGuard.url, open: { autoPong: false } });
      expect(frozen.joined.videoroom).toBe('joined');
      const t0 = Date.now();
      await frozen.s.c.closed;
      // Pinged at 100 and 200 ms, unanswered; terminated at the next beat.
      expect(Date.now() - t0).toBeLessThan(1500);
      await waitFor(() => beatGuard.rooms.member('hb-room', 'hb-frozen') === undefined, 3000);
      expect(await nextEvent(alive.s, (d) => d.leaving === 'hb-frozen')).toBeDefined();
      // The one that answers stays, well past a few beats.
      await new Promise((r) => setTimeout(r, 500));
      expect(alive.s.c.ws.readyState).toBe(1);
      expect(await alive.s.core({ janus: 'keepalive' })).toMatchObject({ janus: 'ack' });
    } finally {
      await beatGuard.stop();
    }
  });
});

describe('Janus restarts behind a running guard', () => {
  test("clients are closed, claims get Janus's own 'No such session', the registry forgets, the admin session comes back, new rooms work", async () => {
    await createRoom('jr-host', 'jr-room', { destroy: false });
    const a = await member('jr-a', 'jr-room');
    const b = await member('jr-b', 'jr-room');
    expect(guard.stats()).toMatchObject({ janus: true });

    await janus.kill();
    expect((await a.s.c.closed).code).toBe(1011);
    expect((await b.s.c.closed).code).toBe(1011);
    await waitFor(() => !guard.stats().janus && guard.rooms.all().length === 0 && guard.stats().sessions === 0);

    await janus.start();
    await waitFor(() => guard.stats().janus, 15000);
    // What the client hears is what Janus itself says of a session it does not have.
    const c = await RawJanus.open(guard.url);
    const viaGuard = await c.request({ janus: 'claim', session_id: a.s.id, token: a.s.token, transaction: 'claim-1' });
    const direct = await RawJanus.open(janus.wsUrl);
    const fromJanus = await direct.request({ janus: 'claim', session_id: a.s.id, transaction: 'claim-1' });
    direct.close();
    c.close();
    expect(fromJanus).toMatchObject({ janus: 'error', error: { code: 458 } });
    expect(viaGuard).toEqual(fromJanus);
    expect(viaGuard).toEqual({ janus: 'error', session_id: a.s.id, transaction: 'claim-1', error: { code: 458, reason: `No such session ${a.s.id}` } });

    // Rebuild: the same room id again (the old one died with Janus), both members back in.
    const created = await createRoom('jr-host', 'jr-room', { destroy: false, title: 'again' });
    void created;
    const a2 = await member('jr-a', 'jr-room');
    const b2 = await member('jr-b', 'jr-room');
    expect(a2.joined).toMatchObject({ videoroom: 'joined', id: 'jr-a' });
    expect(b2.joined.kt.room).toMatchObject({ title: 'again', members: [expect.objectContaining({ id: 'jr-a' }), expect.objectContaining({ id: 'jr-b' })] });
    expect(guard.rooms.get('jr-room')?.members.size).toBe(2);
    expect(await a2.s.sync(a2.pub, { request: 'kt_message', room: 'jr-room', body: 'back' })).toMatchObject({ sent: 1 });
  });
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
