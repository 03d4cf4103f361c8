/**
 * What goes to the other members, and how often: a stroke puts every pointer move into the doc,
 * but the gateway relays one message per ~30 ms per member at most, so the updates made in that
 * time are merged (Y.mergeUpdates) and sent as one. Pure: the timer and clock are injectable.
 */
import * as Y from 'yjs';

export interface BatcherOptions {
  /** The shortest time between two sends. */
  intervalMs?: number;
  /** Pending bytes that are sent at once, without waiting: keeps every message well under 32 KiB. */
  maxBytes?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

export class UpdateBatcher {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private timer: unknown = null;
  private lastSent = -Infinity;
  private readonly intervalMs: number;
  private readonly maxBytes: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (timer: unknown) => void;

  constructor(
    private readonly send: (update: Uint8Array) => void,
    options: BatcherOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 30;
    this.maxBytes = options.maxBytes ?? 16 * 1024;
    this.now = options.now ?? (() => Date.now());
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>));
  }

  push(update: Uint8Array): void {
    this.pending.push(update);
    this.pendingBytes += update.byteLength;
    if (this.pendingBytes >= this.maxBytes) {
      this.flush();
      return;
    }
    // Never sent from inside the doc's own update handler: the send waits for the next task, by
    // then the gesture's next points may have joined it.
    if (this.timer === null) this.timer = this.setTimer(() => this.flush(), Math.max(0, this.lastSent + this.intervalMs - this.now()));
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const update = this.pending.length === 1 ? this.pending[0] : Y.mergeUpdates(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.lastSent = this.now();
    try {
      this.send(update);
    } catch {
      // The transport's failure is the transport's to report; the doc keeps the change, and the
      // gateway's merged state gives it to whoever joins later.
    }
  }
}

/**
 * A stream of small transient messages (the laser pointer) thinned to one per interval: the
 * latest one wins, and the last of a burst is always sent.
 */
export class Throttle<T> {
  private latest: T | undefined;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastSent = -Infinity;

  constructor(
    private readonly send: (value: T) => void,
    private readonly intervalMs = 30,
  ) {}

  push(value: T): void {
    this.latest = value;
    if (this.timer !== null) return;
    const wait = this.lastSent + this.intervalMs - Date.now();
    if (wait <= 0) this.fire();
    else this.timer = setTimeout(() => this.fire(), wait);
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.latest = undefined;
  }

  private fire(): void {
    this.timer = null;
    if (this.latest === undefined) return;
    const value = this.latest;
    this.latest = undefined;
    this.lastSent = Date.now();
    try {
      this.send(value);
    } catch {
      // as above: the transport reports its own failures
    }
  }
}
