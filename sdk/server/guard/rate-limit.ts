/**
 * Flood control for one client connection: a token bucket. A client over its rate gets errors for
 * the frames over it; one that keeps going (a deficit of another full burst) is disconnected. The
 * figures leave room for what the SDK really does: a join with eight subscriptions and their
 * trickled candidates is well under 100 frames in its first second.
 */
export interface RateOptions {
  /** Frames per second, sustained. */
  perSecond: number;
  /** Frames at once. */
  burst: number;
}

export const DEFAULT_RATE: RateOptions = { perSecond: 100, burst: 200 };

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
