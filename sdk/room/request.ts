import { pluginError } from '../errors';
import type { Jsep, PluginData, PluginHandle } from '../gateway/types';
import { withTimeout } from '../util/timeout';

export interface EventAnswer {
  data: PluginData;
  jsep?: Jsep;
}

/**
 * Sends an asynchronous VideoRoom request and resolves with the event that answers it (the way
 * janode keeps a transaction open past its `ack`). janus.js does not pass an event's transaction
 * to us, so the answer is recognised by `accept`, and an event carrying `error_code` is taken as
 * this request's failure: callers must keep one such request per handle in flight (AsyncQueue).
 */
export async function requestWithEvent(
  handle: PluginHandle,
  body: Record<string, unknown>,
  options: { jsep?: Jsep; accept: (data: PluginData) => boolean; timeoutMs: number },
): Promise<EventAnswer> {
  let stopListening = () => {};
  const answer = new Promise<EventAnswer>((resolve, reject) => {
    const onMessage = ({ data, jsep }: { data: PluginData; jsep?: Jsep }) => {
      if (typeof data.error_code === 'number') reject(pluginError(data.error_code, String(data.error ?? '')));
      else if (options.accept(data)) resolve({ data, jsep });
    };
    handle.events.on('message', onMessage);
    stopListening = () => handle.events.off('message', onMessage);
  });
  // The answer may fail before we await it; that is handled below, not an unhandled rejection.
  answer.catch(() => {});
  const what = `videoroom ${String(body.request)}`;
  try {
    const sync = await withTimeout(handle.send(body, options.jsep), options.timeoutMs, what);
    if (sync && options.accept(sync)) return { data: sync };
    return await withTimeout(answer, options.timeoutMs, what);
  } finally {
    stopListening();
  }
}
