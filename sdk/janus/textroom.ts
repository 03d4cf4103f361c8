/**
 * The TextRoom plugin's API (janus_textroom.c): the only file that writes a TextRoom request.
 * Room management and the data channel's setup are plugin messages; joining, leaving and sending
 * are requests over the data channel, answered by a message with the same transaction.
 */
import mitt from 'mitt';
import { Code, KtError, type ResponseCode } from '../errors';
import { getLogger } from '../logger';
import { generateId } from '../util/ids';
import { withTimeout } from '../util/wait';
import { requestSync, RequestQueue, SlotRequests } from './transaction';
import type { HandleMedia, Jsep, PluginData, PluginHandle } from './types';

const log = getLogger('messenger');

/** TextRoom error codes (janus_textroom.c). */
export const TEXTROOM_NO_SUCH_ROOM = 417;
const TEXTROOM_ROOM_EXISTS = 418;
const TEXTROOM_UNAUTHORIZED = 419;
const ERRORS: Record<number, ResponseCode> = {
  [TEXTROOM_NO_SUCH_ROOM]: Code.NO_SUCH_ROOM,
  [TEXTROOM_ROOM_EXISTS]: Code.ROOM_EXISTS,
  [TEXTROOM_UNAUTHORIZED]: Code.UNAUTHORIZED,
};

function textRoomError(janusCode: number | undefined, reason: string): KtError {
  const code = (janusCode !== undefined && ERRORS[janusCode]) || Code.SERVER_ERROR;
  return new KtError(code, `TextRoom error ${janusCode}: ${reason}`, janusCode, reason);
}

const errorOf = (data: PluginData): KtError | undefined =>
  typeof data.error_code === 'number' ? textRoomError(data.error_code, String(data.error ?? '')) : undefined;

const definedOf = (fields: Record<string, string | undefined>): Record<string, string> =>
  Object.fromEntries(Object.entries(fields).filter((e): e is [string, string] => e[1] !== undefined));

export type TextRoomEvents = {
  /** A message someone sent to a room we are in (`whisper`: to us alone). */
  message: { room: string; from: string; text: unknown; whisper: boolean };
};

interface PendingRequest {
  resolve: (data: Record<string, unknown>) => void;
  reject: (err: KtError) => void;
}

/** The data channel's setup: asynchronous plugin messages (one slot at a time, see transaction.ts). */
export class TextRoomSetup extends SlotRequests {
  /** Asks for the data-only PeerConnection: resolves with Janus's offer. */
  async setup(): Promise<Jsep | undefined> {
    return (await this.send({ request: 'setup' })).jsep;
  }

  async ack(answer: Jsep): Promise<void> {
    await this.send({ request: 'ack' }, answer);
  }

  private send(body: Record<string, unknown>, jsep?: Jsep) {
    return this.request(body, { jsep, answeredBy: (d) => d.textroom === 'event', errorOf });
  }
}

export class TextRoomHandle {
  readonly events = mitt<TextRoomEvents>();
  readonly media: HandleMedia;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly queue: RequestQueue<TextRoomSetup>;

  constructor(
    private readonly handle: PluginHandle,
    private readonly timeoutMs: number,
  ) {
    this.media = handle;
    this.queue = new RequestQueue(() => new TextRoomSetup(handle, timeoutMs));
    handle.events.on('data', ({ text }) => this.onData(text));
  }

  serial<T>(task: (requests: TextRoomSetup) => Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  // --- room management (plugin messages, synchronous) ---

  /** Creates a text room; already there is fine (someone was first). */
  async create(room: string, access: { pin?: string; secret?: string }): Promise<void> {
    const body = { request: 'create', room, is_private: true, permanent: false, ...definedOf(access) };
    await requestSync(this.handle, body, errorOf).catch((err) => {
      if (!(err instanceof KtError) || err.janusCode !== TEXTROOM_ROOM_EXISTS) throw err;
    });
  }

  async destroy(room: string, secret?: string): Promise<void> {
    await requestSync(this.handle, { request: 'destroy', room, ...definedOf({ secret }) }, errorOf);
  }

  // --- over the data channel ---

  async join(room: string, username: string, display: string, pin?: string): Promise<void> {
    await this.request({ textroom: 'join', room, username, display, history: false, ...definedOf({ pin }) });
  }

  async leave(room: string): Promise<void> {
    await this.request({ textroom: 'leave', room });
  }

  /** Sends to the room, or to `to` alone; resolves with whether `to` was reached. */
  async message(room: string, text: string, to?: string): Promise<boolean> {
    const reply = await this.request({ textroom: 'message', room, text, ...definedOf({ to }) });
    const sent = reply.sent as Record<string, unknown> | undefined;
    return to === undefined || sent?.[to] === true;
  }

  /** Fails the requests still waiting for their answer (the channel is closing). */
  abandon(): void {
    this.pending.forEach((p) => p.reject(new KtError(Code.BAD_REQUEST, 'disconnected')));
    this.pending.clear();
  }

  detach(): Promise<void> {
    return this.handle.detach();
  }

  private async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const transaction = generateId('t');
    const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
      this.pending.set(transaction, { resolve, reject });
    });
    try {
      await this.handle.sendData(JSON.stringify({ ...body, transaction }));
      return await withTimeout(reply, this.timeoutMs, `text room ${String(body.textroom)}`);
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
      if (data.textroom === 'error') waiting.reject(textRoomError(typeof data.error_code === 'number' ? data.error_code : undefined, String(data.error ?? 'text room error')));
      else waiting.resolve(data);
      return;
    }
    if (data.textroom === 'message' && typeof data.from === 'string' && typeof data.room === 'string') {
      this.events.emit('message', { room: data.room, from: data.from, text: data.text, whisper: data.whisper === true });
    }
  }
}
