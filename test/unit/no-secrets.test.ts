/**
 * No gateway secret may ship to browsers: the built browser bundles must not contain the admin,
 * API or token secrets of any configuration in this repository, nor the server-side helpers that
 * handle secrets (they are only in dist/server.*). Runs on the output of `npm run build`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULTS, LOCAL_SECURE_SECRETS } from '../../gateway-config/start.cjs';

const root = path.resolve(__dirname, '..', '..');
const BUNDLES = ['dist/knowledgetalk.umd.js', 'dist/knowledgetalk.mjs', 'dist/knowledgetalk.d.ts'];

/** Every `admin_secret` / `api_secret` / `token_auth_secret` value set in the committed .jcfg files. */
function jcfgSecrets(): string[] {
  const dir = path.join(root, 'gateway-config');
  const values: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.jcfg'))) {
    const text = readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/^\s*(?:admin_secret|api_secret|token_auth_secret|admin_key)\s*=\s*"([^"]+)"/gm)) values.push(m[1]);
  }
  return values;
}

const secrets = [...new Set([DEFAULTS.adminSecret, LOCAL_SECURE_SECRETS.tokenSecret, LOCAL_SECURE_SECRETS.apiSecret, ...jcfgSecrets()])];

test('the test configurations do have secrets to look for', () => {
  expect(secrets).toEqual(expect.arrayContaining(['kt-local-admin', 'kt-local-token-secret', 'kt-local-api-secret']));
});

describe.each(BUNDLES)('%s', (bundle) => {
  const file = path.join(root, bundle);
  const text = () => {
    if (!existsSync(file)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
    return readFileSync(file, 'utf8');
  };

  test.each(secrets)('does not contain the secret %p', (secret) => {
    expect(text().includes(secret)).toBe(false);
  });

  test('contains none of the server-side credential code', () => {
    const t = text();
    for (const marker of ['createHmac', 'node:crypto', 'token_auth_secret', 'static-auth-secret', 'createTurnCredentials']) {
      expect({ marker, found: t.includes(marker) }).toEqual({ marker, found: false });
    }
  });
});
