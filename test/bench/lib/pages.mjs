/**
 * Chromium and the bench pages. The Chromium flags and launcher are the test suite's own
 * (test/support/browser.ts), so the bench runs the browser exactly as the integration tests do;
 * that file is TypeScript and this script runs without ts-node, so it is compiled in memory here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const SUPPORT = path.join(ROOT, 'test', 'support');
/** Counts the RTCPeerConnections of a page; installed before any page script runs. */
const HARNESS = path.join(SUPPORT, 'harness.js');

const loaded = new Map();
/**
 * Loads a CommonJS-compatible TypeScript module of the test suite (types are just stripped), and
 * the suite's own TypeScript modules it imports (`./wait` and the like) the same way.
 */
function loadTypeScriptModule(file) {
  if (loaded.has(file)) return loaded.get(file).exports;
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020, esModuleInterop: true },
    fileName: file,
  });
  const module = { exports: {} };
  loaded.set(file, module);
  const nodeRequire = createRequire(file);
  const requireModule = (id) => {
    const tsFile = id.startsWith('.') ? path.resolve(path.dirname(file), `${id}.ts`) : null;
    return tsFile && existsSync(tsFile) ? loadTypeScriptModule(tsFile) : nodeRequire(id);
  };
  const run = new Function('exports', 'require', 'module', '__filename', '__dirname', outputText);
  run(module.exports, requireModule, module, file, path.dirname(file));
  return module.exports;
}

const browserSupport = loadTypeScriptModule(path.join(SUPPORT, 'browser.ts'));
export const CHROMIUM_ARGS = browserSupport.CHROMIUM_ARGS;
/** Debian's /usr/bin/chromium (or CHROMIUM_PATH) with CHROMIUM_ARGS: fake camera and microphone. */
export const launchBrowser = browserSupport.launchBrowser;

/** One member: its own browser context (as a separate user would be) and page. */
export class BenchPage {
  constructor(name, context, page) {
    this.name = name;
    this.context = context;
    this.page = page;
    this.errors = [];
    page.on('pageerror', (e) => this.errors.push(String(e)));
    page.on('console', (m) => m.type() === 'error' && this.errors.push(m.text()));
  }

  /** `kind`: 'ours' (the UMD bundle) or 'baseline' (plain janus.js). */
  static async open(browser, origin, kind, name) {
    const context = await browser.newContext();
    await context.addInitScript({ path: HARNESS });
    const page = await context.newPage();
    await page.goto(`${origin}/${kind}.html`);
    await page.waitForFunction(() => window.bench?.client);
    return new BenchPage(name, context, page);
  }

  /** Calls `window.bench[fn](...args)` in the page. */
  call(fn, ...args) {
    return this.page.evaluate(([f, a]) => window.bench[f](...a), [fn, args]);
  }

  close() {
    return this.context.close();
  }
}
