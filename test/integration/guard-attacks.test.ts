/**
 * The guard (issue 14) against a real Janus, secure profile: a raw-Janus attacker (a Node
 * WebSocket client, valid token for ANOTHER room) tries each item of the attack list and is
 * refused, while honest raw clients in their own room keep working. Own Janus (VideoRoom admin_key
 * + lock_rtp_forward, TextRoom admin_key) and guards on free ports; nothing left behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startGateway, type Gateway } from '../../gateway-config/start.cjs';
import { startGuard, signToken, type Guard } from '../../sdk/server/guard';
import { RawJanus, RawSession, fakeOffer } from '../support/raw-janus';

jest.setTimeout(60000);

const SECRET = 'guard-test-secret-' + Math.random().toString(36).slice(2);
const ADMIN_KEY = 'vr-admin-' + Math.random().toString(36).slice(2);
const TEXT_KEY = 'tr-admin-' + Math.random().toString(36).slice(2);

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
  const saved = { ...process.env };
  process.env.JANUS_VIDEOROOM_ADMIN_KEY = ADMIN_KEY;
  process.env.JANUS_TEXTROOM_ADMIN_KEY = TEXT_KEY;
  try {
    gateway = await startGateway({ freePorts: true, quiet: true, logFile: path.join(tmp, 'janus.log'), recordingsDir: path.join(tmp, 'rec') });
  } finally {
    process.env.JANUS_VIDEOROOM_ADMIN_KEY = saved.JANUS_VIDEOROOM_ADMIN_KEY;
    process.env.JANUS_TEXTROOM_ADMIN_KEY = saved.JANUS_TEXTROOM_ADMIN_KEY;
    if (saved.JANUS_VIDEOROOM_ADMIN_KEY === undefined) delete process.env.JANUS_VIDEOROOM_ADMIN_KEY;
    if (saved.JANUS_TEXTROOM_ADMIN_KEY === undefined) delete process.env.JANUS_TEXTROOM_ADMIN_KEY;
  }
  guard = await startGuard({ janusUrl: gateway.wsUrl, adminKey: ADMIN_KEY, profile: 'secure', tokenSecret: SECRET, reclaimMs: 300, limits: { maxRoomsPerUser: 3 } });
  devGuard = await startGuard({ janusUrl: gateway.wsUrl, adminKey: ADMIN_KEY, textAdminKey: TEXT_KEY, profile: 'development', reclaimMs: 300 });
  // The victim's room, with a PIN, and the attacker's own room.
  const host = await session(await token('victim', { create: true }));
  const h = await host.attach();
  expect(await host.sync(h, { request: 'create', room: 'vroom', pin: '1234', kt: { title: 'Victim room', capacity: 5, destroy: false } })).toMatchObject({ videoroom: 'created', room: 'vroom' });
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
