/**
 * The shared whiteboard's engine (whiteBoardStart, drawingInit, setTool, canvasClear, ...): built
 * on its own as dist/lazy/board.mjs, which the SDK imports only when an app draws, so Yjs and
 * perfect-freehand stay out of the main bundle. It imports nothing of the rest of sdk/.
 *
 * Every member holds the board's Yjs doc (doc.ts); what one draws goes into it point by point and
 * reaches the others as Yjs updates through the transport (the gateway relays them and keeps the
 * merged state for late joiners). The pointer's position goes as transient messages instead.
 *
 * Choices:
 * - the eraser is a stroke of its own painted with destination-out on the strokes layer: it cuts
 *   through any ink (also others'), never the page's background, and is undone like any stroke;
 * - an overlay canvas (laser pointers) and the textbox's editor go into the canvas's parent, so
 *   createBoard throws for a canvas that has none.
 */
import { BoardDoc, REFERENCE_WIDTH, type ShapeHandle, type StrokeHandle } from './doc';
import { PointerInput, type Point } from './input';
import { Overlay } from './overlay';
import { LaserPointers } from './pointers';
import { Renderer, sourceSize } from './render';
import { Throttle, UpdateBatcher } from './sync';
import { TextEntry } from './textbox';
import { DEFAULT_SETTINGS, isColor, nextSettings, type ToolSettings } from './tools';
import type { Board, BoardOptions, ShapeType, Tool } from './types';

export type { Board, BoardOptions, BoardTransport, ShapeType, Tool } from './types';

const DEFAULT_PAGE = 'board';
/** The laser pointer's color when a peer's is not one. */
const POINTER_COLOR = 'red';
/** A shape is made once the drag is this long (a fraction of the canvas): a click makes none. */
const SHAPE_MIN_DRAG = 0.003;
const SELF = '\u0000self';

export function createBoard(options: BoardOptions): Board {
  return new WhiteBoard(options);
}

const parsesColor = (color: string): boolean => (typeof CSS !== 'undefined' && typeof CSS.supports === 'function' ? CSS.supports('color', color) : true);

class WhiteBoard implements Board {
  private model: BoardDoc | null;
  private readonly canvas: HTMLCanvasElement;
  private readonly parent: HTMLElement;
  private readonly renderer: Renderer;
  private readonly overlayCanvas: Overlay;
  private readonly input: PointerInput;
  private readonly pointers: LaserPointers;
  private readonly batcher: UpdateBatcher;
  private readonly pointerMessages: Throttle<Record<string, unknown>>;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly backgrounds = new Map<string, CanvasImageSource>();
  private settings: ToolSettings = DEFAULT_SETTINGS;
  private pageKey = DEFAULT_PAGE;
  // The gesture in progress, whatever tool is chosen meanwhile.
  private stroke: { handle: StrokeHandle; settings: ToolSettings; page: string } | null = null;
  private shape: { from: Point; handle: ShapeHandle | null; settings: ToolSettings } | null = null;
  private pointing = false;
  private textAt: Point | null = null;
  private text: TextEntry | null = null;

  constructor({ canvas, userId, transport, state }: BoardOptions) {
    if (typeof HTMLCanvasElement === 'undefined' || !(canvas instanceof HTMLCanvasElement)) throw new Error('board: options.canvas must be a <canvas> element');
    if (typeof userId !== 'string' || userId === '') throw new Error('board: options.userId must be a non-empty string');
    if (!transport || typeof transport.send !== 'function' || typeof transport.sendTransient !== 'function')
      throw new Error('board: options.transport must have send(update) and sendTransient(message)');
    const parent = canvas.parentElement;
    if (!parent) throw new Error('board: the canvas must be inside an element (its parent holds the overlay for pointers and text)');
    this.canvas = canvas;
    this.parent = parent;
    const model = new BoardDoc(state, userId); // throws for a state that is not a Yjs update
    this.model = model;
    try {
      this.renderer = new Renderer(canvas, model, () => this.pageKey);
    } catch (err) {
      model.destroy();
      throw err;
    }
    this.overlayCanvas = new Overlay(canvas);
    this.pointers = new LaserPointers(this.overlayCanvas.element, () => this.overlayCanvas.place());
    this.input = new PointerInput(canvas, { down: (p) => this.down(p), move: (ps) => this.move(ps), up: (e) => this.up(e.type === 'pointerup') });
    this.batcher = new UpdateBatcher((update) => transport.send(update));
    this.pointerMessages = new Throttle((message) => transport.sendTransient(message));
    this.unsubscribe.push(
      model.onLocalUpdate((update) => this.batcher.push(update)),
      model.onChange(() => this.renderer.schedule()),
    );
    this.renderer.paintNow();
  }

  get drawing(): boolean {
    return this.input.enabled;
  }

  get page(): string {
    return this.pageKey;
  }

  get overlay(): HTMLCanvasElement | null {
    return this.model ? this.overlayCanvas.element : null;
  }

  apply(update: Uint8Array): boolean {
    return this.model?.apply(update) ?? false;
  }

  applyTransient(from: string, message: unknown): void {
    if (!this.model || typeof from !== 'string' || from.length > 256 || typeof message !== 'object' || message === null) return;
    const { type, x, y, color } = message as Record<string, unknown>;
    if (type !== 'pointer' || typeof x !== 'number' || typeof y !== 'number' || !(x >= 0 && x <= 1 && y >= 0 && y <= 1)) return;
    this.pointers.show(from, x, y, isColor(color) ? color : POINTER_COLOR);
  }

  enableDrawing(): boolean {
    if (!this.model) return false;
    this.input.enable();
    return true;
  }

  disableDrawing(): boolean {
    if (!this.model) return false;
    this.finishGesture();
    this.text?.commit();
    this.input.disable();
    return true;
  }

  setTool(tool: Tool, color?: string, strokeWidth?: number, type?: ShapeType | 'highlight'): boolean {
    if (!this.model) return false;
    const next = nextSettings(this.settings, tool, color, strokeWidth, type, parsesColor);
    if (!next) return false;
    if (next.tool !== this.settings.tool) this.text?.commit();
    this.settings = next;
    return true;
  }

  clear(): void {
    if (!this.model) return;
    this.finishGesture();
    this.model.clear(this.pageKey);
  }

  undo(): boolean {
    if (!this.model) return false;
    this.finishGesture();
    return this.model.undo();
  }

  redo(): boolean {
    if (!this.model) return false;
    this.finishGesture();
    return this.model.redo();
  }

  setPage(key: string, background?: CanvasImageSource | null): void {
    if (!this.model || typeof key !== 'string' || key === '' || key.length > 256) return;
    this.finishGesture();
    this.text?.commit(); // onto the page it was opened on
    if (background === null) this.backgrounds.delete(key);
    else if (background !== undefined && typeof background === 'object') this.backgrounds.set(key, background);
    this.pageKey = key;
    this.renderer.background = this.backgrounds.get(key) ?? null;
    this.renderer.invalidate();
    this.renderer.schedule();
  }

  snapshot(): string {
    if (!this.model) return '';
    try {
      this.renderer.paintNow();
      return this.canvas.toDataURL('image/png');
    } catch {
      return ''; // a background from another origin without CORS taints the canvas
    }
  }

  async showImage(dataUrl: string): Promise<boolean> {
    if (!this.model || typeof dataUrl !== 'string' || !/^data:image\/[\w.+-]+[;,]/i.test(dataUrl)) return false;
    const page = this.pageKey;
    const image = new Image();
    image.src = dataUrl;
    try {
      await image.decode();
    } catch {
      return false;
    }
    if (!this.model || !sourceSize(image)) return false;
    this.backgrounds.set(page, image);
    if (page === this.pageKey) {
      this.renderer.background = image;
      this.renderer.schedule();
    }
    return true;
  }

  encodeState(): Uint8Array {
    // Once destroyed: the empty update (valid, changes nothing).
    return this.model ? this.model.encodeState() : new Uint8Array([0, 0]);
  }

  redraw(): void {
    if (!this.model) return;
    this.overlayCanvas.place();
    this.renderer.invalidate();
    this.renderer.paintNow();
  }

  destroy(): void {
    const model = this.model;
    if (!model) return;
    this.finishGesture();
    this.batcher.flush(); // the last points still reach the others
    this.model = null;
    this.text?.cancel();
    this.input.disable();
    this.pointerMessages.cancel();
    for (const off of this.unsubscribe.splice(0)) off();
    this.pointers.destroy();
    this.renderer.destroy();
    this.overlayCanvas.remove();
    model.destroy();
  }

  // ------------------------------------------------------------------ gestures

  private down(point: Point): void {
    const model = this.model;
    if (!model) return;
    const settings = this.settings;
    switch (settings.tool) {
      case 'pen':
      case 'crayon':
      case 'eraser':
        this.stroke = { handle: model.beginStroke(this.pageKey, this.strokeStyle(settings), point[0], point[1]), settings, page: this.pageKey };
        break;
      case 'shape':
        this.shape = { from: point, handle: null, settings };
        break;
      case 'pointer':
        this.pointing = true;
        this.point(point);
        break;
      case 'textbox':
        // A click while a box is open only closes it; the next click opens one.
        if (this.text?.open) this.text.commit();
        else this.textAt = point;
        break;
    }
  }

  private move(points: Point[]): void {
    const model = this.model;
    const last = points[points.length - 1];
    if (!model || !last) return;
    if (this.stroke) {
      const stroke = this.stroke;
      if (!stroke.handle.add(points)) {
        // Full (or removed meanwhile): the gesture goes on in a new stroke (doc.ts, MAX_POINTS).
        stroke.handle.end();
        stroke.handle = model.beginStroke(stroke.page, this.strokeStyle(stroke.settings), last[0], last[1]);
      }
    } else if (this.shape) {
      const shape = this.shape;
      if (shape.handle) shape.handle.drag(last[0], last[1]);
      else if (Math.hypot(last[0] - shape.from[0], last[1] - shape.from[1]) >= SHAPE_MIN_DRAG) {
        const { type, color, width } = shape.settings;
        shape.handle = model.beginShape(
          this.pageKey,
          type === undefined || type === 'highlight' ? 'square' : type,
          color,
          width,
          shape.from[0],
          shape.from[1],
          last[0],
          last[1],
        );
      }
    } else if (this.pointing) {
      this.point(last);
    }
  }

  private up(released: boolean): void {
    const textAt = this.textAt;
    this.finishGesture();
    if (textAt && released && this.model) this.openText(textAt);
  }

  private finishGesture(): void {
    this.stroke?.handle.end();
    this.stroke = null;
    this.shape?.handle?.end();
    this.shape = null;
    this.pointing = false;
    this.textAt = null;
  }

  private strokeStyle(settings: ToolSettings) {
    const tool = settings.tool === 'crayon' || settings.tool === 'eraser' ? settings.tool : 'pen';
    return { tool, color: settings.color, width: settings.width, highlight: settings.type === 'highlight' } as const;
  }

  private point([x, y]: Point): void {
    const color = this.settings.color;
    this.pointers.show(SELF, x, y, color);
    this.pointerMessages.push({ type: 'pointer', x: Math.round(x * 1e4) / 1e4, y: Math.round(y * 1e4) / 1e4, color });
  }

  private openText([x, y]: Point): void {
    this.text?.commit();
    const box = this.overlayCanvas.place();
    const { color, width: size } = this.settings;
    const page = this.pageKey;
    const entry = new TextEntry(
      this.parent,
      { left: box.left + x * box.width, top: box.top + y * box.height, fontPx: (size * box.width) / REFERENCE_WIDTH, color },
      (text) => {
        if (this.text === entry) this.text = null;
        if (text !== null && this.model) this.model.addText(page, x, y, text, color, size);
      },
    );
    this.text = entry;
  }
}
