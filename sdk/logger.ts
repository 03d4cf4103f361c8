/**
 * Named loggers, one per subsystem from a fixed list, sharing one level. The default level is
 * 'error': quiet enough for production, loud enough to explain a failure. A logger can carry
 * context (the room and user it works for), printed with every line: `[knowledgetalk:room
 * room=R1 user=alice]`.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'error' | 'off';

/** The subsystems, one logger name each. */
export type Subsystem = 'api' | 'client' | 'connection' | 'gateway' | 'room' | 'publisher' | 'subscriber' | 'messenger' | 'quality' | 'devices';

const RANK: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, error: 3, off: 4 };

let current: LogLevel = 'error';
const listeners = new Set<(level: LogLevel) => void>();

export interface Logger {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  /** Problems the SDK recovered from or reports as a code: logged at 'info' and below. */
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  /** The same logger with more context (e.g. `{ room, user }`). */
  with(context: Record<string, string | undefined>): Logger;
}

function enabled(level: LogLevel): boolean {
  return RANK[level] >= RANK[current];
}

export function getLogger(name: Subsystem, context: Record<string, string | undefined> = {}): Logger {
  const fields = Object.entries(context).filter(([, v]) => v !== undefined);
  const prefix = `[knowledgetalk:${name}${fields.map(([k, v]) => ` ${k}=${v}`).join('')}]`;
  return {
    trace: (...a) => enabled('trace') && console.debug(prefix, ...a),
    debug: (...a) => enabled('debug') && console.debug(prefix, ...a),
    info: (...a) => enabled('info') && console.info(prefix, ...a),
    warn: (...a) => enabled('info') && console.warn(prefix, ...a),
    error: (...a) => enabled('error') && console.error(prefix, ...a),
    with: (more) => getLogger(name, { ...context, ...more }),
  };
}

export const loggerControl = {
  /** Sets the level of every logger of the SDK; false (and unchanged) for an unknown level. */
  setLevel(level: LogLevel): boolean {
    // hasOwn, not `in`: 'constructor' or 'toString' must not become a level.
    if (typeof level !== 'string' || !Object.hasOwn(RANK, level)) return false;
    current = level;
    listeners.forEach((fn) => fn(level));
    return true;
  },
  /** The current level. */
  getLevel(): LogLevel {
    return current;
  },
  /** For the gateway module, which mirrors the level into janus.js's own console output. */
  onChange(fn: (level: LogLevel) => void): void {
    listeners.add(fn);
  },
};
