/** What travels in a message's text between our SDKs, as JSON, and how it is read back. */
import type { FeedType } from '../types';

export type Envelope =
  | { k: 'chat'; m: string }
  | { k: 'inform'; m: unknown }
  | { k: 'user'; name: string; video: boolean; audio: boolean }
  | { k: 'p2p'; t: FeedType }
  /** The host changed the room's recording: read it from the gateway (room/recording.ts). */
  | { k: 'rec' };

/** Our envelope from a message's text; anything else (another client's plain text) is dropped. */
export function parseEnvelope(text: unknown): Envelope | undefined {
  if (typeof text !== 'string') return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object') return undefined;
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
    default:
      return undefined;
  }
}
