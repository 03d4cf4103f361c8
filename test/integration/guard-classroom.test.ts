/**
 * The teaching rules at the gateway guard, with raw clients that ignore the SDK (secure profile,
 * a real Janus): the host's permit (chat, screen, draw, whiteboard, document) refused past any
 * client check, the one share at a time, board strokes checked and kept (Yjs updates), editRoomInfo
 * and the host hand-over, breakout groups and who may enter them, init's forced take-over, and
 * the file store's tickets and HTTP side.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as Y from 'yjs';
import { startGuard, signToken, type Guard } from '../../sdk/server/guard';
import { RawSession, type Frame } from '../support/raw-janus';
import { startJanusAlone, type JanusAlone } from '../support/janus-alone';

jest.setTimeout(60000);

const SECRET = 'guard-classroom-' + Math.random().toString(36).slice(2);
const ADMIN_KEY = 'vr-admin-' + Math.random().toString(36).slice(2);

let janus: JanusAlone;
let guard: Guard;
let tmp: string;
const opened: RawSession[] = [];

const token = (user: string, extra: Partial<Parameters<typeof signToken>[0]> = {}) => signToken({ secret: SECRET, user, ...extra });

async function session(tok: string): Promise<RawSession> {
  const s = await RawSession.create(guard.url, tok);
  opened.push(s);
  return s;
}

/** A member of `room` (its token names the room), joined on a publisher handle. */
async function member(user: string, room: string, rooms = [room]) {
  const s = await session(await token(user, { rooms }));
  const pub = await s.attach();
  const joined = await s.async(pub, { request: 'join', ptype: 'publisher', room, id: user, display: user });
  return { s, pub, joined };
}

/** The host: creates the room and joins it. */
async function host(user: string, room: string, kt: Record<string, unknown> = {}) {
  const s = await session(await token(user, { create: true }));
  const pub = await s.attach();
  expect(await s.sync(pub, { request: 'create', room, kt: { destroy: false, ...kt } })).toMatchObject({ videoroom: 'created' });
  const joined = await s.async(pub, { request: 'join', ptype: 'publisher', room, id: user, display: user });
  expect(joined.videoroom).toBe('joined');
  return { s, pub, joined };
}

async function nextEvent(s: RawSession, match: (data: Frame) => boolean, ms = 3000): Promise<Frame | undefined> {
  const frame = await s.c.wait((f) => f.janus === 'event' && f.plugindata?.data !== undefined && match(f.plugindata.data), ms);
  return frame?.plugindata.data;
}

const refused = (data: Frame, kt: string) => expect(data).toMatchObject({ error_code: expect.any(Number), kt_code: kt });

/** A screen offer: m-line 1 sends and is labelled 'screen'. */
const SCREEN_SDP = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\na=sendonly\r\na=rtpmap:96 VP8/90000\r\n';

/** A real Yjs update: one item in the board's root array. */
function yUpdate(text: string): string {
  const doc = new Y.Doc();
  doc.getArray('items').push([text]);
  return Buffer.from(Y.encodeStateAsUpdate(doc)).toString('base64');
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(tmpdir(), 'kt-guard-classroom-'));
  janus = await startJanusAlone({ adminKey: ADMIN_KEY, recordingsDir: path.join(tmp, 'rec') });
  guard = await startGuard({ janusUrl: janus.wsUrl, adminKey: ADMIN_KEY, profile: 'secure', tokenSecret: SECRET, files: { maxFileBytes: 64 * 1024 } });
});

afterAll(async () => {
  for (const s of opened) s.close();
  await guard?.stop();
  await janus?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

test('permits: only the host gives them; chat and a screen without them are refused at the guard; a reload keeps them', async () => {
  const h = await host('p-host', 'p-room');
  const g = await member('p-guest', 'p-room');
  expect(g.joined.kt.self.permit).toEqual({ chat: true, draw: true, screen: true, whiteboard: true, document: true });
  refused(await g.s.sync(g.pub, { request: 'kt_permit', room: 'p-room', target: 'p-host', chat: false }), '413');
  refused(await h.s.sync(h.pub, { request: 'kt_permit', room: 'p-room', target: 'p-guest' }), '421');
  refused(await h.s.sync(h.pub, { request: 'kt_permit', room: 'p-room', target: 'p-guest', chat: 'no' }), '422');
  refused(await h.s.sync(h.pub, { request: 'kt_permit', room: 'p-room', target: 'ghost', chat: false }), '410');
  refused(await h.s.sync(h.pub, { request: 'kt_permit', room: 'p-room', target: 'p-guest', chat: false, admin: true }), '413');
  expect(await h.s.sync(h.pub, { request: 'kt_permit', room: 'p-room', target: 'p-guest', chat: false, screen: false })).toMatchObject({
    videoroom: 'kt_permit',
    member: { id: 'p-guest', permit: { chat: false, screen: false, draw: true } },
  });
  expect(await nextEvent(g.s, (d) => d.videoroom === 'kt_member')).toMatchObject({ member: { id: 'p-guest', permit: { chat: false } } });

  refused(await g.s.sync(g.pub, { request: 'kt_message', room: 'p-room', body: { k: 'chat', m: 'hi' } }), '413');
  expect(await g.s.sync(g.pub, { request: 'kt_message', room: 'p-room', body: { k: 'inform', m: 'hi' } })).toMatchObject({ videoroom: 'kt_message', sent: 1 });
  const screen = await g.s.async(g.pub, { request: 'configure', descriptions: [{ mid: '1', description: 'screen' }] }, { type: 'offer', sdp: SCREEN_SDP });
  refused(screen, '413');
  expect(guard.rooms.get('p-room')?.share).toBeNull();

  // A new session of the same identity (a reload) is still without.
  g.s.close();
  const again = await member('p-guest', 'p-room');
  expect(again.joined.kt.self.permit).toMatchObject({ chat: false, screen: false });
  refused(await again.s.sync(again.pub, { request: 'kt_message', room: 'p-room', body: { k: 'chat', m: 'hi' } }), '413');
});

test('one share at a time; board strokes are Yjs updates, checked, relayed, kept for late joiners, refused without the draw permit', async () => {
  const h = await host('b-host', 'b-room');
  const g = await member('b-guest', 'b-room');
  refused(await g.s.sync(g.pub, { request: 'kt_share', room: 'b-room', type: 'video' }), '422');
  const started = await h.s.sync(h.pub, { request: 'kt_share', room: 'b-room', type: 'whiteboard' });
  expect(started).toMatchObject({ videoroom: 'kt_share', share: { type: 'whiteboard', user: 'b-host', board: expect.any(Number) } });
  const board = started.share.board as number;
  expect(await nextEvent(g.s, (d) => d.videoroom === 'kt_share')).toMatchObject({ share: { type: 'whiteboard', user: 'b-host', board } });
  refused(await g.s.sync(g.pub, { request: 'kt_share', room: 'b-room', type: 'document' }), '440');
  refused(await g.s.async(g.pub, { request: 'configure', descriptions: [{ mid: '1', description: 'screen' }] }, { type: 'offer', sdp: SCREEN_SDP }), '440');

  const update = yUpdate('a stroke');
  expect(await g.s.sync(g.pub, { request: 'kt_board', room: 'b-room', board, update })).toMatchObject({ videoroom: 'kt_board', sent: 1 });
  expect(await nextEvent(h.s, (d) => d.videoroom === 'kt_board')).toMatchObject({ from: 'b-guest', board, update });
  refused(await g.s.sync(g.pub, { request: 'kt_board', room: 'b-room', board: board - 1, update }), '412');
  refused(await g.s.sync(g.pub, { request: 'kt_board', room: 'b-room', board, update: Buffer.from('not yjs at all').toString('base64') }), '422');
  refused(await g.s.sync(g.pub, { request: 'kt_board', room: 'b-room', board, update: 'not base64!' }), '422');
  refused(await g.s.sync(g.pub, { request: 'kt_board', room: 'b-room', board, update: Buffer.alloc(170 * 1024, 1).toString('base64') }), '445');
  expect(await g.s.sync(g.pub, { request: 'kt_board', room: 'b-room', board, transient: { x: 0.5, y: 0.5 } })).toMatchObject({ sent: 1 });

  // The board so far, for a late joiner: one merged Yjs update with the stroke in it.
  const late = await member('b-late', 'b-room');
  const state = await late.s.sync(late.pub, { request: 'kt_board_state', room: 'b-room' });
  expect(state).toMatchObject({ board, share: { type: 'whiteboard' } });
  const doc = new Y.Doc();
  Y.applyUpdate(doc, Buffer.from(state.state, 'base64'));
  expect(doc.getArray('items').toArray()).toEqual(['a stroke']);

  // Without the draw permit: refused, past any client.
  await h.s.sync(h.pub, { request: 'kt_permit', room: 'b-room', target: 'b-guest', draw: false });
  refused(await g.s.sync(g.pub, { request: 'kt_board', room: 'b-room', board, update: yUpdate('x') }), '413');

  // A guest cannot end the host's share; the host ends it and everyone hears of it; the board goes.
  expect(await g.s.sync(g.pub, { request: 'kt_share_stop', room: 'b-room' })).toMatchObject({ stopped: false });
  expect(await h.s.sync(h.pub, { request: 'kt_share_stop', room: 'b-room' })).toMatchObject({ stopped: true, share: null });
  expect(await nextEvent(g.s, (d) => d.videoroom === 'kt_share' && d.share === null)).toMatchObject({ ended: { type: 'whiteboard', user: 'b-host' } });
  refused(await h.s.sync(h.pub, { request: 'kt_board', room: 'b-room', board, update }), '412');
  // A sharer who leaves ends its share for the others.
  await g.s.sync(g.pub, { request: 'kt_permit', room: 'b-room', target: 'b-late', whiteboard: true });
  const mine = await late.s.sync(late.pub, { request: 'kt_share', room: 'b-room', type: 'whiteboard' });
  expect(mine.share.board).toBeGreaterThan(board);
  await late.s.async(late.pub, { request: 'leave' });
  expect(await nextEvent(h.s, (d) => d.videoroom === 'kt_share' && d.share === null && d.ended?.user === 'b-late')).toBeTruthy();
});

test('editRoomInfo: the host only; capacity not below the members; the host role handed on, at the guard', async () => {
  const h = await host('e-host', 'e-room', { capacity: 5 });
  const g = await member('e-guest', 'e-room');
  refused(await g.s.sync(g.pub, { request: 'kt_room_edit', room: 'e-room', title: 'mine now' }), '413');
  refused(await h.s.sync(h.pub, { request: 'kt_room_edit', room: 'e-room' }), '421');
  refused(await h.s.sync(h.pub, { request: 'kt_room_edit', room: 'e-room', capacity: 1 }), '412');
  refused(await h.s.sync(h.pub, { request: 'kt_room_edit', room: 'e-room', host: 'stranger' }), '410');
  expect(await h.s.sync(h.pub, { request: 'kt_room_edit', room: 'e-room', title: 'Renamed', capacity: 2 })).toMatchObject({
    kt: { title: 'Renamed', capacity: 2 },
  });
  expect(await nextEvent(g.s, (d) => d.videoroom === 'kt_room_changed')).toMatchObject({ kt: { title: 'Renamed', capacity: 2, host: 'e-host' } });
  const third = await session(await token('e-third', { rooms: ['e-room'] }));
  const th = await third.attach();
  refused(await third.async(th, { request: 'join', ptype: 'publisher', room: 'e-room', id: 'e-third', display: 'x' }), '444');

  expect(await h.s.sync(h.pub, { request: 'kt_room_edit', room: 'e-room', host: 'e-guest' })).toMatchObject({ kt: { host: 'e-guest' } });
  expect(await nextEvent(g.s, (d) => d.videoroom === 'kt_member' && d.member.id === 'e-guest')).toMatchObject({ member: { userType: 'host' } });
  refused(await h.s.sync(h.pub, { request: 'kick', room: 'e-room', id: 'e-guest' }), '413');
  refused(await h.s.sync(h.pub, { request: 'kt_permit', room: 'e-room', target: 'e-guest', chat: false }), '413');
  expect(await g.s.sync(g.pub, { request: 'kt_permit', room: 'e-room', target: 'e-host', chat: false })).toMatchObject({ videoroom: 'kt_permit' });
  refused(await h.s.sync(h.pub, { request: 'kt_message', room: 'e-room', body: { k: 'chat', m: 'I was host' } }), '413');
});

test('breakout groups: the host makes them, the listed hear of it, members of the main room may enter; no groups of groups', async () => {
  const h = await host('g-host', 'g-main');
  const a = await member('g-a', 'g-main');
  refused(await a.s.sync(a.pub, { request: 'kt_group', room: 'g-main', list: ['g-host'] }), '413');
  refused(await h.s.sync(h.pub, { request: 'kt_group', room: 'g-main', list: 'g-a' }), '422');
  const made = await h.s.sync(h.pub, { request: 'kt_group', room: 'g-main', list: ['g-a', 'g-nobody'], title: 'Team' });
  expect(made).toMatchObject({ videoroom: 'kt_group', group: expect.any(String), notified: ['g-a'], missing: ['g-nobody'] });
  expect(await nextEvent(a.s, (d) => d.videoroom === 'kt_group')).toMatchObject({ group: made.group, from: 'g-host', title: 'Team' });
  // The token names the main room only: the group is open to it as the main room's breakout.
  const inGroup = await member('g-a', made.group, ['g-main']);
  expect(inGroup.joined).toMatchObject({ videoroom: 'joined', kt: { room: { parent: 'g-main', title: 'Team' } } });
  const outsider = await session(await token('g-out', { rooms: ['elsewhere'] }));
  const oh = await outsider.attach();
  refused(await outsider.async(oh, { request: 'join', ptype: 'publisher', room: made.group, id: 'g-out', display: 'x' }), '413');
  // A group has no groups; only its main room's host ends it.
  const groupHost = await session(await token('g-host', { create: true }));
  const gh = await groupHost.attach();
  await groupHost.async(gh, { request: 'join', ptype: 'publisher', room: made.group, id: 'g-host', display: 'h' });
  refused(await groupHost.sync(gh, { request: 'kt_group', room: made.group }), '412');
  refused(await a.s.sync(a.pub, { request: 'kt_group_end', room: 'g-main', group: made.group }), '413');
  refused(await h.s.sync(h.pub, { request: 'kt_group_end', room: 'g-main', group: 'no-such' }), '451');
  expect(await h.s.sync(h.pub, { request: 'kt_group_end', room: 'g-main', group: made.group })).toMatchObject({ videoroom: 'kt_group_end' });
  expect(await nextEvent(inGroup.s, (d) => d.videoroom === 'kt_group_end')).toMatchObject({ room: made.group, main: 'g-main' });
  expect(await nextEvent(inGroup.s, (d) => d.videoroom === 'destroyed')).toBeTruthy();
  expect(guard.rooms.get(made.group)).toBeUndefined();
});

test('forced: a second sign-in of the same id ends the first session; without forced both stay', async () => {
  const first = await session(await token('f-user', { rooms: ['f-room'] }));
  const fh = await first.attach();
  expect(await first.sync(fh, { request: 'kt_whoami' })).toMatchObject({ id: 'f-user', replaced: 0 });
  const second = await session(await token('f-user', { rooms: ['f-room'] }));
  const sh = await second.attach();
  expect(await second.sync(sh, { request: 'kt_whoami' })).toMatchObject({ replaced: 0 });
  const third = await session(await token('f-user', { rooms: ['f-room'] }));
  const th = await third.attach();
  expect(await third.sync(th, { request: 'kt_whoami', forced: true })).toMatchObject({ replaced: 2 });
  expect(await nextEvent(first, (d) => d.videoroom === 'kt_replaced')).toBeTruthy();
  expect(await first.core({ janus: 'keepalive' })).toMatchObject({ janus: 'error', error: { code: 458 } });
  expect(await third.core({ janus: 'keepalive' })).toMatchObject({ janus: 'ack' });
});

test('files: a ticket for members with the document permit; bytes checked by type and size; served with safe headers', async () => {
  const h = await host('fi-host', 'fi-room');
  const g = await member('fi-guest', 'fi-room');
  const whoami = await h.s.sync(h.pub, { request: 'kt_whoami' });
  expect(whoami.files).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files$/);
  refused(await g.s.sync(g.pub, { request: 'kt_upload', room: 'fi-room' }), '421');
  refused(await g.s.sync(g.pub, { request: 'kt_upload', room: 'fi-room', size: 100 * 1024 }), '445');
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100)]);
  const ticket = await g.s.sync(g.pub, { request: 'kt_upload', room: 'fi-room', name: '../../etc/passwd.png', size: png.length });
  expect(ticket).toMatchObject({ videoroom: 'kt_upload', ticket: expect.any(String), url: whoami.files });
  const posted = await fetch(ticket.url, { method: 'POST', headers: { 'x-kt-ticket': ticket.ticket }, body: png });
  expect(posted.status).toBe(201);
  const stored = await posted.json();
  expect(stored).toMatchObject({ code: '200', type: 'image/png', size: png.length });
  expect(stored.name).not.toMatch(/\//);
  const got = await fetch(new URL(stored.url, ticket.url));
  expect(got.status).toBe(200);
  expect(got.headers.get('x-content-type-options')).toBe('nosniff');
  expect(Buffer.from(await got.arrayBuffer()).equals(png)).toBe(true);
  // Used once.
  expect((await fetch(ticket.url, { method: 'POST', headers: { 'x-kt-ticket': ticket.ticket }, body: png })).status).toBe(401);
  // The host withdraws the document permit: no more tickets.
  await h.s.sync(h.pub, { request: 'kt_permit', room: 'fi-room', target: 'fi-guest', document: false });
  refused(await g.s.sync(g.pub, { request: 'kt_upload', room: 'fi-room', size: 10 }), '413');
  // Not the guard's WebSocket, not a file: a plain answer, the guard still serves.
  expect((await fetch(whoami.files.replace(/\/files$/, '/'))).status).toBe(426);
  expect(await h.s.sync(h.pub, { request: 'kt_whoami' })).toMatchObject({ id: 'fi-host' });
});
