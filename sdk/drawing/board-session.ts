/**
 * The room's drawing board on the app's canvas (canvasInit): the drawing engine (sdk/board/)
 * bound to the gateway, which relays every stroke and keeps the board's state so that a late
 * joiner, a reload or a reconnect shows it whole.
 *
 * A board belongs to a share (the whiteboard, a document, a screen drawn over): the guard numbers
 * each one, and strokes of an ended share are refused. A new engine is made for each share, from
 * the state the gateway holds: what the app chose (tool, drawing on or off) carries over.
 */
import { createBoard, type Board, type BoardTransport, type ShapeType, type Tool } from '../board/index';
import { DEFAULT_SETTINGS, nextSettings } from '../board/tools';
import type { ShareView } from '../janus/guard-views';
import type { VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import { fromBase64, toBase64 } from '../util/base64';

/** setTool's arguments as the app gave them: the engine checks them (false: not a tool it has). */
export type ToolChoice = [tool: Tool, color?: string, strokeWidth?: number, type?: ShapeType | 'highlight'];

export interface BoardSessionDeps {
  roomId: string;
  userId: string;
  control: VideoRoomHandle;
  log: Logger;
}

export class BoardSession {
  private canvas?: HTMLCanvasElement;
  private board?: Board;
  /** The share the board draws on (its board number); none: nothing is shared. */
  private share: ShareView | null = null;
  private drawingWanted = false;
  private tool: ToolChoice = ['pen', 'black', 2];
  /** What a page shows under the strokes (a document's image), once known. */
  private page: { key: string; background: CanvasImageSource | null } = { key: 'board', background: null };
  /** Bumped by every (re)open and close: an open that finishes late for an older state backs out. */
  private generation = 0;
  private closed = false;
  /** Strokes that came while the engine was loading: applied once it is there (Yjs takes repeats). */
  private early: Uint8Array[] = [];

  constructor(private readonly deps: BoardSessionDeps) {}

  get attached(): boolean {
    return this.canvas !== undefined;
  }

  get drawing(): boolean {
    return this.drawingWanted;
  }

  /** The canvas's size in pixels, once there is one. */
  size(): { width: number; height: number } | undefined {
    return this.canvas && { width: this.canvas.width, height: this.canvas.height };
  }

  /** canvasInit: the board shows on `canvas` (what is shared now, and everything after). */
  attach(canvas: HTMLCanvasElement): void {
    if (this.canvas === canvas) return;
    this.canvas = canvas;
    void this.reopen();
  }

  /** drawingInit / drawingStop: false without a canvas. */
  setDrawing(on: boolean): boolean {
    if (!this.canvas) return false;
    this.drawingWanted = on;
    if (this.board) return on ? this.board.enableDrawing() : this.board.disableDrawing();
    return true;
  }

  /** setTool: false (nothing changes) for what is not a tool of the engine (board/tools.ts). */
  setTool(choice: ToolChoice): boolean {
    if (!nextSettings(DEFAULT_SETTINGS, ...choice)) return false;
    this.tool = choice;
    return this.board ? this.board.setTool(...choice) : true;
  }

  clear(): boolean {
    this.board?.clear();
    return this.board !== undefined;
  }

  undo(): boolean {
    return this.board?.undo() ?? false;
  }

  redo(): boolean {
    return this.board?.redo() ?? false;
  }

  /** The canvas as we see it (reqCanvasImage's answer), or undefined without one. */
  snapshot(): string | undefined {
    if (this.board) return this.board.snapshot();
    return this.canvas?.toDataURL('image/png');
  }

  /**
   * updateImage: the canvas image another member sent, drawn on ours when no share's board is
   * there. With one, the board already shows the same strokes, synced: the picture under them would
   * be a copy that outlives a clear or an undo, so it is not drawn.
   */
  async showImage(dataUrl: string): Promise<boolean> {
    const canvas = this.canvas;
    if (this.board || !canvas) return false;
    const image = new Image();
    image.src = dataUrl;
    await image.decode().catch(() => undefined);
    if (!image.complete || image.naturalWidth === 0) return false;
    canvas.getContext('2d')?.drawImage(image, 0, 0, canvas.width, canvas.height);
    return true;
  }

  /** A document's page: its strokes, over its image. */
  setPage(key: string, background: CanvasImageSource | null): void {
    this.page = { key, background };
    this.board?.setPage(key, background);
  }

  /** The room's share changed (started, ours or another's; or ended: null). */
  shareChanged(share: ShareView | null): void {
    if (share?.board === this.share?.board) {
      this.share = share;
      return;
    }
    this.share = share;
    if (!share) this.page = { key: 'board', background: null };
    void this.reopen();
  }

  /** Strokes or a pointer from another member (the guard's `kt_board`). */
  remote(board: number, update?: string, transient?: Record<string, unknown>, from?: string): void {
    if (board !== this.share?.board) return;
    if (!this.board) {
      if (update !== undefined && this.canvas) this.early.push(fromBase64(update));
      return;
    }
    if (update !== undefined) this.board.apply(fromBase64(update));
    if (transient && from) this.board.applyTransient(from, transient);
  }

  /** The room is over for us: listeners off, the engine freed; the canvas stays the app's. */
  close(): void {
    this.closed = true;
    this.generation++;
    this.board?.destroy();
    this.board = undefined;
  }

  /** A new engine for the current share, from the gateway's state of its board. */
  private async reopen(): Promise<void> {
    const generation = ++this.generation;
    this.board?.destroy();
    this.board = undefined;
    this.early = [];
    const { canvas, share } = this;
    if (!canvas || this.closed) return;
    if (!share) return clearCanvas(canvas);
    try {
      const { state, share: now } = await this.deps.control.boardState(this.deps.roomId);
      if (generation !== this.generation) return;
      if (!now || now.board !== share.board) return; // it ended meanwhile: the event that says so reopens
      const board = createBoard({ canvas, userId: this.deps.userId, transport: this.transport(share.board), state: state ? fromBase64(state) : undefined });
      this.board = board;
      for (const update of this.early.splice(0)) board.apply(update);
      board.setTool(...this.tool);
      board.setPage(this.page.key, this.page.background);
      if (this.drawingWanted) board.enableDrawing();
    } catch (err) {
      this.deps.log.warn('the board could not be opened', err);
    }
  }

  private transport(board: number): BoardTransport {
    const { control, roomId, log } = this.deps;
    const send = (payload: { update: string } | { transient: Record<string, unknown> }) =>
      control.board(roomId, board, payload).catch((err) => log.warn('a board update was refused', err));
    return {
      send: (update) => void send({ update: toBase64(update) }),
      sendTransient: (transient) => void send({ transient }),
    };
  }
}

function clearCanvas(canvas: HTMLCanvasElement): void {
  canvas.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
}
