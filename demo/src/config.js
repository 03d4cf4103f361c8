// Where the demo's settings come from: GET /config.json, written by demo/serve.mjs.
//
//   { "server": "ws://127.0.0.1:8188" }      the Janus gateway (string or array, tried in order)
//
// Seam for a secure-mode gateway (token auth): the server can add a token endpoint here, e.g.
// { "server": "wss://…", "tokenEndpoint": "/token" }, and `authKeyFor` below is the one place that
// would fetch a token from it and hand it to `init()` as the Knowledgetalk `authKey`. Until such a
// gateway is wired, the open gateway ignores the key and a constant is passed.

/** The Knowledgetalk "cpCode" (service id) this demo identifies itself with. */
export const CP_CODE = 'knowledgetalk-demo';
const OPEN_GATEWAY_KEY = 'demo';

export async function loadConfig() {
  const res = await fetch('/config.json', { cache: 'no-store' });
  if (!res.ok) throw new Error(`/config.json: HTTP ${res.status}`);
  const config = await res.json();
  if (!config || typeof config !== 'object') throw new Error('/config.json is not an object');
  return config;
}

/**
 * The `authKey` for `init()`. Today: a constant (the local gateway does not check tokens).
 * Secure mode: fetch a token for `userName` from `config.tokenEndpoint` here.
 */
export async function authKeyFor(_config, _userName) {
  return OPEN_GATEWAY_KEY;
}
