/**
 * VideoRoom events as Knowledgetalk presence: each classified event (janus/videoroom-events.ts)
 * applied to the member table, and the presence events the app must see, in order. Pure logic
 * over plain data, unit-tested in Node.
 */
import { joinedOf, roomEventsOf, type JanusPublisher } from '../janus/videoroom-events';
import type { Feed, FeedType, PresenceDetail } from '../types';
import { infoOf, MemberTable, type PublishedStream } from './members';

type Presence = PresenceDetail;
type Base = { eventOp: 'presence'; roomId: string };

/**
 * Which feed a published stream belongs to: we label each stream with `description: 'cam'|'screen'`
 * when publishing; streams of other clients carry no label and count as the camera.
 */
export function feedTypeOf(description: unknown): FeedType {
  return description === 'screen' ? 'screen' : 'cam';
}

/** The audio/video streams of a Janus publisher entry (data channels and disabled streams left out). */
function publishedStreams(streams: unknown): PublishedStream[] {
  if (!Array.isArray(streams)) return [];
  const out: PublishedStream[] = [];
  for (const s of streams as Record<string, unknown>[]) {
    if (!s || typeof s !== 'object' || s.disabled === true || typeof s.mid !== 'string') continue;
    if (s.type !== 'audio' && s.type !== 'video') continue;
    out.push({ mid: s.mid, kind: s.type, feedType: feedTypeOf(s.description), ...(s.simulcast === true ? { simulcast: true as const } : {}) });
  }
  return out;
}

/**
 * Applies one VideoRoom event of the publisher handle to the member table and returns the presence
 * events the app must see, in order. Events about ourselves are not presence. Duplicates from Janus
 * (a second `unpublished`, a `publishers` repeat) yield nothing, because the table already has them.
 */
export function translateRoomEvent(table: MemberTable, roomId: string, selfId: string, data: Record<string, unknown>): Presence[] {
  const out: Presence[] = [];
  const base: Base = { eventOp: 'presence', roomId };
  const isOther = (id: unknown): id is string => typeof id === 'string' && id !== selfId && id !== 'ok';
  for (const event of roomEventsOf(data)) {
    switch (event.name) {
      case 'talking':
        // Janus tells the speaker too: the app may highlight its own tile.
        out.push({ ...base, type: 'talking', user: event.id, talking: event.talking });
        break;
      case 'display':
        // A client that is not ours renamed itself (ours change through the guard: `member`).
        if (isOther(event.id)) table.setInfo(event.id, { name: event.display });
        break;
      case 'member':
        // A member changed its name, device or switches: no presence of its own (the editUserInfo
        // broadcast is the announcement); the table just stays true for memberList.
        if (isOther(event.member.id)) table.setInfo(event.member.id, infoOf({ kt: event.member }));
        break;
      case 'joining':
        if (isOther(event.id) && table.add(event.id, infoOf(event))) out.push({ ...base, type: 'join', user: table.get(event.id)! });
        break;
      case 'publishers':
        out.push(...applyPublishers(table, base, selfId, event.publishers));
        break;
      case 'unpublished':
        if (isOther(event.id)) out.push(...feedsGone(base, event.id, table.setStreams(event.id, []).removed));
        break;
      case 'left':
        if (!isOther(event.id) || !table.has(event.id)) break;
        // The feeds of a member who leaves go first, so an app that follows feeds (and a screen it
        // shows large) needs no special case for leaving.
        out.push(...feedsGone(base, event.id, table.setStreams(event.id, []).removed));
        table.remove(event.id);
        out.push({ ...base, type: 'leave', user: event.id });
        break;
    }
  }
  return out;
}

/**
 * Seeds the table from our `joined` event. Returns the `publish` presence for members that already
 * publish, which the SDK fires right after joinRoom resolves (SPEC §2).
 */
export function seedFromJoined(table: MemberTable, roomId: string, selfId: string, data: Record<string, unknown>): Presence[] {
  const { attendees, publishers } = joinedOf(data);
  for (const a of attendees) if (typeof a?.id === 'string' && a.id !== selfId) table.add(a.id, infoOf(a));
  // Joins of members present before us are not news: only their feeds are announced.
  return applyPublishers(table, { eventOp: 'presence', roomId }, selfId, publishers).filter((p) => p.type === 'publish');
}

function applyPublishers(table: MemberTable, base: Base, selfId: string, publishers: JanusPublisher[]): Presence[] {
  const out: Presence[] = [];
  const feeds: Feed[] = [];
  for (const p of publishers) {
    if (typeof p?.id !== 'string' || p.id === selfId) continue;
    // Rooms without notify_joining announce members through their first publish.
    if (table.add(p.id, infoOf(p))) out.push({ ...base, type: 'join', user: table.get(p.id)! });
    else if (p.kt !== undefined || p.display !== undefined) table.setInfo(p.id, infoOf(p));
    const { added, removed } = table.setStreams(p.id, publishedStreams(p.streams));
    out.push(...feedsGone(base, p.id, removed));
    for (const type of added) feeds.push(table.feed(p.id, type)!);
  }
  if (feeds.length > 0) out.push({ ...base, type: 'publish', feeds });
  // Knowledgetalk apps learn of a screen share from `screen`, newer ones from `publish`.
  for (const f of feeds) if (f.type === 'screen') out.push({ ...base, type: 'screen', user: f.id });
  return out;
}

function feedsGone(base: Base, user: string, removed: FeedType[]): Presence[] {
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
  participants: { id?: unknown; display?: unknown; kt?: unknown }[],
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
