// Where the demo's settings come from: GET /config.json, written by demo/serve.mjs.
//
//   { "server": "ws://127.0.0.1:8188",      the gateway guard (string or array, tried in order)
//     "tokenEndpoint": "/api/token" }       where a token for it comes from (absent: an open gateway)
//
// With a token endpoint, the page asks it for a token before each call, for the room it enters
// (or the right to create one), and hands it to `init()` as the Knowledgetalk `authKey`: the
// guard then holds the session to that identity (gateway-config/app-server.cjs). A real app signs
// its user in first; the demo's server gives a token to any name.

/** The Knowledgetalk "cpCode" (service id) this demo identifies itself with. */
export const CP_CODE = 'knowledgetalk-demo';
/** What an open (development) gateway is given: it takes any key. */
const OPEN_GATEWAY_KEY = 'demo';

export async function loadConfig() {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/config.json: HTTP ${res.status}`);
  const config = await res.json();
  if (!config || typeof config !== 'object') throw new Error('/config.json is not an object');
  return config;
}

/**
 * The `authKey` for `init()`: a token for `name` to enter `roomId` (or to create it), from the
 * token endpoint; the constant key for an open gateway. Resolves with `{ key }`, or `{ status }`
 * when no token came (the HTTP status; 0: the endpoint could not be reached). Never throws.
 */
export async function authKeyFor(config, { name, roomId, create }) {
  if (!config.tokenEndpoint) return { key: OPEN_GATEWAY_KEY };
  try {
    const res = await fetch(config.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(create ? { name, create: true } : { name, room: roomId }),
      cache: 'no-store',
    });
    const answer = res.ok ? await res.json() : null;
    if (!answer || typeof answer.token !== 'string') return { status: res.status };
    return { key: answer.token };
  } catch (err) {
    console.warn('token endpoint:', err);
    return { status: 0 };
  }
}
