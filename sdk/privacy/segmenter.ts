/**
 * The person/background mask, from MediaPipe Selfie Segmentation (the npm package
 * @mediapipe/selfie_segmentation, copied by the build to dist/mediapipe/). Its
 * `selfie_segmentation.js` is a classic script that defines the global `SelfieSegmentation`; it
 * then loads its WebAssembly runtime and the model from the folder `locateFile` names. All of it
 * is loaded here, the first time `init()` runs, never at script load.
 *
 * Inference runs on the CPU (the runtime's XNNPACK WebAssembly) unless `useCpuInference: false`:
 * measured in Chromium without a GPU (software WebGL), the GPU path takes ~150-200 ms a frame and
 * the CPU path ~20 ms; the model is small (256×144), so the CPU is fast on real machines too.
 */
import type { Options, Results, SelfieSegmentation, SelfieSegmentationConfig } from '@mediapipe/selfie_segmentation';
import { log } from './log';

type SegmentationClass = new (config?: SelfieSegmentationConfig) => SelfieSegmentation;

export interface SegmenterOptions {
  /** 1: the landscape model (256×144, faster; default), 0: the general one (256×256). */
  modelSelection?: 0 | 1;
  /** Default true (see above). */
  useCpuInference?: boolean;
}

/** The mask of one frame, only valid while the callback runs (MediaPipe reuses its buffers). */
export type MaskUser = (mask: CanvasImageSource) => void;

const SCRIPT = 'selfie_segmentation.js';
/** One <script> per folder and page: the global it defines is shared by every instance. */
const loading = new Map<string, Promise<SegmentationClass>>();

function globalClass(): SegmentationClass | undefined {
  const found = (globalThis as { SelfieSegmentation?: unknown }).SelfieSegmentation;
  return typeof found === 'function' ? (found as SegmentationClass) : undefined;
}

function loadScript(folder: string): Promise<SegmentationClass> {
  const ready = globalClass();
  if (ready) return Promise.resolve(ready);
  let pending = loading.get(folder);
  if (!pending) {
    pending = new Promise<SegmentationClass>((resolve, reject) => {
      const script = document.createElement('script');
      script.src = folder + SCRIPT;
      script.async = true;
      script.onload = () => {
        const found = globalClass();
        if (found) resolve(found);
        else reject(new Error(`${script.src} ran but defined no SelfieSegmentation`));
      };
      script.onerror = () => reject(new Error(`could not load ${script.src} (is dist/mediapipe/ served next to the script, or assetsUrl right?)`));
      document.head.append(script);
    });
    pending.catch(() => loading.delete(folder));
    loading.set(folder, pending);
  }
  return pending;
}

export class Segmenter {
  private user: MaskUser | undefined;
  private inFlight: Promise<unknown> | undefined;
  private closed = false;

  private constructor(private readonly solution: SelfieSegmentation) {
    solution.onResults((results: Results) => {
      const use = this.user;
      this.user = undefined;
      try {
        if (use && !this.closed) use(results.segmentationMask);
      } finally {
        // MediaPipe hands out a new ImageBitmap per frame (transferToImageBitmap) and keeps none:
        // freed now rather than whenever the garbage collector runs.
        for (const bitmap of new Set([results.segmentationMask, results.image])) {
          if (typeof ImageBitmap !== 'undefined' && bitmap instanceof ImageBitmap) bitmap.close();
        }
      }
    });
  }

  /** Loads the script, the runtime and the model from `folder` (ending in '/'); rejects when one is missing. */
  static async create(folder: string, options: SegmenterOptions = {}): Promise<Segmenter> {
    const Solution = await loadScript(folder);
    const solution = new Solution({ locateFile: (file: string) => folder + file });
    const settings: Options & { useCpuInference?: boolean } = {
      modelSelection: options.modelSelection ?? 1,
      selfieMode: false,
      useCpuInference: options.useCpuInference ?? true,
    };
    solution.setOptions(settings);
    try {
      await solution.initialize();
    } catch (err) {
      await solution.close().catch(() => {});
      throw err;
    }
    log.debug('segmentation model loaded from', folder, settings);
    return new Segmenter(solution);
  }

  /** True while a frame is in the model: the caller drops frames meanwhile rather than queue them. */
  get isBusy(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * Runs the model on `image`; `use` gets the mask before this resolves. Resolves false without
   * running when busy or closed; rejects when the model failed on this frame.
   */
  async segment(image: HTMLCanvasElement, use: MaskUser): Promise<boolean> {
    if (this.inFlight || this.closed) return false;
    this.user = use;
    const sent = this.solution.send({ image });
    this.inFlight = sent;
    try {
      await sent;
      return true;
    } finally {
      this.user = undefined;
      this.inFlight = undefined;
    }
  }

  /** Frees the model and its WebGL/WebAssembly memory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.user = undefined;
    // Not under a frame still in the model.
    await this.inFlight?.catch(() => {});
    await this.solution.close().catch((err: unknown) => log.warn('closing the segmentation model failed', err));
  }
}
