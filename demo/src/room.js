// A call: the room itself once joined (connect.js gets us in): publishing our camera (own-media.js),
// receiving everyone's feeds from `publish` presence, the controls, chat, member list, the teaching
// features (board.js, documents.js, permits.js, breakout.js, privacy.js), moving between a main room
// and a breakout group, and every way a call ends (leave, kicked, connection lost).
//
// Only the public Knowledgetalk API is used, imported as an application imports the package.
import { $ } from './dom.js';
import { describeCode, t } from './i18n.js';
import { Tiles } from './tiles.js';
import { ChatPanel } from './chat.js';
import { PeoplePanel } from './people.js';
import { copyLink, roomLink } from './lobby.js';
import { hideAlert, showAlert, toast } from './notify.js';
import { ScreenShare } from './screenshare.js';
import { Feeds } from './feeds.js';
import { callPresence, ENDED } from './call-presence.js';
import { endForEveryone, kick } from './hosting.js';
import { renderUnread, showPanel, wirePanels } from './panels.js';
import { ShareBoard } from './board.js';
import { Documents } from './documents.js';
import { Permits } from './permits.js';
import { Breakout } from './breakout.js';
import { Privacy } from './privacy.js';
import { CallSignals } from './signals.js';
import { Recording } from './recording.js';
import { Spotlight } from './spotlight.js';
import { OwnMedia } from './own-media.js';

export { connect, idleSdk } from './connect.js';

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
   * @param {string} [p.pin]             the room's PIN, to come back to it from a breakout group
   * @param {(outcome: {message?: string, info?: string, left?: boolean}) => void} p.onExit
   */
  constructor({ kt, joined, early, stopKeeping, media, pickers, name, pin, onExit }) {
    this.kt = kt;
    this.early = early;
    this.stopKeeping = stopKeeping;
    this.media = media;
    this.pickers = pickers;
    this.name = name;
    this.pin = pin;
    this.onExit = onExit;
    this.myId = kt.getUserId();
    this.ended = false;
    /** Presence collected while we move to another room (a breakout group and back), else null. */
    this.moving = null;
    this.openPanel = null;
    this.endingForAll = false;
    this.abort = new AbortController();
    this.known = new Map();
    /** The room we joined from the lobby (a breakout group's main room), whose PIN `pin` is. */
    this.firstRoomId = joined.roomId;
    /** Our camera and microphone: sending them, their toggles, device switches, our own tile. */
    this.own = new OwnMedia(this);
    this.setJoined(joined);

    this.spotlight = new Spotlight(this);
    this.tiles = new Tiles({ stage: $('stage'), grid: $('tiles'), screen: $('screen-area'), onSpotlight: (userId) => this.spotlight.toggle(userId) });
    this.chat = new ChatPanel(
      (text, to) => this.kt.chat(text, undefined, to),
      (n) => renderUnread(n),
    );
    this.chat.myName = name;
    this.feeds = new Feeds(this);
    this.signals = new CallSignals(this);
    this.screen = new ScreenShare(this);
    this.permits = new Permits(this);
    this.board = new ShareBoard(this);
    this.documents = new Documents(this, this.board);
    this.breakout = new Breakout(this);
    this.recording = new Recording(this);
    this.privacy = new Privacy({ kt, media, onChange: () => this.renderSelf() });
    /** What follows presence besides the call itself, in this order. */
    this.features = [this.permits, this.board, this.breakout, this.recording];
    this.people = new PeoplePanel({
      onMessage: (userId) => {
        this.showPanel('chat');
        this.chat.whisperTo(userId);
      },
      onKick: (userId) => kick(this, userId),
      extra: (member, { me, amHost }) => (amHost && !me ? this.permits.controls(member) : null),
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

  /** joinRoom's result: the room we are in now. */
  setJoined(joined) {
    this.joined = joined;
    this.roomId = joined.roomId;
    this.hostId = joined.host ? joined.host.id : null;
    /** Last known members (the SDK's table, kept for names of members who just left). */
    this.known = new Map(Object.entries(joined.members || {}));
  }

  /** Our screen share, while we present. */
  get screenStream() {
    return this.screen.stream;
  }

  stopShare() {
    return this.screen.stop();
  }

  // ------------------------------------------------------------------ start

  async start() {
    const { signal } = this.abort;
    $('call').hidden = false;
    history.replaceState(null, '', roomLink(this.roomId));
    this.pickers.moveTo($('settings-devices'));
    this.pickers.attach(this.kt); // not awaited: the speaker may wait for the page's focus (Firefox)
    this.chat.reset();
    $('end-meeting').dataset.armed = 'false';
    $('end-meeting').textContent = t('people.endMeeting');

    // Controls
    const on = (id, fn) => $(id).addEventListener('click', () => this.guard(fn), { signal });
    on('ctl-mic', () => this.own.toggle('audio'));
    on('ctl-cam', () => this.own.toggle('video'));
    on('ctl-share', () => (this.screenStream ? this.screen.stop() : this.screen.start()));
    on('ctl-blur', () => this.privacy.toggle());
    on('ctl-leave', () => this.leave());
    on('room-copy', () => copyLink(roomLink(this.breakout.group ? this.breakout.group.mainRoomId : this.roomId), null, toast));
    on('end-meeting', () => endForEveryone(this));
    for (const feature of [this.board, this.documents, this.breakout, this.recording]) feature.wire(signal);
    wirePanels(this, signal);
    window.addEventListener('pagehide', () => this.kt.disconnect(), { signal });
    this.media.addEventListener('change', () => this.renderSelf(), { signal });

    this.enterRoom();
    this.kt.addEventListener('presence', this.onPresence);
    this.kt.addEventListener('disconnected', this.onDisconnected);
    this.kt.addEventListener('reconnecting', this.onReconnecting);
    this.kt.addEventListener('reconnected', this.onReconnected);
    this.signals.start();
    this.stopKeeping();
    for (const event of this.early.splice(0)) {
      if (event.type === 'disconnected') return this.onDisconnected(event);
      this.onPresence(event);
    }
    $('ctl-mic').focus({ preventScroll: true });
    await this.own.publish();
  }

  /** The room we just joined on screen: header, tiles for everyone here (ourselves first), features. */
  enterRoom() {
    const { joined } = this;
    $('room-title').textContent = joined.title || this.roomId;
    $('room-id').textContent = joined.title ? this.roomId : '';
    this.tiles.upsert(this.myId, 'cam', { name: this.name, local: true, host: this.isHost(this.myId) });
    for (const member of this.members()) this.addMember(member);
    this.breakout.entered(joined);
    this.permits.entered(joined);
    this.board.entered(joined);
    this.documents.entered(joined);
    this.recording.entered(joined);
    this.refreshMembers();
    this.renderSelf();
  }

  /**
   * Moves this call to another room of the gateway (a breakout group, or back to its main room):
   * out of this one, in there, our camera sent again; presence that comes meanwhile is kept and
   * that of the new room handled once we are in.
   */
  async moveTo(roomId) {
    if (this.ended || this.moving || roomId === this.roomId) return;
    this.moving = [];
    const blurred = this.privacy.on;
    try {
      await this.privacy.stop();
      this.screen.drop();
      this.own.published = false;
      const left = await this.kt.leaveRoom(this.roomId);
      if (left.code !== '200') console.warn('leaveRoom', left); // a group that just ended is gone already
      this.spotlight.clear();
      this.tiles.clear();
      this.feeds.clear();
      this.board.hide();
      // SDK workaround: leaving can stop our camera's tracks (janus.js cleans up the PeerConnection
      // Janus hangs up before the SDK marks the tracks as the app's): open the camera again.
      if (this.media.stream.getTracks().some((tr) => tr.readyState === 'ended')) await this.media.start();
      const joined = await this.kt.joinRoom(roomId, roomId === this.firstRoomId ? this.pin : undefined);
      if (this.ended) return;
      if (joined.code !== '200') return this.end(describeCode(joined.code));
      this.setJoined(joined);
      this.enterRoom();
    } finally {
      const queued = this.moving ?? [];
      this.moving = null;
      for (const detail of queued) await this.handlePresence(detail);
    }
    await this.own.publish();
    if (blurred && !this.ended) await this.privacy.start();
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

  /** The host, as joinRoom and `editRoomInfo` (a hand-over) said; else as the member table says. */
  isHost(userId) {
    if (this.hostId) return userId === this.hostId;
    const m = this.member(userId);
    return m ? m.userType === 'host' : false;
  }

  addMember(member) {
    if (member.id === this.myId) return;
    this.known.set(member.id, member);
    this.tiles.upsert(member.id, 'cam', { name: member.name, host: this.isHost(member.id) });
    this.tiles.setState(member.id, { audio: member.audio !== false, video: member.video !== false });
  }

  removeMember(userId) {
    this.tiles.remove(userId);
    this.feeds.forget(userId);
    this.spotlight.left(userId);
    this.known.delete(userId);
  }

  /** Member list, chat recipients, the header's count and host controls, from the SDK's member table. */
  refreshMembers() {
    const members = this.members();
    const amHost = this.isHost(this.myId);
    this.people.render(members, { myId: this.myId, amHost });
    $('end-meeting').hidden = !amHost;
    this.chat.setMembers(members, this.myId);
    $('room-count').textContent = t('room.members', { n: members.length });
    for (const m of members) this.tiles.setName(m.id, 'cam', m.id === this.myId ? this.name : m.name, { local: m.id === this.myId, host: this.isHost(m.id) });
    this.breakout.render();
    this.recording.render();
  }

  // ------------------------------------------------------------------ presence

  async handlePresence(detail) {
    if (this.ended || !detail) return;
    if (this.moving) return void this.moving.push(detail);
    // What is still on its way from a room we left (a group's end, its members leaving).
    if (detail.roomId && detail.roomId !== this.roomId) return;
    if ((await callPresence(this, detail)) === ENDED) return;
    for (const feature of this.features) feature.onPresence(detail);
    this.refreshMembers();
  }

  // ------------------------------------------------------------------ controls

  /** A camera or microphone picked during the call (own-media.js); false when nothing is sent yet. */
  switchDevice(kind, deviceId) {
    return this.own.switchDevice(kind, deviceId);
  }

  /** Shows one side panel (chat, people, breakout, settings), or none. */
  showPanel(name) {
    showPanel(this, name);
  }

  /** Our own tile and the toolbar's toggles (own-media.js). */
  renderSelf() {
    this.own.render();
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
    this.signals.stop();
    this.stopKeeping();
    this.screen.drop();
    await this.privacy.stop();
    if (leave) {
      const left = await this.kt.leaveRoom(this.roomId);
      if (left.code !== '200') console.warn('leaveRoom', left);
    }
    await this.kt.disconnect();
    this.tiles.destroy();
    this.chat.destroy();
    this.board.hide();
    $('room-badge').hidden = true;
    this.recording.hide();
    $('ctl-breakout').hidden = true;
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
