/**
 * The parts of the SDK that are loaded only when used (issue 15), each built as its own file,
 * dist/lazy/<name>.mjs (rollup.config.mjs, LAZY), so that the bundle stays small for the apps that
 * never draw: the drawing part (the board engine bound to the gateway, canvas images, documents;
 * it loads pdf.js itself when a PDF is shown). A load that fails (offline, file missing) is not
 * cached: the next call tries again.
 */
import type * as DrawingPart from '../drawing/index';

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () => {
    loading ??= load().catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return loading;
  };
}

export const loadDrawing = once((): Promise<typeof DrawingPart> => import('../drawing/index'));
