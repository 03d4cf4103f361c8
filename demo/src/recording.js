// Recording the meeting: the host's Record button makes the gateway record the room
// (startRecording / stopRecording), and everyone sees "REC" in the header while it does (presence
// `recording`, read by the SDK from the gateway, and joinRoom's `isRecording` for who comes in).
import { $ } from './dom.js';
import { describeCode, t } from './i18n.js';
import { setIcon } from './icons.js';
import { showAlert, toast } from './notify.js';

export class Recording {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    /** Whether the room records now, as the gateway says. */
    this.active = false;
    this.busy = false;
  }

  wire(signal) {
    $('ctl-record').addEventListener('click', () => this.room.guard(() => this.toggle()), { signal });
  }

  /** A room entered: whether it is being recorded already. */
  entered(joined) {
    this.active = Boolean(joined.isRecording);
    this.render();
  }

  onPresence(detail) {
    if (detail.type !== 'recording' || Boolean(detail.recording) === this.active) return;
    this.active = Boolean(detail.recording);
    toast(t(this.active ? 'record.started' : 'record.stopped'));
    this.render();
  }

  /** The host's: starts or stops the room's recording. */
  async toggle() {
    if (this.busy) return;
    this.busy = true;
    this.render();
    const starting = !this.active;
    try {
      const result = starting ? await this.room.kt.startRecording() : await this.room.kt.stopRecording();
      if (this.room.ended) return;
      if (result.code === '200' || result.code === '452') {
        // '452': it records already (someone else started it meanwhile).
        this.active = starting;
      } else {
        console.warn(starting ? 'startRecording' : 'stopRecording', result);
        showAlert(t(starting ? 'record.startFailed' : 'record.stopFailed', { reason: describeCode(result.code) }));
      }
    } finally {
      this.busy = false;
      this.render();
    }
  }

  /** The Record button (the host's only) and the REC indicator (everyone's). */
  render() {
    const button = $('ctl-record');
    const amHost = this.room.isHost(this.room.myId);
    button.hidden = !amHost;
    button.disabled = this.busy;
    button.dataset.sharing = String(this.active);
    button.querySelector('.label').textContent = t(this.active ? 'controls.recordStop' : 'controls.record');
    const label = t(this.active ? 'controls.recordStopLabel' : 'controls.recordLabel');
    button.setAttribute('aria-label', label);
    button.title = label;
    setIcon(button, this.active ? 'stop' : 'record');
    $('room-rec').hidden = !this.active;
  }

  /** The call ended: nothing of it stays on screen. */
  hide() {
    $('room-rec').hidden = true;
    $('ctl-record').hidden = true;
  }
}
