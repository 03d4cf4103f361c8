// ESLint (flat config): the recommended rules of ESLint and typescript-eslint, for the SDK, the
// tests, the gateway's scripts and the demo. Formatting is prettier's (.prettierrc.json), not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'sdk/reference/**', 'test-output/**', 'recordings/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      // `catch {}` and `() => {}` are deliberate where a failure is already reported elsewhere.
      'no-empty': ['error', { allowEmptyCatch: true }],
      // A failure rethrown in our words keeps the cause's message in it; `cause` is not used here.
      'preserve-caught-error': 'off',
      // Node's and the browser's globals (crypto, WebSocket) may be required by name in scripts.
      'no-redeclare': ['error', { builtinGlobals: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Tests drive pages through `any` (what a page returns is JSON) and use require() for CommonJS fixtures.
    files: ['test/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
