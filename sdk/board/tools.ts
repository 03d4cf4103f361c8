/**
 * The drawing tool a member holds (setTool), and the checks on what an app passes: pure, no DOM,
 * so the unit tests run it in Node.
 */
import type { ShapeType, Tool } from './types';

export const TOOLS: readonly Tool[] = ['pen', 'crayon', 'eraser', 'shape', 'pointer', 'textbox'];
export const SHAPE_TYPES: readonly ShapeType[] = ['arrow', 'circle', 'hand', 'heart', 'line', 'square', 'star', 'triangle', 'important', 'check'];

export interface ToolSettings {
  readonly tool: Tool;
  /** A CSS color. */
  readonly color: string;
  /** Stroke width, or for `textbox` the font size, in pixels of a REFERENCE_WIDTH-wide canvas (doc.ts). */
  readonly width: number;
  /** `shape`: which one; `pen`: 'highlight' for the translucent marker. */
  readonly type?: ShapeType | 'highlight';
}

export const DEFAULT_SETTINGS: ToolSettings = { tool: 'pen', color: 'black', width: 2 };

/** The width a tool gets when setTool is called without one: an eraser or a marker of width 2 would hardly show. */
const DEFAULT_WIDTH: Record<Tool, number> = { pen: 2, crayon: 8, eraser: 20, shape: 3, pointer: 2, textbox: 20 };
const HIGHLIGHT_WIDTH = 16;
/** Wider than this is no longer a stroke but a fill; also bounds what a peer can make us draw. */
export const MAX_WIDTH = 200;

/**
 * A cheap check of a CSS color: a short string. The canvas ignores a color it cannot parse (it
 * keeps the previous one), so this only has to keep out what is clearly not a color; `parses`,
 * when given (CSS.supports in a browser), makes it exact.
 */
export function isColor(value: unknown, parses?: (color: string) => boolean): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  if (!parses) return true;
  try {
    return parses(value);
  } catch {
    return false;
  }
}

export function isWidth(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_WIDTH;
}

/**
 * The settings after setTool(tool, color, width, type), or null when one of them is not valid (the
 * caller then keeps the old ones). A color that is left out keeps the current one; a width left
 * out is the tool's default.
 */
export function nextSettings(
  current: ToolSettings,
  tool: unknown,
  color?: unknown,
  width?: unknown,
  type?: unknown,
  parsesColor?: (color: string) => boolean,
): ToolSettings | null {
  if (typeof tool !== 'string' || !(TOOLS as readonly string[]).includes(tool)) return null;
  const t = tool as Tool;
  if (color !== undefined && color !== null && !isColor(color, parsesColor)) return null;
  if (width !== undefined && width !== null && !isWidth(width)) return null;
  let shapeOrMarker: ShapeType | 'highlight' | undefined;
  if (type === undefined || type === null) shapeOrMarker = t === 'shape' ? 'square' : undefined;
  else if (t === 'shape' && typeof type === 'string' && (SHAPE_TYPES as readonly string[]).includes(type)) shapeOrMarker = type as ShapeType;
  else if (t === 'pen' && type === 'highlight') shapeOrMarker = 'highlight';
  else return null;
  const fallbackWidth = shapeOrMarker === 'highlight' ? HIGHLIGHT_WIDTH : DEFAULT_WIDTH[t];
  return {
    tool: t,
    color: typeof color === 'string' ? color : current.color,
    width: typeof width === 'number' ? width : fallbackWidth,
    ...(shapeOrMarker ? { type: shapeOrMarker } : {}),
  };
}
