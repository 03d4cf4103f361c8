// The microphone and camera toggle buttons (lobby and call toolbar): icon, state and a label that
// says what pressing the button will do.
import { setIcon } from './icons.js';
import { t } from './i18n.js';

/** Mic / camera toggle button state (used by the lobby and the call's toolbar alike). */
export function renderToggle(button, kind, { available, on, compact = false }) {
  const isVideo = kind === 'video';
  button.disabled = !available;
  button.dataset.state = !available ? 'missing' : on ? 'on' : 'off';
  setIcon(button, isVideo ? (on && available ? 'cam' : 'camOff') : on && available ? 'mic' : 'micOff');
  const label = !available
    ? t(isVideo ? 'controls.noCamera' : 'controls.noMic')
    : t(isVideo ? (on ? 'controls.camOffLabel' : 'controls.camOnLabel') : on ? 'controls.muteLabel' : 'controls.unmuteLabel');
  button.setAttribute('aria-label', label);
  button.title = label;
  const text = button.querySelector('.label');
  if (text && !compact) {
    text.textContent = !available
      ? t(isVideo ? 'controls.noCamera' : 'controls.noMic')
      : t(isVideo ? (on ? 'controls.camOff' : 'controls.camOn') : on ? 'controls.mute' : 'controls.unmute');
  }
}
