// The lobby: name, room id (join an existing room or create one), the shareable link, a camera
// preview with mic/camera toggles, and the device pickers.
import { $ } from './dom.js';
import { renderToggle } from './toggles.js';
import { t } from './i18n.js';

export const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;
const NAME_KEY = 'knowledgetalk-demo-name';

/** A readable, unguessable-enough room id: "room-" and 8 letters/digits. */
export function generateRoomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return 'room-' + Array.from(bytes, (b) => 'abcdefghijkmnpqrstuvwxyz23456789'[b % 32]).join('');
}

/** The link that opens this page with `roomId` filled in. */
export function roomLink(roomId) {
  const url = new URL(location.href);
  url.search = '';
  url.hash = '';
  url.searchParams.set('room', roomId);
  const lang = new URLSearchParams(location.search).get('lang');
  if (lang) url.searchParams.set('lang', lang);
  return url.href;
}

/** Copies `text`; where the clipboard is not allowed, selects `input` for a manual copy. */
export async function copyLink(text, input, say) {
  try {
    await navigator.clipboard.writeText(text);
    say(t('lobby.copied'));
  } catch {
    input?.select();
    say(t('lobby.copyManually'));
  }
}

export class Lobby {
  /**
   * @param {import('./media.js').LocalMedia} media
   * @param {(request: {name: string, roomId: string, create: boolean, title: string, capacity: number|undefined, pin: string|undefined}) => void} onSubmit
   */
  constructor(media, onSubmit) {
    this.media = media;
    this.onSubmit = onSubmit;
    this.form = $('lobby-form');
    this.nameInput = $('name');
    this.roomInput = $('room');

    const params = new URLSearchParams(location.search);
    const room = params.get('room');
    if (room && ROOM_ID.test(room)) this.roomInput.value = room;
    this.nameInput.value = localStorage.getItem(NAME_KEY) || '';

    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submit(false);
    });
    $('create').addEventListener('click', () => this.submit(true));
    this.roomInput.addEventListener('input', () => {
      this.updateLink();
      this.askPin(false); // another room: its own PIN, if it has one, is asked for when joining
    });
    $('lobby-copy').addEventListener('click', () => copyLink($('lobby-link').value, $('lobby-link'), (text) => this.say(text)));
    $('lobby-mic').addEventListener('click', () => this.media.setWanted('audio', !this.media.wanted.audio));
    $('lobby-cam').addEventListener('click', () => this.media.setWanted('video', !this.media.wanted.video));
    media.addEventListener('change', () => this.renderMedia());
    this.updateLink();
    this.renderMedia();
  }

  show() {
    $('lobby').hidden = false;
    this.renderMedia();
    this.setBusy(null);
    (this.nameInput.value ? $('join') : this.nameInput).focus({ preventScroll: true });
  }

  hide() {
    $('lobby').hidden = true;
    $('preview').srcObject = null;
  }

  /** Validates the form and hands the request on. */
  submit(create) {
    this.say('');
    const name = this.nameInput.value.trim();
    let roomId = this.roomInput.value.trim();
    if (!name) {
      this.say(t('lobby.needName'), true);
      this.nameInput.focus();
      return;
    }
    if (!roomId && create) roomId = generateRoomId();
    if (!roomId) {
      this.say(t('lobby.needRoom'), true);
      this.roomInput.focus();
      return;
    }
    if (!ROOM_ID.test(roomId)) {
      this.say(t('lobby.badRoomId'), true);
      this.roomInput.focus();
      return;
    }
    this.roomInput.value = roomId;
    this.updateLink();
    localStorage.setItem(NAME_KEY, name);
    const capacity = Number.parseInt($('capacity').value, 10);
    // Creating: the new room's PIN (the creator joins with it too); joining: the PIN asked for.
    const pin = create ? $('new-room-pin').value : $('join-pin-row').hidden ? '' : $('join-pin').value;
    this.onSubmit({
      name,
      roomId,
      create,
      title: $('new-room-title').value.trim(),
      capacity: Number.isInteger(capacity) && capacity > 0 ? capacity : undefined,
      pin: pin || undefined,
    });
  }

  /**
   * Shows the PIN field (the room needs one: joining said '401' or '411'), focused and emptied
   * after a wrong one; `false` hides it again.
   */
  askPin(show) {
    $('join-pin-row').hidden = !show;
    if (!show) {
      $('join-pin').value = '';
      return;
    }
    $('join-pin').select();
    $('join-pin').focus();
  }

  /** Shows progress ("Connecting…") and locks the form, or unlocks it with `null`. */
  setBusy(text) {
    const busy = Boolean(text);
    for (const id of ['join', 'create', 'name', 'room', 'join-pin']) $(id).disabled = busy;
    this.form.setAttribute('aria-busy', String(busy));
    if (busy) this.say(text);
  }

  /** The lobby's message line: progress, or a failure in words. */
  say(text, isError = false) {
    const line = $('lobby-status');
    line.textContent = text || '';
    line.classList.toggle('error', Boolean(text) && isError);
  }

  updateLink() {
    const roomId = this.roomInput.value.trim();
    const valid = ROOM_ID.test(roomId);
    $('lobby-share').hidden = !valid;
    if (valid) $('lobby-link').value = roomLink(roomId);
  }

  renderMedia() {
    const { media } = this;
    const preview = $('preview');
    // An element playing a stream without tracks never gets data, and a media element waiting for
    // data holds up the page's load event: show nothing rather than an empty stream.
    const source = media.stream.getTracks().length > 0 && !$('lobby').hidden ? media.stream : null;
    if (preview.srcObject !== source) preview.srcObject = source;
    const videoOn = media.isOn('video');
    $('preview-frame').dataset.video = videoOn ? 'on' : 'off';
    $('preview-placeholder').textContent = media.has('video') ? t('lobby.cameraOff') : t('lobby.noCameraShort');
    renderToggle($('lobby-mic'), 'audio', { available: media.has('audio'), on: media.wanted.audio, compact: true });
    renderToggle($('lobby-cam'), 'video', { available: media.has('video'), on: media.wanted.video, compact: true });
    const problem = media.describeProblem();
    const line = $('media-status');
    line.textContent = problem || '';
    line.hidden = !problem;
    line.classList.toggle('error', Boolean(problem) && !media.pending);
  }
}
