// Camera, microphone and speaker pickers. One set of <select>s, shown in the lobby and moved into
// the call's device panel on joining, so choices made before the call carry into it.
//
// Everything goes through the SDK: `getDevices()` lists the devices (of an instance that is not
// connected in the lobby, of the call's instance in a call), the call's instance fires
// `devicechange` with fresh lists when a headset is plugged in or out (in the lobby, where no
// instance is connected, the browser's own event asks for the lists again), and `setSpeaker()`
// routes every stream the SDK handed out, also those that start playing later. Switching the
// camera or microphone is the caller's (`onInputChange`): in a call the SDK's switchCamera /
// switchMicrophone, in the lobby the preview's own capture (media.js).
//
// Firefox answers a device listing only while the page has the focus: a listing asked for in the
// background fills the pickers once the person comes back, nothing waits for it meanwhile.
import { $, el } from './dom.js';
import { describeCode, t } from './i18n.js';
import { showAlert } from './notify.js';

export const speakerSelectionSupported = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

const KINDS = [
  { list: 'cameras', select: 'pick-camera', name: 'devices.camera', track: 'video' },
  { list: 'microphones', select: 'pick-microphone', name: 'devices.microphone', track: 'audio' },
  { list: 'speakers', select: 'pick-speaker', name: 'devices.speaker', track: null },
];

const NO_DEVICES = { cameras: [], microphones: [], speakers: [] };

export class DevicePickers {
  /**
   * @param {import('./media.js').LocalMedia} media
   * @param {(kind: 'video'|'audio', deviceId: string) => Promise<void>} onInputChange
   */
  constructor(media, onInputChange) {
    this.media = media;
    this.onInputChange = onInputChange;
    /** The SDK instance that lists devices and plays the speaker: the call's, or the lobby's. */
    this.kt = null;
    /** The lobby's instance. */
    this.idle = null;
    /** The call's instance, while in a call (its speaker is the one to set). */
    this.call = null;
    /** The speaker chosen ('' = system default), carried from the lobby into every call. */
    this.speakerId = '';
    this.onDeviceChange = (event) => this.render(event.detail);
    for (const { select, track } of KINDS) {
      $(select).addEventListener('change', (event) => {
        const id = event.target.value;
        if (track) this.onInputChange(track, id);
        else this.setSpeaker(id);
      });
    }
    if (!speakerSelectionSupported) {
      $('pick-speaker').disabled = true;
      $('speaker-note').hidden = false;
    }
    // In the lobby no instance is connected, and only a connected one reports changes.
    navigator.mediaDevices?.addEventListener?.('devicechange', () => {
      if (!this.call) this.refresh();
    });
  }

  /** The lobby's instance (never connected: it only lists devices). */
  useIdle(kt) {
    this.idle = kt;
    if (!this.call) this.kt = kt;
    if (!this.call) this.refresh();
  }

  /** A call began on `kt`: its `devicechange` refreshes the lists, and the chosen speaker plays it. */
  async attach(kt) {
    this.detach();
    this.call = kt;
    this.kt = kt;
    kt.addEventListener('devicechange', this.onDeviceChange);
    if (this.speakerId) await this.applySpeaker();
  }

  /** The call ended: back to the lobby's instance. */
  detach() {
    if (!this.call) return;
    this.call.removeEventListener('devicechange', this.onDeviceChange);
    this.call = null;
    this.kt = this.idle;
  }

  async setSpeaker(id) {
    this.speakerId = id;
    if (this.call) await this.applySpeaker();
  }

  /** The chosen speaker for everything the call's instance handed out (now and later). */
  async applySpeaker() {
    const result = await this.call.setSpeaker(this.speakerId);
    if (result.code === '200') return;
    console.warn('setSpeaker', result);
    showAlert(result.code === '422' ? t('devices.gone') : describeCode(result.code));
    if (result.code === '422') await this.refresh();
  }

  /** Fills the three lists with the devices the SDK reports; the ones in use are selected. */
  async refresh() {
    if (!this.kt) return;
    const result = await this.kt.getDevices();
    if (result.code !== '200') console.warn('getDevices', result);
    this.render(result.code === '200' ? result : NO_DEVICES);
  }

  /** @param {{cameras: object[], microphones: object[], speakers: object[]}} lists getDevices's lists */
  render(lists) {
    for (const { list: which, select, name, track } of KINDS) {
      const list = lists[which] ?? [];
      const node = $(select);
      const current = track ? (this.media.track(track)?.getSettings().deviceId ?? this.media.deviceIds[track]) : this.speakerId;
      const options = list.map((d, i) => el('option', { value: d.deviceId, text: d.label || t('devices.unnamed', { kind: t(name), n: i + 1 }) }));
      if (!track && !list.some((d) => d.deviceId === 'default')) {
        // Output devices are often listed only after a permission: the default is always there.
        options.unshift(el('option', { value: '', text: t('devices.default') }));
      }
      if (options.length === 0) options.push(el('option', { value: '', text: t('devices.none') }));
      node.replaceChildren(...options);
      node.value = [...node.options].some((o) => o.value === current) ? current : node.options[0].value;
      node.disabled = list.length === 0 || (!track && !speakerSelectionSupported);
    }
  }

  /** Puts the pickers into `container` (the lobby or the call's device panel). */
  moveTo(container) {
    container.append($('device-pickers'));
  }
}
