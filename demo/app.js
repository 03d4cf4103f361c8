// Group call (SFU), after the original Knowledgetalk sample "그룹통화 연결".
// Plain script on top of the UMD bundle: the global `Knowledgetalk` is the SDK class.
'use strict';

const $ = (id) => document.getElementById(id);
const form = $('join-form');
const nameInput = $('name');
const roomInput = $('room');
const joinButton = $('join');
const callBar = $('call');
const statusLine = $('status');
const grid = $('grid');

const params = new URLSearchParams(location.search);
const ROOM_ID = /^[A-Za-z0-9_-]{1,64}$/;

const MESSAGES = {
  '400': 'the request was rejected',
  '401': 'authentication failed',
  '413': 'not permitted',
  '421': 'a parameter is missing',
  '422': 'invalid value (room ids are 1–64 letters, digits, - or _)',
  '440': 'someone else is already sharing a screen',
  '441': 'this room does not exist',
  '442': 'you are already in this room (another tab?)',
  '443': 'this room already exists',
  '444': 'this room is full',
  '500': 'the server had an error',
  '504': 'cannot reach the gateway (is Janus running?)',
  '570': 'the media server had an error',
  '599': 'unknown error',
};

let kt = null; // the Knowledgetalk instance while in a call
let roomId = null;
let localStream = null;

// ------------------------------------------------------------------ status line

function showStatus(text, isError = false) {
  statusLine.textContent = text;
  statusLine.classList.toggle('error', isError);
}

/** A readable message for a non-'200' result. */
function describe(step, result) {
  const code = result && result.code ? String(result.code) : '599';
  const text = MESSAGES[code] || 'unexpected answer';
  if (result && result.reason) console.warn(`${step}: ${code}`, result.reason);
  return `${step} failed: ${text} (code ${code})`;
}

// ------------------------------------------------------------------ tiles

function tileId(userId, type = 'cam') {
  return type === 'screen' ? `tile-${userId}-screen` : `tile-${userId}`;
}

function updateGrid() {
  grid.dataset.count = String(grid.children.length);
}

/** The tile (figure with <video> and name) of one member's feed, created if missing. */
function ensureTile(userId, name, type = 'cam') {
  let tile = $(tileId(userId, type));
  if (!tile) {
    tile = document.createElement('figure');
    tile.id = tileId(userId, type);
    tile.className = 'tile waiting';
    tile.dataset.user = userId;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('playsinline', '');
    const caption = document.createElement('figcaption');
    tile.append(video, caption);
    grid.append(tile);
    updateGrid();
  }
  const label = (name || userId) + (type === 'screen' ? ' (screen)' : '');
  tile.querySelector('figcaption').textContent = label;
  return tile;
}

function removeTiles(userId) {
  for (const id of [tileId(userId, 'cam'), tileId(userId, 'screen')]) {
    const tile = $(id);
    if (tile) {
      tile.querySelector('video').srcObject = null;
      tile.remove();
    }
  }
  updateGrid();
}

function attach(tile, stream) {
  const video = tile.querySelector('video');
  video.srcObject = stream;
  tile.classList.remove('waiting', 'off');
  video.play().catch(() => {
    // Autoplay with sound refused: play muted, a click on the tile turns the sound on.
    video.muted = true;
    video.play().catch(() => {});
    tile.classList.add('muted');
    tile.addEventListener('click', () => {
      video.muted = false;
      tile.classList.remove('muted');
    }, { once: true });
  });
}

function memberName(userId) {
  const members = kt && kt.getMembers ? kt.getMembers() : undefined;
  return members && members[userId] ? members[userId].name : undefined;
}

// ------------------------------------------------------------------ presence

const subscribing = new Set(); // feeds with a subscribeVideo in flight

async function onPresence(event) {
  const msg = event.detail;
  const instance = kt;
  if (!instance || event.target !== instance || !msg) return;
  switch (msg.type) {
    // someone else entered
    case 'join':
      ensureTile(msg.user.userId, msg.user.name);
      break;
    // someone left (msg.user is the userId)
    case 'leave':
      removeTiles(msg.user);
      break;
    // feeds ready to receive
    case 'publish':
      for (const feed of msg.feeds) {
        const key = `${feed.id}/${feed.type}`;
        if (subscribing.has(key)) continue;
        subscribing.add(key);
        const tile = ensureTile(feed.id, feed.name || memberName(feed.id), feed.type);
        try {
          const stream = await instance.subscribeVideo(feed.id, feed.type);
          if (kt !== instance) return; // left meanwhile
          if (stream) attach(tile, stream);
          else showStatus(`Could not receive ${feed.name || feed.id}'s ${feed.type === 'screen' ? 'screen' : 'camera'}.`, true);
        } finally {
          subscribing.delete(key);
        }
      }
      break;
    case 'unpublish':
      if (msg.feedType === 'screen') {
        const tile = $(tileId(msg.user, 'screen'));
        if (tile) tile.remove();
        updateGrid();
      } else {
        const tile = $(tileId(msg.user));
        if (tile) {
          tile.querySelector('video').srcObject = null;
          tile.classList.add('off');
        }
      }
      break;
    case 'kickOut':
      if (msg.user === kt.getUserId()) {
        await hangUp(false);
        showStatus('You were removed from the room.', true);
      } else {
        removeTiles(msg.user);
      }
      break;
  }
}

// ------------------------------------------------------------------ camera

/** Camera and microphone, else camera only, else microphone only; null (and why) if none. */
async function getMedia() {
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    return { stream: null, why: 'this page is not a secure context (open it via http://localhost)' };
  }
  let lastError = null;
  for (const constraints of [{ video: true, audio: true }, { video: true }, { audio: true }]) {
    try {
      return { stream: await navigator.mediaDevices.getUserMedia(constraints), why: null };
    } catch (e) {
      lastError = e;
    }
  }
  const why = lastError && lastError.name === 'NotAllowedError'
    ? 'camera and microphone access was denied'
    : 'no camera or microphone found';
  return { stream: null, why };
}

// ------------------------------------------------------------------ join / leave

async function loadServer() {
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) return (await res.json()).server;
  } catch {
    /* no config: the SDK's default (ws://<this host>:8188) */
  }
  return undefined;
}

async function join(name, wantedRoom) {
  if (typeof Knowledgetalk !== 'function') {
    showStatus('The SDK did not load (/dist/knowledgetalk.umd.js). Run `npm run build`.', true);
    return;
  }
  showStatus('Connecting…');
  const server = await loadServer();
  const instance = new Knowledgetalk({ server, logLevel: params.get('log') || 'error' });
  kt = instance;
  const gone = () => kt !== instance; // Leave was clicked meanwhile
  kt.addEventListener('presence', (event) => {
    onPresence(event).catch((e) => console.error('presence handler', e));
  });

  const init = await kt.init('demo', 'demo-key', undefined, name);
  if (init.code !== '200') return abort(describe('Connecting', init));

  const created = await kt.createVideoRoom(wantedRoom);
  if (created.code !== '200' && created.code !== '443') return abort(describe('Creating the room', created));

  const room = await kt.joinRoom(wantedRoom);
  if (room.code !== '200') return abort(describe('Joining the room', room));
  roomId = wantedRoom;
  showCall();

  // a tile for everyone already there, me excepted (as in the original sample)
  for (const userId in room.members || {}) {
    if (userId !== kt.getUserId()) ensureTile(userId, room.members[userId].name);
  }

  const me = ensureTile(kt.getUserId(), `${name} (you)`);
  me.classList.add('local');
  me.querySelector('video').muted = true;
  grid.prepend(me);

  showStatus('Starting your camera…');
  const { stream, why } = await getMedia();
  if (gone()) {
    if (stream) stream.getTracks().forEach((t) => t.stop());
    return;
  }
  if (!stream) {
    me.remove();
    updateGrid();
    showStatus(`Joined without camera or microphone: ${why}. You can still watch.`, true);
    return;
  }
  localStream = stream;
  attach(me, stream);
  if (!stream.getVideoTracks().length) me.classList.add('audio-only');

  const published = await kt.publishVideo('cam', stream);
  if (gone()) return;
  if (!published) showStatus('Sending your camera failed (publishVideo). Others cannot see you.', true);
  else showStatus(stream.getVideoTracks().length ? '' : 'No camera found: sending audio only.');
}

async function abort(message) {
  await hangUp(false);
  showStatus(message, true);
}

/** Leave the room (when in one), disconnect, and go back to the form. Resolves with leaveRoom's result. */
async function hangUp(leave = true) {
  const instance = kt;
  const left = roomId;
  kt = null;
  roomId = null;
  if (localStream) localStream.getTracks().forEach((t) => t.stop());
  localStream = null;
  for (const video of grid.querySelectorAll('video')) video.srcObject = null;
  grid.replaceChildren();
  updateGrid();
  callBar.hidden = true;
  form.hidden = false;
  joinButton.disabled = false;
  if (!instance) return null;
  const result = leave && left ? await instance.leaveRoom(left) : null;
  await instance.disconnect();
  return result;
}

function showCall() {
  form.hidden = true;
  callBar.hidden = false;
  $('room-label').textContent = roomId;
  const url = new URL(location.href);
  url.search = '';
  url.searchParams.set('room', roomId);
  $('share').value = url.href;
  history.replaceState(null, '', url);
}

// ------------------------------------------------------------------ wiring

roomInput.value = params.get('room') || `room-${Math.random().toString(36).slice(2, 8)}`;
nameInput.value = localStorage.getItem('kt-demo-name') || '';

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = nameInput.value.trim();
  const wantedRoom = roomInput.value.trim();
  if (!name) return showStatus('Please enter your name.', true);
  if (!ROOM_ID.test(wantedRoom)) return showStatus('Room ids are 1–64 letters, digits, - or _.', true);
  localStorage.setItem('kt-demo-name', name);
  joinButton.disabled = true;
  try {
    await join(name, wantedRoom);
  } catch (e) {
    console.error(e);
    await abort(`Something went wrong: ${e && e.message ? e.message : e}`);
  }
});

$('leave').addEventListener('click', async () => {
  const result = await hangUp();
  if (result && result.code !== '200') showStatus(describe('Leaving', result), true);
  else showStatus('You left the room.');
});

$('copy').addEventListener('click', async () => {
  const share = $('share');
  try {
    await navigator.clipboard.writeText(share.value);
    showStatus('Link copied: send it to the others.');
  } catch {
    share.select();
    showStatus('Copy the selected link and send it to the others.');
  }
});

window.addEventListener('pagehide', () => {
  if (kt) kt.disconnect();
});
