/**
 * reqCanvasImage and its answer: a member asks another for its canvas, whose SDK sends it by
 * itself as a PNG data URL (presence `reqCanvasImage` there, `updateImage` here, drawn on our
 * canvas unless a share's board already shows the same: board-session.ts). An image is larger
 * than one guard message (64 KiB), so it travels in parts that are put back together here; parts
 * of an image that never completes are dropped after a while.
 */
import type { Envelope } from '../messaging/envelope';
import type { Logger } from '../logger';
import type { PresenceDetail } from '../types';
import type { BoardSession } from './board-session';
import { generateId } from '../util/ids';

/** Characters of an image per message: well under the guard's 64 KiB per body, envelope included. */
const PART = 48 * 1024;
/** The largest image sent or put together (a 4K canvas as PNG is far less). */
export const MAX_IMAGE = 8 * 1024 * 1024;
const GIVE_UP_MS = 60000;

interface Incoming {
  parts: string[];
  got: number;
  timer: ReturnType<typeof setTimeout>;
}

export interface CanvasImageDeps {
  roomId: string;
  board: BoardSession;
  send: (body: Envelope, to: string) => Promise<void>;
  onPresence: (detail: PresenceDetail) => void;
  log: Logger;
}

export class CanvasImages {
  private readonly incoming = new Map<string, Incoming>();

  constructor(private readonly deps: CanvasImageDeps) {}

  /** Asks `target` for its canvas. */
  request(target: string): Promise<void> {
    return this.deps.send({ k: 'canvas' }, target);
  }

  /** `from` asked for our canvas: sent if we have one (else nothing: there is nothing to send). */
  async asked(from: string): Promise<void> {
    const { roomId, board, send, onPresence } = this.deps;
    const image = board.snapshot();
    if (image && image.length <= MAX_IMAGE) {
      const id = generateId('i');
      const n = Math.ceil(image.length / PART);
      for (let i = 0; i < n; i++) await send({ k: 'img', id, i, n, d: image.slice(i * PART, (i + 1) * PART) }, from);
    }
    onPresence({ eventOp: 'presence', roomId, type: 'reqCanvasImage', sender: from });
  }

  /** A part of an image from `from`; the last one completes it. */
  part(from: string, body: Extract<Envelope, { k: 'img' }>): void {
    if (body.n * PART > MAX_IMAGE + PART) return;
    const key = `${from}/${body.id}`;
    let image = this.incoming.get(key);
    if (!image) {
      image = { parts: new Array<string>(body.n), got: 0, timer: setTimeout(() => this.incoming.delete(key), GIVE_UP_MS) };
      this.incoming.set(key, image);
    }
    if (image.parts.length !== body.n || image.parts[body.i] !== undefined) return;
    image.parts[body.i] = body.d;
    if (++image.got < body.n) return;
    clearTimeout(image.timer);
    this.incoming.delete(key);
    const img = image.parts.join('');
    if (!img.startsWith('data:image/png;base64,')) return this.deps.log.warn(`a canvas image from ${from} is not a PNG`);
    void this.deps.board.showImage(img);
    this.deps.onPresence({ eventOp: 'presence', roomId: this.deps.roomId, type: 'updateImage', sender: from, img });
  }

  close(): void {
    for (const image of this.incoming.values()) clearTimeout(image.timer);
    this.incoming.clear();
  }
}
