// A call: connecting (init, create, join), then the room itself: publishing our camera, receiving
// everyone's feeds from `publish` presence, the controls, chat, member list, and every way a call
// ends (leave, kicked, connection lost).
//
// Only the public Knowledgetalk API is used, imported as an application imports the package.
import Knowledgetalk from 'knowledgetalk-janus';
import { $ } from './dom.js';
import { describeCode, t } from './i18n.js';
import { CP_CODE, authKeyFor } from './config.js';
import { Tiles } from './tiles.js';
import { ChatPanel } from './chat.js';
import { PeoplePanel } from './people.js';
import { copyLink, roomLink } from './lobby.js';
import { renderToggle } from './toggles.js';
import { hideAlert, showAlert, toast } from './notify.js';

const PANELS = ['chat', 'people', 'settings'];
/** `?log=debug` shows the SDK's log in the console. */
const LOG_LEVEL = new URLSearchParams(location.search).get('log') || 'error';
const SUBSCRIBE_RETRY_MS = 1500;

/**
 * Connects to the gateway and enters the room (creating it first when asked).
 * Resolves with `{ kt, joined, early }` or, when any step fails, `{ error }` (a sentence).
 * Never throws.
 */
export async function connect({ config, name, roomId, create, title, capacity, onStep }) {
  let kt;
  try {
    kt = new Knowledgetalk({ server: config.server, logLevel: LOG_LEVEL });
  } catch (err) {
    console.error(err);
    return { error: t('error.sdk') };
  }
  // Presence can arrive between joinRoom resolving and the Room taking over (members already
  // publishing are announced right after the join): keep it for the Room.
  const early = [];
  const keep = (event) => early.push(event);
  kt.addEventListener('presence', keep);
  kt.addEventListener('disconnected', keep);
  const stopKeeping = () => {
    kt.removeEventListener('presence', keep);
    kt.removeEventListener('disconnected', keep);
  };
  const fail = async (result) => {
    stopKeeping();
    if (result.reason) console.warn(`knowledgetalk: ${result.code}`, result.reason);
    await kt.disconnect();
    return { error: describeCode(result.code), code: result.code };
  };

  onStep('lobby.connecting');
  const init = await kt.init(CP_CODE, await authKeyFor(config, name), undefined, name);
  if (init.code !== '200') return fail(init);
  if (create) {
    onStep('lobby.creating');
    // talkingNoty: the gateway tells who is speaking, for the active-speaker highlight.
    const created = await kt.createVideoRoom(roomId, title || undefined, capacity, true, true);
    if (created.code !== '200') return fail(created);
  }
  onStep('lobby.joining');
  const joined = await kt.joinRoom(roomId);
  if (joined.code !== '200') return fail(joined);
  return { kt, joined, early, stopKeeping };
}

export class Room {
  /**
   * @param {object} p
   * @param {Knowledgetalk} p.kt          connected and joined
   * @param {object} p.joined             joinRoom's result
   * @param {Event[]} p.early             events that arrived before the Room existed
   * @param {() => void} p.stopKeeping    stops collecting `early`
   * @param {import('./media.js').LocalMedia} p.media
   * @param {import('./devices.js').DevicePickers} p.pickers
   * @param {string} p.name
   * @param {(outcome: {message?: string, info?: string, left?: boolean}) => void} p.onExit
   */
  constructor({ kt, joined, early, stopKeeping, media, pickers, name, onExit }) {
    this.kt = kt;
    this.joined = joined;
    this.early = early;
    this.stopKeeping = stopKeeping;
    this.media = media;
    this.pickers = pickers;
    this.name = name;
    this.onExit = onExit;
    this.myId = kt.getUserId();
    this.roomId = joined.roomId;
    this.ended = false;
    /** `${userId}/${type}` -> 'pending' | MediaStream */
    this.subscriptions = new Map();
    /** Our screen share, while we present. */
    this.screenStream = null;
    this.openPanel = null;
    this.endingForAll = false;
    this.abort = new AbortController();
    /** Last known members (the SDK's table, kept for names of members who just left). */
    this.known = new Map(Object.entries(joined.members || {}));

    this.tiles = new Tiles({ stage: $('stage'), grid: $('tiles'), screen: $('screen-area') });
    this.chat = new ChatPanel(
      (text, to) => this.kt.chat(text, undefined, to),
      (n) => this.renderUnread(n),
    );
    this.chat.myName = name;
    this.people = new PeoplePanel({
      onMessage: (userId) => {
        this.showPanel('chat');
        this.chat.whisperTo(userId);
      },
      onKick: (userId) => this.kick(userId),
    });
    this.onPresence = (event) => this.guard(() => this.handlePresence(event.detail));
    this.onDisconnected = (event) => {
      console.warn('gateway connection lost', event.detail);
      this.end(t('error.disconnected'));
    };
    // The SDK reclaims a dropped connection by itself (media keeps flowing): just say so.
    this.onReconnecting = () => toast(t('status.reconnecting'));
    this.onReconnected = () => toast(t('status.reconnected'));
  }

  // ------------------------------------------------------------------ start

  async start() {
    const { signal } = this.abort;
    $('call').hidden = false;
    $('room-title').textContent = this.joined.title || this.roomId;
    $('room-id').textContent = this.joined.title ? this.roomId : '';
    history.replaceState(null, '', roomLink(this.roomId));
    this.pickers.moveTo($('settings-devices'));
    this.chat.reset();
    $('end-meeting').dataset.armed = 'false';
    $('end-meeting').textContent = t('people.endMeeting');

    // Controls
    const on = (id, fn) => $(id).addEventListener('click', () => this.guard(fn), { signal });
    on('ctl-mic', () => this.toggle('audio'));
    on('ctl-cam', () => this.toggle('video'));
    on('ctl-share', () => (this.screenStream ? this.stopShare() : this.startShare()));
    on('ctl-leave', () => this.leave());
    on('room-copy', () => copyLink(roomLink(this.roomId), null, toast));
    on('end-meeting', () => this.endForEveryone());
    for (const panel of PANELS) {
      on(`ctl-${panel}`, () => this.showPanel(this.openPanel === panel ? null : panel));
      on(`close-${panel}`, () => this.showPanel(null));
    }
    document.addEventListener(
      'keydown',
      (event) => {
        if (event.key === 'Escape' && this.openPanel) {
          const button = $(`ctl-${this.openPanel}`);
          this.showPanel(null);
          button.focus();
        }
      },
      { signal },
    );
    window.addEventListener('pagehide', () => this.kt.disconnect(), { signal });
    this.media.addEventListener('change', () => this.renderSelf(), { signal });

    // Tiles for everyone here (ourselves first), then the events, the early ones first.
    this.tiles.upsert(this.myId, 'cam', { name: this.name, local: true, host: this.isHost(this.myId) });
    for (const member of this.members()) this.addMember(member);
    this.refreshMembers();
    this.renderSelf();
    this.kt.addEventListener('presence', this.onPresence);
    this.kt.addEventListener('disconnected', this.onDisconnected);
    this.kt.addEventListener('reconnecting', this.onReconnecting);
    this.kt.addEventListener('reconnected', this.onReconnected);
    this.stopKeeping();
    for (const event of this.early.splice(0)) {
      if (event.type === 'disconnected') return this.onDisconnected(event);
      this.onPresence(event);
    }
    $('ctl-mic').focus({ preventScroll: true });
    await this.publishCamera();
  }

  /** Sends our camera and microphone, once the permission prompt (if any) was answered. */
  async publishCamera() {
    await this.media.ready;
    if (this.ended) return;
    const stream = this.media.stream; // the latest: a device may have been switched meanwhile
    this.renderSelf();
    if (stream.getTracks().length === 0) return; // watching only: nothing to send
    const published = await this.kt.publishVideo('cam', stream);
    if (this.ended) return;
    if (!published) {
      showAlert(t('error.publish'));
      return;
    }
    // Joined with the microphone or camera switched off (or missing): tell the others.
    if (!this.media.isOn('audio') || !this.media.isOn('video')) await this.broadcastState();
  }

  // ------------------------------------------------------------------ members

  /** Everyone in the room, us included, as the SDK knows them. */
  members() {
    const list = this.kt.getMembers();
    if (list) for (const [id, m] of Object.entries(list)) this.known.set(id, m);
    return list ? Object.values(list) : [...this.known.values()];
  }

  member(userId) {
    return this.kt.getMembers()?.[userId] ?? this.known.get(userId);
  }

  nameOf(userId) {
    const m = this.member(userId);
    return (m && m.name) || userId;
  }

  isHost(userId) {
    const m = this.member(userId);
    return m ? m.userType === 'host' : this.joined.host === userId;
  }

  addMember(member) {
    if (member.id === this.myId) return;
    this.known.set(member.id, member);
    this.tiles.upsert(member.id, 'cam', { name: member.name, host: member.userType === 'host' });
    this.tiles.setState(member.id, { audio: member.audio !== false, video: member.video !== false });
  }

  removeMember(userId) {
    this.tiles.remove(userId);
    for (const type of ['cam', 'screen']) this.subscriptions.delete(`${userId}/${type}`);
    this.known.delete(userId);
  }

  /** Member list, chat recipients and the header's count, from the SDK's member table. */
  refreshMembers() {
    const members = this.members();
    const amHost = this.isHost(this.myId);
    this.people.render(members, { myId: this.myId, amHost });
    $('end-meeting').hidden = !amHost;
    this.chat.setMembers(members, this.myId);
    $('room-count').textContent = t('room.members', { n: members.length });
    for (const m of members) {
      if (m.id !== this.myId) this.tiles.setName(m.id, 'cam', m.name, { host: m.userType === 'host' });
    }
  }

  // ------------------------------------------------------------------ presence

  async handlePresence(detail) {
    if (this.ended || !detail) return;
    switch (detail.type) {
      case 'join':
        this.addMember(detail.user);
        toast(t('room.joined', { name: detail.user.name || detail.user.id }));
        break;
      case 'leave': {
        const name = this.nameOf(detail.user);
        this.removeMember(detail.user);
        toast(t('room.left', { name }));
        break;
      }
      case 'publish':
        for (const feed of detail.feeds || []) {
          if (feed.id === this.myId) continue;
          if (feed.type !== 'screen') this.addMember(feed);
          this.subscribe(feed.id, feed.type || 'cam');
        }
        break;
      case 'unpublish':
        this.subscriptions.delete(`${detail.user}/${detail.feedType}`);
        if (detail.feedType === 'screen') this.tiles.remove(detail.user, 'screen');
        else this.tiles.setStream(detail.user, 'cam', null);
        break;
      case 'editUserInfo':
        if (detail.user === this.myId) break;
        this.tiles.setState(detail.user, { audio: detail.audio, video: detail.video });
        if (detail.name) this.tiles.setName(detail.user, 'cam', detail.name, { host: this.isHost(detail.user) });
        break;
      case 'talking':
        this.tiles.setSpeaking(detail.user, detail.talking);
        break;
      case 'chat':
        this.chat.add({
          fromName: this.nameOf(detail.user),
          text: detail.message,
          private: Boolean(detail.whisper),
        });
        break;
      case 'screen':
        if (detail.user !== this.myId) toast(t('room.startedSharing', { name: this.nameOf(detail.user) }));
        break;
      case 'shareStop':
        if (detail.user !== this.myId) {
          this.subscriptions.delete(`${detail.user}/screen`);
          this.tiles.remove(detail.user, 'screen');
        }
        break;
      case 'kickOut':
        // Sent to us only: the host removed us, or the room was destroyed.
        if (detail.user === this.myId || !detail.user) {
          if (this.endingForAll) return;
          return this.end(t(detail.reason === 'destroyed' ? 'error.roomClosed' : 'error.kicked'));
        }
        this.removeMember(detail.user);
        break;
      default:
        break;
    }
    this.refreshMembers();
  }

  /** Receives one feed and shows it; members are announced by `publish`, so nobody is missed. */
  async subscribe(userId, type) {
    const key = `${userId}/${type}`;
    if (this.subscriptions.has(key)) return;
    this.subscriptions.set(key, 'pending');
    if (type === 'screen') this.tiles.upsert(userId, 'screen', { name: this.nameOf(userId) });
    this.tiles.setPending(userId, type, true);
    let stream = await this.kt.subscribeVideo(userId, type);
    if (!stream && !this.ended && this.subscriptions.get(key) === 'pending') {
      // A feed announced a moment before its connection is up can fail once: try again.
      await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_RETRY_MS));
      if (!this.ended && this.subscriptions.get(key) === 'pending') stream = await this.kt.subscribeVideo(userId, type);
    }
    if (this.ended || this.subscriptions.get(key) !== 'pending') return; // unpublished or gone meanwhile
    this.tiles.setPending(userId, type, false);
    if (!stream) {
      this.subscriptions.delete(key);
      if (type === 'screen') this.tiles.remove(userId, 'screen');
      showAlert(t('error.subscribe', { name: this.nameOf(userId) }));
      return;
    }
    this.subscriptions.set(key, stream);
    this.tiles.setStream(userId, type, stream);
  }

  // ------------------------------------------------------------------ controls

  /** Mic or camera on/off: local tracks at once, then everyone is told (editUserInfo broadcast). */
  async toggle(kind) {
    this.media.setWanted(kind, !this.media.wanted[kind]);
    this.renderSelf();
    await this.broadcastState();
  }

  async broadcastState() {
    const result = await this.kt.editUserInfo(undefined, this.media.isOn('video'), this.media.isOn('audio'), true);
    if (result && result.code !== '200') showAlert(describeCode(result.code));
  }

  /** A device picked in the device panel: the new track replaces the sent one, no renegotiation. */
  async useStream(stream) {
    if (this.ended) return;
    this.tiles.setStream(this.myId, 'cam', stream);
    const changed = await this.kt.changeLocalStream(stream);
    if (changed === false) showAlert(t('devices.switchFailed'));
  }

  async startShare() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getDisplayMedia) {
      showAlert(t('controls.shareUnsupported'));
      return;
    }
    let stream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: false });
    } catch (err) {
      if (err && err.name === 'NotAllowedError') return; // the person cancelled the picker
      showAlert(t('error.share'));
      return;
    }
    if (this.ended) return stream.getTracks().forEach((tr) => tr.stop());
    $('ctl-share').disabled = true;
    try {
      const started = await this.kt.screenStart(stream);
      if (started.code !== '200') {
        stream.getTracks().forEach((tr) => tr.stop());
        showAlert(describeCode(started.code));
        return;
      }
      this.screenStream = stream;
      // The browser's own "Stop sharing" button ends the track: stop the share with it.
      stream.getVideoTracks()[0]?.addEventListener('ended', () => this.guard(() => this.stopShare()), { once: true });
      this.tiles.upsert(this.myId, 'screen', { name: this.name, local: true });
      this.tiles.setStream(this.myId, 'screen', stream);
    } finally {
      $('ctl-share').disabled = false;
      this.renderSelf();
    }
  }

  async stopShare() {
    const stream = this.screenStream;
    if (!stream) return;
    this.screenStream = null;
    this.tiles.remove(this.myId, 'screen');
    this.renderSelf();
    const stopped = await this.kt.shareStop();
    stream.getTracks().forEach((tr) => tr.stop());
    if (stopped && stopped.code !== '200') console.warn('shareStop', stopped);
  }

  /** The host's "End meeting for everyone": two presses, then the room is destroyed. */
  async endForEveryone() {
    const button = $('end-meeting');
    if (button.dataset.armed !== 'true') {
      button.dataset.armed = 'true';
      button.textContent = t('people.confirmEnd');
      setTimeout(() => {
        button.dataset.armed = 'false';
        button.textContent = t('people.endMeeting');
      }, 4000);
      return;
    }
    button.disabled = true;
    this.endingForAll = true; // our own "room destroyed" notice is expected, not news
    const result = await this.kt.destroyRoom(this.roomId);
    button.disabled = false;
    if (result.code !== '200') {
      this.endingForAll = false;
      showAlert(describeCode(result.code));
      return;
    }
    await this.end(null, { info: t('lobby.endedByYou') });
  }

  async kick(userId) {
    const name = this.nameOf(userId);
    const result = await this.kt.kickOut(userId);
    if (result.code !== '200') showAlert(t('people.removeFailed', { name, reason: describeCode(result.code) }));
  }

  showPanel(name) {
    this.openPanel = name;
    for (const panel of PANELS) {
      $(`${panel}-panel`).hidden = panel !== name;
      $(`ctl-${panel}`).setAttribute('aria-expanded', String(panel === name));
    }
    $('call').dataset.panel = name || '';
    this.chat.setVisible(name === 'chat');
    if (name === 'chat') $('chat-input').focus();
    else if (name) $(`${name}-panel`).querySelector('button, select, input')?.focus();
    this.tiles.layout();
  }

  renderUnread(n) {
    const badge = $('chat-unread');
    badge.hidden = n === 0;
    badge.textContent = String(n);
    // The badge is inside a labelled button: the count belongs in the button's own label.
    const label = n ? t('controls.chatUnreadLabel', { n }) : t('controls.chatLabel');
    $('ctl-chat').setAttribute('aria-label', label);
    $('ctl-chat').title = label;
  }

  /** Our own tile and the toolbar's toggles. */
  renderSelf() {
    const { media } = this;
    renderToggle($('ctl-mic'), 'audio', { available: media.has('audio'), on: media.wanted.audio });
    renderToggle($('ctl-cam'), 'video', { available: media.has('video'), on: media.wanted.video });
    const own = media.stream.getTracks().length > 0 ? media.stream : null; // no devices: the avatar
    if (this.tiles.get(this.myId) && this.tiles.get(this.myId).querySelector('video').srcObject !== own) {
      this.tiles.setStream(this.myId, 'cam', own);
    }
    this.tiles.setState(this.myId, { audio: media.isOn('audio'), video: media.isOn('video') });
    const share = $('ctl-share');
    const sharing = Boolean(this.screenStream);
    share.dataset.sharing = String(sharing);
    share.querySelector('.label').textContent = t(sharing ? 'controls.stopShare' : 'controls.share');
    share.setAttribute('aria-label', t(sharing ? 'controls.stopShareLabel' : 'controls.shareLabel'));
    share.title = share.getAttribute('aria-label');
  }

  // ------------------------------------------------------------------ ending

  leave() {
    return this.end(null, { leave: true });
  }

  /**
   * Ends the call. `message`: why, as a failure (kicked, connection lost); `info`: a neutral note;
   * neither when the person simply left (`leave`: tell the room first).
   */
  async end(message, { leave = false, info } = {}) {
    if (this.ended) return;
    this.ended = true;
    this.abort.abort();
    this.kt.removeEventListener('presence', this.onPresence);
    this.kt.removeEventListener('disconnected', this.onDisconnected);
    this.kt.removeEventListener('reconnecting', this.onReconnecting);
    this.kt.removeEventListener('reconnected', this.onReconnected);
    this.stopKeeping();
    if (this.screenStream) this.screenStream.getTracks().forEach((tr) => tr.stop());
    this.screenStream = null;
    if (leave) {
      const left = await this.kt.leaveRoom(this.roomId);
      if (left.code !== '200') console.warn('leaveRoom', left);
    }
    await this.kt.disconnect();
    this.tiles.destroy();
    this.chat.destroy();
    this.showPanel(null);
    hideAlert();
    $('call').hidden = true;
    this.onExit({ message, info, left: leave });
  }

  /** Runs a handler; an unexpected exception becomes a message instead of a silent failure. */
  async guard(fn) {
    try {
      await fn();
    } catch (err) {
      console.error(err);
      if (!this.ended) showAlert(t('error.unexpected', { message: (err && err.message) || String(err) }));
    }
  }
}
