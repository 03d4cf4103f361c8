/**
 * Pointer Events on the member's canvas (mouse, touch and pen alike), turned into gestures in
 * canvas fractions (0..1 of its width and height, whatever its CSS or pixel size). One pointer at
 * a time: a second finger is ignored rather than drawn as a jump.
 */

export type Point = [number, number];

export interface GestureHandlers {
  down(point: Point, event: PointerEvent): void;
  move(points: Point[], event: PointerEvent): void;
  /** The gesture is over: released, cancelled, or the pointer left the canvas. */
  up(event: PointerEvent): void;
}

const EVENTS = ['pointerdown', 'pointermove', 'pointerup', 'pointercancel', 'pointerleave'] as const;

export class PointerInput {
  private active: number | null = null;
  /** The canvas's own style, given back when drawing stops. */
  private saved: { touchAction: string; cursor: string } | null = null;
  private readonly listener = (event: PointerEvent) => this.handle(event);

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly handlers: GestureHandlers,
  ) {}

  get enabled(): boolean {
    return this.saved !== null;
  }

  enable(): void {
    if (this.saved) return;
    this.saved = { touchAction: this.canvas.style.touchAction, cursor: this.canvas.style.cursor };
    // No scrolling or zooming by a finger on the canvas while it draws.
    this.canvas.style.touchAction = 'none';
    this.canvas.style.cursor = 'crosshair';
    for (const type of EVENTS) this.canvas.addEventListener(type, this.listener);
  }

  disable(): void {
    if (!this.saved) return;
    for (const type of EVENTS) this.canvas.removeEventListener(type, this.listener);
    this.canvas.style.touchAction = this.saved.touchAction;
    this.canvas.style.cursor = this.saved.cursor;
    this.saved = null;
    this.active = null;
  }

  /** Where an event is, in fractions of the canvas; null when the canvas takes no room. */
  point(event: { clientX: number; clientY: number }): Point | null {
    const rect = this.canvas.getBoundingClientRect();
    const width = this.canvas.clientWidth || rect.width;
    const height = this.canvas.clientHeight || rect.height;
    if (!(width > 0 && height > 0)) return null;
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return [clamp((event.clientX - rect.left - this.canvas.clientLeft) / width), clamp((event.clientY - rect.top - this.canvas.clientTop) / height)];
  }

  private handle(event: PointerEvent): void {
    try {
      if (event.type === 'pointerdown') {
        if (this.active !== null || (event.pointerType === 'mouse' && event.button !== 0)) return;
        const point = this.point(event);
        if (!point) return;
        // No text selection or focus change from the drag; the gesture keeps the pointer even
        // outside the canvas until it is released.
        event.preventDefault();
        this.active = event.pointerId;
        try {
          this.canvas.setPointerCapture(event.pointerId);
        } catch {
          // a synthetic event has no pointer to capture: pointerleave then ends the gesture
        }
        this.handlers.down(point, event);
        return;
      }
      if (event.pointerId !== this.active) return;
      if (event.type === 'pointermove') {
        // The moves the browser merged into this one since the last frame: a fast stroke stays smooth.
        const merged = typeof event.getCoalescedEvents === 'function' ? event.getCoalescedEvents() : [];
        const points = (merged.length > 0 ? merged : [event]).map((e) => this.point(e)).filter((p): p is Point => p !== null);
        if (points.length > 0) this.handlers.move(points, event);
        return;
      }
      // pointerup, pointercancel, pointerleave (which, while captured, comes only after the release)
      this.active = null;
      this.handlers.up(event);
    } catch {
      // A handler's failure must not break the page's event dispatch.
    }
  }
}
