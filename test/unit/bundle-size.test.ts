/**
 * The size budget of issue 6: the UMD bundle, everything included (janus.js, webrtc-adapter, mitt),
 * stays within 40 KB minified + gzip. Runs on the output of `npm run build` (before Jest in
 * `npm test`). gzip at zlib's default level, as `npm run bench` reports it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 40 * 1024;

test('the UMD bundle is at most 40 KB minified + gzip', () => {
  const umd = readFileSync(path.resolve(__dirname, '..', '..', 'dist', 'knowledgetalk.umd.js'));
  const gzip = gzipSync(umd).length;
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`dist/knowledgetalk.umd.js: ${kb(umd.length)} minified, ${kb(gzip)} gzip (${gzip} bytes; budget ${kb(BUDGET_BYTES)})`);
  expect(gzip).toBeLessThanOrEqual(BUDGET_BYTES);
});
