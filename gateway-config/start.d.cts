/** Types of gateway-config/start.cjs (local Janus gateway for dev and tests). */

export interface StartGatewayOptions {
  /** Pick three free TCP ports on 127.0.0.1 (ws, http, admin) instead of the defaults/explicit ones. */
  freePorts?: boolean;
  /** WebSocket (Janus API) port. Default 8188. Ignored with freePorts. */
  wsPort?: number;
  /** HTTP (Janus API) port. Default 8088. Ignored with freePorts. */
  httpPort?: number;
  /** HTTP Admin API port. Default 7088. Ignored with freePorts. */
  adminPort?: number;
  /** Admin API secret. Default "kt-local-admin". */
  adminSecret?: string;
  /** Janus debug level 0-7. Default 4 (from janus.jcfg). */
  debugLevel?: number;
  /** Append Janus's stdout and stderr to this file (instead of the console). */
  logFile?: string;
  /** Without logFile: discard Janus's output instead of forwarding it to the console. */
  quiet?: boolean;
  /** How long to wait for Janus to answer, in ms. Default 20000. */
  timeoutMs?: number;
  /**
   * Secure mode: `token_auth = true` with this `token_auth_secret`, so every Janus API request
   * needs a signed token (createToken from `knowledgetalk-janus/server`). Default: off.
   */
  tokenSecret?: string;
  /** `api_secret` (a request carrying it needs no token; for server-side tools). Default: off. */
  apiSecret?: string;
  /** `rtp_port_range`, "min-max": the UDP ports Janus's media uses. Default: any. */
  rtpPortRange?: string;
  /** `nat_1_1_mapping`: the IP address Janus advertises in its candidates instead of its own. */
  natMapping?: string;
  /** `ice_lite`: Janus only answers connectivity checks, never sends its own. */
  iceLite?: boolean;
  /** `ice_ignore_list`: interfaces or IP addresses Janus gathers no candidates on (replaces "vmnet"). */
  iceIgnoreList?: string;
  /**
   * The folder the VideoRoom writes recordings (.mjr) into: Janus's working directory (see
   * run-janus.sh). Created if missing. Default: `<repo>/recordings`.
   */
  recordingsDir?: string;
  /**
   * Extra environment variables for Janus (run-janus.sh), merged over process.env; a variable given
   * as undefined is removed. For settings without an option here, e.g. JANUS_VIDEOROOM_ADMIN_KEY.
   * The variables the options above set (JANUS_WS_PORT, JANUS_HTTP_PORT, JANUS_ADMIN_PORT,
   * JANUS_ADMIN_SECRET, JANUS_DEBUG_LEVEL, JANUS_TOKEN_SECRET, JANUS_API_SECRET,
   * JANUS_RECORDINGS_DIR) are refused: startGateway rejects, naming them.
   */
  env?: Record<string, string | undefined>;
}

export interface GatewayPorts {
  ws: number;
  http: number;
  admin: number;
}

export interface Gateway {
  /** e.g. "ws://127.0.0.1:8188" */
  wsUrl: string;
  /** e.g. "http://127.0.0.1:8088/janus" */
  httpUrl: string;
  /** e.g. "http://127.0.0.1:7088/admin" */
  adminUrl: string;
  adminSecret: string;
  /** The token_auth_secret when started in secure mode. */
  tokenSecret?: string;
  /** The api_secret, when one was set. */
  apiSecret?: string;
  /** Absolute path of the folder recordings are written to. */
  recordingsDir: string;
  ports: GatewayPorts;
  /** Process id of Janus itself. */
  pid: number;
  /** Resolves when the Janus process has exited (for whatever reason). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; error?: Error }>;
  /** SIGTERM, wait for exit, SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

/** Start Janus from gateway-config/ and wait until its Admin API and WebSocket port answer. */
export function startGateway(opts?: StartGatewayOptions): Promise<Gateway>;

/** The committed defaults of the .jcfg files. */
export const DEFAULTS: Readonly<{
  wsPort: number;
  httpPort: number;
  adminPort: number;
  adminSecret: string;
}>;

/** Well-known secrets for trying secure mode locally and in tests; the production profile refuses them. */
export const LOCAL_SECURE_SECRETS: Readonly<{
  tokenSecret: string;
  apiSecret: string;
}>;
