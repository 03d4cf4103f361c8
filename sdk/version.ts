/** Written in by the build (rollup.config.mjs: `versionConstant`), and by jest.config.cjs for the unit tests. */
declare const __KT_VERSION__: string;

/** This package's version, as in its package.json. */
export const VERSION: string = __KT_VERSION__;
