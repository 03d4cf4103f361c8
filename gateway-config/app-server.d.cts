/** Types of gateway-config/app-server.cjs (the token service of a secure deployment). */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** What the client asked for in POST /api/token, checked. */
export interface TokenRequest {
  /** The display name it asked for (1-64 characters, trimmed). */
  name: string;
  /** The room it wants to enter, if it named one (a room id). */
  room?: string;
  /** Whether it asked for the right to create rooms. */
  create: boolean;
}

/** What the token says: who the user is and what the guard lets it do. */
export interface TokenGrant {
  /** The user id (1-64 of A-Z a-z 0-9 - _): the guard makes it the session's, whatever the client sends. */
  user: string;
  /** The display name others see. Default: the name asked for. */
  name?: string;
  /** Rooms the user may enter. */
  rooms?: string[];
  /** May create rooms (and is the host of the rooms it creates). */
  create?: boolean;
  /** Host powers (kick, destroy, record) in `rooms`. */
  host?: boolean;
}

export interface AppServerOptions {
  /** The gateway guard's token secret (KT_TOKEN_SECRET), 16 characters or more. Required. */
  tokenSecret: string;
  /**
   * Your sign-in check: the grant for this request (read your own session from `req`, e.g. its
   * cookie), or null/false to refuse (401). Required unless `allowOpenSignUp`.
   */
  signIn?: (request: TokenRequest, req: IncomingMessage) => TokenGrant | null | false | undefined | Promise<TokenGrant | null | false | undefined>;
  /**
   * Without signIn: give anyone who asks a token (a fresh user id, the name, the room asked for or
   * the right to create). For the demo and trials only. Default false: without signIn the server
   * refuses to start.
   */
  allowOpenSignUp?: boolean;
  /**
   * Token requests per client address: `burst` at once, refilled at `perMinute` (default 20/min,
   * burst 10); beyond that 429 with Retry-After. false: no limit.
   */
  rateLimit?: { perMinute?: number; burst?: number } | false;
  /** Take the client address from the last X-Forwarded-For hop (behind your own reverse proxy only). Default false. */
  trustProxy?: boolean;
  /** Handed to the client as `server` (the SDK's `server` option), e.g. "wss://gw.example.com:8989". */
  gatewayUrl?: string;
  /** Token (and TURN credential) lifetime in seconds. Default 4 hours. */
  ttlSeconds?: number;
  /** STUN URLs handed out in `iceServers`, e.g. ["stun:turn.example.com:3478"]. */
  stunUrls?: string[];
  /** coturn REST API: its static-auth-secret and the TURN URLs handed out with fresh credentials. */
  turn?: { secret: string; urls: string[]; ttlSeconds?: number };
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
  /** The user id the token names (init's userId is this one, whatever the app passes). */
  user: string;
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

/**
 * The CLI's settings from KT_TOKEN_SECRET (shipped defaults refused), KT_SIGN_IN (a module
 * exporting signIn), KT_ALLOW_OPEN_SIGNUP, KT_TOKEN_RATE, KT_TOKEN_BURST, KT_TRUST_PROXY,
 * KT_GATEWAY_URL, KT_TOKEN_TTL, KT_APP_PORT, KT_APP_HOST, KT_ALLOW_ORIGIN, STUN_URLS, TURN_SECRET,
 * TURN_URLS.
 */
export function optionsFromEnv(env: Record<string, string | undefined>): AppServerOptions;
