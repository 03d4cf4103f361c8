// Three outputs (issue 2):
// - dist/knowledgetalk.umd.js: self-contained, minified, global `Knowledgetalk` for a <script> tag;
// - dist/knowledgetalk.mjs: ES module, with janus-gateway, webrtc-adapter and mitt as imports;
// - dist/knowledgetalk.d.ts: the types.
// And the parts loaded only when used (issue 15, lazyBuilds below): dist/lazy/*.mjs, next to them.
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

// The three dependencies (webrtc-adapter by its utils module, see sdk/janus/janus-js.ts).
const external = (id) => /^(janus-gateway|webrtc-adapter|mitt)(\/|$)/.test(id);

/**
 * janus.js wraps itself in a UMD prologue: under an AMD loader it registers itself and returns
 * nothing, and under CommonJS it overwrites `module.exports`. Inside our bundle it is a plain module,
 * so keep only the branch that returns the library (and leave out two helpers we never call).
 */
function janusAsPlainModule() {
  return {
    name: 'janus-as-plain-module',
    transform(code, id) {
      if (!id.includes('/node_modules/janus-gateway/')) return null;
      const prologue = /if \(typeof define === 'function' && define\.amd\) \{[\s\S]*?\} else if \(typeof window === 'object'\) \{\s*return factory\(\);\s*\}/;
      if (!prologue.test(code)) this.error('janus.js prologue not found: check the janus-gateway version');
      // Public helpers the SDK never calls, which a bundler cannot drop (they are properties): the
      // jQuery transport (we pass useDefaultDependencies), the legacy Chrome extension test, and
      // the device and media-element helpers Janus.init adds (media/devices.ts does our listing).
      const unused = [
        /\tJanus\.useOldDependencies = function \(deps\) \{[\s\S]*?\n\t\};\n/,
        /\tJanus\.isExtensionEnabled = function\(\) \{[\s\S]*?\n\t\};\n/,
        /\t\t\t\/\/ Helper method to enumerate devices\n\t\t\tJanus\.listDevices = function[\s\S]*?\n\t\t\t\};\n/,
        /\t\t\t\/\/ Helper methods to attach\/reattach[^\n]*\n\t\t\tJanus\.attachMediaStream = function[\s\S]*?\n\t\t\t\};\n\t\t\tJanus\.reattachMediaStream = function[\s\S]*?\n\t\t\t\};\n/,
      ];
      let out = code.replace(prologue, 'return factory();');
      for (const re of unused) {
        if (!re.test(out)) this.error(`janus.js: ${re} not found: check the janus-gateway version`);
        out = out.replace(re, '');
      }
      // The plugin handle's methods the SDK never calls (janus/handle.ts uses send, createOffer,
      // createAnswer, handleRemoteJsep, hangup, detach, getId and webrtcStuff) and the functions
      // behind them, which nothing else calls: volume, mute, bitrate, DTMF and track listings.
      const handleMethods =
        /\n\t+(getVolume|getRemoteVolume|getLocalVolume|isAudioMuted|muteAudio|unmuteAudio|isVideoMuted|muteVideo|unmuteVideo|getBitrate|setMaxBitrate|dtmf|getLocalTracks|getRemoteTracks) : function\([^\n]*\},(?=\n)/g;
      if ((out.match(handleMethods) ?? []).length !== 28) this.error('janus.js: the plugin handle methods changed: check the janus-gateway version');
      out = out.replace(handleMethods, '');
      for (const fn of ['getVolume', 'isMuted', 'mute', 'getBitrate', 'setBitrate', 'sendDtmf', 'getLocalTracks', 'getRemoteTracks']) {
        const body = new RegExp(`\\n\\t\\tfunction ${fn}\\([^)]*\\) \\{[\\s\\S]*?\\n\\t\\t\\}(?=\\n)`);
        if (!body.test(out)) this.error(`janus.js: function ${fn} not found: check the janus-gateway version`);
        out = out.replace(body, '');
        if (new RegExp(`\\b${fn}\\(`).test(out)) this.error(`janus.js: ${fn} is still called: check the janus-gateway version`);
      }
      return { code: out, map: null };
    },
  };
}

/** `__KT_VERSION__` in the SDK's code (sdk/version.ts) becomes package.json's version, once compiled to JS. */
function versionConstant() {
  const { version } = JSON.parse(readFileSync('package.json', 'utf8'));
  return {
    name: 'version-constant',
    transform(code, id) {
      if (!id.endsWith('/sdk/version.ts')) return null;
      if (!code.includes('__KT_VERSION__')) this.error('sdk/version.ts: __KT_VERSION__ not found');
      return { code: code.replaceAll('__KT_VERSION__', JSON.stringify(version)), map: null };
    },
  };
}

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, outDir: undefined });

/**
 * Issue 15: what only some apps use (the whiteboard, PDF pages) is not in the bundle. Each part is a
 * self-contained ES module, dist/lazy/<name>.mjs, that the SDK imports the first time it is needed
 * (sdk/lazy/parts.ts: `import('../board/index')` and the like). In the ES build that import stays
 * `import('./lazy/<name>.mjs')`, which browsers and bundlers follow; in the UMD build (a classic
 * script, no import.meta) it is resolved against the script's own URL, taken while it runs.
 */
const LAZY = [
  // What the SDK loads when an app draws or shows a document: the board engine with the session
  // that binds it to the gateway (sdk/drawing/). board.mjs is the engine alone, for its own tests.
  { name: 'drawing', input: 'sdk/drawing/index.ts' },
  { name: 'board', input: 'sdk/board/index.ts' },
  // pdf.js renders in a worker of its own: a file next to the part, as the package ships it.
  // Its data, fetched only by the PDFs that need it: CMaps (Korean text in fonts that are not
  // embedded), the standard fonts, decoders and colour profiles (sdk/document/pdf.ts: pdfjs/).
  {
    name: 'pdf',
    input: 'sdk/document/pdf.ts',
    copy: [
      { from: 'node_modules/pdfjs-dist/build/pdf.worker.min.mjs', to: 'pdf.worker.mjs' },
      ...['cmaps', 'standard_fonts', 'wasm', 'iccs'].flatMap((d) =>
        readdirSync(`node_modules/pdfjs-dist/${d}`).map((f) => ({ from: `node_modules/pdfjs-dist/${d}/${f}`, to: `pdfjs/${d}/${f}` })),
      ),
    ],
  },
];

/** `dir`: where the lazy files are from the output's own folder ('./lazy/' for the bundles, './' among themselves). */
function lazyParts({ umd, dir = './lazy/' }) {
  const byInput = new Map(LAZY.map((part) => [path.resolve(part.input), `${dir}${part.name}.mjs`]));
  return {
    name: 'lazy-parts',
    async resolveDynamicImport(specifier, importer) {
      if (typeof specifier !== 'string') return null;
      const resolved = await this.resolve(specifier, importer, { skipSelf: true });
      const file = resolved && byInput.get(resolved.id);
      return file ? { id: file, external: true } : null;
    },
    renderDynamicImport({ targetModuleId }) {
      if (!umd || !targetModuleId || !targetModuleId.startsWith(dir)) return null;
      return { left: 'import(new URL(', right: ', __ktScriptUrl || location.href).href)' };
    },
  };
}

/** The UMD factory runs while its <script> does: the one moment `document.currentScript` is it. */
const UMD_INTRO = "var __ktScriptUrl = typeof document !== 'undefined' && document.currentScript && document.currentScript.src || '';";

export default [
  {
    input: 'sdk/umd.ts',
    output: {
      file: 'dist/knowledgetalk.umd.js',
      format: 'umd',
      name: 'Knowledgetalk',
      sourcemap: true,
      intro: UMD_INTRO,
      plugins: [terser({ format: { comments: false }, compress: { passes: 3 } })],
    },
    plugins: [
      lazyParts({ umd: true }),
      janusAsPlainModule(),
      resolve({ browser: true }),
      commonjs(),
      ts(),
      versionConstant(),
      umdTypes('knowledgetalk.umd', 'Knowledgetalk'),
    ],
  },
  {
    input: 'sdk/index.ts',
    output: { file: 'dist/knowledgetalk.mjs', format: 'es', sourcemap: true },
    external,
    plugins: [lazyParts({ umd: false }), ts(), versionConstant()],
  },
  {
    // For `require` (bundlers resolving the package's require condition): the named exports of
    // the ES build, with janus.js and its helpers inside as in the UMD bundle.
    input: 'sdk/index.ts',
    output: { file: 'dist/knowledgetalk.cjs', format: 'cjs', exports: 'named', sourcemap: true, intro: UMD_INTRO },
    plugins: [lazyParts({ umd: true }), janusAsPlainModule(), resolve({ browser: true }), commonjs(), ts(), versionConstant()],
  },
  { input: 'sdk/index.ts', output: typesFor('dist/knowledgetalk'), external, plugins: [dts()] },
  ...lazyBuilds(),
  ...privacyBuilds(),
  ...serverBuilds(),
  ...guardBuilds(),
];

/** Each lazy part on its own, its dependencies (yjs, pdf.js, ...) inside it. */
function lazyBuilds() {
  return LAZY.filter((part) => existsSync(part.input)).map((part) => ({
    input: part.input,
    output: { file: `dist/lazy/${part.name}.mjs`, format: 'es', sourcemap: true, plugins: [terser({ format: { comments: false } })] },
    plugins: [lazyParts({ umd: false, dir: './' }), resolve({ browser: true }), commonjs(), ts(), copyFiles(part.copy ?? [])],
  }));
}

/**
 * Issue 15: PrivacyMode (background blur and replacement), a script of its own as in the original
 * (`privacyMode.js`): dist/privacy-mode.umd.js (global `PrivacyMode`) and dist/privacy-mode.mjs.
 * The segmentation model and its WebAssembly runtime ship in the npm package and are copied to
 * dist/mediapipe/, next to it: nothing is fetched from a CDN.
 */
function privacyBuilds() {
  const input = 'sdk/privacy/index.ts';
  if (!existsSync(input)) return [];
  const dir = 'node_modules/@mediapipe/selfie_segmentation';
  const model = readdirSync(dir)
    .filter((f) => !/\.(md|json|d\.ts)$/.test(f))
    .map((f) => ({ from: `${dir}/${f}`, to: `mediapipe/${f}` }));
  // The script's own URL, which the model's folder is resolved against (sdk/privacy/assets.ts): in the
  // UMD build taken while its <script> runs, in the ES build import.meta.url. Kept out of the sources,
  // which the tests' CommonJS type-check also reads (no import.meta there).
  const umdIntro = "var __ktPrivacyScriptUrl = typeof document !== 'undefined' && document.currentScript && document.currentScript.src || '';";
  const esIntro = 'var __ktPrivacyScriptUrl = import.meta.url;';
  return [
    {
      // Its own entry with only the default export: the global is the class (as sdk/umd.ts).
      input: 'sdk/privacy/umd.ts',
      output: [
        {
          file: 'dist/privacy-mode.umd.js',
          format: 'umd',
          name: 'PrivacyMode',
          exports: 'default',
          sourcemap: true,
          intro: umdIntro,
          plugins: [terser({ format: { comments: false } })],
        },
      ],
      plugins: [resolve({ browser: true }), commonjs(), ts(), copyFiles(model), umdTypes('privacy-mode.umd', 'PrivacyMode')],
    },
    {
      input,
      output: { file: 'dist/privacy-mode.mjs', format: 'es', sourcemap: true, intro: esIntro },
      plugins: [resolve({ browser: true }), commonjs(), ts()],
    },
    {
      input,
      output: { file: 'dist/privacy-mode.cjs', format: 'cjs', exports: 'named', sourcemap: true, intro: umdIntro },
      plugins: [resolve({ browser: true }), commonjs(), ts()],
    },
    { input, output: typesFor('dist/privacy-mode'), plugins: [dts()] },
  ];
}

/**
 * The declarations of an entry, once for each way it is resolved: `.d.mts` for `import`, `.d.cts`
 * for `require` (TypeScript reads a file's format from its extension under node16), `.d.ts` for
 * the `types` field of older resolvers. The same text: the ES and CommonJS builds export the same names.
 */
function typesFor(base) {
  return ['.d.ts', '.d.mts', '.d.cts'].map((ext) => ({ file: `${base}${ext}`, format: 'es' }));
}

/**
 * The types of a <script> build (`./umd`, `./privacy/umd`): its module.exports, and its global, is
 * the class itself, so `export =` of the class of the CommonJS build's types.
 */
function umdTypes(file, name) {
  const source = [
    `// The <script> build: module.exports and the global \`${name}\` are the class itself.`,
    `import { ${name} } from './${file.replace('.umd', '')}.cjs';`,
    `export = ${name};`,
    `export as namespace ${name};`,
    '',
  ].join('\n');
  return {
    name: 'umd-types',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: `${file}.d.ts`, source });
    },
  };
}

/** Copies files a part loads at run time (a worker, a model) into dist/ as they are. */
function copyFiles(list) {
  return {
    name: 'copy-files',
    async generateBundle() {
      for (const { from, to } of list) this.emitFile({ type: 'asset', fileName: to, source: await readFile(from) });
    },
  };
}

/**
 * Issue 5: `knowledgetalk-janus/server` (token and TURN credential helpers) for Node only, as
 * dist/server.cjs, dist/server.mjs and dist/server.d.ts. Its own entries and tsconfig (Node types),
 * so nothing of it can reach the browser builds above.
 */
function serverBuilds() {
  const input = 'sdk/server/index.ts';
  const tsconfig = './sdk/server/tsconfig.json';
  const nodeBuiltins = [/^node:/];
  return [
    {
      input,
      output: [
        { file: 'dist/server.cjs', format: 'cjs', exports: 'named', sourcemap: true },
        { file: 'dist/server.mjs', format: 'es', sourcemap: true },
      ],
      external: nodeBuiltins,
      plugins: [typescript({ tsconfig, declaration: false, outDir: undefined })],
    },
    {
      input,
      output: typesFor('dist/server'),
      external: nodeBuiltins,
      plugins: [dts({ tsconfig })],
    },
  ];
}

/**
 * Issue 14: the gateway guard (sdk/server/guard), a Node server, as dist/guard.cjs / .mjs / .d.ts.
 * Its dependencies (ws, jose, yjs) stay imports; like the server helpers it never reaches the browser builds.
 */
function guardBuilds() {
  const input = 'sdk/server/guard/index.ts';
  const tsconfig = './sdk/server/tsconfig.json';
  const external = [/^node:/, /^(ws|jose|yjs)(\/|$)/];
  return [
    {
      input,
      output: [
        { file: 'dist/guard.cjs', format: 'cjs', exports: 'named', sourcemap: true },
        { file: 'dist/guard.mjs', format: 'es', sourcemap: true },
      ],
      external,
      plugins: [typescript({ tsconfig, declaration: false, outDir: undefined })],
    },
    {
      input,
      output: typesFor('dist/guard'),
      external,
      plugins: [dts({ tsconfig })],
    },
  ];
}
