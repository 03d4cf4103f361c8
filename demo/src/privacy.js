// Background blur for the camera we send, with the SDK's separate PrivacyMode script
// (dist/privacy-mode.umd.js, the global `PrivacyMode`; its segmentation model is loaded from
// dist/mediapipe/ next to it). Off until the person turns it on: it costs CPU on every frame, and
// the script and model (~6 MB) are fetched only then.
//
// On: the camera plays in a hidden <video>, PrivacyMode draws it blurred on a canvas, and the
// canvas's stream replaces the camera's video in what the SDK sends (sendBlurVideoTrack, the same
// audio kept); our own tile shows the blurred picture. Off: the camera is sent again.
import { $ } from './dom.js';
import { t } from './i18n.js';
import { setIcon } from './icons.js';
import { showAlert } from './notify.js';

const SCRIPT = '/dist/privacy-mode.umd.js';
let loading = null;

/** The PrivacyMode class, from its script (added to the page the first time). */
function loadPrivacyMode() {
  if (window.PrivacyMode) return Promise.resolve(window.PrivacyMode);
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = SCRIPT;
    script.onload = () => (window.PrivacyMode ? resolve(window.PrivacyMode) : reject(new Error(`${SCRIPT} defined no PrivacyMode`)));
    script.onerror = () => reject(new Error(`${SCRIPT} did not load`));
    document.head.append(script);
  }).catch((err) => {
    loading = null;
    throw err;
  });
  return loading;
}

export class Privacy {
  /**
   * @param {{ kt: object, media: import('./media.js').LocalMedia, onChange: () => void }} deps
   * `onChange`: our preview changed (blurred or not).
   */
  constructor({ kt, media, onChange }) {
    this.kt = kt;
    this.media = media;
    this.onChange = onChange;
    this.pm = null;
    this.input = null;
    /** The blurred stream while on (what our tile shows), else null. */
    this.preview = null;
    this.busy = false;
  }

  get on() {
    return Boolean(this.preview);
  }

  toggle() {
    return this.on ? this.stop() : this.start();
  }

  async start() {
    const track = this.media.stream.getVideoTracks()[0];
    if (this.busy || this.on || !track) return;
    this.busy = true;
    this.render();
    try {
      const PrivacyMode = await loadPrivacyMode();
      this.pm ??= new PrivacyMode();
      if (!(await this.pm.init())) throw new Error('the segmentation model did not load');
      const input = document.createElement('video');
      input.muted = true;
      input.playsInline = true;
      input.srcObject = new MediaStream([track]);
      await input.play();
      const blurred = await this.pm.start(input, document.createElement('canvas'), 'blur', null);
      if (!blurred) throw new Error('PrivacyMode.start failed');
      if (!(await this.pm.sendBlurVideoTrack(this.kt))) {
        await this.pm.stop();
        throw new Error('the SDK did not take the blurred video');
      }
      this.input = input;
      this.preview = new MediaStream([...blurred.getVideoTracks()]);
    } catch (err) {
      console.error('background blur', err);
      showAlert(t('privacy.failed'));
    } finally {
      this.busy = false;
      this.render();
      this.onChange();
    }
  }

  /** Off: the camera is sent again (PrivacyMode puts back what it replaced). */
  async stop() {
    if (!this.on) return;
    this.busy = true;
    this.render();
    try {
      await this.pm.stop();
    } finally {
      if (this.input) this.input.srcObject = null;
      this.input = null;
      this.preview = null;
      this.busy = false;
      this.render();
      this.onChange();
    }
  }

  render() {
    const button = $('ctl-blur');
    const hasCamera = this.media.has('video');
    button.disabled = this.busy || (!this.on && !hasCamera);
    button.dataset.sharing = String(this.on);
    button.querySelector('.label').textContent = t(this.busy && !this.on ? 'privacy.starting' : this.on ? 'controls.blurOff' : 'controls.blur');
    const label = t(this.on ? 'controls.blurOffLabel' : 'controls.blurLabel');
    button.setAttribute('aria-label', label);
    button.title = label;
    setIcon(button, 'blur');
  }
}
