/**
 * The room's member table, and the one way a Member is built (for the table, for ourselves and
 * for a room we are not in). Pure logic over plain data, unit-tested in Node.
 */
import type { Feed, FeedType, Member } from '../types';
import { decodeDisplay, type DisplayInfo } from './wire-format';

export interface PublishedStream {
  /** The publisher-side mid, which subscriptions name. */
  mid: string;
  kind: 'audio' | 'video';
  feedType: FeedType;
  /** Sent in three layers a subscriber chooses from (Janus `substream`). */
  simulcast?: true;
}

/** What a member sends, as far as its Member shows it. */
export interface Sending {
  /** Its camera feed has video / audio. */
  video: boolean;
  audio: boolean;
  /** It publishes any feed. */
  publishing: boolean;
}

/** A Member: its switches (editUserInfo) count only for what it really sends. */
export function toMember(id: string, info: DisplayInfo, host: boolean, sending: Sending): Member {
  return {
    id,
    userId: id,
    name: info.name,
    userType: host ? 'host' : 'guest',
    device: info.device,
    video: info.video && sending.video,
    audio: info.audio && sending.audio,
    publishing: sending.publishing,
  };
}

interface MemberState extends DisplayInfo {
  id: string;
  streams: PublishedStream[];
}

export class MemberTable {
  private readonly members = new Map<string, MemberState>();

  constructor(private readonly host: string) {}

  has(id: string): boolean {
    return this.members.has(id);
  }

  get(id: string): Member | undefined {
    const state = this.members.get(id);
    return state && this.toMember(state);
  }

  all(): Member[] {
    return [...this.members.values()].map((s) => this.toMember(s));
  }

  get size(): number {
    return this.members.size;
  }

  /** Adds a member; false when it was already known. */
  add(id: string, display: unknown): boolean {
    if (this.members.has(id)) return false;
    this.members.set(id, { id, ...decodeDisplay(display), streams: [] });
    return true;
  }

  /** A member's name and camera/microphone switches changed (display event, editUserInfo). */
  setInfo(id: string, info: Partial<DisplayInfo>): void {
    const state = this.members.get(id);
    if (state) Object.assign(state, info);
  }

  /** The member currently publishing a screen, if any (one per room). */
  sharer(): string | undefined {
    for (const state of this.members.values()) {
      if (state.streams.some((s) => s.feedType === 'screen')) return state.id;
    }
    return undefined;
  }

  remove(id: string): boolean {
    return this.members.delete(id);
  }

  /** Replaces a member's published streams; says which feeds appeared and which went away. */
  setStreams(id: string, streams: PublishedStream[]): { added: FeedType[]; removed: FeedType[] } {
    const state = this.members.get(id);
    if (!state) return { added: [], removed: [] };
    const before = feedTypes(state.streams);
    state.streams = streams;
    const after = feedTypes(streams);
    return {
      added: [...after].filter((t) => !before.has(t)),
      removed: [...before].filter((t) => !after.has(t)),
    };
  }

  /** The streams of one feed of a member (its video and, when it publishes one, its audio). */
  streamsOf(id: string, type: FeedType): PublishedStream[] {
    return this.members.get(id)?.streams.filter((s) => s.feedType === type) ?? [];
  }

  feed(id: string, type: FeedType): Feed | undefined {
    const member = this.get(id);
    return member && { ...member, type };
  }

  private toMember(state: MemberState): Member {
    const cam = state.streams.filter((s) => s.feedType === 'cam');
    return toMember(state.id, state, state.id === this.host, {
      video: cam.some((s) => s.kind === 'video'),
      audio: cam.some((s) => s.kind === 'audio'),
      publishing: state.streams.length > 0,
    });
  }
}

function feedTypes(streams: PublishedStream[]): Set<FeedType> {
  return new Set(streams.map((s) => s.feedType));
}
