/**
 * The room's message channel: chat, inform, editUserInfo broadcasts and the 1:1 publish notice.
 *
 * Why the TextRoom plugin over a data channel, and not one of the other two ways Janus offers:
 * - VideoRoom data channels relay what a publisher sends to every subscriber of its data stream,
 *   so a whisper would reach everyone's browser and be dropped there: readable by any modified
 *   client. TextRoom delivers a message with `to` to that one user only, decided at the gateway.
 * - Plugin messages (the Janus API) cannot address another participant: VideoRoom has no request
 *   that delivers a payload to one member.
 * The cost is one data-only PeerConnection per instance. It is set up in the background right
 * after init, so by the time the app joins a room, entering the text room is one data-channel
 * message sent alongside the VideoRoom join: joinRoom resolves with both done, and every message
 * sent to the room after that reaches us.
 *
 * A text room has its video room's id and is created by whoever enters first; our userId is the
 * TextRoom username, so `from` on a message is the sender's userId, as Janus authenticated it.
 */
import mitt from 'mitt';
import { Code, KtError } from '../errors';
import { TEXTROOM, type Jsep, type PluginHandle } from '../gateway/types';
import { getLogger } from '../logger';
import type { FeedType } from '../types';
import { generateId } from '../util/ids';
import { withTimeout } from '../util/timeout';
import { requestWithEvent } from './request';

const log = getLogger('messenger');

/** TextRoom error codes (janus_textroom.c). */
const TEXTROOM_NO_SUCH_ROOM = 417;
const TEXTROOM_ROOM_EXISTS = 418;
const TEXTROOM_UNAUTHORIZED = 419;

/** How long a whisper is retried while its target is in the video room but not yet in the text room. */
const WHISPER_RETRY_MS = 5000;
const WHISPER_RETRY_STEP_MS = 200;

/** What travels in a TextRoom message's `text`, as JSON. */
export type Envelope =
  | { k: 'chat'; m: string }
  | { k: 'inform'; m: unknown }
  | { k: 'user'; name: string; video: boolean; audio: boolean }
  | { k: 'p2p'; t: FeedType }
  /** The host changed the room's recording: read it from the gateway (room/recording.ts). */
  | { k: 'rec' };

/** A room's PIN (to enter) and secret (to destroy), when it has them. */
export interface RoomAccess {
  pin?: string;
  secret?: string;
}

export type MessengerEvents = {
  message: { roomId: string; from: string; whisper: boolean; body: Envelope };
};

export interface MessengerDeps {
  attach: (plugin: string) => Promise<PluginHandle>;
  userId: string;
  timeoutMs: number;
}

interface PendingRequest {
  resolve: (data: Record<string, unknown>) => void;
  reject: (err: KtError) => void;
}

export class Messenger {
  readonly events = mitt<MessengerEvents>();
  private handle?: PluginHandle;
  private closed = false;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly attaching: Promise<PluginHandle>;
  /** Settles when the data channel is open; joins and sends wait for it. */
  private readonly ready: Promise<void>;

  constructor(private readonly deps: MessengerDeps) {
    this.attaching = deps.attach(TEXTROOM);
    this.attaching.catch(() => {}); // reported through `ready`
    this.ready = this.connect();
    // A failed channel is reported by the sends that need it, not as an unhandled rejection.
    this.ready.catch((err) => this.closed || log.error('message channel unavailable', err));
  }

  /** Enters a room's text room (creating it when the room's creator did not). */
  async join(roomId: string, display: string, pin?: string): Promise<void> {
    await this.whenReady();
    const join = { textroom: 'join', room: roomId, username: this.deps.userId, display, history: false, ...(pin ? { pin } : {}) };
    try {
      await this.request(join);
    } catch (err) {
      if (!(err instanceof KtError) || err.janusCode !== TEXTROOM_NO_SUCH_ROOM) throw err;
      await this.createRoom(roomId, { pin });
      await this.request(join);
    }
  }

  /**
   * Creates a room's text room with the video room's PIN (so outsiders cannot read along) and
   * secret (so only the host can destroy it). Already there is fine: someone was first.
   */
  async createRoom(roomId: string, access: RoomAccess): Promise<void> {
    await this.whenReady();
    try {
      const { pin, secret } = access;
      const create = { request: 'create', room: roomId, is_private: true, permanent: false, ...definedOf({ pin, secret }) };
      await this.handle!.send(create);
    } catch (err) {
      if (!(err instanceof KtError) || err.janusCode !== TEXTROOM_ROOM_EXISTS) throw err;
    }
  }

  async leave(roomId: string): Promise<void> {
    try {
      await this.whenReady();
      await this.request({ textroom: 'leave', room: roomId });
    } catch (err) {
      log.debug('text room leave failed', err);
    }
  }

  /** Sends to the whole room, or only to `to`. */
  async send(roomId: string, body: Envelope, to?: string): Promise<void> {
    await this.whenReady();
    const request = { textroom: 'message', room: roomId, text: JSON.stringify(body), ...(to ? { to } : {}) };
    const deadline = Date.now() + WHISPER_RETRY_MS;
    for (;;) {
      const reply = await this.request(request);
      const sent = reply.sent as Record<string, unknown> | undefined;
      if (!to || sent?.[to] === true) return;
      // The member joined the video room but its text room join is still on the way.
      if (Date.now() >= deadline || this.closed) throw new KtError(Code.INVALID_PARAMETER, `${to} is not reachable in the room`);
      await new Promise((r) => setTimeout(r, WHISPER_RETRY_STEP_MS));
    }
  }

  /** Removes a text room from the gateway (when its video room goes). */
  async destroyRoom(roomId: string, secret?: string): Promise<void> {
    try {
      await this.whenReady();
      await this.handle?.send({ request: 'destroy', room: roomId, ...definedOf({ secret }) });
    } catch (err) {
      log.debug('text room not destroyed', err);
    }
  }

  /** Frees the channel at once, even halfway through its setup. */
  async close(): Promise<void> {
    this.closed = true;
    this.pending.forEach((p) => p.reject(new KtError(Code.BAD_REQUEST, 'disconnected')));
    this.pending.clear();
    const handle = this.handle ?? (await this.attaching.catch(() => undefined));
    await handle?.detach();
  }

  private whenReady(): Promise<void> {
    if (this.closed) return Promise.reject(new KtError(Code.BAD_REQUEST, 'not in a room'));
    return this.ready.catch((err) => {
      throw err instanceof KtError ? err : new KtError(Code.SERVER_ERROR, `message channel unavailable: ${String(err)}`);
    });
  }

  private async connect(): Promise<void> {
    const { timeoutMs } = this.deps;
    const handle = await this.attaching;
    this.handle = handle;
    if (this.closed) throw new KtError(Code.BAD_REQUEST, 'disconnected');
    handle.events.on('data', ({ text }) => this.onData(text));
    const opened = new Promise<void>((resolve) => handle.events.on('dataOpen', () => resolve()));
    // Janus offers a data-only PeerConnection; we answer it and the data channel opens.
    const { jsep } = await requestWithEvent(handle, { request: 'setup' }, { accept: (d) => d.textroom === 'event', timeoutMs });
    if (!jsep || jsep.type !== 'offer') throw new KtError(Code.MEDIA_ERROR, 'the text room sent no offer');
    const answer: Jsep = await handle.createAnswer(jsep);
    await requestWithEvent(handle, { request: 'ack' }, { jsep: answer, accept: (d) => d.textroom === 'event', timeoutMs });
    await withTimeout(opened, timeoutMs, 'text room data channel');
  }

  /** A TextRoom request over the data channel, answered by a message with the same transaction. */
  private async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const transaction = generateId('t');
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(transaction, { resolve, reject });
    });
    try {
      await this.handle!.sendData(JSON.stringify({ ...body, transaction }));
      return await withTimeout(reply, this.deps.timeoutMs, `text room ${String(body.textroom)}`);
    } finally {
      this.pending.delete(transaction);
    }
  }

  private onData(text: string): void {
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(text) as Record<string, unknown>;
    } catch {
      log.warn('unreadable text room data', text);
      return;
    }
    const waiting = typeof data.transaction === 'string' ? this.pending.get(data.transaction) : undefined;
    if (waiting) {
      if (data.textroom === 'error') waiting.reject(textRoomError(data));
      else waiting.resolve(data);
      return;
    }
    if (data.textroom !== 'message' || typeof data.from !== 'string' || data.from === this.deps.userId) return;
    const body = parseEnvelope(data.text);
    if (body && typeof data.room === 'string') {
      this.events.emit('message', { roomId: data.room, from: data.from, whisper: data.whisper === true, body });
    }
  }
}

function textRoomError(data: Record<string, unknown>): KtError {
  const janusCode = typeof data.error_code === 'number' ? data.error_code : undefined;
  const reason = String(data.error ?? 'text room error');
  const code =
    janusCode === TEXTROOM_NO_SUCH_ROOM ? Code.NO_SUCH_ROOM : janusCode === TEXTROOM_UNAUTHORIZED ? Code.UNAUTHORIZED : Code.SERVER_ERROR;
  return new KtError(code, `TextRoom error ${janusCode}: ${reason}`, janusCode, reason);
}

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

/** The fields that are set, for optional request members. */
function definedOf(fields: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));
}
