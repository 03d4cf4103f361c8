/**
 * What our SDKs send each other in a guard message's `body` (`kt_message`), and how it is read
 * back. The guard delivers it to the room or to one member, with the sender's identity as `from`:
 * the body never says who sent it.
 */
import type { FeedType } from '../types';

export type Envelope =
  | { k: 'chat'; m: string }
  | { k: 'inform'; m: unknown }
  | { k: 'user'; name: string; video: boolean; audio: boolean }
  | { k: 'p2p'; t: FeedType }
  /** The host changed the room's recording: read it from the gateway (room/recording.ts). */
  | { k: 'rec' }
  /** reqCanvasImage: send me your canvas. */
  | { k: 'canvas' }
  /** Part `i` of `n` of a canvas image (a data URL cut to fit guard messages): room/canvas-image.ts. */
  | { k: 'img'; id: string; i: number; n: number; d: string };

/** Our envelope from a message's body; anything else (another client's message) is dropped. */
export function parseEnvelope(body: unknown): Envelope | undefined {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const v = body as Record<string, unknown>;
  switch (v.k) {
    case 'chat':
      return typeof v.m === 'string' ? { k: 'chat', m: v.m } : undefined;
    case 'inform':
      return 'm' in v ? { k: 'inform', m: v.m } : undefined;
    case 'user':
      return typeof v.name === 'string' && typeof v.video === 'boolean' && typeof v.audio === 'boolean'
        ? { k: 'user', name: v.name, video: v.video, audio: v.audio }
        : undefined;
    case 'p2p':
      return v.t === 'cam' || v.t === 'screen' ? { k: 'p2p', t: v.t } : undefined;
    case 'rec':
      return { k: 'rec' };
    case 'canvas':
      return { k: 'canvas' };
    case 'img': {
      const ok =
        typeof v.id === 'string' &&
        v.id.length <= 32 &&
        Number.isInteger(v.i) &&
        Number.isInteger(v.n) &&
        (v.i as number) >= 0 &&
        (v.i as number) < (v.n as number) &&
        typeof v.d === 'string';
      return ok ? { k: 'img', id: v.id as string, i: v.i as number, n: v.n as number, d: v.d as string } : undefined;
    }
    default:
      return undefined;
  }
}
