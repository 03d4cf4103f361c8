// Camera, microphone and speaker pickers. One set of <select>s, shown in the lobby and moved into
// the call's device panel on joining, so choices made before the call carry into it.
//
// Speaker choice uses HTMLMediaElement.setSinkId on the demo's own media elements (the remote
// <video>s, which also play the sound). Browsers without it get a sentence instead of a picker.
import { $, el } from './dom.js';
import { t } from './i18n.js';

export const speakerSelectionSupported = typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

const KINDS = [
  { kind: 'videoinput', select: 'pick-camera', name: 'devices.camera', track: 'video' },
  { kind: 'audioinput', select: 'pick-microphone', name: 'devices.microphone', track: 'audio' },
  { kind: 'audiooutput', select: 'pick-speaker', name: 'devices.speaker', track: null },
];

/** The speaker every remote media element plays on ('' = system default). */
let speakerId = '';

/** Routes one media element to the chosen speaker (no-op where unsupported). */
export async function routeToSpeaker(media) {
  if (!speakerSelectionSupported || !media) return;
  try {
    if (media.sinkId !== speakerId) await media.setSinkId(speakerId);
  } catch (err) {
    console.warn('setSinkId failed', err);
  }
}

function routeAll() {
  return Promise.all([...document.querySelectorAll('video.remote-media, audio.remote-media')].map(routeToSpeaker));
}

export class DevicePickers {
  /**
   * @param {import('./media.js').LocalMedia} media
   * @param {(kind: 'video'|'audio', deviceId: string) => Promise<void>} onInputChange
   */
  constructor(media, onInputChange) {
    this.media = media;
    this.onInputChange = onInputChange;
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
    // Plugging a headset in or out updates the lists.
    navigator.mediaDevices?.addEventListener?.('devicechange', () => this.refresh());
  }

  async setSpeaker(id) {
    speakerId = id;
    await routeAll();
  }

  /** Fills the three lists with the devices the browser reports; the ones in use are selected. */
  async refresh() {
    let devices = [];
    try {
      devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
    } catch (err) {
      console.warn('enumerateDevices failed', err);
    }
    for (const { kind, select, name, track } of KINDS) {
      const list = devices.filter((d) => d.kind === kind && d.deviceId);
      const node = $(select);
      const current = track ? (this.media.track(track)?.getSettings().deviceId ?? this.media.deviceIds[track]) : speakerId;
      const options = list.map((d, i) => el('option', { value: d.deviceId, text: d.label || t('devices.unnamed', { kind: t(name), n: i + 1 }) }));
      if (kind === 'audiooutput' && !list.some((d) => d.deviceId === 'default')) {
        // Output devices are often listed only after a permission: the default is always there.
        options.unshift(el('option', { value: '', text: t('devices.default') }));
      }
      if (options.length === 0) options.push(el('option', { value: '', text: t('devices.none') }));
      node.replaceChildren(...options);
      node.value = list.some((d) => d.deviceId === current) ? current : node.options[0].value;
      node.disabled = list.length === 0 || (kind === 'audiooutput' && !speakerSelectionSupported);
    }
  }

  /** Puts the pickers into `container` (the lobby or the call's device panel). */
  moveTo(container) {
    container.append($('device-pickers'));
  }
}
