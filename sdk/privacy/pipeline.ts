/**
 * The render loop: at each tick of the clock, the input video's current frame is copied (the
 * mask and the picture must be of the same frame, and the video moves on while the model runs),
 * shrunk to the model's size, segmented, and composited into the output canvas. A frame that comes
 * while the model is still busy with the previous one is dropped, never queued.
 */
import { Compositor, type Background } from './compositor';
import { FrameClock, type ClockSource } from './frame-clock';
import { log } from './log';
import type { Segmenter } from './segmenter';

/** The model's input width (both models take 256 pixels across); the height keeps the frame's shape. */
const MODEL_WIDTH = 256;

export interface PipelineStats {
  /** Frames composited into the output. */
  frames: number;
  /** Frames skipped because the model was still busy with the previous one. */
  dropped: number;
  /** Frames the model failed on (the output then showed the background only). */
  failed: number;
  /** Mean and last time spent on one frame in the page (copy, model, compositing), ms. */
  meanMs: number;
  lastMs: number;
  /** Of meanMs: the mean time compositing (the rest is copying the frame and the model). */
  compositeMs: number;
  /** What drove the last frame. */
  clock: ClockSource;
}

function canvas2d(alpha: boolean): [HTMLCanvasElement, CanvasRenderingContext2D] {
  const c = document.createElement('canvas');
  const g = c.getContext('2d', { alpha });
  if (!g) throw new Error('no 2D canvas context');
  return [c, g];
}

/** The input's frame rate as its track says, if it says. */
function inputFps(video: HTMLVideoElement): number | undefined {
  const stream = video.srcObject;
  const track = typeof MediaStream !== 'undefined' && stream instanceof MediaStream ? stream.getVideoTracks()[0] : undefined;
  const rate = track?.getSettings().frameRate;
  return typeof rate === 'number' && rate > 0 ? rate : undefined;
}

export class Pipeline {
  private readonly clock = new FrameClock(() => this.frame());
  private readonly compositor: Compositor;
  private readonly copy = canvas2d(false);
  private readonly model = canvas2d(false);
  private out: CanvasRenderingContext2D;
  private running = false;
  private totalMs = 0;
  private compositeTotalMs = 0;
  private firstFrame: (() => void) | undefined;
  private readonly counts = { frames: 0, dropped: 0, failed: 0, lastMs: 0 };

  constructor(
    private readonly segmenter: Segmenter,
    private input: HTMLVideoElement,
    output: HTMLCanvasElement,
    public background: Background,
    private readonly options: { maxFps: number; blur: number },
  ) {
    this.out = Pipeline.contextOf(output);
    this.compositor = new Compositor(options.blur);
  }

  /** The output's 2D context; throws when the canvas already has another kind (WebGL). */
  static contextOf(output: HTMLCanvasElement): CanvasRenderingContext2D {
    const g = output.getContext('2d');
    if (!g) throw new Error('the output canvas has a context other than 2d already');
    return g;
  }

  /** Starts the loop; resolves at the first composited frame, or after `waitMs` without one. */
  start(waitMs: number): Promise<boolean> {
    this.running = true;
    this.restartClock();
    return this.nextFrame(waitMs);
  }

  /** Resolves true at the next composited frame, false after `waitMs` without one. */
  nextFrame(waitMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.firstFrame = undefined;
        resolve(false);
      }, waitMs);
      this.firstFrame = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  /** Another input and/or output from the next frame on. */
  setElements(input: HTMLVideoElement, output: HTMLCanvasElement): void {
    this.out = Pipeline.contextOf(output);
    if (input !== this.input) {
      this.input = input;
      if (this.running) this.restartClock();
    }
  }

  /** No frame is drawn after this, even by a frame already in the model. Idempotent. */
  stop(): void {
    this.running = false;
    this.clock.stop();
    this.firstFrame = undefined;
  }

  stats(): PipelineStats {
    const { frames, dropped, failed, lastMs } = this.counts;
    const mean = (total: number) => (frames ? total / frames : 0);
    return { frames, dropped, failed, lastMs, meanMs: mean(this.totalMs), compositeMs: mean(this.compositeTotalMs), clock: this.clock.source };
  }

  private restartClock(): void {
    this.clock.start(this.input, Math.min(this.options.maxFps, inputFps(this.input) ?? this.options.maxFps));
  }

  private async frame(): Promise<void> {
    const video = this.input;
    if (!this.running || video.readyState < 2 || !video.videoWidth || !video.videoHeight) return;
    if (this.segmenter.isBusy) {
      this.counts.dropped++;
      return;
    }
    const started = performance.now();
    const [w, h] = [video.videoWidth, video.videoHeight];
    const [copy, copyG] = this.copy;
    const [model, modelG] = this.model;
    const [mw, mh] = [MODEL_WIDTH, Math.max(1, Math.round((MODEL_WIDTH * h) / w))];
    for (const [c, cw, ch] of [
      [copy, w, h],
      [model, mw, mh],
    ] as const) {
      if (c.width !== cw) c.width = cw;
      if (c.height !== ch) c.height = ch;
    }
    copyG.drawImage(video, 0, 0, w, h);
    modelG.drawImage(copy, 0, 0, mw, mh);
    const out = this.out;
    const composite = (mask: CanvasImageSource | undefined) => {
      if (!this.running) return;
      const target = out.canvas;
      if (target.width !== w) target.width = w;
      if (target.height !== h) target.height = h;
      const t = performance.now();
      this.compositor.draw(out, copy, mask, this.background);
      this.compositeTotalMs += performance.now() - t;
    };
    let drawn = false;
    try {
      await this.segmenter.segment(model, (mask) => {
        composite(mask);
        drawn = true;
      });
    } catch (err) {
      if (this.counts.failed++ === 0) log.error('segmentation failed on a frame (the background alone is shown meanwhile)', err);
      composite(undefined);
      drawn = true;
    }
    if (!drawn || !this.running) return;
    const spent = performance.now() - started;
    this.counts.frames++;
    this.counts.lastMs = spent;
    this.totalMs += spent;
    const first = this.firstFrame;
    this.firstFrame = undefined;
    first?.();
  }
}
