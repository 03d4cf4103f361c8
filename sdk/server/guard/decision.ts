/**
 * What the guard's policy decides about one plugin message (policy.ts for the VideoRoom requests,
 * policy-kt.ts for the guard's own), and the small checks both use. Types and pure helpers only.
 */
import type { Identity } from './identity';
import { VR, type PluginError } from './errors';
import type { CreateSpec } from './create-spec';
import type { MemberInfo, MemberPatch } from './member-info';
import type { Permit, ShareType } from '../../janus/guard-views';

export type Json = Record<string, unknown>;
export interface Jsep {
  type: 'offer' | 'answer';
  sdp: string;
  trickle?: boolean;
}

export interface HandleState {
  id: number;
  role: 'none' | 'publisher' | 'subscriber';
  room: string | null;
  joined: boolean;
  /** Publisher: the private_id Janus gave it; the session's subscribers join with it. */
  privateId: number | null;
  /** Publisher: which mid carries what ('cam' | 'screen'), from `descriptions`. */
  labels: Map<string, string>;
}

export interface SessionState {
  id: number;
  identity: Identity;
  handles: Map<number, HandleState>;
}

export type Decision =
  /** `info`: a publisher join's member info (its `kt`, not forwarded). */
  | { kind: 'forward'; body: Json; jsep?: Jsep; join?: 'publisher' | 'subscriber'; info?: MemberInfo; screen?: boolean }
  | { kind: 'reply'; data: Json }
  | { kind: 'refuse'; error: PluginError }
  | { kind: 'create'; spec: CreateSpec }
  | { kind: 'destroy'; room: string }
  | { kind: 'kick'; room: string; userId: string }
  | { kind: 'record'; room: string; record: boolean }
  | { kind: 'message'; room: string; to: string | null; body: unknown }
  | { kind: 'user'; room: string; patch: MemberPatch }
  | { kind: 'list' }
  | { kind: 'room'; room: string }
  | { kind: 'whoami'; userId: string; name: string; forced: boolean }
  | { kind: 'permit'; room: string; target: string; patch: Partial<Permit> }
  | { kind: 'editRoom'; room: string; title?: string; capacity?: number; host?: string }
  | { kind: 'share'; room: string; type: Exclude<ShareType, 'screen'>; document?: { url: string; page: number } }
  | { kind: 'shareStop'; room: string }
  | { kind: 'board'; room: string; board: number; update?: Uint8Array; transient?: Json }
  | { kind: 'boardState'; room: string }
  | { kind: 'group'; room: string; list: string[]; title: string }
  | { kind: 'groupEnd'; room: string; group: string }
  | { kind: 'upload'; room: string; name: string; size: number };

export const refuse = (code: number, reason: string, kt: string): Decision => ({ kind: 'refuse', error: { code, reason, kt } });
/** A request that needs the sender (or this handle) in the room first: '400', a bad request, not a permission. */
export const joinFirst = (what: string): Decision => refuse(VR.JOIN_FIRST, what, '400');
export const denied = (what: string): Decision => refuse(VR.UNAUTHORIZED, `${what} is not allowed through this gateway`, '413');

/** The first field of `body` not in `allowed`, if any. */
export function extraField(body: Json, allowed: readonly string[]): string | undefined {
  return Object.keys(body).find((k) => k !== 'request' && !allowed.includes(k));
}

export function badField(body: Json, allowed: readonly string[]): Decision | null {
  const extra = extraField(body, allowed);
  return extra === undefined ? null : refuse(VR.UNAUTHORIZED, `field '${extra}' is not allowed in '${String(body.request)}'`, '413');
}

export const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
export const isOptStr = (v: unknown, max: number) => v === undefined || isStr(v, max);
export const isOptBool = (v: unknown) => v === undefined || typeof v === 'boolean';
export const isIntIn = (v: unknown, min: number, max: number) => Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The session's joined publisher handle in a room (what makes it a member there). */
export function memberHandle(session: SessionState, room: string): HandleState | undefined {
  for (const h of session.handles.values()) if (h.role === 'publisher' && h.room === room && h.joined) return h;
  return undefined;
}
