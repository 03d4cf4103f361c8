// Our own camera and microphone in the call: sending them (publishVideo, in three simulcast
// layers), the toolbar's mic and camera toggles and telling the others about them (editUserInfo),
// a device picked during the call (switchCamera / switchMicrophone), and our own tile with the
// toolbar's toggles. The capture itself is media.js's; room.js makes one of these per call.
import { $ } from './dom.js';
import { describeCode, t } from './i18n.js';
import { renderToggle } from './toggles.js';
import { showAlert } from './notify.js';

export class OwnMedia {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    /** Our camera's publishing (publish) and whether it is sent: device switches wait for it. */
    this.publishing = Promise.resolve();
    this.published = false;
  }

  /** Sends our camera and microphone (see `publishing`, `published`). */
  publish() {
    this.published = false;
    this.publishing = this.send();
    return this.publishing;
  }

  /** Sends our camera and microphone, once the permission prompt (if any) was answered. */
  async send() {
    const { room } = this;
    await room.media.ready;
    if (room.ended) return;
    const stream = room.media.stream; // the latest: a device may have been switched meanwhile
    this.render();
    if (stream.getTracks().length === 0) return; // watching only: nothing to send
    // Three layers (full, half and quarter size; HD capture for the full one): each receiver takes the
    // one its tile needs (spotlight.js).
    const published = await room.kt.publishVideo('cam', stream, { simulcast: true, resolution: 'hd' });
    if (room.ended) return;
    if (!published) {
      showAlert(t('error.publish'));
      return;
    }
    this.published = true;
    // Joined with the microphone or camera switched off (or missing): tell the others.
    if (!room.media.isOn('audio') || !room.media.isOn('video')) await this.broadcastState();
  }

  /** Mic or camera on/off: local tracks at once, then everyone is told (editUserInfo broadcast). */
  async toggle(kind) {
    const { media } = this.room;
    media.setWanted(kind, !media.wanted[kind]);
    this.render();
    await this.broadcastState();
  }

  async broadcastState() {
    const { kt, media } = this.room;
    const result = await kt.editUserInfo(undefined, media.isOn('video'), media.isOn('audio'), true);
    if (result && result.code !== '200') showAlert(describeCode(result.code));
  }

  /**
   * A camera or microphone picked during the call: once our camera is sent, the SDK captures that
   * device and sends it in place of the old one (replaceTrack, no renegotiation; the old device is
   * released). Resolves false when nothing is sent, for the caller to switch the preview itself.
   */
  async switchDevice(kind, deviceId) {
    const { room } = this;
    await this.publishing;
    if (room.ended || !this.published) return false;
    const blurred = kind === 'video' && room.privacy.on;
    if (blurred) await room.privacy.stop(); // the blur runs on the old camera: again on the new one below
    const result = kind === 'video' ? await room.kt.switchCamera(deviceId) : await room.kt.switchMicrophone(deviceId);
    if (result.code === '200') room.media.adopt(kind, deviceId, room.kt.getStream(room.myId));
    else {
      console.warn(kind === 'video' ? 'switchCamera' : 'switchMicrophone', result);
      showAlert(t(result.code === '422' ? 'devices.gone' : result.code === '413' ? 'devices.denied' : 'devices.switchFailed'));
    }
    this.render();
    if (blurred) await room.privacy.start();
    return true;
  }

  /** Our own tile and the toolbar's toggles. */
  render() {
    const { media, tiles, privacy, myId } = this.room;
    renderToggle($('ctl-mic'), 'audio', { available: media.has('audio'), on: media.wanted.audio });
    renderToggle($('ctl-cam'), 'video', { available: media.has('video'), on: media.wanted.video });
    // The blurred picture while the blur is on; no devices: the avatar.
    const own = privacy.preview ?? (media.stream.getTracks().length > 0 ? media.stream : null);
    if (tiles.get(myId) && tiles.get(myId).querySelector('video').srcObject !== own) {
      tiles.setStream(myId, 'cam', own);
    }
    tiles.setState(myId, { audio: media.isOn('audio'), video: media.isOn('video') });
    tiles.get(myId)?.classList.toggle('blurred', privacy.on);
    this.room.screen.render();
    privacy.render();
  }
}
