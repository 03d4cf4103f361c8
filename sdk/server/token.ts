/**
 * Janus signed tokens, for a gateway running with `token_auth = true` and `token_auth_secret` in
 * janus.jcfg. The format is what Janus 1.1.2 checks (src/auth.c):
 *
 *   <expiry, Unix seconds>,janus,<plugin>[,<plugin>...]:<base64 HMAC-SHA1(secret, text before ':')>
 *
 * Janus checks the token on EVERY request of a session (keepalives, messages, trickles, detach),
 * accepts it while `now <= expiry`, and lets it attach only to the plugins listed. janus.js cannot
 * swap the token of a running session, so a token has to outlive the longest session it opens.
 *
 * Server side only: the secret must never reach a browser.
 */
import { DEFAULT_TTL_SECONDS, checkSecret, checkTtl, hmacSha1Base64, unixSeconds } from './hmac';

/** The plugins the SDK attaches to: VideoRoom (media) and TextRoom (messages). */
export const DEFAULT_TOKEN_PLUGINS: readonly string[] = Object.freeze(['janus.plugin.videoroom', 'janus.plugin.textroom']);

/** 4 hours: long enough for a meeting, since an expired token ends the session (see above). */
export const DEFAULT_TOKEN_TTL_SECONDS = DEFAULT_TTL_SECONDS;

/** Janus's realm for core requests; the only one Janus checks. */
const REALM = 'janus';

/** Plugin package names; ',' and ':' would break the token's syntax. */
const PLUGIN_NAME = /^[A-Za-z0-9._-]{1,128}$/;

export interface CreateTokenOptions {
  /** The gateway's `token_auth_secret`. */
  secret: string;
  /** Lifetime in whole seconds (1 s to 1 year). Default 4 hours. */
  ttlSeconds?: number;
  /** Plugins the token may attach to. Default: VideoRoom and TextRoom. */
  plugins?: readonly string[];
  /** The issuing time (Date or epoch ms). Default: now. */
  now?: Date | number;
}

export interface TokenInfo {
  /** Last valid second, Unix time. */
  expiresAt: number;
  realm: string;
  plugins: string[];
}

/** A signed token for `init(cpCode, authKey)`. Throws TypeError/RangeError on bad options. */
export function createToken(options: CreateTokenOptions): string {
  const fn = 'createToken';
  if (!options || typeof options !== 'object') throw new TypeError(`${fn}: options { secret, ttlSeconds?, plugins? } are required`);
  const secret = checkSecret(options.secret, fn);
  const ttl = checkTtl(options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS, fn);
  const plugins = checkPlugins(options.plugins ?? DEFAULT_TOKEN_PLUGINS, fn);
  const data = [unixSeconds(options.now, fn) + ttl, REALM, ...plugins].join(',');
  return `${data}:${hmacSha1Base64(secret, data)}`;
}

/** What a token says (expiry, realm, plugins) WITHOUT checking its signature. Throws on a malformed token. */
export function parseToken(token: string): TokenInfo {
  const parts = typeof token === 'string' ? token.split(':') : [];
  const [expiry, realm, ...plugins] = (parts[0] ?? '').split(',');
  if (parts.length !== 2 || !parts[1] || !/^\d+$/.test(expiry) || !realm) {
    throw new TypeError('parseToken: not a Janus signed token (<expiry>,<realm>,<plugins>:<signature>)');
  }
  return { expiresAt: Number(expiry), realm, plugins };
}

function checkPlugins(plugins: unknown, fn: string): string[] {
  if (!Array.isArray(plugins) || plugins.length === 0) throw new TypeError(`${fn}: plugins must be a non-empty array of plugin names`);
  for (const p of plugins) {
    if (typeof p !== 'string' || !PLUGIN_NAME.test(p)) {
      throw new TypeError(`${fn}: invalid plugin name ${JSON.stringify(p)} (expected e.g. "janus.plugin.videoroom")`);
    }
  }
  return [...new Set(plugins as string[])];
}
