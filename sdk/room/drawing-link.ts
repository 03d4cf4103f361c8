/**
 * The room's side of drawing: what the app asked for (its canvas, drawing on or off, the tool),
 * kept here and handed to the drawing part (sdk/drawing/, loaded with the first canvas or canvas
 * image) once it is there. Knowledgetalk's drawing calls are synchronous; the part arrives later.
 * Strokes that come meanwhile are kept for it; without a canvas nothing is loaded at all.
 */
import type { ShareView } from '../janus/guard-views';
import { loadDrawing } from '../lazy/parts';
import type { Envelope } from '../messaging/envelope';
import type { Drawing, DrawingDeps, ToolChoice } from '../drawing/index';

type BoardEvent = { board: number; update?: string; transient?: Record<string, unknown>; from: string };

export class DrawingLink {
  private drawing?: Drawing;
  private loading?: Promise<Drawing | undefined>;
  private canvas?: HTMLCanvasElement;
  private drawingOn = false;
  private tool?: ToolChoice;
  private share: ShareView | null = null;
  private early: BoardEvent[] = [];
  private closed = false;

  constructor(private readonly deps: DrawingDeps) {}

  /** canvasInit: the board shows on it from now on. */
  attach(canvas: HTMLCanvasElement): void {
    this.canvas = canvas;
    if (this.drawing) this.drawing.board.attach(canvas);
    else void this.load();
  }

  /** drawingInit / drawingStop; false without a canvas. */
  setDrawing(on: boolean): boolean {
    if (!this.canvas) return false;
    this.drawingOn = on;
    return this.drawing ? this.drawing.board.setDrawing(on) : true;
  }

  setTool(choice: ToolChoice): void {
    this.tool = choice;
    if (this.drawing && !this.drawing.board.setTool(choice)) this.deps.log.warn('setTool: not a tool of the board', choice);
  }

  clear(): boolean {
    return this.drawing?.board.clear() ?? false;
  }

  undo(): boolean {
    return this.drawing?.board.undo() ?? false;
  }

  redo(): boolean {
    return this.drawing?.board.redo() ?? false;
  }

  shareChanged(share: ShareView | null): void {
    this.share = share;
    this.drawing?.shareChanged(share);
  }

  /** The guard's `kt_board`: for the board if it is there, kept while it loads, else not needed. */
  remote(event: BoardEvent): void {
    if (this.drawing) this.drawing.board.remote(event.board, event.update, event.transient, event.from);
    else if (this.loading && event.update !== undefined) this.early.push(event);
  }

  /** reqCanvasImage: ask `target` for its canvas. */
  requestImage(target: string): Promise<void> {
    return this.deps.send({ k: 'canvas' }, target);
  }

  /** `from` asked for our canvas: sent by the drawing part if we have one. */
  async imageAsked(from: string): Promise<void> {
    const drawing = this.canvas ? await this.load() : undefined;
    if (drawing) return drawing.images.asked(from);
    this.deps.onPresence({ eventOp: 'presence', roomId: this.deps.roomId, type: 'reqCanvasImage', sender: from });
  }

  /** A part of a canvas image we asked for. */
  imagePart(from: string, body: Extract<Envelope, { k: 'img' }>): void {
    void this.load().then((drawing) => drawing?.images.part(from, body));
  }

  close(): void {
    this.closed = true;
    this.drawing?.close();
    this.drawing = undefined;
  }

  private load(): Promise<Drawing | undefined> {
    this.loading ??= loadDrawing().then(
      (part) => {
        if (this.closed) return undefined;
        const drawing = part.openDrawing(this.deps);
        drawing.shareChanged(this.share);
        if (this.tool) drawing.board.setTool(this.tool);
        if (this.canvas) drawing.board.attach(this.canvas);
        if (this.canvas) drawing.board.setDrawing(this.drawingOn);
        for (const e of this.early.splice(0)) drawing.board.remote(e.board, e.update, e.transient, e.from);
        this.drawing = drawing;
        return drawing;
      },
      (err: unknown) => {
        this.loading = undefined;
        this.deps.log.warn('the drawing part could not be loaded', err);
        return undefined;
      },
    );
    return this.loading;
  }
}
