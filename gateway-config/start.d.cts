/** Types of gateway-config/start.cjs (the local gateway, Janus + the guard, for dev and tests). */

export type GatewayProfile = 'development' | 'secure';

export interface StartGatewayOptions {
  /**
   * 'development' (default): tokens optional, any authKey gets an identity (an unchanged
   * Knowledgetalk sample works). 'secure': every session needs a token signed with `tokenSecret`
   * (signToken of `knowledgetalk-janus/guard`, `npx kt-token`); anything else is refused (the SDK
   * says '401').
   */
  profile?: GatewayProfile;
  /**
   * The guard's HS256 token secret (KT_TOKEN_SECRET), 16 characters or more. Required by the
   * secure profile; in development, tokens signed with it are honoured (and others still get a
   * generated identity). Janus itself never sees it: it does no token auth.
   */
  tokenSecret?: string;
  /** Pick three free TCP ports on 127.0.0.1 (guard, Janus WebSocket, Admin API) instead of the defaults/explicit ones. */
  freePorts?: boolean;
  /** The guard's port: what browsers and the SDK connect to. Default 8188. Ignored with freePorts. */
  wsPort?: number;
  /** Where the guard listens. Default 127.0.0.1 ('0.0.0.0': every address, e.g. to try phones on a LAN). */
  guardHost?: string;
  /** Janus's own WebSocket port (127.0.0.1, for the guard only). Default 8189. Ignored with freePorts. */
  janusWsPort?: number;
  /** HTTP Admin API port (127.0.0.1). Default 7088. Ignored with freePorts. */
  adminPort?: number;
  /** Admin API secret. Default "kt-local-admin". */
  adminSecret?: string;
  /** Janus debug level 0-7. Default 4 (from janus.jcfg). */
  debugLevel?: number;
  /** Append the output of Janus and of the guard to this file (instead of the console). */
  logFile?: string;
  /** Without logFile: discard their output instead of forwarding it to the console. */
  quiet?: boolean;
  /** How long to wait for Janus, then for the guard, to answer, in ms. Default 20000 each. */
  timeoutMs?: number;
  /** Janus `api_secret`; the guard sends it with every request. Default: off. */
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
   * as undefined is removed. For settings without an option here, e.g. JANUS_SESSION_TIMEOUT.
   * The variables the options set (JANUS_WS_PORT, JANUS_ADMIN_PORT, JANUS_ADMIN_SECRET,
   * JANUS_DEBUG_LEVEL, JANUS_API_SECRET, JANUS_RECORDINGS_DIR, JANUS_VIDEOROOM_ADMIN_KEY) are
   * refused: startGateway rejects, naming them.
   */
  env?: Record<string, string | undefined>;
}

export interface GatewayPorts {
  /** The guard (browsers). */
  ws: number;
  /** Janus's own WebSocket (loopback, the guard's link). */
  janusWs: number;
  /** Janus's Admin API over HTTP (loopback). */
  admin: number;
}

/** How the gateway ended: the first of its two processes that exited (the other was then stopped). */
export interface GatewayExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
  process: 'janus' | 'guard';
}

export interface Gateway {
  /** The guard, e.g. "ws://127.0.0.1:8188": the SDK's `server`, and the only way in for browsers. */
  wsUrl: string;
  /**
   * Janus's own WebSocket, e.g. "ws://127.0.0.1:8189", loopback only: for a guard of a test's own,
   * raw Janus tests and the bench's plain janus.js baseline. Never for browsers of an app.
   */
  janusWsUrl: string;
  /** e.g. "http://127.0.0.1:7088/admin" */
  adminUrl: string;
  adminSecret: string;
  /** The VideoRoom admin_key of this start (random; Janus and the guard have it). A secret. */
  janusAdminKey: string;
  profile: GatewayProfile;
  /** The guard's token secret, when one was given. */
  tokenSecret?: string;
  /** Janus's api_secret, when one was set. */
  apiSecret?: string;
  /** Absolute path of the folder recordings are written to. */
  recordingsDir: string;
  ports: GatewayPorts;
  /** Process id of Janus itself. */
  pid: number;
  /** Process id of the guard (node guard.cjs). */
  guardPid: number;
  /** Janus sessions the gateway itself holds (the guard's admin session): leak checks leave them out. */
  ownSessions: number[];
  /**
   * Resolves once the gateway is down: after stop(), or when Janus or the guard exited on its own
   * (a crash of either is a crash of the gateway: the other is then stopped too).
   */
  exited: Promise<GatewayExit>;
  /** Stops the guard, then Janus (SIGTERM, SIGKILL after 5 s each). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Start Janus from gateway-config/ (loopback, VideoRoom admin_key) and the guard in front of it
 * (its own Node process), and wait until both answer.
 */
export function startGateway(opts?: StartGatewayOptions): Promise<Gateway>;

/** The committed defaults: the guard's port, Janus's WebSocket and Admin API ports, the local admin secret. */
export const DEFAULTS: Readonly<{
  wsPort: number;
  janusWsPort: number;
  adminPort: number;
  adminSecret: string;
}>;

/** Well-known secrets for trying the secure profile locally and in tests; deployments refuse them. */
export const LOCAL_SECURE_SECRETS: Readonly<{
  /** For the guard (KT_TOKEN_SECRET). */
  tokenSecret: string;
  /** For Janus (api_secret). */
  apiSecret: string;
}>;
