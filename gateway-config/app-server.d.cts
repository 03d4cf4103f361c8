/** Types of gateway-config/app-server.cjs (the token service of a secure deployment). */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface AppServerOptions {
  /** The gateway's token_auth_secret. Required. */
  tokenSecret: string;
  /** Handed to the client as `server` (the SDK's `server` option), e.g. "wss://gw.example.com:8989". */
  gatewayUrl?: string;
  /** Token (and TURN credential) lifetime in seconds. Default 4 hours. */
  ttlSeconds?: number;
  /** Plugins the tokens may attach to. Default VideoRoom and TextRoom. */
  plugins?: string[];
  /** STUN URLs handed out in `iceServers`, e.g. ["stun:turn.example.com:3478"]. */
  stunUrls?: string[];
  /** coturn REST API: its static-auth-secret and the TURN URLs handed out with fresh credentials. */
  turn?: { secret: string; urls: string[]; ttlSeconds?: number };
  /** Who may get a token. Default: anyone with a valid name (the demo). */
  authenticate?: (name: string, req: IncomingMessage) => boolean | Promise<boolean>;
  /** CORS: the one origin allowed to call the API from a browser. Default: none (same origin only). */
  allowOrigin?: string;
  /** startAppServer only: port (default 0 = a free one) and address (default 127.0.0.1). */
  port?: number;
  host?: string;
}

/** The answer of POST /api/token. */
export interface TokenAnswer {
  /** For init(cpCode, authKey). */
  token: string;
  /** Last valid second of the token, Unix time. */
  expiresAt: number;
  name: string;
  /** Present when gatewayUrl is configured. */
  server?: string;
  /** Present when STUN/TURN is configured: pass as new Knowledgetalk({ iceServers }). */
  iceServers?: { urls: string[]; username?: string; credential?: string }[];
}

/** Answers /api/token and /api/health; returns false (and does nothing) for any other path. */
export function createTokenHandler(options: AppServerOptions): (req: IncomingMessage, res: ServerResponse) => boolean;

export interface AppServer {
  /** e.g. "http://127.0.0.1:3001" */
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export function startAppServer(options: AppServerOptions): Promise<AppServer>;

/** The CLI's settings from JANUS_TOKEN_SECRET, KT_GATEWAY_URL, KT_TOKEN_TTL, KT_APP_PORT, ... */
export function optionsFromEnv(env: Record<string, string | undefined>): AppServerOptions;
