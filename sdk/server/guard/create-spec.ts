/**
 * A client's VideoRoom `create`, read into what the guard will create. The client chooses the room
 * id, title, capacity, PIN, destroy flag and talking events; the guard chooses everything that
 * protects other users: its own secret, private room, require_pvtid, lock_record, never permanent,
 * no rec_dir, and the host (the creator's identity).
 *
 * Metadata comes from a `kt` object: `{title?, capacity?, destroy?, talkingNoty?, p2p?, permit?}` (never
 * `host` or `createdAt`: those are the guard's). A plain `description` is the title when `kt.title`
 * is absent, so that a plain janus.js client's rooms get a title too; it is never parsed.
 */
import { isValidId } from './identity';
import { VR } from './errors';
import { FULL_PERMIT, PERMIT_KEYS, type Permit } from '../../janus/guard-views';

export interface CreateSpec {
  /** null: the guard generates one. */
  room: string | null;
  title: string;
  capacity: number | null;
  destroy: boolean;
  talkingNoty: boolean;
  p2p: boolean;
  pin: string | null;
  /** VideoRoom talk detection tuning the SDK sends (packets of 20 ms; level 0-127). */
  audioActivePackets: number | null;
  audioLevelAverage: number | null;
  /** What guests may do until the host permits otherwise (`kt.permit`; default: everything). */
  guestPermit: Permit;
  /** A breakout group's main room (the guard's createGroup, never a client's `create`). */
  parent: string | null;
}

export type CreateRefusal = { error: string; code: number; kt: string };

const ALLOWED = [
  'room',
  'description',
  'secret',
  'pin',
  'publishers',
  'notify_joining',
  'is_private',
  'permanent',
  'lock_record',
  'audiolevel_event',
  'audio_active_packets',
  'audio_level_average',
  'kt',
];
const MAX_CAPACITY = 1000;

export function metaFromCreate(body: Record<string, unknown>): CreateSpec | CreateRefusal {
  const extra = Object.keys(body).find((k) => k !== 'request' && !ALLOWED.includes(k));
  if (extra !== undefined) return refusal(`field '${extra}' is not allowed in 'create'`, VR.UNAUTHORIZED, '413');
  if (body.permanent === true) return refusal('permanent rooms are not allowed', VR.UNAUTHORIZED, '413');
  if (body.lock_record === false) return refusal('lock_record cannot be turned off', VR.UNAUTHORIZED, '413');
  if (body.room !== undefined && !isValidId(body.room)) return refusal('Invalid element (room)', VR.INVALID_ELEMENT, '422');
  if (body.description !== undefined && (typeof body.description !== 'string' || body.description.length > 4096)) {
    return refusal('Invalid element (description)', VR.INVALID_ELEMENT, '422');
  }
  if (body.pin !== undefined && (typeof body.pin !== 'string' || body.pin.length === 0 || body.pin.length > 256)) {
    return refusal('Invalid element (pin)', VR.INVALID_ELEMENT, '422');
  }
  for (const key of ['secret'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') return refusal(`Invalid element (${key})`, VR.INVALID_ELEMENT, '422');
  }
  for (const key of ['notify_joining', 'is_private', 'audiolevel_event'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'boolean') return refusal(`Invalid element (${key})`, VR.INVALID_ELEMENT, '422');
  }
  const packets = intOrNull(body.audio_active_packets, 1, 1000);
  const level = intOrNull(body.audio_level_average, 1, 127);
  const publishers = intOrNull(body.publishers, 1, 100000);
  if (packets === undefined || level === undefined || publishers === undefined) return refusal('Invalid element (audio/publishers)', VR.INVALID_ELEMENT, '422');

  const kt = body.kt ?? {};
  if (typeof kt !== 'object' || kt === null || Array.isArray(kt)) return refusal('Invalid element (kt)', VR.INVALID_ELEMENT, '422');
  const k = kt as Record<string, unknown>;
  const ktExtra = Object.keys(k).find((key) => !['title', 'capacity', 'destroy', 'talkingNoty', 'p2p', 'permit'].includes(key));
  if (ktExtra !== undefined) return refusal(`field 'kt.${ktExtra}' is not allowed`, VR.UNAUTHORIZED, '413');
  const capacity = k.capacity ?? null;
  if (capacity !== null && !(Number.isInteger(capacity) && (capacity as number) >= 1 && (capacity as number) <= MAX_CAPACITY)) {
    return refusal('Invalid element (capacity)', VR.INVALID_ELEMENT, '422');
  }
  const title = k.title ?? body.description ?? '';
  if (typeof title !== 'string' || title.length > 256) return refusal('Invalid element (title)', VR.INVALID_ELEMENT, '422');
  for (const key of ['destroy', 'talkingNoty', 'p2p'] as const) {
    if (k[key] !== undefined && typeof k[key] !== 'boolean') return refusal(`Invalid element (kt.${key})`, VR.INVALID_ELEMENT, '422');
  }
  const guestPermit = permitFrom(k.permit);
  if (!guestPermit) return refusal('Invalid element (kt.permit)', VR.INVALID_ELEMENT, '422');
  const flag = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
  return {
    room: (body.room as string | undefined) ?? null,
    title,
    capacity: capacity as number | null,
    // A room made by a plain Janus client goes when it empties too: nothing lingers unowned.
    destroy: flag(k.destroy, true),
    talkingNoty: flag(k.talkingNoty, body.audiolevel_event === true),
    p2p: flag(k.p2p, false),
    pin: (body.pin as string | undefined) ?? null,
    audioActivePackets: packets,
    audioLevelAverage: level,
    guestPermit,
    parent: null,
  };
}

/** `{chat?, draw?, screen?, whiteboard?, document?}` over the full permit; null when malformed. */
function permitFrom(v: unknown): Permit | null {
  if (v === undefined) return { ...FULL_PERMIT };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  if (Object.keys(o).some((key) => !(PERMIT_KEYS as readonly string[]).includes(key))) return null;
  const permit = { ...FULL_PERMIT };
  for (const key of PERMIT_KEYS) {
    if (o[key] === undefined) continue;
    if (typeof o[key] !== 'boolean') return null;
    permit[key] = o[key] as boolean;
  }
  return permit;
}

function refusal(error: string, code: number, kt: string): CreateRefusal {
  return { error, code, kt };
}

/** null when absent; undefined when present but not an integer in range. */
function intOrNull(v: unknown, min: number, max: number): number | null | undefined {
  if (v === undefined) return null;
  return Number.isInteger(v) && (v as number) >= min && (v as number) <= max ? (v as number) : undefined;
}
