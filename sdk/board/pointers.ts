/**
 * Laser pointers: a glowing dot per member where that member points, on the overlay canvas (never
 * in the picture, the doc or a snapshot). Each fades out over FADE_MS after its last move.
 */
import { REFERENCE_WIDTH } from './doc';

export const FADE_MS = 1000;
/** Radius in reference pixels. */
const RADIUS = 7;

interface Dot {
  x: number;
  y: number;
  color: string;
  at: number;
}

export class LaserPointers {
  private readonly dots = new Map<string, Dot>();
  private frame: number | null = null;

  /** `place` keeps the overlay over the canvas (it may have moved) before each paint. */
  constructor(
    private readonly overlay: HTMLCanvasElement,
    private readonly place: () => void,
  ) {}

  show(member: string, x: number, y: number, color: string): void {
    this.dots.set(member, { x, y, color, at: performance.now() });
    this.schedule();
  }

  get count(): number {
    return this.dots.size;
  }

  destroy(): void {
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    this.frame = null;
    this.dots.clear();
  }

  private schedule(): void {
    if (this.frame === null) this.frame = requestAnimationFrame(() => this.paint());
  }

  private paint(): void {
    this.frame = null;
    this.place();
    const ctx = this.overlay.getContext('2d');
    if (!ctx) return;
    const { width, height } = this.overlay;
    ctx.clearRect(0, 0, width, height);
    const now = performance.now();
    const radius = Math.max(3, (RADIUS * width) / REFERENCE_WIDTH);
    for (const [member, dot] of this.dots) {
      const alpha = 1 - (now - dot.at) / FADE_MS;
      if (alpha <= 0) {
        this.dots.delete(member);
        continue;
      }
      ctx.save();
      ctx.globalAlpha = alpha;
      ctx.fillStyle = '#f00';
      ctx.fillStyle = dot.color;
      ctx.shadowColor = dot.color;
      ctx.shadowBlur = radius * 1.5;
      ctx.beginPath();
      ctx.arc(dot.x * width, dot.y * height, radius, 0, 2 * Math.PI);
      ctx.fill();
      ctx.restore();
    }
    // Keeps fading while any dot is left; then stops asking for frames.
    if (this.dots.size > 0) this.schedule();
  }
}
