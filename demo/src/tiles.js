// The video tiles of a call and their layout.
//
// Grid: every member's camera in tiles of equal size, as large as the stage allows (1 to 9 tiles
// fill it; from 10 on the tiles keep a minimum size and the grid scrolls).
// Presentation: a screen share (or the whiteboard, or a document) fills the stage and the cameras
// move to a strip below it. A spotlighted camera (a click on its tile, spotlight.js) is presented
// the same way: its tile moves to the large area, and back into the grid when it is let go.
import { el, hueOf, initials } from './dom.js';
import { icon } from './icons.js';
import { t } from './i18n.js';

const ASPECT = 16 / 9;
const GAP = 8;
const MIN_TILE_WIDTH = 160;

/**
 * Columns for `n` tiles of ratio ASPECT in a `width` x `height` box, maximising the tile size.
 * Exported for the layout's reasoning to be checkable in isolation.
 */
export function bestGrid(n, width, height) {
  let best = { cols: 1, rows: n, tileWidth: 0 };
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols);
    const byWidth = (width - GAP * (cols - 1)) / cols;
    const byHeight = ((height - GAP * (rows - 1)) / rows) * ASPECT;
    const tileWidth = Math.floor(Math.min(byWidth, byHeight));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth };
  }
  if (best.tileWidth < MIN_TILE_WIDTH) {
    // Too many to fit: keep tiles readable and let the grid scroll.
    const cols = Math.max(1, Math.floor((width + GAP) / (MIN_TILE_WIDTH + GAP)));
    best = { cols, rows: Math.ceil(n / cols), tileWidth: Math.floor((width - GAP * (cols - 1)) / cols) };
  }
  return best;
}

export class Tiles {
  /** `onSpotlight(userId)`: a camera tile's spotlight button was pressed. */
  constructor({ stage, grid, screen, onSpotlight = () => {} }) {
    this.stage = stage;
    this.grid = grid;
    this.screen = screen;
    this.onSpotlight = onSpotlight;
    /** The camera tile shown large, if any. */
    this.spotlit = null;
    /** key `${userId}/${feed}` -> tile element */
    this.tiles = new Map();
    this.resize = new ResizeObserver(() => this.layout());
    this.resize.observe(stage);
  }

  key(userId, feed) {
    return `${userId}/${feed}`;
  }

  get(userId, feed = 'cam') {
    return this.tiles.get(this.key(userId, feed));
  }

  /** The tile of one feed, created when missing. `local`: our own (mirrored camera, muted). */
  upsert(userId, feed, { name, local = false, host = false }) {
    let tile = this.get(userId, feed);
    if (!tile) {
      tile = this.createTile(userId, feed, local);
      this.tiles.set(this.key(userId, feed), tile);
      if (feed === 'screen') this.screen.append(tile);
      else if (local) this.grid.prepend(tile);
      else this.grid.append(tile);
      this.layout();
    }
    this.setName(userId, feed, name, { local, host });
    return tile;
  }

  createTile(userId, feed, local) {
    const video = el('video', {
      autoplay: true,
      playsinline: true,
      class: local ? 'local-media' : 'remote-media',
      'aria-hidden': 'true',
    });
    video.muted = local; // never play our own microphone back
    const avatar = el('div', { class: 'avatar', 'aria-hidden': 'true' }, el('span', { class: 'initials' }));
    avatar.style.setProperty('--hue', String(hueOf(userId)));
    const micBadge = el('span', { class: 'mic-badge', hidden: true }, icon('micOff'), el('span', { class: 'badge-text', text: t('room.muted') }));
    // Our own voice is not measured (the SDK measures what we receive): no meter on our tile.
    const meter =
      local || feed !== 'cam'
        ? null
        : el('span', { class: 'voice-meter', 'aria-hidden': 'true', dataset: { level: '0' } }, el('span', { class: 'voice-level' }));
    const caption = el(
      'figcaption',
      {},
      micBadge,
      meter,
      el('span', { class: 'name' }),
      el('span', { class: 'host-badge', hidden: true, text: t('room.host') }),
    );
    const status = el('span', { class: 'tile-status', hidden: true, text: t('room.connectingVideo') });
    const quality = el(
      'span',
      { class: 'quality-badge', hidden: true, role: 'img', dataset: { quality: 'unknown' } },
      el('span', { class: 'bars', 'aria-hidden': 'true' }, el('span'), el('span'), el('span')),
      el('span', { class: 'badge-text' }),
    );
    const soundButton = el('button', { type: 'button', class: 'sound-on', hidden: true, text: t('room.clickForSound') });
    soundButton.addEventListener('click', () => {
      video.muted = false;
      video.play().catch(() => {});
      soundButton.hidden = true;
    });
    // The whole tile is the spotlight's button (under the badges and the caption).
    const spot =
      feed === 'cam' ? el('button', { type: 'button', class: 'spot-button', 'aria-pressed': 'false', onclick: () => this.onSpotlight(userId) }) : null;
    const tile = el(
      'figure',
      {
        class: `tile ${local ? 'local' : 'remote'} feed-${feed}`,
        dataset: { userId, feed, audio: 'on', video: 'on', stream: 'none', hasVideo: 'false' },
      },
      video,
      avatar,
      spot,
      status,
      quality,
      caption,
      soundButton,
    );
    return tile;
  }

  setName(userId, feed, name, { local = false, host = false } = {}) {
    const tile = this.get(userId, feed);
    if (!tile) return;
    const display = name || userId;
    const label =
      feed === 'screen' ? (local ? t('room.yourScreen') : t('room.screenOf', { name: display })) : local ? t('room.you', { name: display }) : display;
    tile.querySelector('.name').textContent = label;
    tile.querySelector('.initials').textContent = initials(display);
    tile.querySelector('.host-badge').hidden = !host || feed === 'screen';
    tile.setAttribute('aria-label', label);
    tile.dataset.name = display;
    this.labelSpot(tile);
  }

  /** The spotlight button says what pressing it does. */
  labelSpot(tile) {
    const button = tile.querySelector('.spot-button');
    if (!button) return;
    const on = tile === this.spotlit;
    button.setAttribute('aria-pressed', String(on));
    const label = t(on ? 'spotlight.off' : 'spotlight.on', { name: tile.dataset.name });
    button.setAttribute('aria-label', label);
    button.title = label;
  }

  /** Shows one member's camera large (null: every camera back in the grid). */
  setSpotlight(userId) {
    const tile = userId ? this.get(userId, 'cam') : null;
    const previous = this.spotlit;
    if (previous === tile) return;
    this.spotlit = tile ?? null;
    if (previous) {
      previous.classList.remove('spotlit');
      // Back to its place: our own tile first, the others after it.
      if (previous.classList.contains('local')) this.grid.prepend(previous);
      else this.grid.append(previous);
      this.labelSpot(previous);
    }
    if (tile) {
      tile.classList.add('spotlit');
      this.screen.append(tile);
      this.labelSpot(tile);
    }
    this.layout();
  }

  /** Shows a stream in a tile (null: back to the avatar and "connecting"). */
  setStream(userId, feed, stream) {
    const tile = this.get(userId, feed);
    if (!tile) return;
    const video = tile.querySelector('video');
    if (video.srcObject !== stream) video.srcObject = stream;
    tile.dataset.stream = stream ? 'live' : 'none';
    // Audio-only members (no camera) get their avatar, not a black rectangle.
    tile.dataset.hasVideo = String(Boolean(stream && stream.getVideoTracks().length > 0));
    if (!stream) return;
    video.play().catch(() => {
      // Autoplay with sound refused (no click on this page yet): play muted, offer the sound.
      video.muted = true;
      video.play().catch(() => {});
      tile.querySelector('.sound-on').hidden = false;
    });
  }

  /** "Connecting video…" while a feed is being received. */
  setPending(userId, feed, pending) {
    const tile = this.get(userId, feed);
    if (tile) tile.querySelector('.tile-status').hidden = !pending;
  }

  /** Microphone / camera state as the member announced it. */
  setState(userId, { audio, video }) {
    const tile = this.get(userId, 'cam');
    if (!tile) return;
    if (audio !== undefined) {
      tile.dataset.audio = audio ? 'on' : 'off';
      tile.querySelector('.mic-badge').hidden = Boolean(audio);
    }
    if (video !== undefined) tile.dataset.video = video ? 'on' : 'off';
  }

  /** The connection quality of a feed ('excellent' | 'good' | 'poor' | 'lost'), as a badge. */
  setQuality(userId, feed, quality) {
    const badge = this.get(userId, feed)?.querySelector('.quality-badge');
    if (!badge) return;
    const text = t(`quality.${quality}`);
    badge.dataset.quality = quality;
    badge.querySelector('.badge-text').textContent = text;
    badge.setAttribute('aria-label', t('quality.label', { quality: text }));
    badge.title = t('quality.label', { quality: text });
    badge.hidden = false;
  }

  /** How loud a member is right now (0..1 of the voice meter). */
  setLevel(userId, share) {
    const meter = this.get(userId, 'cam')?.querySelector('.voice-meter');
    if (!meter) return;
    const percent = String(Math.round(share * 100));
    if (meter.dataset.level === percent) return;
    meter.dataset.level = percent;
    meter.style.setProperty('--level', share.toFixed(2));
  }

  /** The members whose camera tile is someone else's. */
  remoteMembers() {
    return [...this.tiles.values()].filter((tile) => !tile.classList.contains('local') && tile.dataset.feed === 'cam').map((tile) => tile.dataset.userId);
  }

  setSpeaking(userId, speaking) {
    const tile = this.get(userId, 'cam');
    if (tile) tile.classList.toggle('speaking', Boolean(speaking));
  }

  remove(userId, feed) {
    for (const f of feed ? [feed] : ['cam', 'screen']) {
      const tile = this.get(userId, f);
      if (!tile) continue;
      tile.querySelector('video').srcObject = null;
      tile.remove();
      this.tiles.delete(this.key(userId, f));
      if (tile === this.spotlit) this.spotlit = null;
    }
    this.layout();
  }

  clear() {
    for (const tile of this.tiles.values()) {
      tile.querySelector('video').srcObject = null;
      tile.remove();
    }
    this.tiles.clear();
    this.spotlit = null;
    this.layout();
  }

  /** Sizes the tiles for the current stage and mode (grid, or presentation with a strip). */
  layout() {
    // A screen tile, or the whiteboard / a document (board.js shows and hides its area).
    const sharing = [...this.screen.children].some((child) => !child.hidden);
    this.stage.dataset.layout = sharing ? 'presentation' : 'grid';
    this.screen.hidden = !sharing;
    this.stage.dataset.spotlight = String(Boolean(this.spotlit));
    const count = this.grid.children.length;
    this.grid.dataset.count = String(count);
    if (sharing) {
      this.grid.style.removeProperty('--tile-width');
      return;
    }
    // The box inside the grid's scrollbar (Firefox draws a 12 px one while the grid scrolls, and
    // getBoundingClientRect would count it: one tile too wide, a column wrapped away).
    const { clientWidth: width, clientHeight: height } = this.grid;
    if (!width || !height || !count) return;
    const { tileWidth } = bestGrid(count, width, height);
    this.grid.style.setProperty('--tile-width', `${tileWidth}px`);
  }

  destroy() {
    this.resize.disconnect();
    this.clear();
  }
}
