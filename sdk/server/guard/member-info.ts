/**
 * A member's own info, held by the guard and shown to the others in its MemberView: the device it
 * says it uses and its camera / microphone switches (set with the publisher `join`'s `kt`, changed
 * with `kt_user`, which may also carry a new name). Pure: reads what a client sent into a patch,
 * or refuses it. The info is the member's to state (nobody else can change it: the guard applies a
 * patch to the sender's own MemberView only), not a fact the guard checks.
 */
import { cleanName } from './identity';
import { VR, type PluginError } from './errors';

export interface MemberInfo {
  /** What the member says it runs on, e.g. a browser name; free text. */
  device: string;
  /** Its camera and microphone switches (Knowledgetalk editUserInfo). */
  video: boolean;
  audio: boolean;
}

export interface MemberPatch extends Partial<MemberInfo> {
  name?: string;
}

export type PatchField = keyof MemberPatch;

export const DEFAULT_INFO: Readonly<MemberInfo> = { device: '', video: true, audio: true };
export const MAX_DEVICE_LENGTH = 256;
/** Longest name accepted before cleanName caps it (as for `display`). */
const MAX_NAME_INPUT = 4096;

/** Member info a client may not send that way: 433 with kt_code '422' (invalid parameter). */
const invalid = (what: string): { error: PluginError } => ({ error: { code: VR.UNAUTHORIZED, reason: `Invalid element (${what})`, kt: '422' } });

/**
 * `source`'s fields as a patch. Only `fields` may appear; an unknown field or a wrong type is
 * refused rather than dropped, so that a client learns its info was not taken.
 */
export function readPatch(source: unknown, fields: readonly PatchField[]): { patch: MemberPatch } | { error: PluginError } {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return invalid('kt');
  const patch: MemberPatch = {};
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    if (!(fields as readonly string[]).includes(key)) return invalid(key);
    if (value === undefined) continue;
    if (key === 'device') {
      if (typeof value !== 'string' || value.length > MAX_DEVICE_LENGTH) return invalid('device');
      patch.device = value;
    } else if (key === 'video' || key === 'audio') {
      if (typeof value !== 'boolean') return invalid(key);
      patch[key] = value;
    } else if (key === 'name') {
      const name = typeof value === 'string' && value.length <= MAX_NAME_INPUT ? cleanName(value) : null;
      if (name === null) return invalid('name');
      patch.name = name;
    }
  }
  return { patch };
}

/** The info of a member that joins with `patch` (what it did not say takes the default). */
export function infoOf(patch: MemberPatch): MemberInfo {
  return { device: patch.device ?? DEFAULT_INFO.device, video: patch.video ?? DEFAULT_INFO.video, audio: patch.audio ?? DEFAULT_INFO.audio };
}
