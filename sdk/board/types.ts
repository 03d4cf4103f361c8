/**
 * The whiteboard's public types: what the SDK facade (sdk/knowledgetalk.ts) sees of the lazily
 * loaded board part. Imports nothing, so the facade can take them with `import type`.
 */

export type Tool = 'pen' | 'crayon' | 'eraser' | 'shape' | 'pointer' | 'textbox';
export type ShapeType = 'arrow' | 'circle' | 'hand' | 'heart' | 'line' | 'square' | 'star' | 'triangle' | 'important' | 'check';

export interface BoardTransport {
  /** A Yjs update made here, for every other member (the gateway relays it and keeps the merged state). */
  send(update: Uint8Array): void;
  /** Something not kept (the pointer's position), for every other member; small JSON. */
  sendTransient(message: Record<string, unknown>): void;
}

export interface BoardOptions {
  canvas: HTMLCanvasElement;
  userId: string;
  transport: BoardTransport;
  /** The state so far (a Yjs update, e.g. Y.encodeStateAsUpdate of a doc), for a late joiner. */
  state?: Uint8Array;
}

export interface Board {
  /** An update from another member (as its transport sent it). Bad bytes must not throw out of here: ignore them and return false. */
  apply(update: Uint8Array): boolean;
  applyTransient(from: string, message: unknown): void;
  /** Mouse/touch/pointer listeners on (drawingInit) / off (drawingStop); true when it changed or already was so. */
  enableDrawing(): boolean;
  disableDrawing(): boolean;
  readonly drawing: boolean;
  /** false (and no change) for a tool/type/width that is not valid. Default tool: pen, black, width 2. */
  setTool(tool: Tool, color?: string, strokeWidth?: number, type?: ShapeType | 'highlight'): boolean;
  /** Removes every stroke of the current page, for everyone (canvasClear). */
  clear(): void;
  /** Undoes / redoes this member's own last change (Y.UndoManager scoped to its own strokes), for everyone. */
  undo(): boolean;
  redo(): boolean;
  /** Documents: strokes belong to a page; switching shows that page's strokes over its background (an image or canvas, drawn to fit, centred). Default page key: 'board'. */
  setPage(key: string, background?: CanvasImageSource | null): void;
  readonly page: string;
  /** The canvas as the member sees it (background + strokes), PNG data URL (reqCanvasImage's answer); '' once destroyed, or when a background from another origin (no CORS) taints the canvas. */
  snapshot(): string;
  /** Shows an image received as a snapshot (updateImage) as the background of the current page. Resolves false for a bad data URL. */
  showImage(dataUrl: string): Promise<boolean>;
  /** The whole state, as a Yjs update (what a late joiner would need); once destroyed, the empty update. */
  encodeState(): Uint8Array;
  /** Redraws at the canvas's current size (call after a resize). */
  redraw(): void;
  /** Listeners off, overlay removed, doc destroyed. Idempotent. */
  destroy(): void;
  /** Extension: the canvas laid over the board for what is not part of the picture (laser pointers); null once destroyed. */
  readonly overlay: HTMLCanvasElement | null;
}
