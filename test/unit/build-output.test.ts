/** What `npm run build` ships (it runs before Jest in `npm test`). */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const dist = (f: string) => readFileSync(path.resolve(__dirname, '..', '..', 'dist', f), 'utf8');

test('the UMD bundle is minified, self-contained and defines the global Knowledgetalk', () => {
  const umd = dist('knowledgetalk.umd.js');
  expect(umd).toMatch(/\.Knowledgetalk=/);
  expect(umd).not.toMatch(/require\(["'](janus-gateway|webrtc-adapter|mitt)["']\)/);
  expect(umd.split('\n').length).toBeLessThan(5);
  // janus.js and webrtc-adapter's browser detection are inside it; adapter's shims are not.
  expect(umd).toContain('janus.plugin.');
  expect(umd).toContain('useDefaultDependencies');
});

test('the ES module imports its three runtime dependencies instead of bundling them', () => {
  const esm = dist('knowledgetalk.mjs');
  // Of webrtc-adapter, only its browser detection (what janus.js reads of it).
  for (const dep of ['janus-gateway', 'webrtc-adapter/src/js/utils.js', 'mitt']) expect(esm).toContain(`from '${dep}'`);
  expect(esm).not.toContain('useDefaultDependencies = function');
  expect(esm).toMatch(/export \{[^}]*Knowledgetalk/);
});

test('the types describe the public class and its results', () => {
  const dts = dist('knowledgetalk.d.ts');
  // The instance is an EventTarget: the Knowledgetalk calls on top of our extensions (api/extensions.ts).
  expect(dts).toMatch(/declare class Knowledgetalk extends KnowledgetalkClassroom/);
  expect(dts).toMatch(/declare class KnowledgetalkClassroom extends KnowledgetalkExtensions/);
  expect(dts).toMatch(/declare class KnowledgetalkExtensions extends KnowledgetalkExtensions_base/);
  expect(dts).toMatch(/declare const KnowledgetalkExtensions_base: TypedEventTargetClass<KnowledgetalkEventMap>/);
  // Nothing of the SDK's inside (its state, the janus.js glue) is in the published types.
  expect(dts).not.toMatch(/\bClient\b|VideoRoomHandle|PluginHandle/);
  for (const name of ['joinRoom', 'joinroom', 'publishVideo', 'subscribeVideo', 'PresenceDetail', 'Member']) {
    expect(dts).toContain(name);
  }
});

test("the bundles carry package.json's version as Knowledgetalk.version", () => {
  const { version } = JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
  expect(dist('knowledgetalk.umd.js')).toContain(`version=${JSON.stringify(version)}`);
  expect(dist('knowledgetalk.mjs')).toContain(`const VERSION = ${JSON.stringify(version)};`);
  expect(dist('knowledgetalk.mjs')).not.toContain('__KT_VERSION__');
});

test('the UMD bundle leaves out the janus.js helpers the SDK never calls', () => {
  const umd = dist('knowledgetalk.umd.js');
  const unused = ['listDevices', 'attachMediaStream', 'isExtensionEnabled', 'getRemoteVolume', 'muteAudio', 'setMaxBitrate', 'getLocalTracks'];
  expect(unused.filter((name) => umd.includes(name))).toEqual([]);
});
