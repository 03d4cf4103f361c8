/**
 * Chromium pages running the built UMD bundle (served by page-server.ts), one isolated browser
 * context per member.
 */
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

export function launchBrowser({ fakeDevices, mediaPermission = true }: LaunchOptions = {}): Promise<Browser> {
  const args = CHROMIUM_ARGS.filter((a) => mediaPermission || a !== '--use-fake-ui-for-media-stream').map((a) =>
    fakeDevices && a === '--use-fake-device-for-media-stream' ? `${a}=device-count=${fakeDevices}` : a,
  );
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args });
}

export function janusUrl(): string {
  const url = process.env.JANUS_URL;
  if (!url) throw new Error('JANUS_URL is not set (the global setup starts Janus)');
  return url;
}

/** One member of a call: a page with the SDK loaded and `window.harness` ready. */
export class MemberPage {
  readonly logs: string[] = [];
  readonly pageErrors: string[] = [];

  private constructor(
    private readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('console', (m) => this.logs.push(`[${m.type()}] ${m.text()}`));
    // Unhandled rejections and uncaught errors in the page land here: tests assert there are none.
    page.on('pageerror', (e) => this.pageErrors.push(String(e)));
  }

  static async open(browser: Browser, options: Record<string, unknown> = {}): Promise<MemberPage> {
    const context = await browser.newContext();
    await context.addInitScript({ path: HARNESS });
    const page = await context.newPage();
    const member = new MemberPage(context, page);
    await page.goto(`${process.env.KT_PAGE_ORIGIN}/`);
    await page.evaluate((opts) => window.harness.create(opts), { server: janusUrl(), ...options });
    return member;
  }

  /** Calls a Knowledgetalk method with JSON-able arguments and returns its JSON-able result. */
  call<T = any>(method: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(
      async ([m, a]) => {
        const kt = window.harness.kt as any;
        const r = await kt[m as string](...(a as unknown[]));
        return r === undefined ? null : JSON.parse(JSON.stringify(r));
      },
      [method, args] as const,
    );
  }

  harness<T = any>(fn: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(([f, a]) => (window.harness as any)[f as string](...(a as unknown[])), [fn, args] as const);
  }

  presence(): Promise<any[]> {
    return this.page.evaluate(() => window.harness.presence);
  }

  /** Resolves with the first presence event matching; fails after `timeoutMs`. */
  async waitForPresence(match: (detail: any) => boolean, timeoutMs = 15000): Promise<any> {
    const events = await eventually('a matching presence event', () => this.presence(), (seen) => seen.some(match), { timeoutMs, intervalMs: 100 });
    return events.find(match);
  }

  openPeerConnections(): Promise<number> {
    return this.harness('openPeerConnections');
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

declare global {
  interface Window {
    harness: any;
    Knowledgetalk: any;
  }
}
