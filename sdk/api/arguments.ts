/**
 * The checks of the public calls' arguments: each returns the value typed, or throws a KtError
 * with '421' (missing) or '422' (invalid), which the facade turns into the call's result.
 */
import { Code, KtError, type ResponseCode } from '../errors';
import { RESOLUTIONS, type Resolution } from '../media/resolution';
import { PERMIT_KEYS, type Permit } from '../janus/guard-views';
import type { FeedType } from '../types';
import { optionalId, requireId } from '../util/ids';

export const MAX_TEXT = 256;
const MAX_CAPACITY = 1000;
/** A chat or inform payload, as JSON: well under what a data channel message can carry. */
export const MAX_MESSAGE = 32 * 1024;

/** setQuality's names for Janus's simulcast substreams. */
const SUBSTREAMS: Record<string, 0 | 1 | 2> = { l: 0, m: 1, h: 2 };

export function fail(code: ResponseCode, message: string): never {
  throw new KtError(code, message);
}

export function requireText(value: unknown, what: string, max = 4096): string {
  if (value === undefined || value === null || value === '') fail(Code.MISSING_PARAMETER, `${what} is required`);
  if (typeof value !== 'string' || value.length > max) fail(Code.INVALID_PARAMETER, `${what} must be a string of at most ${max}`);
  return value;
}

/** A value that survives JSON (what inform carries), at most MAX_MESSAGE long once encoded. */
export function requireJson(value: unknown): unknown {
  if (value === undefined) fail(Code.MISSING_PARAMETER, 'message is required');
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined; // cycles, BigInt
  }
  if (json === undefined || json.length > MAX_MESSAGE) fail(Code.INVALID_PARAMETER, `message must be JSON of at most ${MAX_MESSAGE}`);
  return JSON.parse(json);
}

/** A PIN or room secret: a non-empty string of at most MAX_TEXT. */
export function optionalSecret(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '' || value.length > MAX_TEXT) fail(Code.INVALID_PARAMETER, `${what} must be a non-empty string`);
  return value;
}

export function optionalObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) fail(Code.INVALID_PARAMETER, `${what} must be an object`);
  return value as Record<string, unknown>;
}

export function optionalRoomId(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : requireId(value, 'roomId');
}

export function optionalBoolean(value: unknown, what: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  return requireBoolean(value, what);
}

export function optionalText(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_TEXT) fail(Code.INVALID_PARAMETER, `${what} must be a string of at most ${MAX_TEXT}`);
  return value;
}

export function optionalCapacity(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_CAPACITY) {
    fail(Code.INVALID_PARAMETER, `capacity must be an integer from 1 to ${MAX_CAPACITY}`);
  }
  return value;
}

export function optionalBitrate(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 30_000 || value > 50_000_000) {
    fail(Code.INVALID_PARAMETER, 'options.maxBitrate must be an integer from 30000 to 50000000 (bits/s)');
  }
  return value;
}

export function requireBoolean(value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') fail(Code.INVALID_PARAMETER, `${what} must be a boolean`);
  return value;
}

export function requireFeedType(value: unknown): FeedType {
  if (value === undefined || value === null || value === '') fail(Code.MISSING_PARAMETER, 'type is required');
  if (value !== 'cam' && value !== 'screen') fail(Code.INVALID_PARAMETER, "type must be 'cam' or 'screen'");
  return value;
}

export function requireStream(value: unknown): MediaStream {
  if (value === undefined || value === null) fail(Code.MISSING_PARAMETER, 'stream is required');
  if (typeof MediaStream === 'undefined' || !(value instanceof MediaStream)) fail(Code.INVALID_PARAMETER, 'stream must be a MediaStream');
  return value;
}

export function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

export function serversFrom(value: unknown): string[] {
  const list = (Array.isArray(value) ? value : [value]).filter((s): s is string => typeof s === 'string' && s !== '');
  if (list.length > 0) return list;
  // The page's host: on https, the production gateway's documented wss port (8989,
  // gateway-config/production); on http, the local development gateway's ws port (8188).
  const loc = typeof location !== 'undefined' ? location : undefined;
  const host = loc?.hostname || '127.0.0.1';
  return [loc?.protocol === 'https:' ? `wss://${host}:8989` : `ws://${host}:8188`];
}

export function optionalResolution(value: unknown): Resolution | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !Object.hasOwn(RESOLUTIONS, value)) fail(Code.INVALID_PARAMETER, "options.resolution must be 'sd', 'hd' or 'fhd'");
  return value as Resolution;
}

/** setQuality's `quality`: 'l' | 'm' | 'h' as Janus's substream. */
export function requireQuality(value: unknown): 0 | 1 | 2 {
  if (value === undefined || value === null) fail(Code.MISSING_PARAMETER, 'quality is required');
  const substream = typeof value === 'string' && Object.hasOwn(SUBSTREAMS, value) ? SUBSTREAMS[value] : undefined;
  if (substream === undefined) fail(Code.INVALID_PARAMETER, "quality must be 'l', 'm' or 'h'");
  return substream;
}

/** editUserInfo's changes: at least one of them, only those given. */
export function userInfoChange(name: unknown, video: unknown, audio: unknown): { name?: string; video?: boolean; audio?: boolean } {
  const change = { name: optionalText(name, 'name'), video: optionalBoolean(video, 'video'), audio: optionalBoolean(audio, 'audio') };
  const defined = Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined));
  if (Object.keys(defined).length === 0) fail(Code.MISSING_PARAMETER, 'one of name, video or audio is required');
  return defined;
}

/** createVideoRoom's and createRoom's arguments. `options` (extension): `pin`, `guestPermit`. */
export function roomParamsFrom(args: Record<'roomId' | 'title' | 'capacity' | 'destroy' | 'talkingNoty' | 'options', unknown> & { p2p: boolean }) {
  const options = optionalObject(args.options, 'options');
  return {
    roomId: optionalId(args.roomId, 'roomId', 'R'),
    title: optionalText(args.title, 'title') ?? '',
    capacity: optionalCapacity(args.capacity),
    destroy: requireBoolean(args.destroy, 'destroy'),
    talkingNoty: requireBoolean(args.talkingNoty, 'talkingNoty'),
    p2p: args.p2p,
    pin: optionalSecret(options.pin, 'options.pin'),
    guestPermit: optionalPermit(options.guestPermit),
  };
}

/** createVideoRoom's `options.guestPermit`: what guests may do until the host permits otherwise. */
function optionalPermit(value: unknown): Partial<Permit> | undefined {
  if (value === undefined || value === null) return undefined;
  const o = optionalObject(value, 'options.guestPermit');
  const extra = Object.keys(o).find((k) => !(PERMIT_KEYS as readonly string[]).includes(k));
  if (extra !== undefined) fail(Code.INVALID_PARAMETER, `options.guestPermit has no '${extra}'`);
  for (const key of PERMIT_KEYS)
    if (o[key] !== undefined && typeof o[key] !== 'boolean') fail(Code.INVALID_PARAMETER, `options.guestPermit.${key} must be a boolean`);
  return o as Partial<Permit>;
}
