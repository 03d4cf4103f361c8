/** The guard's policy (sdk/server/guard/policy.ts, create-spec.ts): default deny, rewriting, who may do what. */
import { decide, sendingMids, type HandleState, type SessionState } from '../../sdk/server/guard/policy';
import { metaFromCreate } from '../../sdk/server/guard/create-spec';
import { RoomRegistry, type RoomMeta } from '../../sdk/server/guard/rooms';
import { unboundIdentity, type Identity } from '../../sdk/server/guard/identity';

const meta = (over: Partial<RoomMeta> = {}): RoomMeta => ({
  title: 't',
  capacity: null,
  host: 'alice',
  destroy: true,
  talkingNoty: false,
  p2p: false,
  recording: false,
  createdAt: 0,
  pinRequired: false,
  parent: null,
  guestPermit: { chat: true, draw: true, screen: true, whiteboard: true, document: true },
  ...over,
});
const handle = (over: Partial<HandleState> = {}): HandleState => ({
  id: 10,
  role: 'none',
  room: null,
  joined: false,
  privateId: null,
  labels: new Map(),
  ...over,
});
function sessionOf(identity: Identity, ...handles: HandleState[]): SessionState {
  return { id: 1, identity, handles: new Map(handles.map((h) => [h.id, h])) };
}
const signed = (userId: string, over: Partial<Identity> = {}): Identity => ({
  userId,
  name: userId.toUpperCase(),
  signed: true,
  rooms: [],
  canCreate: false,
  role: 'guest',
  expiresAt: Infinity,
  ...over,
});

let rooms: RoomRegistry;
beforeEach(() => {
  rooms = new RoomRegistry();
  rooms.add('r', meta(), 'secret', null);
  rooms.add('pinned', meta({ pinRequired: true }), 'secret', '1234');
});

const kind = (d: ReturnType<typeof decide>) => (d.kind === 'refuse' ? `refuse:${d.error.kt}` : d.kind);
/** Makes `userId` a member of `room` in the registry, as Janus's `joined` would. */
function admitted(room: string, userId: string, sessionId: number, handleId: number) {
  rooms.reserve(signed(userId, { rooms: [room] }), room, {
    userId,
    name: userId.toUpperCase(),
    userType: 'guest',
    device: '',
    video: true,
    audio: true,
    sessionId,
    handleId,
  });
  rooms.admit(room, `${sessionId}:${handleId}`);
}

test('the publisher join is rewritten to the identity, whatever id and display the client sent', () => {
  const s = sessionOf(signed('bob', { rooms: ['r'] }));
  const d = decide(s, handle(), { request: 'join', ptype: 'publisher', room: 'r', id: 'alice', display: 'kt1:{"name":"Alice"}', pin: 'x' }, undefined, rooms);
  expect(d).toEqual({
    kind: 'forward',
    join: 'publisher',
    info: { device: '', video: true, audio: true },
    body: { request: 'join', ptype: 'publisher', room: 'r', id: 'bob', display: 'BOB', pin: 'x' },
  });
});

test("the publisher join's kt is member info the guard keeps (never forwarded); anything else in it is 433 / '422'", () => {
  const s = sessionOf(signed('bob', { rooms: ['r'] }));
  const join = (kt: unknown) => decide(s, handle(), { request: 'join', ptype: 'publisher', room: 'r', kt }, undefined, rooms);
  const d = join({ device: 'Chrome 126', video: false });
  expect(d).toMatchObject({ kind: 'forward', info: { device: 'Chrome 126', video: false, audio: true } });
  expect(d.kind === 'forward' && d.body.kt).toBeUndefined();
  for (const bad of [{ name: 'Alice' }, { userType: 'host' }, { video: 'off' }, { audio: 1 }, { device: 7 }, { device: 'x'.repeat(257) }, 'kt', [], null]) {
    const r = join(bad);
    expect([bad, r.kind === 'refuse' && r.error]).toEqual([bad, expect.objectContaining({ code: 433, kt: '422' })]);
  }
  expect(kind(join({ device: 'x'.repeat(256) }))).toBe('forward');
});

test("kt_user: a member's own info; a signed name is the token's; not a member: '400'", () => {
  const pub = handle({ id: 11, role: 'publisher', room: 'r', joined: true, privateId: 1 });
  const signedMember = sessionOf(signed('bob', { rooms: ['r'] }), pub);
  const devMember = sessionOf({ ...unboundIdentity(), userId: 'dev', name: 'Dev' }, pub);
  const user = (s: SessionState, body: Record<string, unknown>) => decide(s, pub, { request: 'kt_user', room: 'r', ...body }, undefined, rooms);
  expect(user(signedMember, { device: 'Safari', video: false, audio: true })).toEqual({
    kind: 'user',
    room: 'r',
    patch: { device: 'Safari', video: false, audio: true },
  });
  expect(user(signedMember, { name: 'BOB' })).toEqual({ kind: 'user', room: 'r', patch: { name: 'BOB' } }); // its own name: fine
  expect(kind(user(signedMember, { name: 'Alice' }))).toBe('refuse:413');
  expect(user(devMember, { name: ' Dev\u0007 2 ' })).toEqual({ kind: 'user', room: 'r', patch: { name: ' Dev 2 ' } });
  for (const bad of [{ name: '' }, { name: 5 }, { video: 'no' }, { device: {} }, { userType: 'host' }, { id: 'alice' }])
    expect(kind(user(devMember, bad))).toBe('refuse:422');
  expect(kind(decide(signedMember, pub, { request: 'kt_user', room: 'nope', video: false }, undefined, rooms))).toBe('refuse:441');
  expect(kind(decide(signedMember, pub, { request: 'kt_user', video: false }, undefined, rooms))).toBe('refuse:441');
  const outsider = sessionOf(signed('m', { rooms: ['r'] }));
  expect(kind(decide(outsider, handle(), { request: 'kt_user', room: 'r', video: false }, undefined, rooms))).toBe('refuse:400');
});

test('every refusal carries a Knowledgetalk code from SPEC §2', () => {
  const codes = new Set([
    '400',
    '401',
    '403',
    '404',
    '405',
    '409',
    '410',
    '411',
    '412',
    '413',
    '421',
    '422',
    '440',
    '441',
    '442',
    '443',
    '444',
    '445',
    '451',
    '452',
    '500',
    '504',
    '543',
    '570',
    '599',
  ]);
  const pub = handle({ id: 11, role: 'publisher', room: 'r', joined: true, privateId: 1 });
  const s = sessionOf(signed('bob', { rooms: ['r'] }), pub);
  const bodies: Array<Record<string, unknown>> = [
    {},
    { request: 7 },
    { request: 'nope' },
    { request: 'join' },
    { request: 'join', ptype: 'publisher', room: 'r' },
    { request: 'join', ptype: 'x' },
    { request: 'configure', bitrate: 1 },
    { request: 'start' },
    { request: 'update' },
    { request: 'kick', room: 'r' },
    { request: 'kick', room: 'r', id: 'a' },
    { request: 'enable_recording', room: 'r' },
    { request: 'create', kt: 5 },
    { request: 'kt_message', room: 'r', to: 'z', body: 1 },
    { request: 'kt_user', room: 'r', x: 1 },
    { request: 'listparticipants', room: 'pinned' },
  ];
  const fresh = handle();
  for (const body of bodies) {
    for (const h of [pub, fresh]) {
      const d = decide(s, h, body, undefined, rooms);
      if (d.kind === 'refuse') expect([body, codes.has(d.error.kt)]).toEqual([body, true]);
    }
  }
});

test('forbidden requests and fields are refused, never stripped and forwarded', () => {
  const joined = handle({ role: 'publisher', room: 'r', joined: true, privateId: 7 });
  const s = sessionOf(signed('alice', { rooms: ['r'], canCreate: true }), joined);
  const offer = { type: 'offer', sdp: 'v=0\r\n' };
  const cases: Array<[Record<string, unknown>, unknown?]> = [
    [{ request: 'rtp_forward', room: 'r', publisher_id: 'alice', host: '10.0.0.1' }],
    [{ request: 'publish_remotely', room: 'r' }],
    [{ request: 'add_remote_publisher', room: 'r' }],
    [{ request: 'edit', room: 'r' }],
    [{ request: 'moderate', room: 'r' }],
    [{ request: 'exists', room: 'r' }],
    [{ request: 'joinandconfigure', ptype: 'publisher', room: 'r' }],
    [{ request: 'publish' }, offer],
    [{ request: 'switch', streams: [] }],
    [{ request: 'configure', record: true }, offer],
    [{ request: 'configure', filename: '/etc/passwd' }, offer],
    [{ request: 'configure', bitrate: 1 }],
    [{ request: 'create', room: 'x', permanent: true }],
    [{ request: 'create', room: 'x', rec_dir: '/tmp' }],
    [{ request: 'create', room: 'x', admin_key: 'k' }],
    [{ request: 'create', room: 'x', lock_record: false }],
    [{ request: 'create', room: 'x', kt: { host: 'mallory' } }],
    [{ request: 'destroy', room: 'r', permanent: true }],
    [{ request: 'list', admin_key: 'k' }],
  ];
  for (const [body, jsep] of cases) expect([body.request, kind(decide(s, joined, body, jsep, rooms))]).toEqual([body.request, 'refuse:413']);
});

test('host-only requests go to the authority for the host and are refused for others', () => {
  const host = sessionOf(signed('alice'));
  const guest = sessionOf(signed('bob', { rooms: ['r'] }));
  for (const body of [
    { request: 'kick', room: 'r', id: 'bob' },
    { request: 'destroy', room: 'r', secret: 'wrong' },
    { request: 'enable_recording', room: 'r', record: true },
  ]) {
    expect(kind(decide(host, handle(), body, undefined, rooms))).toMatch(/^(kick|destroy|record)$/);
    expect(kind(decide(guest, handle(), body, undefined, rooms))).toBe('refuse:413');
  }
});

test('a subscriber joins only rooms its session is in, with its own private_id', () => {
  const pub = handle({ id: 11, role: 'publisher', room: 'r', joined: true, privateId: 4242 });
  const s = sessionOf(signed('bob', { rooms: ['r', 'pinned'] }), pub);
  const d = decide(s, handle(), { request: 'join', ptype: 'subscriber', room: 'r', private_id: 1, streams: [{ feed: 'alice', mid: '1' }] }, undefined, rooms);
  expect(d).toEqual({
    kind: 'forward',
    join: 'subscriber',
    body: { request: 'join', ptype: 'subscriber', room: 'r', private_id: 4242, streams: [{ feed: 'alice', mid: '1' }] },
  });
  expect(kind(decide(s, handle(), { request: 'join', ptype: 'subscriber', room: 'pinned', streams: [{ feed: 'x' }] }, undefined, rooms))).toBe('refuse:413');
  expect(kind(decide(s, handle(), { request: 'join', ptype: 'subscriber', room: 'r', streams: [{ feed: 'x', crossrefid: 'y' }] }, undefined, rooms))).toBe(
    'refuse:422',
  );
});

test('list / listparticipants / kt_room follow visibility; kt_message needs membership and a member target', () => {
  const outsider = sessionOf(signed('m', { rooms: ['other'] }));
  expect(kind(decide(outsider, handle(), { request: 'listparticipants', room: 'r' }, undefined, rooms))).toBe('refuse:413');
  expect(kind(decide(outsider, handle(), { request: 'kt_room', room: 'r' }, undefined, rooms))).toBe('refuse:413');
  expect(kind(decide(outsider, handle(), { request: 'kt_message', room: 'r', body: 'hi' }, undefined, rooms))).toBe('refuse:400');
  expect(kind(decide(outsider, handle(), { request: 'kt_message', room: 'nope', body: 'hi' }, undefined, rooms))).toBe('refuse:441');
  const pub = handle({ id: 11, role: 'publisher', room: 'r', joined: true, privateId: 1 });
  const memberSession = sessionOf(signed('bob', { rooms: ['r'] }), pub);
  admitted('r', 'bob', 1, 11);
  expect(kind(decide(memberSession, pub, { request: 'kt_message', room: 'r', body: { t: 1 } }, undefined, rooms))).toBe('message');
  // A target who is not in the room: '410', "not a registered user".
  expect(kind(decide(memberSession, pub, { request: 'kt_message', room: 'r', to: 'ghost', body: 1 }, undefined, rooms))).toBe('refuse:410');
  expect(kind(decide(memberSession, pub, { request: 'kt_message', room: 'r', to: 7, body: 1 }, undefined, rooms))).toBe('refuse:422');
  expect(kind(decide(memberSession, pub, { request: 'kt_message', room: 'r' }, undefined, rooms))).toBe('refuse:421');
  // 64 KiB of JSON (what the SDK's inform sends at most, 32 KiB, wrapped), counted in bytes.
  const sized = (bytes: number) => 'x'.repeat(bytes - 2); // JSON adds the quotes
  expect(kind(decide(memberSession, pub, { request: 'kt_message', room: 'r', body: sized(64 * 1024) }, undefined, rooms))).toBe('message');
  expect(kind(decide(memberSession, pub, { request: 'kt_message', room: 'r', body: sized(64 * 1024 + 1) }, undefined, rooms))).toBe('refuse:445');
  // Over the size limit: '445', "data exceeds the maximum".
  expect(kind(decide(memberSession, pub, { request: 'kt_message', room: 'r', body: 'é'.repeat(33 * 1024) }, undefined, rooms))).toBe('refuse:445');
  expect(kind(decide(memberSession, pub, { request: 'listparticipants', room: 'r' }, undefined, rooms))).toBe('forward');
  expect(kind(decide(memberSession, pub, { request: 'list' }, undefined, rooms))).toBe('list');
});

test('one screen sharer: a screen stream another member already shares is refused with 440', () => {
  rooms.get('r')!.share = { type: 'screen', user: 'alice', board: 1 };
  const pub = handle({ id: 11, role: 'publisher', room: 'r', joined: true, privateId: 1 });
  const s = sessionOf(signed('bob', { rooms: ['r'] }), pub);
  const sdp = (dir: string) => `v=0\r\nm=audio 9 UDP 111\r\na=mid:0\r\na=sendonly\r\nm=video 9 UDP 96\r\na=mid:1\r\na=${dir}\r\n`;
  const descriptions = [{ mid: '1', description: 'screen' }];
  expect(kind(decide(s, pub, { request: 'configure', descriptions }, { type: 'offer', sdp: sdp('sendonly') }, rooms))).toBe('refuse:440');
  expect(decide(s, pub, { request: 'configure', descriptions }, { type: 'offer', sdp: sdp('inactive') }, rooms)).toMatchObject({
    kind: 'forward',
    screen: false,
  });
});

test('sendingMids reads direction and rejected m-lines', () => {
  const sdp =
    'v=0\r\nm=audio 9 X 0\r\na=mid:0\r\na=sendrecv\r\nm=video 0 X 96\r\na=mid:1\r\na=sendonly\r\nm=video 9 X 96\r\na=mid:2\r\na=recvonly\r\nm=video 9 X 96\r\na=mid:3\r\n';
  expect([...sendingMids(sdp)]).toEqual(['0', '3']);
});

test('development: kt_whoami binds the id once; a create without it binds a generated one', () => {
  const s = sessionOf(unboundIdentity());
  expect(decide(s, handle(), { request: 'kt_whoami', id: 'alice' }, undefined, rooms)).toMatchObject({ kind: 'whoami', userId: 'alice', forced: false });
  expect(decide(s, handle(), { request: 'kt_whoami', id: 'bob', forced: true }, undefined, rooms)).toMatchObject({
    kind: 'whoami',
    userId: 'alice',
    forced: true,
  });
  expect(decide(s, handle(), { request: 'kt_whoami', forced: 'yes' }, undefined, rooms)).toMatchObject({ kind: 'refuse', error: { kt: '422' } });
  const fresh = sessionOf(unboundIdentity());
  expect(decide(fresh, handle(), { request: 'create', room: 'new' }, undefined, rooms)).toMatchObject({ kind: 'create' });
  expect(fresh.identity.userId).toMatch(/^U/);
});

test('create spec: kt object, plain description as title, limits', () => {
  expect(metaFromCreate({ request: 'create', room: 'a', kt: { title: 'T', capacity: 3, destroy: false, talkingNoty: true } })).toMatchObject({
    room: 'a',
    title: 'T',
    capacity: 3,
    destroy: false,
    talkingNoty: true,
  });
  expect(metaFromCreate({ request: 'create', kt: { title: 'T', capacity: null, destroy: true, talkingNoty: false, p2p: true } })).toMatchObject({
    title: 'T',
    capacity: null,
    p2p: true,
  });
  expect(metaFromCreate({ request: 'create', description: 'Plain title' })).toMatchObject({ room: null, title: 'Plain title', capacity: null, destroy: true });
  expect(metaFromCreate({ request: 'create', description: 'Plain', kt: { title: 'From kt' } })).toMatchObject({ title: 'From kt' });
  // The old "kt1:" encoding is a title like any other, never read for metadata.
  const old = 'kt1:' + JSON.stringify({ title: 'x', capacity: 2, destroy: false, host: 'mallory' });
  expect(metaFromCreate({ request: 'create', description: old })).toMatchObject({ title: old, capacity: null, destroy: true });
  expect(metaFromCreate({ request: 'create', kt: { destroy: 'no' } })).toMatchObject({ kt: '422' });
  expect(metaFromCreate({ request: 'create', kt: { capacity: 0 } })).toMatchObject({ kt: '422' });
  expect(metaFromCreate({ request: 'create', kt: { capacity: 1001 } })).toMatchObject({ kt: '422' });
  expect(metaFromCreate({ request: 'create', room: 'bad id' })).toMatchObject({ kt: '422' });
  expect(metaFromCreate({ request: 'create', audio_level_average: 500 })).toMatchObject({ kt: '422' });
});
