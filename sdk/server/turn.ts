/**
 * Time-limited TURN credentials for coturn's REST API mode (`use-auth-secret` +
 * `static-auth-secret` in turnserver.conf), the usual way to hand TURN to browsers without a
 * long-lived password:
 *
 *   username   = "<expiry, Unix seconds>:<user>"
 *   credential = base64(HMAC-SHA1(static-auth-secret, username))
 *
 * Server side only, like the Janus tokens.
 */
import { DEFAULT_TTL_SECONDS, checkSecret, checkTtl, hmacSha1Base64, unixSeconds } from './hmac';

export interface TurnCredentialOptions {
  /** coturn's `static-auth-secret`. */
  secret: string;
  /** Lifetime in whole seconds. Default 4 hours (coturn checks it when an allocation is made or refreshed). */
  ttlSeconds?: number;
  /** Who the credential is for (shows up in coturn's logs). No ':'. Default "kt". */
  user?: string;
  /** The issuing time (Date or epoch ms). Default: now. */
  now?: Date | number;
}

export interface TurnCredentials {
  username: string;
  credential: string;
  /** Last valid second, Unix time. */
  expiresAt: number;
}

export function createTurnCredentials(options: TurnCredentialOptions): TurnCredentials {
  const fn = 'createTurnCredentials';
  if (!options || typeof options !== 'object') throw new TypeError(`${fn}: options { secret, ttlSeconds?, user? } are required`);
  const secret = checkSecret(options.secret, fn);
  const ttl = checkTtl(options.ttlSeconds ?? DEFAULT_TTL_SECONDS, fn);
  const user = options.user ?? 'kt';
  if (typeof user !== 'string' || user === '' || user.length > 128 || /[:\s]/.test(user)) {
    throw new TypeError(`${fn}: user must be 1-128 characters without ':' or spaces`);
  }
  const expiresAt = unixSeconds(options.now, fn) + ttl;
  const username = `${expiresAt}:${user}`;
  return { username, credential: hmacSha1Base64(secret, username), expiresAt };
}

/**
 * The `iceServers` entry for the SDK (`new Knowledgetalk({ iceServers })`): the given TURN/STUN
 * URLs (e.g. ["turn:turn.example.com:3478?transport=udp", "turns:turn.example.com:5349"]) with
 * fresh credentials.
 */
export function turnIceServer(urls: readonly string[], options: TurnCredentialOptions): { urls: string[]; username: string; credential: string } {
  if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && /^(turns?|stun):/.test(u))) {
    throw new TypeError('turnIceServer: urls must be a non-empty array of turn:, turns: or stun: URLs');
  }
  const { username, credential } = createTurnCredentials(options);
  return { urls: [...urls], username, credential };
}
