// Presenting a screen (screenStart / shareStop) and the toolbar's Present button. One share at a
// time in a room: a screen, the whiteboard or a document.
import { $ } from './dom.js';
import { describeCode, t } from './i18n.js';
import { showAlert } from './notify.js';

export class ScreenShare {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    /** Our screen, while we present. */
    this.stream = null;
  }

  async start() {
    const { room } = this;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      showAlert(t('controls.shareUnsupported'));
      return;
    }
    if (!room.permits.may('screen')) return showAlert(describeCode('413'));
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    } catch (err) {
      if (err && err.name === 'NotAllowedError') return; // the person cancelled the picker
      showAlert(t('error.share'));
      return;
    }
    if (room.ended) return stream.getTracks().forEach((tr) => tr.stop());
    $('ctl-share').disabled = true;
    try {
      if (room.board.mine()) await room.board.stop(); // our whiteboard or document gives way
      const started = await room.kt.screenStart(stream);
      if (!started || started.code !== '200') {
        stream.getTracks().forEach((tr) => tr.stop());
        // screenStart resolves false without a code: most often someone else shares.
        showAlert(describeCode(started ? started.code : room.kt.getShareType() ? '440' : '500'));
        return;
      }
      this.stream = stream;
      // The browser's own "Stop sharing" button ends the track: stop the share with it.
      stream.getVideoTracks()[0]?.addEventListener('ended', () => room.guard(() => this.stop()), { once: true });
      room.tiles.upsert(room.myId, 'screen', { name: room.name, local: true });
      room.tiles.setStream(room.myId, 'screen', stream);
    } finally {
      $('ctl-share').disabled = false;
      room.renderSelf();
    }
  }

  async stop() {
    const { room } = this;
    const stream = this.stream;
    if (!stream) return;
    this.stream = null;
    room.tiles.remove(room.myId, 'screen');
    room.renderSelf();
    const stopped = await room.kt.shareStop();
    stream.getTracks().forEach((tr) => tr.stop());
    if (stopped && stopped.code !== '200') console.warn('shareStop', stopped);
  }

  /** Ended with the call or a move: the tracks stop, nothing is told (we are out of the room). */
  drop() {
    if (this.stream) this.stream.getTracks().forEach((tr) => tr.stop());
    this.stream = null;
  }

  render() {
    const share = $('ctl-share');
    const sharing = Boolean(this.stream);
    share.dataset.sharing = String(sharing);
    share.querySelector('.label').textContent = t(sharing ? 'controls.stopShare' : 'controls.share');
    share.setAttribute('aria-label', t(sharing ? 'controls.stopShareLabel' : 'controls.shareLabel'));
    share.disabled = !sharing && !this.room.permits.may('screen');
    share.title = share.disabled ? t('permit.notAllowed') : share.getAttribute('aria-label');
  }
}
