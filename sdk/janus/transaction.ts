/**
 * How a plugin request is answered, for the plugin module (videoroom.ts).
 * - Synchronous requests are answered in Janus's response (janus.js matches it by transaction):
 *   any number may be in flight at once.
 * - Asynchronous requests are acknowledged, then answered by an event. janus.js does not hand us
 *   an event's transaction, so the answer is recognised by what it says (`answeredBy`) and by
 *   arrival order: a handle may only have one such request in flight. The handle's
 *   `RequestQueue` enforces that: its requests exist only inside a queue slot.
 */
import { Code, KtError } from '../errors';
import { AsyncQueue } from '../util/async-queue';
import { withTimeout } from '../util/wait';
import type { Jsep, PluginData, PluginHandle } from './types';

export interface EventAnswer {
  data: PluginData;
  jsep?: Jsep;
}

/** A plugin's way of saying that a response or event is an error (its error table). */
export type ErrorOf = (data: PluginData) => KtError | undefined;

/** A synchronous request: the response's data, or the plugin's error as a KtError. */
export async function requestSync(handle: PluginHandle, body: Record<string, unknown>, errorOf: ErrorOf): Promise<PluginData> {
  const data = (await handle.send(body)) ?? {};
  const error = errorOf(data);
  if (error) throw error;
  return data;
}

/**
 * An asynchronous request, resolved with the event that answers it (the way janode keeps a
 * transaction open past its `ack`). An event carrying the plugin's error is taken as this
 * request's failure. A request whose answer is its ack (`answeredBy` absent) resolves on the ack.
 */
export async function requestWithEvent(
  handle: PluginHandle,
  body: Record<string, unknown>,
  options: { jsep?: Jsep; answeredBy?: (data: PluginData) => boolean; errorOf: ErrorOf; timeoutMs: number },
): Promise<EventAnswer> {
  const { answeredBy, errorOf, timeoutMs } = options;
  let stopListening = () => {};
  const answer = new Promise<EventAnswer>((resolve, reject) => {
    const onMessage = ({ data, jsep }: { data: PluginData; jsep?: Jsep }) => {
      const error = errorOf(data);
      if (error) reject(error);
      else if (answeredBy?.(data)) resolve({ data, jsep });
    };
    handle.events.on('message', onMessage);
    stopListening = () => handle.events.off('message', onMessage);
  });
  // The answer may fail before we await it; that is handled below, not an unhandled rejection.
  answer.catch(() => {});
  const what = `${String(body.request)} request`;
  try {
    const sync = await withTimeout(handle.send(body, options.jsep), timeoutMs, what);
    const error = sync && errorOf(sync);
    if (error) throw error;
    if (!answeredBy) return { data: sync ?? {} };
    if (sync && answeredBy(sync)) return { data: sync };
    return await withTimeout(answer, timeoutMs, what);
  } finally {
    stopListening();
  }
}

/**
 * A plugin's asynchronous requests on one handle, handed to a task for the length of its queue
 * slot only: after it, they refuse to be sent, so no caller can send one beside the queue.
 */
export abstract class SlotRequests {
  private closed = false;

  constructor(
    private readonly handle: PluginHandle,
    private readonly timeoutMs: number,
  ) {}

  close(): void {
    this.closed = true;
  }

  protected request(
    body: Record<string, unknown>,
    options: { answeredBy?: (data: PluginData) => boolean; errorOf: ErrorOf; jsep?: Jsep },
  ): Promise<EventAnswer> {
    if (this.closed) return Promise.reject(new KtError(Code.UNKNOWN, `${String(body.request)} sent outside its queue slot`));
    return requestWithEvent(this.handle, body, { ...options, timeoutMs: this.timeoutMs });
  }
}

/** One asynchronous request (or sequence of them) at a time on a handle. */
export class RequestQueue<R extends SlotRequests> {
  private readonly queue = new AsyncQueue();

  constructor(private readonly open: () => R) {}

  /** Runs `task` alone on the handle; several requests in one task run as one sequence. */
  run<T>(task: (requests: R) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      const requests = this.open();
      try {
        return await task(requests);
      } finally {
        requests.close();
      }
    });
  }
}
