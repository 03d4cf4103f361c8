/**
 * PrivacyMode: background blur or replacement for the published camera, as Knowledgetalk's
 * separate `privacyMode.js`: dist/privacy-mode.umd.js (the global `PrivacyMode`) or
 * dist/privacy-mode.mjs, with the segmentation model in dist/mediapipe/ next to it.
 */
import { DEFAULT_BLUR, loadBackground, type Background, type PrivacyModeName } from './compositor';
import { assetsFolder } from './assets';
import { log, loggerControl } from './log';
import { Pipeline, type PipelineStats } from './pipeline';
import { Segmenter } from './segmenter';

export type { PrivacyModeName } from './compositor';
export type { PipelineStats } from './pipeline';
export type { PrivacyLogLevel } from './log';

export interface PrivacyModeOptions {
  /** The folder of the model files (dist/mediapipe/ as built); default: `mediapipe/` next to this script. */
  assetsUrl?: string;
  /** Background blur strength in pixels of a 640-wide frame, scaled with the frame (default 12). */
  blur?: number;
  /** The most frames processed a second, 1–30 (default 30; fewer when the camera sends fewer). */
  maxFps?: number;
  /** 1: MediaPipe's landscape model (default, faster), 0: its general model. */
  modelSelection?: 0 | 1;
  /** Run the model on the CPU (default true; false: on WebGL, slower without a real GPU). */
  useCpuInference?: boolean;
}

/** The SDK calls sendBlurVideoTrack uses: Knowledgetalk's public API, nothing else. */
export interface PrivacySdk {
  changeLocalStream(stream: MediaStream, target?: string): Promise<boolean>;
  getStream?(id?: unknown): MediaStream | undefined;
  getUserId?(): string | undefined;
}

/** How long start() and update() wait for the first processed frame before resolving anyway. */
const FIRST_FRAME_MS = 3000;
const IMAGE_TIMEOUT_MS = 10_000;
const MODES: readonly string[] = ['blur', 'bg'];

const isVideo = (v: unknown): v is HTMLVideoElement => !!v && (v as Element).tagName === 'VIDEO';
const isCanvas = (c: unknown): c is HTMLCanvasElement =>
  !!c && (c as Element).tagName === 'CANVAS' && typeof (c as HTMLCanvasElement).captureStream === 'function';

function refuse<T>(op: string, why: string, value: T): T {
  log.error(`${op}: ${why}`);
  return value;
}

function elementsProblem(input: unknown, output: unknown): string | undefined {
  if (!isVideo(input)) return 'inputVideo must be a <video> element playing the camera';
  if (!isCanvas(output)) return 'outputCanvas must be a <canvas> element';
  return undefined;
}

/** What the SDK sends as our camera now (getStream of our own id), if it says. */
function sentBy(sdk: PrivacySdk): MediaStream | undefined {
  if (typeof sdk.getStream !== 'function') return undefined;
  const me = typeof sdk.getUserId === 'function' ? sdk.getUserId() : undefined;
  return sdk.getStream(me ?? 'local') ?? undefined;
}

const targetArgs = (target: string | undefined): [] | [string] => (target === undefined ? [] : [target]);

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * ```js
 * const privacyMode = new PrivacyMode();
 * await privacyMode.init();
 * const blurred = await privacyMode.start(video, canvas, 'blur', null);
 * await knowledgetalk.publishVideo('cam', blurred);       // not publishing yet, or:
 * await privacyMode.sendBlurVideoTrack(knowledgetalk);   // already publishing the camera
 * await privacyMode.changeBackground('bg', '/office.jpg');
 * await privacyMode.stop();                              // the camera is sent again
 * ```
 *
 * Errors: no call throws or rejects, as every call of the SDK. Bad input, a missing model file or
 * a refusal of the SDK is logged (`PrivacyMode.logger`, 'error' by default) and the call resolves
 * with what says it failed: `init` false, `start`/`update` null, `sendBlurVideoTrack`/
 * `changeBackground` false. A failure never shows what should be hidden: a background picture that
 * does not load leaves the blur (start) or the current background (changeBackground), and a frame
 * the model fails on is drawn as background only.
 *
 * The calls run one after the other in the order made (a `stop()` made during a `start()` runs
 * after it). `stop()` is idempotent; after it no frame is drawn, the processed tracks are stopped,
 * the model is freed, and `start()` may be called again (it loads the model again).
 *
 * The output canvas takes the input video's size. The processed stream is
 * `outputCanvas.captureStream(30)`; update() with another canvas makes another (and re-sends it
 * when sendBlurVideoTrack sent the previous one; the previous one's track is stopped).
 */
export class PrivacyMode {
  /** `PrivacyMode.logger.setLevel('debug' | 'info' | 'error' | 'off')`. */
  static readonly logger = loggerControl;

  private readonly folder: string;
  private readonly blur: number;
  private readonly maxFps: number;
  private readonly model: { modelSelection: 0 | 1; useCpuInference: boolean };
  private segmenter: Segmenter | undefined;
  private initializing: Promise<boolean> | undefined;
  private pipeline: Pipeline | undefined;
  private output: HTMLCanvasElement | undefined;
  private stream: MediaStream | undefined;
  /** What sendBlurVideoTrack replaced, to put it back. */
  private sent: { sdk: PrivacySdk; target?: string; original: MediaStream; stream: MediaStream } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: PrivacyModeOptions = {}) {
    const o: PrivacyModeOptions = options && typeof options === 'object' ? options : {};
    const num = (v: unknown, min: number, max: number, fallback: number, name: string): number => {
      if (v === undefined) return fallback;
      if (typeof v === 'number' && v >= min && v <= max) return v;
      log.error(`ignored ${name}: a number from ${min} to ${max}`, v);
      return fallback;
    };
    this.blur = num(o.blur, 0, 100, DEFAULT_BLUR, 'blur');
    this.maxFps = num(o.maxFps, 1, 30, 30, 'maxFps');
    this.model = { modelSelection: o.modelSelection === 0 ? 0 : 1, useCpuInference: o.useCpuInference !== false };
    let folder: string;
    try {
      folder = assetsFolder(typeof o.assetsUrl === 'string' && o.assetsUrl ? o.assetsUrl : undefined);
    } catch {
      log.error('ignored assetsUrl: not a URL', o.assetsUrl);
      folder = assetsFolder();
    }
    this.folder = folder;
  }

  /** Loads the segmentation script, its WebAssembly runtime and the model. Resolves false (logged) when they cannot be loaded. */
  init(): Promise<boolean> {
    if (this.segmenter) return Promise.resolve(true);
    this.initializing ??= Segmenter.create(this.folder, this.model).then(
      (segmenter) => {
        this.segmenter = segmenter;
        return true;
      },
      (err) => {
        this.initializing = undefined;
        return refuse('init', `the segmentation model did not load from ${this.folder}: ${err instanceof Error ? err.message : String(err)}`, false);
      },
    );
    return this.initializing;
  }

  /**
   * Processes `inputVideo` into `outputCanvas` (`mode` 'blur', or 'bg' with the picture `bgSrc`)
   * and resolves with `outputCanvas.captureStream(30)` once it holds a processed frame. Does not
   * change what is sent. Already started: takes the new arguments (as update + changeBackground).
   */
  start(
    inputVideo?: HTMLVideoElement,
    outputCanvas?: HTMLCanvasElement,
    mode: PrivacyModeName = 'blur',
    bgSrc: string | null = null,
  ): Promise<MediaStream | null> {
    return this.serial('start', null, async () => {
      const problem = elementsProblem(inputVideo, outputCanvas) ?? (MODES.includes(mode) ? undefined : `mode must be 'blur' or 'bg', not ${String(mode)}`);
      if (problem) return refuse('start', problem, null);
      const [input, output] = [inputVideo!, outputCanvas!];
      if (this.pipeline) {
        await this.setBackground('start', mode, bgSrc);
        return this.swapElements(input, output);
      }
      const background = (await this.backgroundFor('start', mode, bgSrc)) ?? { mode: 'blur' };
      if (!(await this.init()) || !this.segmenter) return null;
      let pipeline: Pipeline;
      try {
        pipeline = new Pipeline(this.segmenter, input, output, background, { maxFps: this.maxFps, blur: this.blur });
      } catch (err) {
        return refuse('start', err instanceof Error ? err.message : String(err), null);
      }
      this.pipeline = pipeline;
      this.output = output;
      if (!(await pipeline.start(FIRST_FRAME_MS))) log.warn(`start: no processed frame after ${FIRST_FRAME_MS} ms (is the input video playing?)`);
      // Captured from now on: its first frame is a processed one, at the video's size.
      this.stream = output.captureStream(30);
      return this.stream;
    });
  }

  /**
   * Sends the processed video in place of the camera's video, with the audio the SDK sends now:
   * `sdk.changeLocalStream(processed + current audio, target?)`. `target`: the member of a 1:1
   * (P2P) call; here that call is the same published feed, so it changes nothing. Resolves true
   * when the SDK took it (also when it was sent already).
   */
  sendBlurVideoTrack(sdk?: PrivacySdk, target?: string): Promise<boolean> {
    return this.serial('sendBlurVideoTrack', false, async () => {
      if (!sdk || typeof sdk.changeLocalStream !== 'function')
        return refuse('sendBlurVideoTrack', 'the first argument must be the Knowledgetalk instance', false);
      if (target !== undefined && target !== null && typeof target !== 'string')
        return refuse('sendBlurVideoTrack', "target must be the member's userId", false);
      const to = target ?? undefined;
      const processed = this.stream?.getVideoTracks()[0];
      if (!this.pipeline || !this.stream || !processed) return refuse('sendBlurVideoTrack', 'not started: call start() first', false);
      const current = sentBy(sdk);
      if (current && (current === this.stream || current === this.sent?.stream)) return true;
      if (!current) return refuse('sendBlurVideoTrack', "no camera is being sent: publishVideo('cam', the stream start() returned) instead", false);
      if (this.sent && this.sent.sdk !== sdk) await this.restore();
      const send = new MediaStream([processed, ...current.getAudioTracks()]);
      if (!(await sdk.changeLocalStream(send, ...targetArgs(to))))
        return refuse('sendBlurVideoTrack', 'the SDK did not take the processed stream (changeLocalStream: false, its log says why)', false);
      this.sent = { sdk, target: to, original: current, stream: send };
      log.debug('sending the processed video', to ? `to ${to}` : '');
      return true;
    });
  }

  /** Another mode or background picture from the next frame on. Resolves false (logged, nothing changed) when the picture does not load. */
  changeBackground(mode?: PrivacyModeName, bgUrl: string | null = null): Promise<boolean> {
    return this.serial('changeBackground', false, () => this.setBackground('changeBackground', mode, bgUrl));
  }

  /** Another input video and/or output canvas while running; resolves with the processed stream (a new one for a new canvas). */
  update(inputVideo?: HTMLVideoElement, outputCanvas?: HTMLCanvasElement): Promise<MediaStream | null> {
    return this.serial('update', null, async () => {
      const problem = elementsProblem(inputVideo, outputCanvas);
      if (problem) return refuse('update', problem, null);
      return this.swapElements(inputVideo!, outputCanvas!);
    });
  }

  /** Puts back what sendBlurVideoTrack replaced, stops the loop and the processed tracks, frees the model. Idempotent. */
  stop(): Promise<void> {
    return this.serial('stop', undefined, async () => {
      this.pipeline?.stop();
      this.pipeline = undefined;
      await this.restore();
      this.stream?.getTracks().forEach((t) => t.stop());
      this.stream = undefined;
      this.output = undefined;
      await this.initializing;
      const segmenter = this.segmenter;
      this.segmenter = undefined;
      this.initializing = undefined;
      await segmenter?.close();
    });
  }

  /** Extension: how the loop does (frames, drops, time per frame), or null when not started. */
  getStats(): PipelineStats | null {
    return this.pipeline?.stats() ?? null;
  }

  private serial<T>(op: string, fallback: T, run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run).catch((err: unknown) => refuse(op, `failed: ${err instanceof Error ? err.message : String(err)}`, fallback));
    this.queue = result;
    return result;
  }

  /** The background for `mode`; undefined (logged) when 'bg' has no picture or it does not load. */
  private async backgroundFor(op: string, mode: PrivacyModeName, src: string | null): Promise<Background | undefined> {
    if (mode === 'blur') return { mode: 'blur' };
    if (typeof src !== 'string' || !src) return refuse(op, "mode 'bg' needs the background picture's URL", undefined);
    try {
      return await timeout(loadBackground(src), IMAGE_TIMEOUT_MS, 'loading the background picture');
    } catch (err) {
      return refuse(op, `the background picture ${src.slice(0, 100)} did not load: ${err instanceof Error ? err.message : String(err)}`, undefined);
    }
  }

  private async setBackground(op: string, mode: unknown, src: string | null): Promise<boolean> {
    if (typeof mode !== 'string' || !MODES.includes(mode)) return refuse(op, `mode must be 'blur' or 'bg', not ${String(mode)}`, false);
    if (!this.pipeline) return refuse(op, 'not started: call start() first', false);
    const background = await this.backgroundFor(op, mode as PrivacyModeName, src);
    if (!background || !this.pipeline) return false;
    this.pipeline.background = background;
    return true;
  }

  private async swapElements(input: HTMLVideoElement, output: HTMLCanvasElement): Promise<MediaStream | null> {
    const pipeline = this.pipeline;
    if (!pipeline || !this.stream) return refuse('update', 'not started: call start() first', null);
    try {
      pipeline.setElements(input, output);
    } catch (err) {
      return refuse('update', err instanceof Error ? err.message : String(err), null);
    }
    if (output === this.output) return this.stream;
    const previous = this.stream;
    this.output = output;
    await pipeline.nextFrame(FIRST_FRAME_MS);
    this.stream = output.captureStream(30);
    await this.resend();
    previous.getTracks().forEach((t) => t.stop());
    return this.stream;
  }

  /** After a new output canvas: the SDK sends the new processed track, if it sent the previous one. */
  private async resend(): Promise<void> {
    const sent = this.sent;
    const processed = this.stream?.getVideoTracks()[0];
    if (!sent || !processed || sentBy(sent.sdk) !== sent.stream) return;
    const send = new MediaStream([processed, ...sent.stream.getAudioTracks()]);
    if (await sent.sdk.changeLocalStream(send, ...targetArgs(sent.target))) sent.stream = send;
    else log.error('update: the SDK did not take the new processed stream (changeLocalStream: false)');
  }

  /** Sends again what sendBlurVideoTrack replaced, unless the app has sent something else since. */
  private async restore(): Promise<void> {
    const sent = this.sent;
    this.sent = undefined;
    if (!sent) return;
    const current = sentBy(sent.sdk);
    if (!current) return log.debug('stop: no camera is sent any more; nothing to put back');
    if (current !== sent.stream) {
      log.info('stop: the SDK sends another stream than the processed one now; left as it is');
      return;
    }
    if (!(await sent.sdk.changeLocalStream(sent.original, ...targetArgs(sent.target))))
      log.error('stop: the SDK did not take the original stream back (changeLocalStream: false)');
  }
}

export default PrivacyMode;
