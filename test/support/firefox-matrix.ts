/**
 * Fixtures of the browser matrix (test/integration/browsers*.test.ts): one browser per engine per
 * test file, launched the first time a test asks for it, member pages closed after each test.
 * Scenarios use only MemberPage's neutral methods, so the same code runs on Chromium and Firefox.
 */
import { launchEngine, MemberPage, type Engine, type EngineBrowser } from './browser';

export interface Engines {
  /** `n` members on `engine`, each in its own browser context, the SDK created with `options`. */
  open(engine: Engine, n: number, options?: Record<string, unknown>): Promise<MemberPage[]>;
  /** The file's browser of `engine` (for pages that are not members, like the demo's). */
  browser(engine: Engine): Promise<EngineBrowser>;
}

/** Registers the browsers' lifecycle in the calling test file. */
export function useEngines(): Engines {
  const launched = new Map<Engine, Promise<EngineBrowser>>();
  const members: MemberPage[] = [];
  const browser = (engine: Engine) => {
    if (!launched.has(engine)) launched.set(engine, launchEngine(engine));
    return launched.get(engine)!;
  };
  afterEach(async () => {
    await Promise.all(members.splice(0).map((m) => m.close()));
  });
  afterAll(async () => {
    await Promise.all([...launched.values()].map(async (b) => (await b.catch(() => null))?.close()));
  });
  return {
    browser,
    async open(engine, n, options = {}) {
      const b = await browser(engine);
      const opened = await Promise.all(Array.from({ length: n }, () => MemberPage.open(b, options)));
      members.push(...opened);
      return opened;
    },
  };
}

/** The instance's connection events so far (disconnected, reconnecting, reconnected), by type. */
export const connectionEvents = (m: MemberPage): Promise<string[]> => m.evaluate(() => (window as any).harness.events.map((e: { type: string }) => e.type));
