/**
 * The VideoRoom plugin's API (janus_videoroom.c documents every request): the only file that
 * writes a VideoRoom request. One method per request the SDK makes, each with the event that
 * answers it; the plugin's error table; events are classified in videoroom-events.ts.
 *
 * Synchronous requests (room management) are methods of the handle. Asynchronous ones (joining,
 * negotiating, leaving) exist only inside `handle.serial(...)`, one at a time per handle.
 */
import { Code, KtError, type ResponseCode } from '../errors';
import { listOf } from '../util/list-of';
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

/** A VideoRoom error (`{ error_code, error }` in a response or event) as a KtError. */
export function videoRoomError(janusCode: number, reason: string): KtError {
  return new KtError(ERRORS[janusCode] ?? Code.UNKNOWN, `VideoRoom error ${janusCode}: ${reason}`, janusCode, reason);
}

const errorOf = (data: PluginData): KtError | undefined =>
  typeof data.error_code === 'number' ? videoRoomError(data.error_code, String(data.error ?? '')) : undefined;

/** A missing (429) or wrong (433) room PIN or secret, as `code` ('401' for a PIN, '413' for a secret). */
function asAccessError(code: ResponseCode, message: string) {
  return (err: unknown): never => {
    if (err instanceof KtError && (err.janusCode === MISSING_ELEMENT || err.janusCode === UNAUTHORIZED)) {
      throw new KtError(code, message, err.janusCode, err.reason);
    }
    throw err;
  };
}
const asPinError = asAccessError(Code.UNAUTHORIZED, 'wrong or missing room PIN');
const asSecretError = asAccessError(Code.NOT_PERMITTED, 'the gateway refused: not the host (room secret)');

const secretOf = (secret: string | undefined) => (secret === undefined ? {} : { secret });
const pinOf = (pin: string | undefined) => (pin === undefined ? {} : { pin });

export interface RoomSettings {
  room: string;
  /** Needed for host actions (kick, destroy, recording). */
  secret: string;
  /** Needed to join, when set. */
  pin?: string;
  /** Free text every joiner reads (room/wire-format.ts puts our metadata there). */
  description: string;
  /** Most members at once; null: no limit. */
  capacity: number | null;
  /** Janus sends talking / stopped-talking events. */
  talkingEvents: boolean;
}

/** A room as `list` shows it, and a participant as `listparticipants` does (Janus's fields). */
export type ListedRoom = Record<string, unknown> & { room?: unknown; description?: unknown; record?: unknown };
export type Participant = Record<string, unknown> & { id?: unknown; display?: unknown; publisher?: unknown };

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

  async create(settings: RoomSettings): Promise<void> {
    const { room, secret, pin, description, capacity, talkingEvents } = settings;
    await this.sync({
      request: 'create',
      room,
      secret,
      ...pinOf(pin),
      description,
      // Janus limits publishers (default 3), not members; members are counted at join.
      publishers: capacity ?? 1000,
      notify_joining: true,
      is_private: false,
      permanent: false,
      // Recording (and a publisher's own `record`/`filename`, a path on the gateway) can then only
      // be changed with the room secret: by the host, room-wide (room/recording.ts).
      lock_record: true,
      audiolevel_event: talkingEvents,
      // Talking is decided over ~1 s of audio (50 packets of 20 ms), not Janus's default 2 s.
      audio_active_packets: 50,
    });
  }

  async destroy(room: string, secret?: string): Promise<void> {
    await this.sync({ request: 'destroy', room, ...secretOf(secret) }).catch(asSecretError);
  }

  async list(): Promise<ListedRoom[]> {
    return listOf(await this.sync({ request: 'list' }), 'list');
  }

  /** A room's entry in `list`, if the gateway has that room. */
  async find(room: string): Promise<ListedRoom | undefined> {
    return (await this.list()).find((r) => r.room === room);
  }

  async listParticipants(room: string): Promise<Participant[]> {
    return listOf(await this.sync({ request: 'listparticipants', room }), 'participants');
  }

  /** The gateway checks the room secret: without the right one, '413'. */
  async kick(room: string, id: string, secret?: string): Promise<void> {
    await this.sync({ request: 'kick', room, id, ...secretOf(secret) }).catch(asSecretError);
  }

  /** Resolves with the recording state the gateway reports back, if it does. */
  async enableRecording(room: string, record: boolean, secret?: string): Promise<boolean | undefined> {
    const answer = await this.sync({ request: 'enable_recording', room, record, ...secretOf(secret) }).catch(asSecretError);
    return typeof answer.record === 'boolean' ? answer.record : undefined;
  }

  private sync(body: Record<string, unknown>): Promise<PluginData> {
    return requestSync(this.handle, body, errorOf);
  }
}

/** The asynchronous requests, valid only inside the `serial` slot they were handed to. */
export class VideoRoomRequests extends SlotRequests {
  /** Enters the room as a publisher (not sending yet); resolves with Janus's `joined` event. */
  async joinAsPublisher(p: { room: string; id: string; display: string; pin?: string }): Promise<PluginData> {
    const body = { request: 'join', ptype: 'publisher', room: p.room, id: p.id, display: p.display, ...pinOf(p.pin) };
    const { data } = await this.send(body, (d) => d.videoroom === 'joined').catch(asPinError);
    return data;
  }

  /** Publisher: labels our streams (`descriptions`) with an offer, and/or changes our display. */
  configure(p: { descriptions?: { mid: string; description: string }[]; display?: string }, offer?: Jsep): Promise<EventAnswer> {
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
