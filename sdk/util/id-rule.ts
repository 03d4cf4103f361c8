/**
 * Room and user ids (SPEC §2, issue 15): 1-64 characters, each a letter, mark or digit of any
 * script (Hangul included) or one of `_ - . @ +`, so that e-mail addresses and Korean names are ids
 * as apps use them. No spaces, slashes, quotes or control characters: ids end up in Janus's
 * recording file names and in logs. The one rule, for the SDK and the guard alike (this file
 * imports nothing, so that the guard's Node code can take it).
 */
export const ID_PATTERN = /^[\p{L}\p{M}\p{N}_.@+-]{1,64}$/u;
export const ID_RULE = "1-64 letters or digits (any script) or '_', '-', '.', '@', '+'";

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}
