/**
 * The API reference (sdk/reference/, typedoc from the code's doc comments) is the code's: built
 * again here, it must come out as committed, and every public class, method, interface, type and
 * constant must have a doc comment (typedocOptions in package.json: notDocumented is an error).
 * After changing the public API or its comments: `npm run docs`, and commit sdk/reference/.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..');
const COMMITTED = path.join(ROOT, 'sdk', 'reference');

const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

test('sdk/reference is what typedoc makes of the code now, with every public API documented', async () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'kt-reference-'));
  try {
    const typedoc = path.join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc');
    await promisify(execFile)(process.execPath, [typedoc, '--out', out], { cwd: ROOT }).catch((err: { stdout?: string }) => {
      throw new Error(`typedoc failed:\n${err.stdout ?? String(err)}`);
    });
    expect(files(out)).toEqual(files(COMMITTED));
    const stale = files(out).filter((f) => readFileSync(path.join(out, f), 'utf8') !== readFileSync(path.join(COMMITTED, f), 'utf8'));
    expect(stale).toEqual([]);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}, 60_000);
