/** Unit tests run without a browser; integration tests drive Chromium against a real Janus. */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
  testTimeout: 60000,
  // What the build writes into sdk/version.ts (rollup.config.mjs: versionConstant).
  globals: { __KT_VERSION__: require('./package.json').version },
};
