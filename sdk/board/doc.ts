/**
 * The whiteboard's shared model: a Yjs document every member holds a copy of. Pure (no DOM), so
 * the unit tests run it in Node.
 *
 * One root array, `items`, holds every stroke, shape and text of every page in drawing order (the
 * order they are painted). Each item is a Y.Map that names its page. One root array rather than a
 * map of per-page arrays: two members who draw first on a new page at the same moment would each
 * create that page's array, and one of the two would be lost; inserts into one array always merge.
 *
 * Units, the same on every member's canvas whatever its pixel size:
 * - coordinates are fractions (0..1) of the canvas's width (x) and height (y), stored as integers
 *   in 1/COORD_SCALE: Yjs writes a small integer in 1-3 bytes where a float takes 9, and 1/10000 is
 *   finer than a pixel on any canvas up to 10000 px;
 * - widths and font sizes are pixels of a canvas REFERENCE_WIDTH px wide: on a canvas W px wide
 *   they are drawn width * W / REFERENCE_WIDTH px, so a picture scales with the canvas.
 */
import * as Y from 'yjs';
import { SHAPE_TYPES, isColor, isWidth } from './tools';
import type { ShapeType } from './types';

export const REFERENCE_WIDTH = 1000;
export const COORD_SCALE = 10000;
/**
 * A stroke holds at most this many points; a longer gesture goes on in a new stroke, its own undo
 * step. Bounds what one step costs to send again (a redo re-sends its stroke whole: 1500 points
 * are ~9.4 KB, well under the gateway's 32 KiB per message).
 */
export const MAX_POINTS = 1500;
export const MAX_TEXT = 1000;
/** What a peer's item may make us draw at most (a bigger one is cut there, never refused). */
const MAX_READ_POINTS = 4 * MAX_POINTS;

export type StrokeTool = 'pen' | 'crayon' | 'eraser';

interface ItemBase {
  readonly id: string;
  readonly color: string;
  /** Reference pixels (see above). For text: the font size. */
  readonly width: number;
  /** false while its author is still drawing it. */
  readonly done: boolean;
}
export interface StrokeItem extends ItemBase {
  readonly kind: 'stroke';
  readonly tool: StrokeTool;
  readonly highlight: boolean;
  /** Seeds the crayon's texture, so every member renders the same grain. */
  readonly seed: number;
  /** x0, y0, x1, y1, ... as fractions of the canvas. */
  readonly points: readonly number[];
}
export interface ShapeItem extends ItemBase {
  readonly kind: 'shape';
  readonly type: ShapeType;
  /** From where the drag started to where it is (fractions): direction matters for arrow and line. */
  readonly box: readonly [number, number, number, number];
}
export interface TextItem extends ItemBase {
  readonly kind: 'text';
  /** Top left of the first line (fractions). */
  readonly x: number;
  readonly y: number;
  readonly text: string;
}
export type Item = StrokeItem | ShapeItem | TextItem;

export interface StrokeStyle {
  tool: StrokeTool;
  color: string;
  width: number;
  highlight?: boolean;
}

/** A stroke being drawn: points go into the doc as they come, so others see it grow. */
export interface StrokeHandle {
  /** false once the stroke is full (MAX_POINTS) or ended: start a new one. */
  add(points: readonly (readonly [number, number])[]): boolean;
  end(): void;
}
export interface ShapeHandle {
  /** The corner being dragged. */
  drag(x: number, y: number): void;
  end(): void;
}

const toFixed = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * COORD_SCALE);
const fromFixed = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.min(1, Math.max(0, v / COORD_SCALE)) : NaN);
const isFraction = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

export class BoardDoc {
  readonly doc = new Y.Doc();
  readonly items: Y.Array<Y.Map<unknown>> = this.doc.getArray('items');
  /** Origin of this member's own changes: the only one the undo manager tracks. */
  readonly localOrigin = { board: 'local' };
  /** Origin of what came from others (never sent back). */
  readonly remoteOrigin = { board: 'remote' };
  private readonly undoManager: Y.UndoManager;
  /** Bumped on every change inside an item, so renderers know when a cached path is stale. */
  private readonly versions = new WeakMap<Y.Map<unknown>, number>();
  private counter = 0;

  /** Throws for a `state` that is not a Yjs update. `author` is written on each item made here. */
  constructor(
    state?: Uint8Array,
    private readonly author = '',
  ) {
    if (state !== undefined && !this.apply(state)) throw new Error('board: the state given is not a valid Yjs update');
    // Each gesture is one undo step: stopCapturing() at its start cuts it from the one before,
    // and no timeout cuts it in the middle however slowly it is drawn.
    this.undoManager = new Y.UndoManager(this.items, { trackedOrigins: new Set([this.localOrigin]), captureTimeout: Number.MAX_SAFE_INTEGER });
    this.items.observeDeep((events) => {
      for (const event of events) {
        const index = event.path[0];
        if (typeof index !== 'number') continue;
        const item = this.items.get(index);
        if (item instanceof Y.Map) this.versions.set(item, (this.versions.get(item) ?? 0) + 1);
      }
    });
  }

  /** Another member's update. false (and nothing changed) for bytes that are not one. */
  apply(update: unknown): boolean {
    if (!(update instanceof Uint8Array) || update.byteLength < 2) return false;
    try {
      // Parses the whole update first: applyUpdate integrates the structs before it reads the
      // delete set, so a malformed tail would otherwise leave half an update applied.
      Y.decodeUpdate(update);
      Y.applyUpdate(this.doc, update, this.remoteOrigin);
      return true;
    } catch {
      return false;
    }
  }

  encodeState(): Uint8Array {
    return Y.encodeStateAsUpdate(this.doc);
  }

  /** Every update made here (drawing, clearing, undoing), to send to the others. */
  onLocalUpdate(listener: (update: Uint8Array) => void): () => void {
    const handler = (update: Uint8Array, origin: unknown) => {
      if (origin !== this.remoteOrigin) listener(update);
    };
    this.doc.on('update', handler);
    return () => this.doc.off('update', handler);
  }

  /** Any change at all, local or remote: the renderer's cue. */
  onChange(listener: () => void): () => void {
    const handler = () => listener();
    this.items.observeDeep(handler);
    return () => this.items.unobserveDeep(handler);
  }

  version(item: Y.Map<unknown>): number {
    return this.versions.get(item) ?? 0;
  }

  beginStroke(page: string, style: StrokeStyle, x: number, y: number): StrokeHandle {
    const points = new Y.Array<number>();
    const fields = { tool: style.tool, hl: style.highlight === true, seed: (Math.random() * 2 ** 31) >>> 0, pts: points };
    const map = this.newItem(page, 'stroke', style.color, style.width, fields);
    let count = 0;
    let last = -1;
    let open = true;
    const handle: StrokeHandle = {
      add: (list) => {
        // A stroke removed while drawn (a clear by someone else) takes no more points.
        if (!open || map._item?.deleted) return false;
        const flat: number[] = [];
        for (const [px, py] of list) {
          if (!isFraction(px) || !isFraction(py)) continue;
          const fx = toFixed(px);
          const fy = toFixed(py);
          if (fx * COORD_SCALE + fy === last) continue; // the same point again says nothing
          if (count >= MAX_POINTS) break;
          last = fx * COORD_SCALE + fy;
          flat.push(fx, fy);
          count++;
        }
        if (flat.length > 0) this.doc.transact(() => points.push(flat), this.localOrigin);
        return count < MAX_POINTS;
      },
      end: () => {
        if (!open) return;
        open = false;
        if (!map._item?.deleted) this.doc.transact(() => map.set('done', true), this.localOrigin);
      },
    };
    handle.add([[x, y]]);
    return handle;
  }

  beginShape(page: string, type: ShapeType, color: string, width: number, x: number, y: number, toX: number, toY: number): ShapeHandle {
    const start = [toFixed(x), toFixed(y)];
    const map = this.newItem(page, 'shape', color, width, { type, box: [...start, toFixed(toX), toFixed(toY)] });
    let open = true;
    return {
      drag: (cx, cy) => {
        if (open && !map._item?.deleted && isFraction(cx) && isFraction(cy))
          this.doc.transact(() => map.set('box', [...start, toFixed(cx), toFixed(cy)]), this.localOrigin);
      },
      end: () => {
        if (!open) return;
        open = false;
        if (!map._item?.deleted) this.doc.transact(() => map.set('done', true), this.localOrigin);
      },
    };
  }

  addText(page: string, x: number, y: number, text: string, color: string, size: number): boolean {
    if (typeof text !== 'string' || text.trim() === '' || !isFraction(x) || !isFraction(y)) return false;
    this.newItem(page, 'text', color, size, { x: toFixed(x), y: toFixed(y), text: text.slice(0, MAX_TEXT) }, true);
    return true;
  }

  /**
   * Removes every item of the page, for everyone. Not undoable: undoing it would re-send every
   * stroke of the page in one update, far over what the gateway relays; and it clears this
   * member's undo history (its steps refer to strokes that are gone).
   */
  clear(page: string): number {
    const doomed: number[] = [];
    this.items.forEach((item, i) => {
      if (item instanceof Y.Map && item.get('page') === page) doomed.push(i);
    });
    if (doomed.length === 0) return 0;
    this.doc.transact(() => {
      // From the end, in runs, so each delete's index is still right.
      let end = doomed.length - 1;
      while (end >= 0) {
        let start = end;
        while (start > 0 && doomed[start - 1] === doomed[start] - 1) start--;
        this.items.delete(doomed[start], end - start + 1);
        end = start - 1;
      }
    }, 'clear');
    this.undoManager.clear();
    return doomed.length;
  }

  /** This member's own last change undone (seen by everyone). false when there is none. */
  undo(): boolean {
    return this.undoManager.undoStack.length > 0 && this.undoManager.undo() !== null;
  }

  redo(): boolean {
    return this.undoManager.redoStack.length > 0 && this.undoManager.redo() !== null;
  }

  /** The items of a page, in the order they are painted. */
  pageItems(page: string): Y.Map<unknown>[] {
    const found: Y.Map<unknown>[] = [];
    this.items.forEach((item) => {
      if (item instanceof Y.Map && item.get('page') === page) found.push(item);
    });
    return found;
  }

  /** The items of a page, read and checked: what a peer wrote wrongly is left out. */
  read(page: string): Item[] {
    return this.pageItems(page)
      .map(readItem)
      .filter((item): item is Item => item !== null);
  }

  destroy(): void {
    this.undoManager.destroy();
    this.doc.destroy();
  }

  private newItem(page: string, kind: Item['kind'], color: string, width: number, fields: Record<string, unknown>, done = false): Y.Map<unknown> {
    const map = new Y.Map<unknown>();
    map.set('id', `${this.doc.clientID.toString(36)}-${(this.counter++).toString(36)}`);
    map.set('page', page);
    map.set('by', this.author);
    map.set('kind', kind);
    map.set('color', color);
    map.set('width', width);
    for (const [key, value] of Object.entries(fields)) map.set(key, value);
    map.set('done', done);
    this.undoManager.stopCapturing();
    this.doc.transact(() => this.items.push([map]), this.localOrigin);
    return map;
  }
}

/** An item as the renderer needs it, or null when it is not one (a peer's bug or mischief). */
export function readItem(map: unknown): Item | null {
  if (!(map instanceof Y.Map)) return null;
  const id = map.get('id');
  const color = map.get('color');
  const width = map.get('width');
  if (typeof id !== 'string' || !isColor(color) || !isWidth(width)) return null;
  const base = { id, color, width, done: map.get('done') === true };
  switch (map.get('kind')) {
    case 'stroke': {
      const tool = map.get('tool');
      const pts = map.get('pts');
      if ((tool !== 'pen' && tool !== 'crayon' && tool !== 'eraser') || !(pts instanceof Y.Array)) return null;
      const raw = pts.slice(0, 2 * MAX_READ_POINTS);
      const points: number[] = [];
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const x = fromFixed(raw[i]);
        const y = fromFixed(raw[i + 1]);
        if (!Number.isNaN(x) && !Number.isNaN(y)) points.push(x, y);
      }
      const seed = map.get('seed');
      return { ...base, kind: 'stroke', tool, highlight: map.get('hl') === true, seed: typeof seed === 'number' ? seed >>> 0 : 0, points };
    }
    case 'shape': {
      const type = map.get('type');
      const box = map.get('box');
      if (!(SHAPE_TYPES as readonly unknown[]).includes(type) || !Array.isArray(box) || box.length !== 4) return null;
      const b = box.map(fromFixed);
      if (b.some(Number.isNaN)) return null;
      return { ...base, kind: 'shape', type: type as ShapeType, box: [b[0], b[1], b[2], b[3]] };
    }
    case 'text': {
      const x = fromFixed(map.get('x'));
      const y = fromFixed(map.get('y'));
      const text = map.get('text');
      if (Number.isNaN(x) || Number.isNaN(y) || typeof text !== 'string') return null;
      return { ...base, kind: 'text', x, y, text: text.slice(0, MAX_TEXT) };
    }
    default:
      return null;
  }
}
