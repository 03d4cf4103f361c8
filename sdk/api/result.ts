/**
 * How every public call answers: a result object with a code (SPEC §2), never an exception. A
 * failure is logged once here, with the call's name.
 */
import { Code, toKtError } from '../errors';
import { getLogger } from '../logger';
import type { Failure, Outcome, Success } from '../types';

const log = getLogger('api');

/** Runs one API call and turns its outcome into a result object with a code. */
export async function result<T extends object>(op: string, fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { code: Code.OK, ...(await fn()) } as Success<T>;
  } catch (err) {
    const e = toKtError(err);
    if (e.code === Code.UNKNOWN) log.error(`${op}:`, err);
    else log.warn(`${op} -> ${e.code}: ${e.message}`);
    const failure: Failure = { code: e.code as Failure['code'], reason: e.reason ?? e.message };
    if (e.janusCode !== undefined) failure.janusCode = e.janusCode;
    return failure;
  }
}

/** For the calls the original answers with a boolean: true when the call succeeded. */
export async function succeeded(op: string, fn: () => Promise<void>): Promise<boolean> {
  const r = await result(op, async () => {
    await fn();
    return {};
  });
  return r.code === Code.OK;
}
