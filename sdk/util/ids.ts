import { Code, KtError } from '../errors';
import { ID_RULE, isValidId } from './id-rule';

/** '421' when absent, '422' when present but not an id. */
export function requireId(value: unknown, what: string): string {
  if (value === undefined || value === null || value === '') {
    throw new KtError(Code.MISSING_PARAMETER, `${what} is required`);
  }
  if (!isValidId(value)) throw new KtError(Code.INVALID_PARAMETER, `${what} must be ${ID_RULE}`);
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
