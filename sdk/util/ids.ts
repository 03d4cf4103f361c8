import { Code, KtError } from '../errors';

/** Room and user ids: 1–64 letters, digits, '-' or '_' (SPEC §2). */
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/** '421' when absent, '422' when present but not an id. */
export function requireId(value: unknown, what: string): string {
  if (value === undefined || value === null || value === '') {
    throw new KtError(Code.MISSING_PARAMETER, `${what} is required`);
  }
  if (!isValidId(value)) throw new KtError(Code.INVALID_PARAMETER, `${what} must be 1-64 of [A-Za-z0-9_-]`);
  return value;
}

/** An optional id: generated when absent. */
export function optionalId(value: unknown, what: string, prefix: string): string {
  if (value === undefined || value === null) return generateId(prefix);
  return requireId(value, what);
}

export function generateId(prefix: string): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  let out = prefix;
  for (const b of bytes) out += (b % 36).toString(36);
  return out;
}

/** A room secret: 128 random bits, hex. */
export function generateSecret(): string {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
