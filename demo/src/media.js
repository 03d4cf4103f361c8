// The person's own camera and microphone: one MediaStream with at most one video and one audio
// track, the devices chosen in the pickers, the on/off toggles, and what went wrong when a device
// could not be opened (in categories the UI turns into words).
import { t } from './i18n.js';

// 360p is plenty for a grid of up to nine tiles and keeps CPU and bandwidth low for everyone.
const VIDEO = { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 24, max: 30 } };

/** 'denied' | 'missing' | 'busy' | 'insecure' | 'failed' for a getUserMedia error. */
export function classifyMediaError(err) {
  switch (err && err.name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'missing';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'busy';
    default:
      return 'failed';
  }
}

function constraintsFor(kind, deviceId) {
  if (kind === 'video') return deviceId ? { ...VIDEO, deviceId: { exact: deviceId } } : VIDEO;
  return deviceId ? { deviceId: { exact: deviceId }, echoCancellation: true, noiseSuppression: true } : { echoCancellation: true, noiseSuppression: true };
}

export class LocalMedia extends EventTarget {
  constructor() {
    super();
    /** @type {MediaStream} */
    this.stream = new MediaStream();
    this.wanted = { video: true, audio: true };
    this.deviceIds = { video: '', audio: '' };
    /** Why a kind has no track: null or a classifyMediaError() category. */
    this.problems = { video: null, audio: null };
    this.ready = Promise.resolve(this.stream);
    this.pending = false;
  }

  track(kind) {
    return kind === 'video' ? this.stream.getVideoTracks()[0] : this.stream.getAudioTracks()[0];
  }

  has(kind) {
    return Boolean(this.track(kind));
  }

  /** On: the track exists and the person has not switched it off. */
  isOn(kind) {
    return this.has(kind) && this.wanted[kind];
  }

  /**
   * Opens camera and microphone (the chosen ones). Never throws: problems land in `problems`.
   * `ready` is the latest start, for whoever must wait for a permission prompt to be answered.
   */
  start() {
    this.ready = this.acquire();
    return this.ready;
  }

  async acquire() {
    this.stop();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      this.problems = { video: 'insecure', audio: 'insecure' };
      this.emitChange();
      return this.stream;
    }
    this.pending = true;
    this.emitChange();
    const tracks = [];
    try {
      const both = await this.open({ video: constraintsFor('video', this.deviceIds.video), audio: constraintsFor('audio', this.deviceIds.audio) });
      tracks.push(...both.getTracks());
      this.problems = { video: null, audio: null };
    } catch {
      // One request for both fails if either fails: ask for each alone to learn which one it was.
      for (const kind of ['video', 'audio']) {
        try {
          const one = await this.open({ [kind]: constraintsFor(kind, this.deviceIds[kind]) });
          tracks.push(...one.getTracks());
          this.problems[kind] = null;
        } catch (err) {
          this.problems[kind] = classifyMediaError(err);
          console.warn(`${kind} unavailable:`, err && err.name, err && err.message);
        }
      }
    }
    this.pending = false;
    this.stream = new MediaStream(tracks);
    this.applyWanted();
    this.emitChange();
    return this.stream;
  }

  /** getUserMedia; a remembered device that is gone falls back to the default one. */
  async open(constraints) {
    try {
      return await navigator.mediaDevices.getUserMedia(constraints);
    } catch (err) {
      const pinned = Object.values(constraints).some((c) => c && c.deviceId);
      if (!pinned || err.name !== 'OverconstrainedError') throw err;
      const loose = {};
      for (const kind of Object.keys(constraints)) loose[kind] = constraintsFor(kind, '');
      return navigator.mediaDevices.getUserMedia(loose);
    }
  }

  /**
   * Switches one kind to another device before anything is sent (the lobby's preview); the other
   * track is kept. Resolves with the new stream (a new MediaStream object) and the track it
   * replaced, which the caller stops. Throws when the device cannot be opened; the current track
   * then stays. In a call the SDK switches what is sent (switchCamera / switchMicrophone, `adopt`).
   */
  async switchDevice(kind, deviceId) {
    this.deviceIds[kind] = deviceId;
    const fresh = await navigator.mediaDevices.getUserMedia({ [kind]: constraintsFor(kind, deviceId) });
    const track = kind === 'video' ? fresh.getVideoTracks()[0] : fresh.getAudioTracks()[0];
    const old = this.track(kind);
    const keep = this.stream.getTracks().filter((tr) => tr.kind !== kind);
    this.stream = new MediaStream([...keep, track]);
    this.problems[kind] = null;
    this.applyWanted();
    this.emitChange();
    return { stream: this.stream, replaced: old };
  }

  /**
   * The SDK switched the sent camera or microphone (switchCamera / switchMicrophone): the published
   * stream `sent` holds the new track, the old one is stopped. Usually `sent` is our own stream
   * (what we published); when it is not, its new track is taken into ours.
   */
  adopt(kind, deviceId, sent) {
    this.deviceIds[kind] = deviceId;
    const track = sent && (kind === 'video' ? sent.getVideoTracks()[0] : sent.getAudioTracks()[0]);
    if (sent && sent !== this.stream && track) {
      const keep = this.stream.getTracks().filter((tr) => tr.kind !== kind);
      this.stream = new MediaStream([...keep, track]);
    }
    this.problems[kind] = null;
    this.applyWanted();
    this.emitChange();
  }

  /** Switches sending of one kind on or off (track.enabled: the device stays open, no renegotiation). */
  setWanted(kind, on) {
    this.wanted[kind] = on;
    this.applyWanted();
    this.emitChange();
  }

  applyWanted() {
    for (const track of this.stream.getTracks()) track.enabled = this.wanted[track.kind];
  }

  stop() {
    for (const track of this.stream.getTracks()) track.stop();
    this.stream = new MediaStream();
  }

  emitChange(extra = {}) {
    this.dispatchEvent(new CustomEvent('change', { detail: { stream: this.stream, ...extra } }));
  }

  /** The sentence for what is wrong with camera/microphone, or null when both work. */
  describeProblem() {
    if (this.pending) return t('media.waiting');
    const { video, audio } = this.problems;
    if (!video && !audio) return null;
    if (video === 'insecure' || audio === 'insecure') return t('media.insecure');
    if (video === 'denied' && audio === 'denied') return t('media.denied');
    if (video === 'missing' && audio === 'missing') return t('media.noDevices');
    if (video === 'denied') return t('media.cameraDenied');
    if (video === 'missing') return t('media.noCamera');
    if (video === 'busy' || audio === 'busy') return t('media.busy');
    if (audio === 'denied') return t('media.micDenied');
    if (audio === 'missing') return t('media.noMic');
    return t('media.failed');
  }
}
