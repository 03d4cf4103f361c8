/**
 * Where the segmentation model is: dist/mediapipe/, next to this script. The build writes the
 * script's own URL into `__ktPrivacyScriptUrl` (rollup.config.mjs, privacyBuilds): in the UMD build
 * `document.currentScript.src`, read while the <script> runs (the one moment it is this script);
 * in the ES build `import.meta.url`. Nothing is ever fetched from anywhere else.
 */
declare const __ktPrivacyScriptUrl: string | undefined;

/** The script's URL, or '' when it is not known (the sources bundled by an app's own build). */
export const scriptUrl: string = typeof __ktPrivacyScriptUrl === 'string' ? __ktPrivacyScriptUrl : '';

/**
 * The folder the model files are read from, ending in '/': `assetsUrl` when given (relative to the
 * page), else `mediapipe/` next to the script, else `mediapipe/` next to the page.
 */
export function assetsFolder(assetsUrl?: string): string {
  const base = typeof location !== 'undefined' ? location.href : 'http://localhost/';
  const folder = assetsUrl ? new URL(assetsUrl, base) : new URL('mediapipe/', scriptUrl || base);
  if (!folder.pathname.endsWith('/')) folder.pathname += '/';
  return folder.href;
}
