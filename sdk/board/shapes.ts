/**
 * The ten shapes, traced into anything with the path methods of a canvas (Path2D in the browser, a
 * recorder in the unit tests): pure, no DOM. Each is fitted to the box dragged from (x0, y0) to
 * (x1, y1), in pixels; the box's direction matters for the arrow and the line (they run from
 * where the drag began) and flips the others when dragged up or left, as a mirror would.
 */
import type { ShapeType } from './types';

export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  quadraticCurveTo(cpx: number, cpy: number, x: number, y: number): void;
  bezierCurveTo(cp1x: number, cp1y: number, cp2x: number, cp2y: number, x: number, y: number): void;
  ellipse(x: number, y: number, radiusX: number, radiusY: number, rotation: number, startAngle: number, endAngle: number): void;
  closePath(): void;
}

/** Outline of a raised hand, palm towards us, in a unit box: thumb on the left, four fingers. */
const HAND: readonly (readonly number[])[] = [
  [0.32, 1],
  [0.22, 0.66],
  [0.04, 0.47],
  [0.01, 0.39, 0.1, 0.37], // thumb tip (quadratic: control, end)
  [0.26, 0.5],
  [0.25, 0.19],
  [0.31, 0.07, 0.37, 0.19],
  [0.38, 0.44],
  [0.4, 0.11],
  [0.46, -0.01, 0.52, 0.11],
  [0.52, 0.44],
  [0.55, 0.15],
  [0.61, 0.04, 0.67, 0.15],
  [0.66, 0.47],
  [0.71, 0.27],
  [0.77, 0.18, 0.83, 0.29],
  [0.79, 0.66],
  [0.77, 0.9, 0.68, 1],
];

/** Traces `type` into `sink`; nothing for a box with no area (but a line or arrow may be flat). */
export function traceShape(sink: PathSink, type: ShapeType, x0: number, y0: number, x1: number, y1: number, lineWidth: number): void {
  const w = x1 - x0;
  const h = y1 - y0;
  // (u, v) in the unit box -> pixels
  const X = (u: number) => x0 + u * w;
  const Y = (v: number) => y0 + v * h;
  const flat = Math.abs(w) < 1e-9 || Math.abs(h) < 1e-9;
  if (flat && type !== 'line' && type !== 'arrow') return;
  switch (type) {
    case 'line':
      sink.moveTo(x0, y0);
      sink.lineTo(x1, y1);
      return;
    case 'arrow': {
      const length = Math.hypot(w, h);
      if (length < 1e-9) return;
      sink.moveTo(x0, y0);
      sink.lineTo(x1, y1);
      // The head: two barbs 30° off the shaft, a third of its length but at least a few widths.
      const head = Math.min(length * 0.45, Math.max(length * 0.3, lineWidth * 4));
      const angle = Math.atan2(h, w);
      for (const side of [-1, 1]) {
        const a = angle + Math.PI + (side * Math.PI) / 6;
        sink.moveTo(x1, y1);
        sink.lineTo(x1 + head * Math.cos(a), y1 + head * Math.sin(a));
      }
      return;
    }
    case 'square':
      sink.moveTo(x0, y0);
      sink.lineTo(x1, y0);
      sink.lineTo(x1, y1);
      sink.lineTo(x0, y1);
      sink.closePath();
      return;
    case 'circle':
      sink.moveTo(X(1), Y(0.5));
      sink.ellipse(X(0.5), Y(0.5), Math.abs(w) / 2, Math.abs(h) / 2, 0, 0, 2 * Math.PI);
      sink.closePath();
      return;
    case 'triangle':
      sink.moveTo(X(0.5), Y(0));
      sink.lineTo(X(1), Y(1));
      sink.lineTo(X(0), Y(1));
      sink.closePath();
      return;
    case 'star': {
      // Five points, the first straight up, inner radius 0.38 of the outer; stretched vertically
      // so that its lowest points (at sin 54° of the radius below the centre) touch the box.
      for (let i = 0; i < 10; i++) {
        const r = i % 2 === 0 ? 0.5 : 0.19;
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        const u = 0.5 + r * Math.cos(a);
        const v = (0.5 + r * Math.sin(a)) / (0.5 + 0.5 * Math.sin((54 * Math.PI) / 180));
        if (i === 0) sink.moveTo(X(u), Y(v));
        else sink.lineTo(X(u), Y(v));
      }
      sink.closePath();
      return;
    }
    case 'heart':
      sink.moveTo(X(0.5), Y(0.28));
      sink.bezierCurveTo(X(0.5), Y(0.05), X(0), Y(0.02), X(0), Y(0.34));
      sink.bezierCurveTo(X(0), Y(0.6), X(0.32), Y(0.75), X(0.5), Y(1));
      sink.bezierCurveTo(X(0.68), Y(0.75), X(1), Y(0.6), X(1), Y(0.34));
      sink.bezierCurveTo(X(1), Y(0.02), X(0.5), Y(0.05), X(0.5), Y(0.28));
      sink.closePath();
      return;
    case 'check':
      sink.moveTo(X(0.05), Y(0.55));
      sink.lineTo(X(0.38), Y(0.9));
      sink.lineTo(X(0.95), Y(0.1));
      return;
    case 'important': {
      // An exclamation mark: a bar narrowing downwards, and its dot.
      sink.moveTo(X(0.36), Y(0.04));
      sink.lineTo(X(0.64), Y(0.04));
      sink.lineTo(X(0.56), Y(0.66));
      sink.lineTo(X(0.44), Y(0.66));
      sink.closePath();
      const r = Math.min(Math.abs(w), Math.abs(h)) * 0.1;
      sink.moveTo(X(0.5) + r, Y(0.86));
      sink.ellipse(X(0.5), Y(0.86), r, r, 0, 0, 2 * Math.PI);
      sink.closePath();
      return;
    }
    case 'hand':
      for (const [i, step] of HAND.entries()) {
        if (i === 0) sink.moveTo(X(step[0]), Y(step[1]));
        else if (step.length === 2) sink.lineTo(X(step[0]), Y(step[1]));
        else sink.quadraticCurveTo(X(step[0]), Y(step[1]), X(step[2]), Y(step[3]));
      }
      return;
  }
}
