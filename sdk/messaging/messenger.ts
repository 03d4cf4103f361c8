/**
 * The instance's message channel: chat, inform, editUserInfo broadcasts and the 1:1 publish notice.
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
import { TextRoomHandle, TEXTROOM_NO_SUCH_ROOM } from '../janus/textroom';
import { TEXTROOM, type PluginHandle } from '../janus/types';
import { getLogger } from '../logger';
import { backoffDelay, sleep, withTimeout } from '../util/wait';
import { parseEnvelope, type Envelope } from './envelope';

const log = getLogger('messenger');

/** How long a whisper is retried while its target is in the video room but not yet in the text room. */
const WHISPER_RETRY_MS = 5000;

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

export class Messenger {
  readonly events = mitt<MessengerEvents>();
  private textRoom?: TextRoomHandle;
  private closed = false;
  private readonly attaching: Promise<TextRoomHandle>;
  /** Settles when the data channel is open; joins and sends wait for it. */
  private readonly ready: Promise<void>;

  constructor(private readonly deps: MessengerDeps) {
    this.attaching = deps.attach(TEXTROOM).then((handle) => new TextRoomHandle(handle, deps.timeoutMs));
    this.attaching.catch(() => {}); // reported through `ready`
    this.ready = this.connect();
    // A failed channel is reported by the sends that need it, not as an unhandled rejection.
    this.ready.catch((err) => this.closed || log.error('message channel unavailable', err));
  }

  /** Enters a room's text room (creating it when the room's creator did not). */
  async join(roomId: string, display: string, pin?: string): Promise<void> {
    const textRoom = await this.whenReady();
    try {
      await textRoom.join(roomId, this.deps.userId, display, pin);
    } catch (err) {
      if (!(err instanceof KtError) || err.janusCode !== TEXTROOM_NO_SUCH_ROOM) throw err;
      await textRoom.create(roomId, { pin });
      await textRoom.join(roomId, this.deps.userId, display, pin);
    }
  }

  /**
   * Creates a room's text room with the video room's PIN (so outsiders cannot read along) and
   * secret (so only the host can destroy it). Already there is fine: someone was first.
   */
  async createRoom(roomId: string, access: RoomAccess): Promise<void> {
    await (await this.whenReady()).create(roomId, access);
  }

  async leave(roomId: string): Promise<void> {
    try {
      await (await this.whenReady()).leave(roomId);
    } catch (err) {
      log.debug('text room leave failed', err);
    }
  }

  /** Sends to the whole room, or only to `to`. */
  async send(roomId: string, body: Envelope, to?: string): Promise<void> {
    const textRoom = await this.whenReady();
    const text = JSON.stringify(body);
    const deadline = Date.now() + WHISPER_RETRY_MS;
    for (let attempt = 0; ; attempt++) {
      if (await textRoom.message(roomId, text, to)) return;
      // The member joined the video room but its text room join is still on the way.
      if (Date.now() >= deadline || this.closed) throw new KtError(Code.INVALID_PARAMETER, `${to} is not reachable in the room`);
      await sleep(backoffDelay(attempt));
    }
  }

  /** Removes a text room from the gateway (when its video room goes). */
  async destroyRoom(roomId: string, secret?: string): Promise<void> {
    try {
      await (await this.whenReady()).destroy(roomId, secret);
    } catch (err) {
      log.debug('text room not destroyed', err);
    }
  }

  /** Frees the channel at once, even halfway through its setup. */
  async close(): Promise<void> {
    this.closed = true;
    this.textRoom?.abandon();
    const textRoom = this.textRoom ?? (await this.attaching.catch(() => undefined));
    await textRoom?.detach();
  }

  private async whenReady(): Promise<TextRoomHandle> {
    if (this.closed) throw new KtError(Code.BAD_REQUEST, 'not in a room');
    await this.ready.catch((err) => {
      throw err instanceof KtError ? err : new KtError(Code.SERVER_ERROR, `message channel unavailable: ${String(err)}`);
    });
    return this.textRoom!;
  }

  private async connect(): Promise<void> {
    const { timeoutMs } = this.deps;
    const textRoom = await this.attaching;
    this.textRoom = textRoom;
    if (this.closed) throw new KtError(Code.BAD_REQUEST, 'disconnected');
    textRoom.events.on('message', (m) => this.onMessage(m));
    const opened = new Promise<void>((resolve) => textRoom.media.events.on('dataOpen', () => resolve()));
    // Janus offers a data-only PeerConnection; we answer it and the data channel opens.
    await textRoom.serial(async (requests) => {
      const offer = await requests.setup();
      if (!offer || offer.type !== 'offer') throw new KtError(Code.MEDIA_ERROR, 'the text room sent no offer');
      await requests.ack(await textRoom.media.createAnswer(offer));
    });
    await withTimeout(opened, timeoutMs, 'text room data channel');
  }

  private onMessage({ room, from, text, whisper }: { room: string; from: string; text: unknown; whisper: boolean }): void {
    if (from === this.deps.userId) return;
    const body = parseEnvelope(text);
    if (body) this.events.emit('message', { roomId: room, from, whisper, body });
  }
}
