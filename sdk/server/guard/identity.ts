/**
 * Who a Janus session belongs to. The guard decides this once, at the session's `create`, from the
 * `token` janus.js sends (the Knowledgetalk `authKey`), and never changes it afterwards.
 *
 * Signed tokens are HS256 JWTs (jose), claims:
 *   sub    user id (Knowledgetalk id rules: 1-64 of [A-Za-z0-9_-])   required
 *   name   display name                                               default: sub
 *   rooms  room ids the user may enter                                default: none
 *   create may create rooms (and enters the rooms it created)         default: false
 *   role   'host' | 'guest': a host of a room in `rooms` has the host powers there
 *   exp    expiry (unix seconds)                                      required
 *
 * Development profile: a token that is not JWT-shaped (any Knowledgetalk `authKey`, e.g. the
 * samples' literal keys) gets an UNBOUND identity: the session may create and enter any room, and
 * its user id is taken from the first request that names one (a `kt_whoami`, a room `create` of the
 * legacy SDK, or the publisher `join`), then fixed for the life of the session. Why bind on first
 * use: an unchanged sample calls init(cpCode, anyKey, 'alice') and the id only reaches the wire at
 * join; binding it then keeps the sample working, while fixing it afterwards is what stops a session
 * from posing as someone else later (whispers, kick and host powers all go by id). Nobody vouches
 * for a development id, so this is a convenience, not security: the secure profile requires a token.
 * A JWT-shaped token that fails verification is refused in both profiles (never a silent downgrade).
 */
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { randomBytes } from 'node:crypto';
import { isValidId } from '../../util/id-rule';

export type Role = 'host' | 'guest';
export type Profile = 'development' | 'secure';

export interface Identity {
  /** null until bound (development profile only). */
  userId: string | null;
  name: string | null;
  /** Signed: from a verified token. Unsigned identities may enter any room. */
  signed: boolean;
  /** Rooms a signed identity may enter (besides the ones it created). */
  rooms: readonly string[];
  canCreate: boolean;
  role: Role;
  /** Expiry in ms since the epoch; Infinity for unsigned identities. */
  expiresAt: number;
}

/** The id rule is the SDK's (one definition for both sides of the wire). */
export { ID_PATTERN, isValidId } from '../../util/id-rule';
export const MAX_NAME_LENGTH = 128;

/** A display name as the guard stores it: a string, control characters dropped, length capped. */
export function cleanName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_NAME_LENGTH);
  return cleaned.length > 0 ? cleaned : null;
}

export type IdentityResult = { ok: true; identity: Identity } | { ok: false; reason: string };

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 4096;

export interface IdentityOptions {
  profile: Profile;
  /** HS256 secret; required in the secure profile, optional in development (then JWTs are refused). */
  tokenSecret?: string;
  /** Clock, for tests. */
  now?: () => number;
}

/** The identity a `create` request's token gives, or why it is refused. */
export async function identify(token: unknown, opts: IdentityOptions): Promise<IdentityResult> {
  const looksSigned = typeof token === 'string' && JWT_SHAPE.test(token);
  if (!looksSigned) {
    if (opts.profile === 'secure') return { ok: false, reason: 'a signed token is required' };
    return { ok: true, identity: unboundIdentity() };
  }
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'token too long' };
  if (!opts.tokenSecret) return { ok: false, reason: 'signed tokens are not accepted by this guard (no secret)' };
  const now = opts.now ?? Date.now;
  try {
    const { payload } = await jwtVerify(token, secretKey(opts.tokenSecret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      currentDate: new Date(now()),
    });
    return identityFromClaims(payload as Record<string, unknown>);
  } catch (err) {
    const reason = err instanceof joseErrors.JWTExpired ? 'token expired' : 'token not valid';
    return { ok: false, reason };
  }
}

function identityFromClaims(claims: Record<string, unknown>): IdentityResult {
  if (!isValidId(claims.sub)) return { ok: false, reason: 'token user id (sub) is not a valid id' };
  const rooms = claims.rooms ?? [];
  if (!Array.isArray(rooms) || rooms.length > 100 || !rooms.every(isValidId)) {
    return { ok: false, reason: 'token rooms must be a list of room ids' };
  }
  if (claims.role !== undefined && claims.role !== 'host' && claims.role !== 'guest') {
    return { ok: false, reason: "token role must be 'host' or 'guest'" };
  }
  return {
    ok: true,
    identity: {
      userId: claims.sub,
      name: cleanName(claims.name) ?? claims.sub,
      signed: true,
      rooms: [...new Set(rooms as string[])],
      canCreate: claims.create === true,
      role: claims.role === 'host' ? 'host' : 'guest',
      expiresAt: (claims.exp as number) * 1000,
    },
  };
}

export function unboundIdentity(): Identity {
  return { userId: null, name: null, signed: false, rooms: [], canCreate: true, role: 'guest', expiresAt: Infinity };
}

/**
 * Binds an unbound identity's user id on first use; afterwards returns the bound one. `wanted` is
 * what the client asked for (ignored once bound, and for signed identities). A missing or invalid
 * wish on an unbound identity gets a generated id, like the SDK's own.
 */
export function bindUserId(identity: Identity, wanted: unknown): string {
  if (identity.userId === null) identity.userId = isValidId(wanted) ? wanted : generateUserId();
  return identity.userId;
}

/** The name to show for this identity: a signed one is the token's; an unbound one may rename. */
export function displayName(identity: Identity, wanted: unknown): string {
  if (identity.signed) return identity.name ?? identity.userId ?? '';
  const cleaned = cleanName(wanted);
  if (cleaned !== null) identity.name = cleaned;
  return identity.name ?? identity.userId ?? '';
}

export function generateUserId(): string {
  return (
    'U' +
    randomBytes(9)
      .toString('base64url')
      .replace(/[^A-Za-z0-9]/g, 'x')
  );
}

export function isExpired(identity: Identity, now = Date.now()): boolean {
  return now > identity.expiresAt;
}

export interface SignTokenOptions {
  secret: string;
  user: string;
  name?: string;
  rooms?: string[];
  create?: boolean;
  host?: boolean;
  /** Seconds; default 4 hours (a token must outlive the session: janus.js cannot renew it). */
  ttlSeconds?: number;
  now?: () => number;
}

/** Signs a guard token (for the app server, `kt-token` and the tests). */
export async function signToken(opts: SignTokenOptions): Promise<string> {
  if (!isValidId(opts.user)) throw new Error(`not a valid user id: ${opts.user}`);
  const iat = Math.floor((opts.now ?? Date.now)() / 1000);
  const claims: Record<string, unknown> = { role: opts.host ? 'host' : 'guest' };
  if (opts.name !== undefined) claims.name = opts.name;
  if (opts.rooms?.length) claims.rooms = opts.rooms;
  if (opts.create) claims.create = true;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(opts.user)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (opts.ttlSeconds ?? 4 * 3600))
    .sign(secretKey(opts.secret));
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}
