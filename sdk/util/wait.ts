/**
 * Waiting, in the three shapes the SDK needs: a deadline on a promise, a pause, and retrying with
 * the SDK's one backoff policy.
 */
import { Code, KtError } from '../errors';

/** Rejects with a '504' KtError when `promise` has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KtError(Code.GATEWAY_TIMEOUT, `${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/**
 * The backoff policy of every retry in the SDK: 250 ms doubling up to 2 s, each delay drawn from
 * its upper half (±25 % around 3/4 of it). The jitter matters after a gateway restart: every
 * client of that gateway lost its connection at the same instant, and without jitter they would
 * all come back in lockstep, hitting the new gateway with one burst per step.
 */
export const BACKOFF = { firstMs: 250, maxMs: 2000 } as const;

/** The delay before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF.firstMs * 2 ** attempt, BACKOFF.maxMs);
  return Math.round(base * (0.5 + random() * 0.5));
}

/**
 * Calls `attempt` until it gives a value other than `undefined` (then resolves with it), or until
 * `deadline` (ms since epoch) leaves no room for the next pause (then resolves `undefined`).
 * `stop()` true ends the retries at once. An attempt that throws ends them with that error.
 */
export async function retryUntil<T>(
  attempt: () => Promise<T | undefined>,
  { deadline, stop = () => false }: { deadline: number; stop?: () => boolean },
): Promise<T | undefined> {
  for (let n = 0; !stop(); n++) {
    const value = await attempt();
    if (value !== undefined) return value;
    const pause = backoffDelay(n);
    if (stop() || Date.now() + pause > deadline) return undefined;
    await sleep(pause);
  }
  return undefined;
}
