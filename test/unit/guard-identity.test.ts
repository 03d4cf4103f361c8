/** The guard's identities (sdk/server/guard/identity.ts): signed tokens, the development profile, binding. */
import { bindUserId, cleanName, displayName, identify, isExpired, signToken, unboundIdentity } from '../../sdk/server/guard/identity';

const secret = 'unit-test-secret-0123456789';

test('a signed token gives its claims; the name defaults to the user id', async () => {
  const token = await signToken({ secret, user: 'alice', name: 'Alice', rooms: ['r1', 'r2'], create: true, host: true, ttlSeconds: 60 });
  const result = await identify(token, { profile: 'secure', tokenSecret: secret });
  expect(result).toEqual({
    ok: true,
    identity: expect.objectContaining({ userId: 'alice', name: 'Alice', signed: true, rooms: ['r1', 'r2'], canCreate: true, role: 'host' }),
  });
  const bare = await identify(await signToken({ secret, user: 'bob' }), { profile: 'secure', tokenSecret: secret });
  expect(bare).toMatchObject({ ok: true, identity: { userId: 'bob', name: 'bob', rooms: [], canCreate: false, role: 'guest' } });
});

test('forged, wrong-secret, alg:none and expired tokens are refused in both profiles', async () => {
  const good = await signToken({ secret, user: 'alice' });
  const [h, p] = good.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ sub: 'root', exp: 9e9 })).toString('base64url')}.${good.split('.')[2]}`;
  const wrong = await signToken({ secret: 'another-secret-entirely', user: 'alice' });
  const expired = await signToken({ secret, user: 'alice', ttlSeconds: 5, now: () => Date.now() - 60000 });
  const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${p}.x`;
  for (const profile of ['secure', 'development'] as const) {
    for (const t of [tampered, wrong, none]) expect(await identify(t, { profile, tokenSecret: secret })).toEqual({ ok: false, reason: 'token not valid' });
    expect(await identify(expired, { profile, tokenSecret: secret })).toEqual({ ok: false, reason: 'token expired' });
  }
  // A guard without a secret refuses every JWT rather than trusting it.
  expect(await identify(good, { profile: 'development' })).toMatchObject({ ok: false });
});

test('claims that are not ids are refused (no path or markup smuggled as a user id or room)', async () => {
  for (const claims of [{ user: 'ok', rooms: ['../etc'] }]) {
    const t = await signToken({ secret, ...claims });
    expect(await identify(t, { profile: 'secure', tokenSecret: secret })).toMatchObject({ ok: false });
  }
  await expect(signToken({ secret, user: 'no spaces' })).rejects.toThrow();
});

test('secure profile: no token or an authKey is refused; development: an unbound identity', async () => {
  expect(await identify(undefined, { profile: 'secure', tokenSecret: secret })).toMatchObject({ ok: false });
  expect(await identify('sample-auth-key', { profile: 'secure', tokenSecret: secret })).toMatchObject({ ok: false });
  const dev = await identify('sample-auth-key', { profile: 'development' });
  expect(dev).toEqual({ ok: true, identity: expect.objectContaining({ userId: null, signed: false, canCreate: true }) });
});

test('an unbound identity binds its id on first use and keeps it; a signed one never changes', () => {
  const id = unboundIdentity();
  expect(bindUserId(id, 'alice')).toBe('alice');
  expect(bindUserId(id, 'mallory')).toBe('alice');
  const generated = unboundIdentity();
  expect(bindUserId(generated, 'not valid!')).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  const signed = { ...unboundIdentity(), userId: 'bob', name: 'Bob', signed: true };
  expect(bindUserId(signed, 'alice')).toBe('bob');
  expect(displayName(signed, 'Alice')).toBe('Bob');
  expect(displayName(id, 'Alice\u0000\u001b[31m')).toBe('Alice[31m');
  expect(displayName(id, undefined)).toBe('Alice[31m');
});

test('names are capped and cleaned; expiry is checked against the clock', () => {
  expect(cleanName('x'.repeat(500))).toHaveLength(128);
  expect(cleanName('')).toBeNull();
  expect(cleanName(42)).toBeNull();
  const id = { ...unboundIdentity(), expiresAt: 1000 };
  expect(isExpired(id, 999)).toBe(false);
  expect(isExpired(id, 1001)).toBe(true);
  expect(isExpired(unboundIdentity())).toBe(false);
});
