/**
 * The guard's WebSocket server: speaks the Janus API (`janus-protocol` subprotocol) to browsers and
 * relays, per browser, over its own WebSocket to a Janus that listens on loopback for it alone; and
 * the guard's own admin session, which it keeps for as long as it runs, across Janus restarts.
 */
import { WebSocketServer, type WebSocket } from 'ws';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FileStore, type FileStoreOptions } from './files';
import { handleFileRequest } from './file-http';
import { ClientConnection } from './connection';
import { GuardCore } from './core';
import { RoomAuthority } from './authority';
import { AdminSession, JanusLink } from './janus-link';
import { DEFAULT_LIMITS, RoomRegistry, type Limits } from './rooms';
import { DEFAULT_RATE, type RateOptions } from './rate-limit';
import { DEFAULT_PING_MS } from './heartbeat';
import type { Profile } from './identity';

/** Largest client frame, in bytes. A larger one closes that client's socket (1009). */
export const MAX_FRAME_BYTES = 256 * 1024;

export interface GuardOptions {
  /** Janus's WebSocket, e.g. ws://127.0.0.1:8189 (loopback: only the guard should reach it). */
  janusUrl: string;
  /** janus.plugin.videoroom's admin_key (JANUS_VIDEOROOM_ADMIN_KEY): rooms are created by the guard only. */
  adminKey: string;
  /** 'development' (default): tokens optional. 'secure': a signed token is required. */
  profile?: Profile;
  /** HS256 secret of the tokens (KT_TOKEN_SECRET). Required in the secure profile. */
  tokenSecret?: string;
  /** Janus `api_secret`, if the gateway has one. */
  janusApiSecret?: string;
  /** Where to listen. Default 127.0.0.1, port 0 (a free one). */
  host?: string;
  port?: number;
  /** How long a session whose browser dropped waits for a `claim`. Default 20000 (Janus's reclaim_session_timeout). */
  reclaimMs?: number;
  /** WebSocket ping interval to clients; two missed pongs in a row end the client. Default 30000. */
  pingMs?: number;
  limits?: Partial<Limits>;
  rate?: Partial<RateOptions>;
  /** Where refusals and room events are logged. Default: nowhere. */
  log?: (line: string) => void;
  /**
   * The file store of documentShare (served over HTTP under /files on the guard's own port):
   * its directory and limits; default in memory, 20 MiB a file, 100 MiB a room. false: none.
   */
  files?: FileStoreOptions | false;
  /**
   * The guard's address as browsers reach it (e.g. https://gw.example.com:8989), for the file
   * URLs it gives. Default: from each client's Host header, https when `secureFront` is set or a
   * proxy says so (x-forwarded-proto).
   */
  publicUrl?: string;
  /** TLS is terminated in front of the guard (gateway-config/guard.cjs with KT_TLS_*): file URLs are https. */
  secureFront?: boolean;
}

export interface Guard {
  /** ws://host:port of the guard: what the SDK's `server` option points at. */
  url: string;
  port: number;
  /** The room registry (read it; for tests and operators). */
  rooms: RoomRegistry;
  /** Open client connections, live sessions, rooms, and whether the admin session is up (Janus reachable). */
  stats(): { connections: number; sessions: number; rooms: number; janus: boolean };
  stop(): Promise<void>;
}

/** The admin session's retry delays after Janus went away: quick at first, then every 5 s. */
const RECONNECT_MS = (attempt: number) => Math.min(5000, 250 * 2 ** attempt);

export async function startGuard(options: GuardOptions): Promise<Guard> {
  const profile = options.profile ?? 'development';
  if (profile === 'secure' && !(options.tokenSecret && options.tokenSecret.length >= 16)) {
    throw new Error('the secure profile needs a token secret of at least 16 characters');
  }
  if (!options.adminKey) throw new Error('adminKey is required: without it any client could create rooms in Janus');
  const log = options.log ?? (() => {});
  const rooms = new RoomRegistry({ ...DEFAULT_LIMITS, ...options.limits });
  const rate = { ...DEFAULT_RATE, ...options.rate };

  let admin = await startAdmin(options);
  let janusUp = true;
  const authority = () => {
    const made = new RoomAuthority(admin, rooms, { adminKey: options.adminKey, log });
    made.onDestroyed = (room) => {
      core.boards.drop(room.id);
      core.files?.dropRoom(room.id);
    };
    return made;
  };
  const core: GuardCore = new GuardCore(rooms, authority(), { reclaimMs: options.reclaimMs ?? 20000, log });

  const files = options.files === false ? null : new FileStore(options.files ?? {});
  core.files = files;
  // One port for both: WebSocket upgrades are the guard's, plain HTTP requests the file store's.
  const http = createServer((req, res) => {
    if (files && handleFileRequest(req, res, files, { publicUrl: options.publicUrl, log })) return;
    res.writeHead(426, { 'content-type': 'text/plain' }).end('This is a Janus API WebSocket (subprotocol janus-protocol).');
  });
  const wss = new WebSocketServer({
    server: http,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    handleProtocols: (protocols) => (protocols.has('janus-protocol') ? 'janus-protocol' : false),
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  wss.on('error', (err) => log(`server error: ${String(err)}`));
  const connections = new Set<ClientConnection>();
  wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
    if (ws.protocol !== 'janus-protocol') return ws.close(1002, 'janus-protocol subprotocol required');
    const conn = new ClientConnection(ws, core, {
      janusUrl: options.janusUrl,
      janusApiSecret: options.janusApiSecret,
      identity: { profile, tokenSecret: options.tokenSecret },
      rate,
      pingMs: options.pingMs ?? DEFAULT_PING_MS,
      maxSessions: 4,
      maxHandles: 16,
      maxPending: 256,
    });
    conn.relay.filesUrl = files ? filesUrlOf(req, options) : undefined;
    connections.add(conn);
    ws.on('close', () => connections.delete(conn));
  });

  // The admin link dropped: Janus restarted (or is gone). Every room and session in it is gone
  // too, so is the guard's view of them (the sessions end as each client's own link to Janus
  // closes, connection.ts); clients are closed so that they reconnect, claim, hear "No such
  // session" and rebuild, exactly as behind a Janus that restarted with no guard.
  let stopping = false;
  const watch = () => {
    admin.link.onClose = () => {
      if (stopping) return;
      janusUp = false;
      admin.stop();
      log('lost the admin session: Janus restarted? dropping all rooms, sessions and clients');
      rooms.clear();
      core.boards.clear();
      files?.clear();
      for (const client of wss.clients) client.close(1011, 'gateway restarted');
      void reconnect();
    };
  };
  const reconnect = async () => {
    for (let attempt = 0; !stopping; attempt++) {
      await new Promise((r) => setTimeout(r, RECONNECT_MS(attempt)));
      if (stopping) return;
      try {
        admin = await startAdmin(options);
      } catch {
        continue;
      }
      if (stopping) return admin.stop();
      core.authority = authority();
      janusUp = true;
      watch();
      log('admin session back');
      return;
    }
  };
  watch();

  const port = (http.address() as AddressInfo).port;
  return {
    url: `ws://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    rooms,
    stats: () => ({ connections: connections.size, sessions: core.sessions.size, rooms: rooms.all().length, janus: janusUp }),
    stop: async () => {
      stopping = true;
      for (const client of wss.clients) client.terminate();
      for (const conn of connections) conn.relay.close();
      admin.stop();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

/** Where this client reaches the file store: the configured public URL, or as it reached us. */
function filesUrlOf(req: IncomingMessage, options: GuardOptions): string {
  if (options.publicUrl) return `${options.publicUrl.replace(/\/+$/, '')}/files`;
  const proto = options.secureFront || req.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http';
  return `${proto}://${req.headers.host ?? `${options.host ?? '127.0.0.1'}:${options.port ?? 0}`}/files`;
}

async function startAdmin(options: GuardOptions): Promise<AdminSession> {
  const admin = new AdminSession(new JanusLink({ url: options.janusUrl, apiSecret: options.janusApiSecret }));
  try {
    await admin.start();
  } catch (err) {
    admin.stop();
    throw err;
  }
  return admin;
}
