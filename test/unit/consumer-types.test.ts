/**
 * The package's types as an app sees them (issue 16): test/types/ compiled by tsc under each
 * module resolution, from the package installed in node_modules the way an app installs it (a link
 * to this checkout, so `exports`, `types` and `typesVersions` are what decide), and the package
 * checked by @arethetypeswrong/cli. Runs on the output of `npm run build`.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const ATTW = path.join(ROOT, 'node_modules', '@arethetypeswrong', 'cli', 'dist', 'index.js');

/**
 * Each mode compiles in a folder of its own, whose package.json `type` makes usage.ts an ES module
 * or a CommonJS one (under node16 a file's format decides which condition of `exports` it gets; one
 * program mixing both would see two Knowledgetalk classes, as Node would load two).
 */
const MODES: Record<string, { type: 'module' | 'commonjs'; compilerOptions: Record<string, string>; files: string[] }> = {
  'node16 (ES module)': { type: 'module', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, files: ['esm.mts', 'usage.ts'] },
  'node16 (CommonJS)': { type: 'commonjs', compilerOptions: { module: 'node16', moduleResolution: 'node16' }, files: ['cjs.cts', 'usage.ts'] },
  'nodenext (ES module)': { type: 'module', compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' }, files: ['esm.mts', 'usage.ts'] },
  // Vite, webpack, esbuild and the like; script.ts is a page's classic <script> using the global.
  bundler: { type: 'module', compilerOptions: { module: 'esnext', moduleResolution: 'bundler' }, files: ['esm.mts', 'usage.ts', 'script.ts'] },
  // The old resolution: no `exports`, `types` and `typesVersions` instead.
  node10: { type: 'commonjs', compilerOptions: { module: 'commonjs', moduleResolution: 'node10' }, files: ['legacy.ts', 'usage.ts', 'script.ts'] },
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kt-consumer-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'knowledgetalk-janus'), 'dir');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each(Object.keys(MODES))(
  'an app compiles against the types under %s resolution, and its mistakes do not',
  async (mode) => {
    const { type, compilerOptions, files } = MODES[mode];
    const app = path.join(dir, mode.replace(/\W+/g, '-'));
    cpSync(path.join(ROOT, 'test', 'types'), app, { recursive: true });
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type }));
    const options = { ...compilerOptions, strict: true, noEmit: true, target: 'es2022', lib: ['es2022', 'dom'], types: [], skipLibCheck: false };
    writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({ compilerOptions: options, files }));
    const out = await run(process.execPath, [TSC, '-p', app], { cwd: app }).then(
      () => '',
      (err: { stdout?: string }) => err.stdout || String(err),
    );
    expect(out).toBe('');
  },
  60_000,
);

test('the package resolves to matching types and JavaScript for every entry (attw)', async () => {
  // named-exports: ./umd's types are `export =` of the class, whose static members TypeScript
  // would let an ES module import by name; the <script> build is not meant to be imported.
  const out = await run(process.execPath, [ATTW, '--pack', '.', '--ignore-rules', 'named-exports', '--format', 'ascii'], { cwd: ROOT }).then(
    (r) => ({ ok: true, text: r.stdout }),
    (err: { stdout?: string }) => ({ ok: false, text: err.stdout ?? String(err) }),
  );
  if (!out.ok) console.log(out.text);
  expect(out.ok).toBe(true);
}, 60_000);
