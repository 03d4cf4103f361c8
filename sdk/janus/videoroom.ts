/**
 * The VideoRoom plugin's API (janus_videoroom.c documents every request) as the gateway guard
 * serves it (its contract: sdk/server/guard/index.ts): the only file that writes a VideoRoom
 * request. One method per request the SDK makes, each with the event that answers it; the
 * plugin's error table; events are classified in videoroom-events.ts.
 *
 * Synchronous requests (room management, the guard's own `kt_*` requests) are methods of the
 * handle. Asynchronous ones (joining, negotiating, leaving) exist only inside
 * `handle.serial(...)`, one at a time per handle.
 *
 * Rooms and their secrets are the guard's: it creates the Janus room with the admin key, holds the
 * secret, and decides who is host, so no request here carries a secret.
 */
import { Code, KtError, type ResponseCode } from '../errors';
import { listOf } from '../util/list-of';
import { identityOf, roomViewOf, shareViewOf, type Identity, type Permit, type RoomView, type ShareView } from './guard-views';
import { requestSync, RequestQueue, SlotRequests, type EventAnswer } from './transaction';
import { VIDEOROOM, type GatewaySession, type HandleMedia, type Jsep, type PluginData, type PluginHandle } from './types';

/** VideoRoom plugin errors (janus_videoroom.c, 421–499). */
const ERRORS: Record<number, ResponseCode> = {
  421: Code.MISSING_PARAMETER, // NO_MESSAGE
  422: Code.BAD_REQUEST, // INVALID_JSON
  423: Code.BAD_REQUEST, // INVALID_REQUEST
  424: Code.BAD_REQUEST, // JOIN_FIRST
  425: Code.ALREADY_IN_ROOM, // ALREADY_JOINED
  426: Code.NO_SUCH_ROOM, // NO_SUCH_ROOM
  427: Code.ROOM_EXISTS, // ROOM_EXISTS
  428: Code.INVALID_PARAMETER, // NO_SUCH_FEED
  429: Code.MISSING_PARAMETER, // MISSING_ELEMENT
  430: Code.INVALID_PARAMETER, // INVALID_ELEMENT
  431: Code.MEDIA_ERROR, // INVALID_SDP_TYPE
  432: Code.ROOM_FULL, // PUBLISHERS_FULL
  433: Code.NOT_PERMITTED, // UNAUTHORIZED (room secret / pin)
  434: Code.BAD_REQUEST, // ALREADY_PUBLISHED
  435: Code.BAD_REQUEST, // NOT_PUBLISHED
  436: Code.ALREADY_IN_ROOM, // ID_EXISTS
  437: Code.MEDIA_ERROR, // INVALID_SDP
  499: Code.SERVER_ERROR, // UNKNOWN_ERROR
};
const MISSING_ELEMENT = 429;
const UNAUTHORIZED = 433;

const CODES = new Set<string>(Object.values(Code));

/**
 * A VideoRoom error (`{ error_code, error }` in a response or event) as a KtError. The guard puts
 * the Knowledgetalk code it means in `kt_code` (e.g. '444' for a full room, which Janus would
 * call 432 "publishers full"): that code wins.
 */
export function videoRoomError(janusCode: number, reason: string, ktCode?: unknown): KtError {
  const code = typeof ktCode === 'string' && CODES.has(ktCode) ? (ktCode as ResponseCode) : (ERRORS[janusCode] ?? Code.UNKNOWN);
  return new KtError(code, `VideoRoom error ${janusCode}: ${reason}`, janusCode, reason);
}

const errorOf = (data: PluginData): KtError | undefined =>
  typeof data.error_code === 'number' ? videoRoomError(data.error_code, String(data.error ?? ''), data.kt_code) : undefined;

/**
 * A publisher join's errors: Janus's own missing (429) or wrong (433) answer there is about the
 * room's PIN: '401' (no credentials) and '411' (the password does not match). A refusal of the guard (which says what it means in
 * `kt_code`, e.g. '413' for a room the token does not name) keeps its code.
 */
const joinErrorOf = (data: PluginData): KtError | undefined => {
  const janusCode = data.error_code;
  if (janusCode === MISSING_ELEMENT && data.kt_code === undefined) {
    return new KtError(Code.UNAUTHORIZED, 'the room needs a PIN', janusCode, String(data.error ?? ''));
  }
  if (janusCode === UNAUTHORIZED && data.kt_code === undefined) {
    return new KtError(Code.WRONG_PASSWORD, 'wrong room PIN', janusCode, String(data.error ?? ''));
  }
  return errorOf(data);
};
const pinOf = (pin: string | undefined) => (pin === undefined ? {} : { pin });

/** What a room is created with (the guard keeps it; joiners read it as a RoomView). */
export interface RoomSettings {
  room: string;
  /** Needed to join, when set. */
  pin?: string;
  title: string;
  /** Most members at once; null: no limit. */
  capacity: number | null;
  /** Destroyed when its last member leaves. */
  destroy: boolean;
  /** Janus sends talking / stopped-talking events. */
  talkingNoty: boolean;
  /** Made by createRoom (the original's 1:1 room). */
  p2p: boolean;
  /** What guests may do until the host permits otherwise (the guard's default: everything). */
  guestPermit?: Partial<Permit>;
}

/** Our member info the guard holds and shows the others (`MemberView`, less what it decides). */
export interface MemberInfo {
  name?: string;
  device?: string;
  video?: boolean;
  audio?: boolean;
}

/** A participant as `listparticipants` shows it (Janus's fields, and the guard's `kt` view). */
export type Participant = Record<string, unknown> & { id?: unknown; display?: unknown; publisher?: unknown; kt?: unknown };

/** A stream of a publisher, as subscriptions name it. */
export interface StreamRef {
  feed: string;
  mid: string;
}

export class VideoRoomHandle {
  /** The handle's media, for the layers above (which never send plugin messages themselves). */
  readonly media: HandleMedia;
  private readonly queue: RequestQueue<VideoRoomRequests>;

  constructor(
    private readonly handle: PluginHandle,
    timeoutMs: number,
  ) {
    this.media = handle;
    this.queue = new RequestQueue(() => new VideoRoomRequests(handle, timeoutMs));
  }

  get events(): PluginHandle['events'] {
    return this.handle.events;
  }

  /** Runs asynchronous requests alone on this handle (see transaction.ts). */
  serial<T>(task: (requests: VideoRoomRequests) => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  detach(): Promise<void> {
    return this.handle.detach();
  }

  // --- synchronous requests ---

  /** Creates a room; we are its host. The guard makes the Janus room (notify_joining, lock_record, ...). */
  async create(settings: RoomSettings): Promise<RoomView> {
    const { room, pin, title, capacity, destroy, talkingNoty, p2p, guestPermit } = settings;
    const answer = await this.sync({
      request: 'create',
      room,
      ...pinOf(pin),
      kt: { title, capacity, destroy, talkingNoty, p2p, ...(guestPermit ? { permit: guestPermit } : {}) },
      audiolevel_event: talkingNoty,
      // Talking is decided over ~1 s of audio (50 packets of 20 ms), not Janus's default 2 s.
      audio_active_packets: 50,
    });
    return roomViewOf(answer.kt);
  }

  /** The host's: the guard refuses anyone else ('413'). */
  async destroy(room: string): Promise<void> {
    await this.sync({ request: 'destroy', room });
  }

  /** A room's metadata, as the guard holds it ('441' when there is no such room we may see). */
  async roomInfo(room: string): Promise<RoomView> {
    return roomViewOf((await this.sync({ request: 'kt_room', room })).kt);
  }

  async listParticipants(room: string): Promise<Participant[]> {
    return listOf(await this.sync({ request: 'listparticipants', room }), 'participants');
  }

  /** The host's: the guard refuses anyone else ('413'). */
  async kick(room: string, id: string): Promise<void> {
    await this.sync({ request: 'kick', room, id });
  }

  /** The host's. Resolves with the recording state the gateway reports back, if it does. */
  async enableRecording(room: string, record: boolean): Promise<boolean | undefined> {
    const answer = await this.sync({ request: 'enable_recording', room, record });
    return typeof answer.record === 'boolean' ? answer.record : undefined;
  }

  /**
   * Who the guard says we are. With a signed token that is the token's user; in the development
   * profile, `wanted` binds our identity on first use (it never changes afterwards).
   */
  async whoami(wanted: { id?: string; name?: string; forced?: boolean }): Promise<Identity> {
    const identity = identityOf(await this.sync({ request: 'kt_whoami', ...wanted }));
    if (!identity) throw new KtError(Code.SERVER_ERROR, 'the gateway did not say who we are (is it the guard?)');
    return identity;
  }

  /**
   * A message to the room's members, or to `to` alone: the guard delivers it with our identity as
   * its sender (`kt_message` events on their publisher handles). Resolves once the guard took it.
   */
  async message(room: string, body: unknown, to?: string): Promise<void> {
    await this.sync({ request: 'kt_message', room, body, ...(to === undefined ? {} : { to }) });
  }

  /** Our name, device and camera/microphone switches, as the others see them (`kt_member` events). */
  async updateMember(room: string, info: MemberInfo): Promise<void> {
    await this.sync({ request: 'kt_user', room, ...info });
  }

  /** The host's: what `target` may do (every member hears of it: `kt_member`). */
  async permit(room: string, target: string, permit: Partial<Permit>): Promise<void> {
    await this.sync({ request: 'kt_permit', room, target, ...permit });
  }

  /** The host's: the room's title, capacity, or a new host (every member hears of it: `kt_room_changed`). */
  async editRoom(room: string, change: { title?: string; capacity?: number; host?: string }): Promise<RoomView> {
    return roomViewOf((await this.sync({ request: 'kt_room_edit', room, ...change })).kt);
  }

  /** Takes the room's one share for the whiteboard or a document, or shows a document's page ('440': someone else shares). */
  async share(room: string, type: 'whiteboard' | 'document', document?: { url: string; page: number }): Promise<ShareView> {
    const share = shareViewOf((await this.sync({ request: 'kt_share', room, type, ...(document ? { document } : {}) })).share);
    if (!share) throw new KtError(Code.SERVER_ERROR, 'the gateway did not say what is shared');
    return share;
  }

  /** Ends our whiteboard or document share (the host: anyone's). Whether one ended. */
  async shareStop(room: string): Promise<boolean> {
    return (await this.sync({ request: 'kt_share_stop', room })).stopped === true;
  }

  /** Board strokes (a Yjs update, base64) or a pointer position for the other members. */
  async board(room: string, board: number, payload: { update: string } | { transient: Record<string, unknown> }): Promise<void> {
    await this.sync({ request: 'kt_board', room, board, ...payload });
  }

  /** The room's share and its board so far (state: a Yjs update, base64). */
  async boardState(room: string): Promise<{ share: ShareView | null; state?: string }> {
    const answer = await this.sync({ request: 'kt_board_state', room });
    return { share: shareViewOf(answer.share), state: typeof answer.state === 'string' ? answer.state : undefined };
  }

  /** The host's: a breakout group; the members on `list` hear of it (`kt_group`). */
  async createGroup(room: string, list: string[], title?: string): Promise<string> {
    const answer = await this.sync({ request: 'kt_group', room, list, ...(title === undefined ? {} : { title }) });
    if (typeof answer.group !== 'string') throw new KtError(Code.SERVER_ERROR, 'the gateway did not name the group');
    return answer.group;
  }

  /** A one-use ticket to store a file of `size` bytes in the gateway's file store, and where to POST it. */
  async upload(room: string, name: string, size: number): Promise<{ ticket: string; url: string }> {
    const answer = await this.sync({ request: 'kt_upload', room, name, size });
    if (typeof answer.ticket !== 'string' || typeof answer.url !== 'string') throw new KtError(Code.SERVER_ERROR, 'the gateway gave no upload ticket');
    return { ticket: answer.ticket, url: answer.url };
  }

  /** The host's, from the main room: ends a group (its members hear of it: `kt_group_end`). */
  async endGroup(room: string, group: string): Promise<void> {
    await this.sync({ request: 'kt_group_end', room, group });
  }

  private sync(body: Record<string, unknown>): Promise<PluginData> {
    return requestSync(this.handle, body, errorOf);
  }
}

/** The asynchronous requests, valid only inside the `serial` slot they were handed to. */
export class VideoRoomRequests extends SlotRequests {
  /**
   * Enters the room as a publisher (not sending yet); resolves with Janus's `joined` event, with
   * the guard's view of the room and of us in its `kt`. `info`: what the others see of us.
   */
  async joinAsPublisher(p: { room: string; id: string; display: string; pin?: string; info: Omit<MemberInfo, 'name'> }): Promise<PluginData> {
    const body = { request: 'join', ptype: 'publisher', room: p.room, id: p.id, display: p.display, ...pinOf(p.pin), kt: p.info };
    const { data } = await this.request(body, { answeredBy: (d) => d.videoroom === 'joined', errorOf: joinErrorOf });
    return data;
  }

  /** Publisher: our offer, each stream labelled with its feed type (`descriptions`). */
  configure(p: { descriptions: { mid: string; description: string }[] }, offer: Jsep): Promise<EventAnswer> {
    return this.send({ request: 'configure', ...p }, (d) => d.configured === 'ok', offer);
  }

  async unpublish(): Promise<void> {
    await this.send({ request: 'unpublish' }, (d) => d.unpublished === 'ok');
  }

  async leave(): Promise<void> {
    await this.send({ request: 'leave' }, (d) => d.leaving === 'ok' || d.left === 'ok');
  }

  /**
   * Subscriber: receives these streams; Janus answers with `attached` and an offer. `privateId`
   * (our publisher's) ties the subscription to our participant.
   */
  joinAsSubscriber(p: { room: string; privateId?: number; streams: StreamRef[]; pin?: string }): Promise<EventAnswer> {
    const body = { request: 'join', ptype: 'subscriber', room: p.room, private_id: p.privateId, streams: p.streams, ...pinOf(p.pin) };
    return this.send(body, (d) => d.videoroom === 'attached');
  }

  /** Subscriber: adds and/or removes streams; `updating` means Janus will offer when it can. */
  update(p: { subscribe?: StreamRef[]; unsubscribe?: StreamRef[] }): Promise<EventAnswer> {
    return this.send({ request: 'update', ...p }, (d) => d.videoroom === 'updated' || d.videoroom === 'updating');
  }

  /** Subscriber: our answer to Janus's offer. Done once acknowledged (media then starts). */
  async start(answer: Jsep): Promise<void> {
    await this.send({ request: 'start' }, undefined, answer);
  }

  /**
   * Subscriber: per-stream settings. `substream` picks a simulcast layer; `send: true` on a stream
   * makes Janus ask its publisher for a keyframe.
   */
  async configureStreams(streams: ({ mid: string; substream: number } | { mid: string; send: true })[]): Promise<void> {
    await this.send({ request: 'configure', streams }, (d) => d.configured === 'ok');
  }

  private send(body: Record<string, unknown>, answeredBy: ((d: PluginData) => boolean) | undefined, jsep?: Jsep): Promise<EventAnswer> {
    return this.request(body, { answeredBy, errorOf, jsep });
  }
}

/** Attaches a VideoRoom handle. */
export async function attachVideoRoom(session: GatewaySession, timeoutMs: number): Promise<VideoRoomHandle> {
  return new VideoRoomHandle(await session.attach(VIDEOROOM), timeoutMs);
}
