/**
 * The room's member list and the translation of VideoRoom events into Knowledgetalk presence.
 * Pure logic over plain data (no janus.js, no DOM), unit-tested in Node.
 */
import type { Feed, FeedType, Member, PresenceDetail } from '../types';
import { decodeDisplay, feedTypeOf, type DisplayInfo } from './wire-format';

export interface PublishedStream {
  /** The publisher-side mid, which subscriptions name. */
  mid: string;
  kind: 'audio' | 'video';
  feedType: FeedType;
  /** Sent in three layers a subscriber chooses from (Janus `substream`). */
  simulcast?: true;
}

interface MemberState extends DisplayInfo {
  id: string;
  streams: PublishedStream[];
}

/** A publisher entry as Janus lists it in `joined` and `publishers` events. */
interface JanusPublisher {
  id: unknown;
  display?: unknown;
  streams?: unknown;
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
    return {
      id: state.id,
      userId: state.id,
      name: state.name,
      userType: state.id === this.host ? 'host' : 'guest',
      device: state.device,
      video: state.video && cam.some((s) => s.kind === 'video'),
      audio: state.audio && cam.some((s) => s.kind === 'audio'),
      publishing: state.streams.length > 0,
    };
  }
}

function feedTypes(streams: PublishedStream[]): Set<FeedType> {
  return new Set(streams.map((s) => s.feedType));
}

/** The audio/video streams of a Janus publisher entry (data channels and disabled streams left out). */
export function publishedStreams(streams: unknown): PublishedStream[] {
  if (!Array.isArray(streams)) return [];
  const out: PublishedStream[] = [];
  for (const s of streams as Record<string, unknown>[]) {
    if (!s || typeof s !== 'object' || s.disabled === true || typeof s.mid !== 'string') continue;
    if (s.type !== 'audio' && s.type !== 'video') continue;
    out.push({ mid: s.mid, kind: s.type, feedType: feedTypeOf(s.description), ...(s.simulcast === true ? { simulcast: true as const } : {}) });
  }
  return out;
}

type Presence = PresenceDetail;

/**
 * Applies one VideoRoom event of the publisher handle to the member table and returns the presence
 * events the app must see, in order. Events about ourselves are not presence. Duplicates from Janus
 * (a second `unpublished`, a `publishers` repeat) yield nothing, because the table already has them.
 */
export function translateRoomEvent(
  table: MemberTable,
  roomId: string,
  selfId: string,
  data: Record<string, unknown>,
): Presence[] {
  const out: Presence[] = [];
  const base = { eventOp: 'presence' as const, roomId };
  const isOther = (id: unknown): id is string => typeof id === 'string' && id !== selfId && id !== 'ok';

  if (data.videoroom === 'talking' || data.videoroom === 'stopped-talking') {
    // Janus tells the speaker too: the app may highlight its own tile.
    if (typeof data.id === 'string') out.push({ ...base, type: 'talking', user: data.id, talking: data.videoroom === 'talking' });
    return out;
  }

  // A member changed its display (name, camera/microphone switches): no presence of its own, the
  // editUserInfo broadcast is the announcement; the table just stays true for memberList.
  if (isOther(data.id) && typeof data.display === 'string' && !data.publishers) {
    table.setInfo(data.id, decodeDisplay(data.display));
  }

  const joining = data.joining as { id?: unknown; display?: unknown } | undefined;
  if (joining && isOther(joining.id) && table.add(joining.id, joining.display)) {
    out.push({ ...base, type: 'join', user: table.get(joining.id)! });
  }

  if (Array.isArray(data.publishers)) {
    out.push(...applyPublishers(table, base, selfId, data.publishers as JanusPublisher[]));
  }

  if (isOther(data.unpublished)) {
    const { removed } = table.setStreams(data.unpublished, []);
    out.push(...feedsGone(base, data.unpublished, removed));
  }

  for (const key of ['leaving', 'kicked'] as const) {
    const id = data[key];
    if (!isOther(id) || !table.has(id)) continue;
    // The feeds of a member who leaves go first, so an app that follows feeds (and a screen it shows
    // large) needs no special case for leaving.
    const { removed } = table.setStreams(id, []);
    out.push(...feedsGone(base, id, removed));
    table.remove(id);
    out.push({ ...base, type: 'leave', user: id });
  }
  return out;
}

/**
 * Seeds the table from our `joined` event. Returns the `publish` presence for members that already
 * publish, which the SDK fires right after joinRoom resolves (SPEC §2).
 */
export function seedFromJoined(
  table: MemberTable,
  roomId: string,
  selfId: string,
  data: Record<string, unknown>,
): Presence[] {
  const base = { eventOp: 'presence' as const, roomId };
  for (const a of (Array.isArray(data.attendees) ? data.attendees : []) as JanusPublisher[]) {
    if (typeof a?.id === 'string' && a.id !== selfId) table.add(a.id, a.display);
  }
  const publishers = (Array.isArray(data.publishers) ? data.publishers : []) as JanusPublisher[];
  // Joins of members present before us are not news: only their feeds are announced.
  return applyPublishers(table, base, selfId, publishers).filter((p) => p.type === 'publish');
}

function applyPublishers(
  table: MemberTable,
  base: { eventOp: 'presence'; roomId: string },
  selfId: string,
  publishers: JanusPublisher[],
): Presence[] {
  const out: Presence[] = [];
  const feeds: Feed[] = [];
  for (const p of publishers) {
    if (typeof p?.id !== 'string' || p.id === selfId) continue;
    // Rooms without notify_joining announce members through their first publish.
    if (table.add(p.id, p.display)) out.push({ ...base, type: 'join', user: table.get(p.id)! });
    if (p.display !== undefined) table.setInfo(p.id, decodeDisplay(p.display));
    const { added, removed } = table.setStreams(p.id, publishedStreams(p.streams));
    out.push(...feedsGone(base, p.id, removed));
    for (const type of added) feeds.push(table.feed(p.id, type)!);
  }
  if (feeds.length > 0) out.push({ ...base, type: 'publish', feeds });
  // Knowledgetalk apps learn of a screen share from `screen`, newer ones from `publish`.
  for (const f of feeds) if (f.type === 'screen') out.push({ ...base, type: 'screen', user: f.id });
  return out;
}

function feedsGone(base: { eventOp: 'presence'; roomId: string }, user: string, removed: FeedType[]): Presence[] {
  const out: Presence[] = [];
  for (const feedType of removed) {
    out.push({ ...base, type: 'unpublish', user, feedType });
    if (feedType === 'screen') out.push({ ...base, type: 'shareStop', user });
  }
  return out;
}

/**
 * The presence that brings the table in line with the room's participant list (after an outage in
 * which events were lost): `leave` (after its feeds' `unpublish`) for members gone, `join` for new ones.
 */
export function resyncEvents(
  table: MemberTable,
  roomId: string,
  selfId: string,
  participants: { id?: unknown; display?: unknown }[],
): Presence[] {
  const out: Presence[] = [];
  const present = new Set(participants.map((p) => p.id).filter((id): id is string => typeof id === 'string'));
  for (const member of table.all()) {
    if (present.has(member.id)) continue;
    out.push(...translateRoomEvent(table, roomId, selfId, { videoroom: 'event', leaving: member.id }));
  }
  for (const p of participants) {
    out.push(...translateRoomEvent(table, roomId, selfId, { videoroom: 'event', joining: p }));
  }
  return out;
}
