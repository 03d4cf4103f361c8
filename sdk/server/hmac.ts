/**
 * The one primitive both Janus signed tokens and coturn's REST API credentials use:
 * base64(HMAC-SHA1(secret, data)). Node only: this folder is never part of the browser bundle.
 */
import { createHmac } from 'node:crypto';

export function hmacSha1Base64(secret: string, data: string): string {
  return createHmac('sha1', secret).update(data, 'utf8').digest('base64');
}

/** A secret as Janus and coturn read it: a non-empty C string (a NUL byte would silently cut it short). */
export function checkSecret(secret: unknown, fn: string): string {
  if (typeof secret !== 'string' || secret === '') throw new TypeError(`${fn}: secret must be a non-empty string`);
  if (secret.includes('\0')) throw new TypeError(`${fn}: secret must not contain NUL bytes`);
  return secret;
}

/** Default lifetime of tokens and TURN credentials: 4 hours, long enough for a meeting. */
export const DEFAULT_TTL_SECONDS = 4 * 3600;

/** A lifetime in whole seconds, 1 s to 1 year (Janus and coturn compare Unix seconds). */
export function checkTtl(ttlSeconds: unknown, fn: string): number {
  const MAX = 366 * 24 * 3600;
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > MAX) {
    throw new RangeError(`${fn}: ttlSeconds must be an integer from 1 to ${MAX}, got ${String(ttlSeconds)}`);
  }
  return ttlSeconds;
}

/** "Now" in Unix seconds; `now` (a Date or epoch milliseconds) lets tests and callers pin the clock. */
export function unixSeconds(now: Date | number | undefined, fn: string): number {
  const ms = now === undefined ? Date.now() : now instanceof Date ? now.getTime() : now;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError(`${fn}: now must be a Date or epoch milliseconds`);
  return Math.floor(ms / 1000);
}
