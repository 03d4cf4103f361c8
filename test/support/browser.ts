/**
 * Pages running the built UMD bundle (served by page-server.ts), one isolated browser context per
 * member, on Chromium (playwright-core) or Firefox (puppeteer-core over WebDriver BiDi,
 * firefox.ts). Scenarios written against MemberPage's own methods (call, harness, evaluate, …) run
 * on both engines; `member.page` is the Playwright Page, for Chromium-only tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { eventually } from './wait';

const HARNESS = path.join(__dirname, 'harness.js');

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];

export interface LaunchOptions {
  /**
   * How many fake cameras, microphones and speakers Chromium offers (one of each by default).
   * With 2, the second camera captures 1280×720 where the first gives 640×480.
   */
  fakeDevices?: number;
  /**
   * false: pages are never granted the camera and microphone (no `--use-fake-ui-for-media-stream`),
   * so Chromium hides their host addresses behind mDNS names, which the gateway ignores
   * (`ignore_mdns`): it reaches the pages only at the addresses their checks come from.
   */
  mediaPermission?: boolean;
}

/** Chromium, as a Playwright Browser (the Chromium-only tests use it directly). */
export function launchBrowser({ fakeDevices, mediaPermission = true }: LaunchOptions = {}): Promise<Browser> {
  const args = CHROMIUM_ARGS.filter((a) => mediaPermission || a !== '--use-fake-ui-for-media-stream').map((a) =>
    fakeDevices && a === '--use-fake-device-for-media-stream' ? `${a}=device-count=${fakeDevices}` : a,
  );
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

// ------------------------------------------------------------------ the engine-neutral layer

export type Engine = 'chromium' | 'firefox';
export const ENGINES: readonly Engine[] = ['chromium', 'firefox'];

/** What a scenario needs of a page, on either engine. */
export interface EnginePage {
  readonly engine: Engine;
  /** Runs `fn` in the page with one JSON-able argument; resolves with its JSON-able result. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** A script run before any script of every document the page loads from now on. */
  addInitScript(source: string): Promise<void>;
  goto(url: string): Promise<void>;
  /** Console messages: type ('log', 'error', …) and text. */
  onConsole(listener: (type: string, text: string) => void): void;
  /** Uncaught errors and unhandled rejections of the page. */
  onPageError(listener: (message: string) => void): void;
  screenshot(file: string): Promise<void>;
  /** Brings the page's window to the front: it gets the focus, as the page a person looks at. */
  focus(): Promise<void>;
  /** Closes the page and its browser context. */
  close(): Promise<void>;
  /** The Playwright Page behind a Chromium page. */
  readonly playwright?: Page;
}

/** A launched browser of either engine: each `newPage` is a fresh, isolated browser context. */
export interface EngineBrowser {
  readonly engine: Engine;
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<EnginePage>;
  close(): Promise<void>;
}

class PlaywrightPage implements EnginePage {
  readonly engine = 'chromium' as const;
  constructor(
    private readonly context: BrowserContext,
    readonly playwright: Page,
  ) {}

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.playwright.evaluate(fn as any, arg) as Promise<R>;
  }
  async addInitScript(source: string): Promise<void> {
    await this.context.addInitScript(source);
  }
  async goto(url: string): Promise<void> {
    await this.playwright.goto(url);
  }
  onConsole(listener: (type: string, text: string) => void): void {
    this.playwright.on('console', (m) => listener(m.type(), m.text()));
  }
  onPageError(listener: (message: string) => void): void {
    this.playwright.on('pageerror', (e) => listener(String(e)));
  }
  async screenshot(file: string): Promise<void> {
    await this.playwright.screenshot({ path: file });
  }
  async focus(): Promise<void> {
    await this.playwright.bringToFront();
  }
  close(): Promise<void> {
    return this.context.close();
  }
}

/** A Playwright Browser (Chromium) seen through the neutral interface. */
export function engineOf(browser: Browser): EngineBrowser {
  return {
    engine: 'chromium',
    async newPage({ viewport } = {}) {
      const context = await browser.newContext(viewport ? { viewport } : {});
      return new PlaywrightPage(context, await context.newPage());
    },
    close: () => browser.close(),
  };
}

/** Chromium (with the options above) or Firefox ESR (firefox.ts), behind the neutral interface. */
export async function launchEngine(engine: Engine, options: LaunchOptions = {}): Promise<EngineBrowser> {
  if (engine === 'chromium') return engineOf(await launchBrowser(options));
  const { launchFirefox } = await import('./firefox');
  return launchFirefox();
}

export function janusUrl(): string {
  const url = process.env.JANUS_URL;
  if (!url) throw new Error('JANUS_URL is not set (the global setup starts Janus)');
  return url;
}

let harnessSource: string | undefined;

/** One member of a call: a page with the SDK loaded and `window.harness` ready. */
export class MemberPage {
  readonly logs: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(readonly view: EnginePage) {
    view.onConsole((type, text) => this.logs.push(`[${type}] ${text}`));
    // Unhandled rejections and uncaught errors in the page land here: tests assert there are none.
    view.onPageError((e) => this.pageErrors.push(e));
  }

  /** Opens a member on Chromium (a Playwright Browser, as most tests have) or on either engine. */
  static async open(browser: Browser | EngineBrowser, options: Record<string, unknown> = {}): Promise<MemberPage> {
    const engine = 'engine' in browser ? browser : engineOf(browser);
    const view = await engine.newPage();
    harnessSource ??= readFileSync(HARNESS, 'utf8');
    await view.addInitScript(harnessSource);
    const member = new MemberPage(view);
    await view.goto(`${process.env.KT_PAGE_ORIGIN}/`);
    await view.evaluate((opts) => window.harness.create(opts), { server: janusUrl(), ...options });
    return member;
  }

  get engine(): Engine {
    return this.view.engine;
  }

  /** The Playwright Page: Chromium only. Scenarios meant for every engine use `evaluate`. */
  get page(): Page {
    if (!this.view.playwright) throw new Error(`member.page is Playwright's, and this member runs on ${this.view.engine}: use member.evaluate`);
    return this.view.playwright;
  }

  /** Runs `fn` in the page with one JSON-able argument, on either engine. */
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.view.evaluate(fn, arg);
  }

  /** Calls a Knowledgetalk method with JSON-able arguments and returns its JSON-able result. */
  call<T = any>(method: string, ...args: unknown[]): Promise<T> {
    return this.view.evaluate(
      async ([m, a]) => {
        const kt = window.harness.kt as any;
        const r = await kt[m as string](...(a as unknown[]));
        return r === undefined ? null : JSON.parse(JSON.stringify(r));
      },
      [method, args] as const,
    );
  }

  harness<T = any>(fn: string, ...args: unknown[]): Promise<T> {
    return this.view.evaluate(([f, a]) => (window.harness as any)[f as string](...(a as unknown[])), [fn, args] as const);
  }

  presence(): Promise<any[]> {
    return this.view.evaluate(() => window.harness.presence);
  }

  /** Resolves with the first presence event matching; fails after `timeoutMs`. */
  async waitForPresence(match: (detail: any) => boolean, timeoutMs = 15000): Promise<any> {
    const events = await eventually(
      'a matching presence event',
      () => this.presence(),
      (seen) => seen.some(match),
      { timeoutMs, intervalMs: 100 },
    );
    return events.find(match);
  }

  openPeerConnections(): Promise<number> {
    return this.harness('openPeerConnections');
  }

  screenshot(file: string): Promise<void> {
    return this.view.screenshot(file);
  }

  /** Brings the page to the front (see EnginePage.focus). */
  focus(): Promise<void> {
    return this.view.focus();
  }

  /**
   * Leaves the gateway, then closes the page: a test that failed half-way must not leave its
   * sessions for the next test's leak check (a closed page's session lives on until Janus's
   * session timeout). Bounded, for a page that no longer answers.
   */
  async close(): Promise<void> {
    const leave = this.view.evaluate(() => window.harness?.kt?.disconnect()).catch(() => undefined);
    await Promise.race([leave, new Promise((resolve) => setTimeout(resolve, 3000))]);
    await this.view.close();
  }
}

declare global {
  interface Window {
    harness: any;
    Knowledgetalk: any;
  }
}
