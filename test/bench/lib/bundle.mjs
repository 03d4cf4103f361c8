/**
 * Bundle size: the shipped UMD bundle minified and gzipped, and how much of it each part is.
 *
 * Each part is measured two ways, because gzip sizes do not add up (one gzip stream shares its
 * dictionary across the whole file):
 * - `inBundle`: minified bytes of the UMD bundle attributed to the part's source files through the
 *   bundle's own source map (dist/knowledgetalk.umd.js.map); these do add up to the bundle.
 * - `alone`: the part built on its own with the same rollup plugins and terser as the UMD build
 *   (ES format, so no wrapper), then gzipped: what that part would cost by itself.
 * gzip is zlib's default level (6), the level of `gzip` and of most web servers, and of the CI
 * budget check (test/unit/bundle-size.test.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { rollup } from 'rollup';
import resolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import { TraceMap, eachMapping } from '@jridgewell/trace-mapping';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const UMD = path.join(ROOT, 'dist', 'knowledgetalk.umd.js');
const DEPENDENCIES = ['janus-gateway', 'webrtc-adapter', 'mitt'];
/** What the SDK imports of each dependency (of webrtc-adapter, its browser detection only). */
const IMPORTED = {
  'janus-gateway': `export { default } from 'janus-gateway';`,
  'webrtc-adapter': `export { detectBrowser } from 'webrtc-adapter/src/js/utils.js';`,
  mitt: `export { default } from 'mitt';`,
};
const isDependency = (id) => DEPENDENCIES.some((dep) => id === dep || id.startsWith(`${dep}/`));

/** Which part a source file of the bundle belongs to. */
function partOf(source) {
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];
  if (dep === 'sdp') return 'webrtc-adapter'; // adapter's own dependency
  if (dep) return dep;
  return 'ours';
}

/** Minified bytes per part, from the source map (bytes with no mapping: UMD wrapper and glue). */
function bytesPerPartInBundle() {
  const code = readFileSync(UMD, 'utf8');
  const map = new TraceMap(readFileSync(`${UMD}.map`, 'utf8'));
  const lines = code.split('\n');
  const segments = [];
  eachMapping(map, (m) => segments.push(m));
  const bytes = {};
  const add = (part, n) => (bytes[part] = (bytes[part] ?? 0) + n);
  for (let i = 0; i < segments.length; i++) {
    const m = segments[i];
    const next = segments[i + 1];
    const end = next && next.generatedLine === m.generatedLine ? next.generatedColumn : lines[m.generatedLine - 1].length;
    add(m.source ? partOf(m.source) : 'unmapped', Buffer.byteLength(lines[m.generatedLine - 1].slice(m.generatedColumn, end)));
  }
  const mapped = Object.values(bytes).reduce((a, b) => a + b, 0);
  add('unmapped', Buffer.byteLength(code) - mapped);
  return bytes;
}

/** One part built alone: an entry that re-exports the part, bundled and minified like the UMD. */
async function minifiedAlone(entryCode, external = () => false) {
  const entry = '\0bench-entry';
  const bundle = await rollup({
    input: entry,
    external,
    plugins: [
      { name: 'entry', resolveId: (id) => (id === entry ? id : null), load: (id) => (id === entry ? entryCode : null) },
      resolve({ browser: true }),
      commonjs(),
    ],
    onwarn: () => {},
  });
  const { output } = await bundle.generate({ format: 'es', plugins: [terser({ format: { comments: false } })] });
  await bundle.close();
  return Buffer.from(output[0].code);
}

export async function measureBundle() {
  const umd = readFileSync(UMD);
  const inBundle = bytesPerPartInBundle();
  const alone = {
    // Our code is dist/knowledgetalk.mjs: the same sources, with the three dependencies as imports.
    ours: await minifiedAlone(`export { default } from ${JSON.stringify(path.join(ROOT, 'dist', 'knowledgetalk.mjs'))};`, isDependency),
  };
  for (const dep of DEPENDENCIES) alone[dep] = await minifiedAlone(IMPORTED[dep]);
  const parts = ['ours', ...DEPENDENCIES].map((name) => ({
    name,
    inBundle: inBundle[name] ?? 0,
    aloneMin: alone[name].length,
    aloneGzip: gzipSync(alone[name]).length,
  }));
  return {
    min: umd.length,
    gzip: gzipSync(umd).length,
    fullAdapterGzip: gzipSync(await minifiedAlone(`export { default } from 'webrtc-adapter';`)).length,
    unmapped: inBundle.unmapped ?? 0,
    parts,
  };
}
