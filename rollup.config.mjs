// Three outputs (issue 2):
// - dist/knowledgetalk.umd.js: self-contained, minified, global `Knowledgetalk` for a <script> tag;
// - dist/knowledgetalk.mjs: ES module, with janus-gateway, webrtc-adapter and mitt as imports;
// - dist/knowledgetalk.d.ts: the types.
import typescript from '@rollup/plugin-typescript';
import resolve from '@rollup/plugin-node-resolve';
import commonjs from '@rollup/plugin-commonjs';
import terser from '@rollup/plugin-terser';
import { dts } from 'rollup-plugin-dts';

// The three dependencies (webrtc-adapter by its utils module, see sdk/janus/janus-js.ts).
const external = (id) => /^(janus-gateway|webrtc-adapter|mitt)(\/|$)/.test(id);

/**
 * janus.js wraps itself in a UMD prologue: under an AMD loader it registers itself and returns
 * nothing, and under CommonJS it overwrites `module.exports`. Inside our bundle it is a plain module,
 * so keep only the branch that returns the library.
 */
function janusAsPlainModule() {
  return {
    name: 'janus-as-plain-module',
    transform(code, id) {
      if (!id.includes('/node_modules/janus-gateway/')) return null;
      const prologue = /if \(typeof define === 'function' && define\.amd\) \{[\s\S]*?\} else if \(typeof window === 'object'\) \{\s*return factory\(\);\s*\}/;
      if (!prologue.test(code)) this.error('janus.js prologue not found: check the janus-gateway version');
      return { code: code.replace(prologue, 'return factory();'), map: null };
    },
  };
}

const ts = () => typescript({ tsconfig: './tsconfig.json', declaration: false, outDir: undefined });

export default [
  {
    input: 'sdk/umd.ts',
    output: {
      file: 'dist/knowledgetalk.umd.js',
      format: 'umd',
      name: 'Knowledgetalk',
      sourcemap: true,
      plugins: [terser({ format: { comments: false } })],
    },
    plugins: [janusAsPlainModule(), resolve({ browser: true }), commonjs(), ts()],
  },
  {
    input: 'sdk/index.ts',
    output: { file: 'dist/knowledgetalk.mjs', format: 'es', sourcemap: true },
    external,
    plugins: [ts()],
  },
  {
    input: 'sdk/index.ts',
    output: { file: 'dist/knowledgetalk.d.ts', format: 'es' },
    external,
    plugins: [dts()],
  },
  ...serverBuilds(),
  ...guardBuilds(),
];

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
      output: { file: 'dist/server.d.ts', format: 'es' },
      external: nodeBuiltins,
      plugins: [dts({ tsconfig })],
    },
  ];
}

/**
 * Issue 14: the gateway guard (sdk/server/guard), a Node server, as dist/guard.cjs / .mjs / .d.ts.
 * Its dependencies (ws, jose) stay imports; like the server helpers it never reaches the browser builds.
 */
function guardBuilds() {
  const input = 'sdk/server/guard/index.ts';
  const tsconfig = './sdk/server/tsconfig.json';
  const external = [/^node:/, /^(ws|jose)(\/|$)/];
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
      output: { file: 'dist/guard.d.ts', format: 'es' },
      external,
      plugins: [dts({ tsconfig })],
    },
  ];
}
