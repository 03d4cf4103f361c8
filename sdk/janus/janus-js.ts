/**
 * The one module that loads janus.js. It initialises the library once per page, mirrors our log
 * level into it, and connects: one Janus session per call. session.ts and handle.ts turn its
 * callback objects into the promise/event interfaces of `types.ts`; the rest of the SDK never sees
 * a janus.js callback or object.
 */
import Janus from 'janus-gateway';
import { detectBrowser } from 'webrtc-adapter/src/js/utils.js';
import mitt from 'mitt';
import { Code, KtError } from '../errors';
import { getLogger, loggerControl, type LogLevel } from '../logger';
import { retryUntil, withTimeout } from '../util/wait';
import { coreError } from './errors';
import type { JanusJs } from './handle';
import { JanusSession } from './session';
import type { ConnectOptions, GatewaySession, SessionEvents } from './types';

const log = getLogger('gateway');

const JanusLib: JanusJs = Janus;

/**
 * Mirrors our log level into janus.js's console functions. janus.js reads its `debug` option only
 * in the first Janus.init, so later changes set the functions directly.
 */
function applyJanusLogLevel(level: LogLevel): void {
  const on = (name: string): boolean => {
    if (level === 'trace' || level === 'debug') return true;
    if (level === 'info') return ['log', 'warn', 'error'].includes(name);
    return level === 'error' && name === 'error';
  };
  const sinks: Record<string, (...a: unknown[]) => void> = {
    trace: console.debug.bind(console),
    debug: console.debug.bind(console),
    vdebug: console.debug.bind(console),
    log: console.log.bind(console),
    warn: console.warn.bind(console),
    error: console.error.bind(console),
  };
  for (const [name, sink] of Object.entries(sinks)) JanusLib[name] = on(name) ? sink : JanusLib.noop;
}

let initialised: Promise<void> | undefined;

/**
 * Janus.init once per page. janus.js takes webrtc-adapter as a dependency but reads nothing from it
 * except `browserDetails`, so it gets adapter's browser detection only, not the whole library:
 * adapter's shims (for browsers without standard WebRTC 1.0 APIs) cost 11 KB of the 40 KB budget.
 * A page that needs them loads adapter.js itself (the shims patch the browser globally).
 */
function initJanusJs(): Promise<void> {
  initialised ??= new Promise<void>((resolve) => {
    JanusLib.init({
      debug: false,
      dependencies: JanusLib.useDefaultDependencies({ adapter: { browserDetails: detectBrowser(window) } }),
      callback: () => {
        applyJanusLogLevel(loggerControl.getLevel());
        loggerControl.onChange(applyJanusLogLevel);
        resolve();
      },
    });
  });
  return initialised;
}

/**
 * Connects and creates one Janus session. An unreachable gateway (it may be restarting) is tried
 * again with the SDK's backoff (util/wait.ts) until `timeoutMs` is used up, then '504'. Any
 * answer from the gateway itself, a refused token above all, is final: no retry hammers it.
 */
export async function connectJanus(options: ConnectOptions): Promise<GatewaySession> {
  await initJanusJs();
  if (!JanusLib.isWebrtcSupported()) throw new KtError(Code.MEDIA_ERROR, 'WebRTC is not supported here');
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  const session = await retryUntil(
    async () => {
      try {
        return await connectOnce({ ...options, timeoutMs: deadline - Date.now() });
      } catch (err) {
        if (!(err instanceof KtError) || err.code !== Code.GATEWAY_TIMEOUT) throw err;
        lastError = err;
        log.warn('gateway unreachable, trying again');
        return undefined;
      }
    },
    { deadline },
  );
  if (!session) throw lastError;
  return session;
}

async function connectOnce(options: ConnectOptions): Promise<GatewaySession> {
  let janus: JanusJs;
  let connected = false;
  const events = mitt<SessionEvents>();
  const sockets = captureSockets();
  const ready = new Promise<void>((resolve, reject) => {
    janus = new JanusLib({
      server: options.servers.length === 1 ? options.servers[0] : options.servers,
      token: options.token,
      iceServers: options.iceServers,
      // Tell Janus when we are gone quickly rather than waiting for the session timeout.
      destroyOnUnload: true,
      success: () => {
        connected = true;
        resolve();
      },
      error: (cause: unknown) => {
        if (!connected) {
          reject(coreError(cause));
          return;
        }
        log.warn('gateway connection dropped:', cause);
        events.emit('dropped', { reason: String(cause) });
      },
    });
  });
  sockets.stop();
  try {
    await withTimeout(ready, options.timeoutMs, 'connecting to the gateway');
  } catch (err) {
    // Stop janus.js retrying in the background; nothing else holds it.
    try {
      janus.destroy({ notifyDestroyed: false, cleanupHandles: true });
    } catch {
      /* not connected, nothing to free */
    }
    sockets.closeAll();
    throw err;
  }
  return new JanusSession(janus, events);
}

/**
 * janus.js leaves its WebSocket open when Janus refuses to create the session (a bad token) and
 * has no way to close it. Its constructor opens the socket synchronously, so the sockets opened
 * between this call and stop() are this attempt's. (With a server list, the sockets for the next
 * servers, opened after one fails, are not seen.)
 */
function captureSockets(): { stop(): void; closeAll(): void } {
  const sockets: WebSocket[] = [];
  const open = JanusLib.newWebSocket;
  JanusLib.newWebSocket = (server: string, protocol: string) => {
    const ws = open(server, protocol);
    sockets.push(ws);
    return ws;
  };
  return {
    stop: () => {
      JanusLib.newWebSocket = open;
    },
    closeAll: () => sockets.forEach((ws) => ws.close()),
  };
}
