/**
 * Polling, for what a test can only observe by looking again: a gateway coming up, a page
 * changing, sessions going away. A reading that throws counts as "not yet" (the thing may not be
 * up yet); if time runs out, the error says what was awaited and what was last seen.
 */

export interface PollOptions {
  /** Give up after this long. Default 10 s. */
  timeoutMs?: number;
  /** Pause between readings. Default 200 ms. */
  intervalMs?: number;
  /**
   * A reason to stop waiting at once (e.g. "the process exited"), or nothing to go on. Asked
   * before every reading.
   */
  giveUpIf?: () => string | false | undefined;
}

type Outcome<T> = { done: true; value: T } | { done: false; why: string; value?: T; error?: unknown };

/** Reads until `ok` accepts a reading, time runs out, or `giveUpIf` gives a reason. */
async function poll<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, options: PollOptions): Promise<Outcome<T>> {
  const { timeoutMs = 10_000, intervalMs = 200, giveUpIf } = options;
  const deadline = Date.now() + timeoutMs;
  let last: { value?: T; error?: unknown } = {};
  for (;;) {
    const reason = giveUpIf?.();
    if (reason) return { done: false, why: `gave up: ${reason}`, ...last };
    try {
      const value = await read();
      if (ok(value)) return { done: true, value };
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() > deadline) return { done: false, why: `not within ${timeoutMs} ms`, ...last };
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Resolves once `check()` is truthy; rejects naming `what` (and the last error, if it threw). */
export async function waitFor(what: string, check: () => unknown, options: PollOptions = {}): Promise<void> {
  const outcome = await poll(check, Boolean, options);
  if (outcome.done) return;
  const lastError = outcome.error === undefined ? '' : `; last error: ${errorText(outcome.error)}`;
  throw new Error(`waiting for ${what}: ${outcome.why}${lastError}`);
}

/**
 * Resolves with the first reading `ok` accepts; rejects naming `what` and the last reading (or
 * the error it threw).
 */
export async function eventually<T>(what: string, read: () => T | Promise<T>, ok: (value: T) => boolean, options: PollOptions = {}): Promise<T> {
  const outcome = await poll(read, ok, options);
  if (outcome.done) return outcome.value;
  const seen = outcome.error === undefined ? JSON.stringify(outcome.value) : `error ${errorText(outcome.error)}`;
  throw new Error(`waiting for ${what}: ${outcome.why}; last seen: ${seen}`);
}

/**
 * Reads until `ok` accepts a reading or time runs out, and resolves with the last reading either
 * way: for a caller that asserts on it, so a failure shows the values seen rather than a timeout.
 * Rejects only if the last reading threw.
 */
export async function lastReading<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, options: PollOptions = {}): Promise<T> {
  const outcome = await poll(read, ok, options);
  if (outcome.done) return outcome.value;
  if (outcome.error !== undefined) throw outcome.error;
  return outcome.value as T;
}
