// Connecting: the SDK instance, init (our identity on the gateway), creating the room when asked,
// joining it. Imports the SDK as an application imports the package.
import Knowledgetalk from 'knowledgetalk-janus';
import { describeCode, t } from './i18n.js';
import { CP_CODE, authKeyFor } from './config.js';

/** `?log=debug` shows the SDK's log in the console. */
const LOG_LEVEL = new URLSearchParams(location.search).get('log') || 'error';

/**
 * An instance that never connects, for the lobby: it lists the devices (`getDevices`) before any
 * call exists.
 */
export function idleSdk() {
  return new Knowledgetalk({ logLevel: LOG_LEVEL });
}

/**
 * Connects to the gateway and enters the room (creating it first when asked).
 * Resolves with `{ kt, joined, early }` or, when any step fails, `{ error, code }` (a sentence, and
 * the SDK's code).
 * Never throws.
 */
export async function connect({ config, name, roomId, create, title, capacity, pin, onStep }) {
  let kt;
  try {
    kt = new Knowledgetalk({ server: config.server, logLevel: LOG_LEVEL });
  } catch (err) {
    console.error(err);
    return { error: t('error.sdk') };
  }
  // Presence can arrive between joinRoom resolving and the Room taking over (members already
  // publishing are announced right after the join): keep it for the Room.
  const early = [];
  const keep = (event) => early.push(event);
  kt.addEventListener('presence', keep);
  kt.addEventListener('disconnected', keep);
  const stopKeeping = () => {
    kt.removeEventListener('presence', keep);
    kt.removeEventListener('disconnected', keep);
  };
  /** `as`: the code the caller sees, when it is not the SDK's (a token that did not come is no PIN question). */
  const fail = async (result, as = result.code) => {
    stopKeeping();
    if (result.reason) console.warn(`knowledgetalk: ${result.code}`, result.reason);
    await kt.disconnect();
    return { error: describeCode(result.code), code: as };
  };

  onStep('lobby.connecting');
  const auth = await authKeyFor(config, { name, roomId, create });
  // No token: the app server refused (the words of a refused entry) or is unreachable.
  if (!auth.key) return fail({ code: auth.status === 0 ? '504' : '401', reason: `token endpoint: HTTP ${auth.status}` }, 'token');
  const init = await kt.init(CP_CODE, auth.key, undefined, name);
  if (init.code !== '200') return fail(init);
  if (create) {
    onStep('lobby.creating');
    // talkingNoty: the gateway tells who is speaking, for the active-speaker highlight.
    // pin: joining the room needs it (the SDK answers '401' without it, '411' for a wrong one).
    const created = await kt.createVideoRoom(roomId, title || undefined, capacity, true, true, pin ? { pin } : undefined);
    if (created.code !== '200') return fail(created);
  }
  onStep('lobby.joining');
  const joined = await kt.joinRoom(roomId, pin);
  if (joined.code !== '200') return fail(joined);
  return { kt, joined, early, stopKeeping };
}
