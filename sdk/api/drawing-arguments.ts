/**
 * Arguments of the teaching calls (api/classroom.ts): canvases, permits, document addresses, group
 * lists (the drawing tools are the board engine's to check: sdk/board/tools.ts). Each check throws a KtError with the documented code ('421' missing,
 * '422' invalid), which the facade turns into a result.
 */
import { Code } from '../errors';
import { PERMIT_KEYS, type Permit } from '../janus/guard-views';
import { requireId } from '../util/ids';
import { fail } from './arguments';

const MAX_GROUP = 100;

export function requireCanvas(value: unknown): HTMLCanvasElement {
  if (value === undefined || value === null) fail(Code.MISSING_PARAMETER, 'canvas is required');
  if (typeof HTMLCanvasElement === 'undefined' || !(value instanceof HTMLCanvasElement)) fail(Code.INVALID_PARAMETER, 'canvas must be an HTMLCanvasElement');
  return value;
}

/** permit's booleans: at least one ('421'), each a boolean when given. */
export function permitFrom(values: unknown[]): Partial<Permit> {
  const patch: Partial<Permit> = {};
  PERMIT_KEYS.forEach((key, i) => {
    const v = values[i];
    if (v === undefined || v === null) return;
    if (typeof v !== 'boolean') fail(Code.INVALID_PARAMETER, `${key} must be a boolean`);
    patch[key] = v;
  });
  if (Object.keys(patch).length === 0) fail(Code.MISSING_PARAMETER, `one of ${PERMIT_KEYS.join(', ')} is required`);
  return patch;
}

/** documentShare's address: a web address (http/https; relative to the page), or an image data URL. */
export function requireDocumentUrl(value: unknown): string {
  if (value === undefined || value === null || value === '') fail(Code.MISSING_PARAMETER, 'imgUrl is required');
  if (typeof value !== 'string') fail(Code.INVALID_PARAMETER, 'imgUrl must be a URL');
  if (/^data:image\/(png|jpeg|gif|webp);base64,/.test(value)) return value;
  let url: URL;
  try {
    url = new URL(value, typeof location !== 'undefined' ? location.href : undefined);
  } catch {
    fail(Code.INVALID_PARAMETER, 'imgUrl must be a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(Code.INVALID_PARAMETER, 'imgUrl must be an http(s) address or an image data URL');
  if (url.href.length > 2048) fail(Code.INVALID_PARAMETER, 'imgUrl is over 2048 characters');
  return url.href;
}

/** createGroup's list: user ids, at most 100 (absent: the group alone, nobody told). */
export function optionalIdList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(Code.INVALID_PARAMETER, 'list must be an array of user ids');
  if (value.length > MAX_GROUP) fail(Code.INVALID_PARAMETER, `list holds at most ${MAX_GROUP} user ids`);
  return value.map((id, i) => requireId(id, `list[${i}]`));
}

/** A document's page: 1, 2, ... */
export function requirePage(value: unknown): number {
  if (value === undefined || value === null) fail(Code.MISSING_PARAMETER, 'page is required');
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > 100000) fail(Code.INVALID_PARAMETER, 'page must be an integer from 1');
  return value as number;
}
