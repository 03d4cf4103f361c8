/**
 * The parts of the SDK that are loaded only when used (issue 15), each built as its own file,
 * dist/lazy/<name>.mjs (rollup.config.mjs, LAZY): the bundle stays small for the apps that never
 * draw or show a PDF. A load that fails (offline, file missing) is not cached: the next call tries
 * again.
 */
import type * as BoardPart from '../board/index';

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

export const loadBoard = once((): Promise<typeof BoardPart> => import('../board/index'));
