/**
 * Flood control for one client connection: a token bucket. A client over its rate gets errors for
 * the frames over it; one that keeps going (a deficit of another full burst) is disconnected. The
 * figures leave room for what the SDK really does at its busiest: join, publish, subscribe and
 * leave back to back, with their trickled candidates, run at ~30 cycles a second in the leak test
 * (test/integration/leak-cycles.test.ts), which 100 frames/s cut off after a few seconds; a flood
 * that hurts Janus is thousands a second.
 */
export interface RateOptions {
  /** Frames per second, sustained. */
  perSecond: number;
  /** Frames at once. */
  burst: number;
}

export const DEFAULT_RATE: RateOptions = { perSecond: 400, burst: 800 };

export type RateVerdict = 'ok' | 'refuse' | 'close';

export class RateLimit {
  private tokens: number;
  private last: number;

  constructor(
    private readonly opts: RateOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = opts.burst;
    this.last = now();
  }

  take(): RateVerdict {
    const t = this.now();
    this.tokens = Math.min(this.opts.burst, this.tokens + ((t - this.last) / 1000) * this.opts.perSecond);
    this.last = t;
    this.tokens -= 1;
    if (this.tokens >= 0) return 'ok';
    return this.tokens < -this.opts.burst ? 'close' : 'refuse';
  }
}
