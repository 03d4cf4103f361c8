/**
 * When to process a frame: at the input video's frame rate, at most `maxFps`.
 *
 * - `requestVideoFrameCallback` where the browser has it: one call per new camera frame, so no
 *   frame is processed twice and none is waited for. Those callbacks run with the page's
 *   rendering, so the work interleaves with it (and with the canvas capture, which happens there).
 * - A timer otherwise, and whenever no video frame callback came for a while: a hidden tab does
 *   not render, and a privacy filter that stops when its tab goes to the background would freeze
 *   what is sent. requestAnimationFrame has the same problem and is not used. The timer runs in a
 *   Worker (a blob: URL, nothing fetched): a page's own timers are throttled to 1 Hz in a
 *   background tab, a worker's are not. Where no Worker can be made (a Content-Security-Policy
 *   without blob: workers), setTimeout.
 *
 * The timer is one-shot, set again when a frame is done, never a fixed interval: when a frame
 * takes about as long as the interval (slow machines), ticks queued behind it kept the main thread
 * busy without a break and the page stopped rendering, and the canvas stopped being captured
 * (seen in Chromium without a GPU: 1 captured frame in 10 s). It leaves at least a quarter of the
 * frame's own time free.
 */
import { log } from './log';

/**
 * With no video frame callback for this long, the timer drives: 250 ms, or 4 times the usual gap
 * between camera frames when the camera is slower than that (up to 2 s), so that a camera that
 * sends few frames is not processed over and over between them.
 */
const STALL_MS = 250;
const MAX_STALL_MS = 2000;
/** The worker: each message is a delay in ms, answered once after it. */
const WORKER_CODE = 'onmessage=(e)=>setTimeout(()=>postMessage(0),e.data)';

type VideoWithCallbacks = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

export type ClockSource = 'video-frame-callback' | 'timer';

export class FrameClock {
  private video: VideoWithCallbacks | undefined;
  private handle: number | undefined;
  private worker: Worker | undefined;
  private timeout: ReturnType<typeof setTimeout> | undefined;
  private lastCallback = -Infinity;
  /** The mean gap between video frame callbacks (a moving average), ms. */
  private gap = 0;
  private lastTick = -Infinity;
  private running = false;
  /** Changes at each start/stop: a timer chain of an earlier run ends. */
  private epoch = 0;
  private maxFps = 30;
  /** What drove the last frame. */
  source: ClockSource = 'timer';

  /** `tick` processes one frame; the timer waits for the promise it returns. */
  constructor(private readonly tick: () => Promise<void>) {}

  /** (Re)starts on `video`; `fps`: the most frames a second, the timer's rate when it drives. */
  start(video: HTMLVideoElement, fps: number): void {
    this.stop();
    this.epoch++;
    this.running = true;
    this.video = video;
    this.maxFps = fps;
    this.lastCallback = -Infinity;
    this.gap = 0;
    this.requestFrame();
    this.startTimer();
  }

  /** Nothing ticks after this. Idempotent. */
  stop(): void {
    this.running = false;
    this.epoch++;
    if (this.handle !== undefined) this.video?.cancelVideoFrameCallback?.(this.handle);
    this.handle = undefined;
    this.video = undefined;
    if (this.worker) {
      this.worker.onmessage = null;
      this.worker.terminate();
      this.worker = undefined;
    }
    clearTimeout(this.timeout);
    this.timeout = undefined;
  }

  private get interval(): number {
    return 1000 / this.maxFps;
  }

  private requestFrame(): void {
    const video = this.video;
    if (!video || typeof video.requestVideoFrameCallback !== 'function') return;
    this.handle = video.requestVideoFrameCallback(() => {
      this.handle = undefined;
      if (!this.running || this.video !== video) return;
      const now = performance.now();
      const gap = now - this.lastCallback;
      // (A pause longer than that, a hidden tab, is not the camera's rate.)
      if (gap < MAX_STALL_MS / 4) this.gap = this.gap ? 0.9 * this.gap + 0.1 * gap : gap;
      this.lastCallback = now;
      // At most maxFps: a frame that comes much sooner than 1/maxFps after the last one is skipped.
      if (this.lastCallback - this.lastTick >= this.interval * 0.75) void this.run('video-frame-callback');
      this.requestFrame();
    });
  }

  private startTimer(): void {
    try {
      const url = URL.createObjectURL(new Blob([WORKER_CODE], { type: 'text/javascript' }));
      const worker = new Worker(url);
      const epoch = this.epoch;
      worker.onmessage = () => void this.onTimer(epoch);
      worker.onerror = () => {
        log.debug('the timer worker failed: a page timer instead');
        worker.terminate();
        if (this.worker !== worker) return;
        this.worker = undefined;
        this.after(this.interval, epoch);
      };
      // Revoked once the worker has certainly loaded it (its first answer), not before.
      const revoke = () => URL.revokeObjectURL(url);
      worker.addEventListener('message', revoke, { once: true });
      worker.addEventListener('error', revoke, { once: true });
      this.worker = worker;
    } catch {
      this.worker = undefined;
    }
    this.after(this.interval, this.epoch);
  }

  /** The timer fires once in `ms` (unless the clock was stopped or restarted since `epoch`). */
  private after(ms: number, epoch: number): void {
    if (!this.running || epoch !== this.epoch) return;
    const delay = Math.max(0, Math.round(ms));
    if (this.worker) this.worker.postMessage(delay);
    else this.timeout = setTimeout(() => void this.onTimer(epoch), delay);
  }

  private async onTimer(epoch: number): Promise<void> {
    if (!this.running || epoch !== this.epoch) return;
    // The video frame callbacks drive: just look again later.
    const stall = Math.min(MAX_STALL_MS, Math.max(STALL_MS, 4 * this.gap));
    if (performance.now() - this.lastCallback < stall) return this.after(this.interval, epoch);
    const started = performance.now();
    await this.run('timer');
    const spent = performance.now() - started;
    this.after(Math.max(this.interval - spent, spent / 4), epoch);
  }

  private async run(source: ClockSource): Promise<void> {
    this.lastTick = performance.now();
    this.source = source;
    try {
      await this.tick();
    } catch (err) {
      log.error('processing a frame failed', err);
    }
  }
}
