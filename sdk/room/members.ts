/**
 * The room's member table, and the one way a Member is built (for the table, for ourselves and
 * for a room we are not in). Pure logic over plain data, unit-tested in Node.
 */
import { FULL_PERMIT, memberViewOf, type Permit } from '../janus/guard-views';
import type { Feed, FeedType, Member } from '../types';

/** What the others see of a member besides its feeds (the guard holds it: `MemberView`). */
export interface MemberInfo {
  name: string;
  device: string;
  /** The member's camera / microphone switch (editUserInfo); true unless turned off. */
  video: boolean;
  audio: boolean;
  /** As the guard decided it (the creator, or a signed host); absent: judged by the room's host. */
  userType?: 'host' | 'guest';
  /** As the guard holds it; absent (a client that is not ours, no guard view): everything. */
  permit?: Permit;
}

/**
 * A member's info from a Janus entry (publisher, attendee, participant, joining): the guard's
 * `kt` view when there is one; else (a client that is not ours) its display as the name.
 */
export function infoOf(entry: { display?: unknown; kt?: unknown }): MemberInfo {
  const view = memberViewOf(entry.kt);
  if (view) return { name: view.name, device: view.device, video: view.video, audio: view.audio, userType: view.userType, permit: view.permit };
  return { name: typeof entry.display === 'string' ? entry.display : '', device: '', video: true, audio: true };
}

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
export function toMember(id: string, info: MemberInfo, host: boolean, sending: Sending): Member {
  return {
    id,
    userId: id,
    name: info.name,
    userType: info.userType ?? (host ? 'host' : 'guest'),
    device: info.device,
    video: info.video && sending.video,
    audio: info.audio && sending.audio,
    publishing: sending.publishing,
    permit: { ...(info.permit ?? FULL_PERMIT) },
  };
}

interface MemberState extends MemberInfo {
  id: string;
  streams: PublishedStream[];
}

export class MemberTable {
  private readonly members = new Map<string, MemberState>();

  /** `host`: the room's host (editRoomInfo may hand the role on). */
  constructor(public host: string) {}

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
  add(id: string, info: MemberInfo): boolean {
    if (this.members.has(id)) return false;
    this.members.set(id, { id, ...info, streams: [] });
    return true;
  }

  /** A member's name, device or camera/microphone switches changed (the guard's `kt_member`, editUserInfo). */
  setInfo(id: string, info: Partial<MemberInfo>): void {
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

  ids(): string[] {
    return [...this.members.keys()];
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
