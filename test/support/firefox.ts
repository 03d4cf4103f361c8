/**
 * Firefox ESR (Debian's firefox-esr, or FIREFOX_PATH) driven by puppeteer-core over WebDriver
 * BiDi, behind the engine-neutral interface of browser.ts. Never a downloaded browser.
 *
 * Firefox's fake media (`media.navigator.streams.fake`) offers one camera ("Default Video
 * Device", a 640×480 test pattern by default, any size on request) and one microphone (a tone),
 * and no speaker; getDisplayMedia has nothing to offer headless (NotFoundError).
 */
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import type { EngineBrowser, EnginePage } from './browser';

export const FIREFOX_PREFS: Record<string, unknown> = {
  // Fake camera and microphone, granted without a prompt.
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  // Remote media plays without a user gesture, muted or not (the harness plays audio to decode it),
  // and so may an AudioContext. (On a machine without a sound device, such as the CI container, an
  // AudioContext stays 'suspended' all the same: a Web Audio tone made in Firefox is silence there.
  // Firefox's fake microphone is a steady tone, which is what the Firefox scenarios send.)
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'media.autoplay.block-webaudio': false,
  // Host candidates as addresses, not mDNS names (the gateway ignores those: `ignore_mdns`).
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // Nothing beyond loopback: no captive-portal, telemetry or update checks.
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'app.update.enabled': false,
};

class PuppeteerPage implements EnginePage {
  readonly engine = 'firefox' as const;
  constructor(
    private readonly context: BrowserContext,
    private readonly page: Page,
  ) {}

  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    return this.page.evaluate(fn as any, arg) as Promise<R>;
  }
  async addInitScript(source: string): Promise<void> {
    // A BiDi preload script of this page: runs before the document's own scripts.
    await this.page.evaluateOnNewDocument(`${source}\n`);
  }
  async goto(url: string): Promise<void> {
    await this.page.goto(url);
  }
  onConsole(listener: (type: string, text: string) => void): void {
    this.page.on('console', (m) => listener(m.type(), m.text()));
  }
  onPageError(listener: (message: string) => void): void {
    this.page.on('pageerror', (e) => listener(String(e)));
  }
  async screenshot(file: string): Promise<void> {
    await this.page.screenshot({ path: file as `${string}.png` });
  }
  async focus(): Promise<void> {
    await this.page.bringToFront();
  }
  async close(): Promise<void> {
    await this.context.close();
  }
}

/**
 * Puppeteer sends BiDi's setViewport together with setScreenOrientationOverride, which Firefox 140
 * does not know: the call rejects, yet the viewport is set. Waits until the page has that size.
 */
async function setViewport(page: Page, viewport: { width: number; height: number }): Promise<void> {
  await page.setViewport(viewport).catch((err: Error) => {
    if (!/setScreenOrientationOverride/.test(err.message)) throw err;
  });
  for (let i = 0; i < 50; i++) {
    if (await page.evaluate(({ width }) => window.innerWidth === width, viewport)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the Firefox page did not take the viewport ${viewport.width}×${viewport.height}`);
}

/** Headless Firefox ESR with fake media; every `newPage` is its own user context (a separate person). */
export async function launchFirefox(prefs: Record<string, unknown> = {}): Promise<EngineBrowser> {
  const browser: Browser = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: { ...FIREFOX_PREFS, ...prefs },
  });
  return {
    engine: 'firefox',
    async newPage({ viewport } = {}) {
      const context = await browser.createBrowserContext();
      // A window each, not a tab: a background tab paints nothing, so its <video> elements
      // present no frames (requestVideoFrameCallback stalls) while the foreground one does.
      const page = await context.newPage({ type: 'window' });
      if (viewport) await setViewport(page, viewport);
      return new PuppeteerPage(context, page);
    },
    close: () => browser.close(),
  };
}
