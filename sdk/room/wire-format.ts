/**
 * What we store in Janus's free-text fields. Janus keeps a room's `description` and a participant's
 * `display` as opaque strings and hands them to everyone who joins, so they carry the Knowledgetalk
 * metadata Janus has no field for (host, capacity, auto-destroy, creation time, device). A `kt1:`
 * prefix marks our JSON; anything else (a room made by another Janus client) is read as plain text.
 */
import type { FeedType } from '../types';

const PREFIX = 'kt1:';

export interface RoomMeta {
  title: string;
  host: string;
  /** Most members at once; null = no limit. */
  capacity: number | null;
  /** Destroy the room when its last member leaves. */
  destroy: boolean;
  /** Made by createRoom (the original's 1:1 "P2P" room), served by the same SFU. */
  p2p: boolean;
  talkingNoty: boolean;
  createdAt: number;
}

export function encodeRoomMeta(meta: RoomMeta): string {
  return PREFIX + JSON.stringify(meta);
}

export function decodeRoomMeta(description: unknown): RoomMeta {
  const fallback: RoomMeta = {
    title: typeof description === 'string' ? description : '',
    host: '',
    capacity: null,
    destroy: false,
    p2p: false,
    talkingNoty: false,
    createdAt: 0,
  };
  const parsed = parsePrefixed(description);
  if (!parsed) return fallback;
  return {
    title: typeof parsed.title === 'string' ? parsed.title : '',
    host: typeof parsed.host === 'string' ? parsed.host : '',
    capacity: typeof parsed.capacity === 'number' && parsed.capacity > 0 ? parsed.capacity : null,
    destroy: parsed.destroy === true,
    p2p: parsed.p2p === true,
    talkingNoty: parsed.talkingNoty === true,
    createdAt: typeof parsed.createdAt === 'number' ? parsed.createdAt : 0,
  };
}

export interface DisplayInfo {
  name: string;
  device: string;
  /** The member's camera / microphone switch (editUserInfo); true unless turned off. */
  video: boolean;
  audio: boolean;
}

export function encodeDisplay(info: DisplayInfo): string {
  return PREFIX + JSON.stringify(info);
}

export function decodeDisplay(display: unknown): DisplayInfo {
  const parsed = parsePrefixed(display);
  if (!parsed) return { name: typeof display === 'string' ? display : '', device: '', video: true, audio: true };
  return {
    name: typeof parsed.name === 'string' ? parsed.name : '',
    device: typeof parsed.device === 'string' ? parsed.device : '',
    video: parsed.video !== false,
    audio: parsed.audio !== false,
  };
}

/**
 * Which feed a published stream belongs to: we label each stream with `description: 'cam'|'screen'`
 * when publishing; streams of other clients carry no label and count as the camera.
 */
export function feedTypeOf(description: unknown): FeedType {
  return description === 'screen' ? 'screen' : 'cam';
}

function parsePrefixed(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return null;
  try {
    const parsed: unknown = JSON.parse(value.slice(PREFIX.length));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
