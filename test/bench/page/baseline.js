// The baseline bench client: plain janus.js written the usual way, as in Janus's own VideoRoom demo
// (videoroomtest.js): one publisher handle that joins the room, then ONE NEW SUBSCRIBER HANDLE PER
// REMOTE FEED (join as subscriber with that feed, answer Janus's offer, `start`), each with its own
// PeerConnection. webrtc-adapter is loaded by a <script> before this module (window.adapter).
import Janus from '/janus.es.js';

const bench = window.bench;
const VIDEOROOM = 'janus.plugin.videoroom';

let janus = null;
let publisher = null;
let myId = null;
let roomId = null;
let privateId = null;
let subscribe = true;
/** feedId -> Promise of its subscriber handle. */
const remoteFeeds = new Map();
/** The join or publish waiting for its answer on the publisher handle. */
let pendingJoin = null;
let pendingPublish = null;

let initialised = null;
function initJanus() {
  initialised ??= new Promise((resolve) =>
    Janus.init({ debug: false, dependencies: Janus.useDefaultDependencies({ adapter: window.adapter }), callback: resolve }),
  );
  return initialised;
}

function attach(callbacks) {
  return new Promise((resolve, reject) => janus.attach({ plugin: VIDEOROOM, ...callbacks, success: resolve, error: reject }));
}

function detach(handle) {
  return new Promise((resolve) => handle.detach({ success: resolve, error: resolve }));
}

function onPublisherMessage(msg, jsep) {
  if (msg.error_code) {
    (pendingJoin ?? pendingPublish)?.reject(new Error(`${msg.error_code} ${msg.error}`));
    return;
  }
  if (msg.videoroom === 'joined') {
    privateId = msg.private_id;
    pendingJoin?.resolve({ joined: bench.now() });
    pendingJoin = null;
    for (const p of msg.publishers ?? []) newRemoteFeed(p.id);
  } else if (msg.videoroom === 'event') {
    for (const p of msg.publishers ?? []) newRemoteFeed(p.id);
    const gone = msg.unpublished ?? msg.leaving;
    if (gone && remoteFeeds.has(gone)) {
      remoteFeeds.get(gone).then(detach);
      remoteFeeds.delete(gone);
    }
  }
  if (jsep && pendingPublish) {
    const { resolve, reject } = pendingPublish;
    pendingPublish = null;
    publisher.handleRemoteJsep({ jsep, success: resolve, error: reject });
  }
}

/** The demo's newRemoteFeed: a new handle, joined as subscriber to this one feed. */
function newRemoteFeed(feedId) {
  if (!subscribe || remoteFeeds.has(feedId)) return;
  let handle = null;
  const watched = new Set();
  const attached = attach({
    onmessage: (msg, jsep) => {
      if (msg.error_code) return console.error('subscriber', feedId, msg.error_code, msg.error);
      if (!jsep) return;
      handle.createAnswer({
        jsep,
        tracks: [{ type: 'data' }],
        success: (answer) => {
          handle.send({ message: { request: 'start', room: roomId }, jsep: answer });
          bench.markSubscribed(feedId);
        },
        error: (e) => console.error('createAnswer', feedId, e),
      });
    },
    onremotetrack: (track, mid, on) => {
      // `on` is also reported on unmute: watch each track once.
      if (!on || track.kind !== 'video' || watched.has(track)) return;
      watched.add(track);
      bench.watchVideo(feedId, track);
    },
  }).then((h) => {
    handle = h;
    h.send({ message: { request: 'join', room: roomId, ptype: 'subscriber', streams: [{ feed: feedId }], private_id: privateId } });
    return h;
  });
  attached.catch((e) => console.error('attach subscriber', feedId, e));
  remoteFeeds.set(feedId, attached);
}

bench.client = {
  async connect(server, userId, options) {
    subscribe = options.subscribe !== false;
    myId = userId;
    await initJanus();
    janus = await new Promise((resolve, reject) => {
      const j = new Janus({ server, success: () => resolve(j), error: reject });
    });
  },
  async createRoom() {
    throw new Error('the bench creates rooms with the SDK (same room setup for both clients)');
  },
  async join(id) {
    roomId = id;
    publisher = await attach({ onmessage: onPublisherMessage });
    return new Promise((resolve, reject) => {
      pendingJoin = { resolve, reject };
      publisher.send({
        message: { request: 'join', room: id, ptype: 'publisher', id: myId, display: myId },
        error: reject,
      });
    });
  },
  /** The demo's publishOwnFeed, with the app's stream. */
  publish(stream) {
    return new Promise((resolve, reject) => {
      pendingPublish = { resolve, reject };
      publisher.createOffer({
        tracks: [
          { type: 'audio', capture: stream.getAudioTracks()[0], recv: false },
          { type: 'video', capture: stream.getVideoTracks()[0], recv: false },
        ],
        success: (jsep) => publisher.send({ message: { request: 'configure', audio: true, video: true }, jsep }),
        error: reject,
      });
    });
  },
  async leave() {
    const handles = await Promise.all([...remoteFeeds.values()].map((p) => p.catch(() => null)));
    remoteFeeds.clear();
    await Promise.all(handles.filter(Boolean).map(detach));
    if (publisher) {
      publisher.send({ message: { request: 'leave' } });
      await detach(publisher);
      publisher = null;
    }
    roomId = null;
  },
};
