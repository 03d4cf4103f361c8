/**
 * PrivacyMode's logger: `[PrivacyMode]` lines on the console, one level for every instance (the
 * SDK's logger is in another bundle). Default 'error': failures are logged, since the calls resolve
 * instead of throwing; `PrivacyMode.logger.setLevel('debug')` shows what it does.
 */
export type PrivacyLogLevel = 'debug' | 'info' | 'error' | 'off';

const RANK: Record<PrivacyLogLevel, number> = { debug: 0, info: 1, error: 2, off: 3 };
let current: PrivacyLogLevel = 'error';

const at =
  (level: PrivacyLogLevel, write: (...args: unknown[]) => void) =>
  (...args: unknown[]): void => {
    if (RANK[level] >= RANK[current]) write('[PrivacyMode]', ...args);
  };

export const log = {
  debug: at('debug', (...a) => console.debug(...a)),
  info: at('info', (...a) => console.info(...a)),
  /** Something went wrong and was recovered from (a fallback was used). */
  warn: at('info', (...a) => console.warn(...a)),
  error: at('error', (...a) => console.error(...a)),
};

export const loggerControl = {
  /** false (and nothing changes) for anything but 'debug' | 'info' | 'error' | 'off'. */
  setLevel(level: unknown): boolean {
    if (typeof level !== 'string' || !(level in RANK)) return false;
    current = level as PrivacyLogLevel;
    return true;
  },
  getLevel(): PrivacyLogLevel {
    return current;
  },
};
