// Loaded by every bench page before its client script (ours.js or baseline.js), which sets
// `window.bench.client`. Holds what both clients are measured with, so the two sides are timed by
// the same code: first decoded frames, the timed join and publish, and a log of the signalling.
//
// Times are epoch milliseconds with sub-millisecond precision (performance.timeOrigin + now()), so
// a time taken in one page can be compared with one taken in another page of the same browser.
(() => {
  const now = () => performance.timeOrigin + performance.now();

  /** feedId -> { promise, resolve } of the epoch time its first video frame was decoded. */
  const firstFrames = new Map();
  /** feedId -> epoch time its subscription was negotiated (our answer sent). */
  const subscribed = new Map();
  const videos = new Set();

  function slot(feedId) {
    let s = firstFrames.get(feedId);
    if (!s) {
      let resolve;
      const promise = new Promise((r) => (resolve = r));
      s = { promise, resolve };
      firstFrames.set(feedId, s);
    }
    return s;
  }

  /**
   * Plays a received video track in a <video> the way an app would; requestVideoFrameCallback
   * fires when its first frame has been decoded and handed to the compositor.
   */
  function watchVideo(feedId, track) {
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    v.autoplay = true;
    v.width = 160;
    v.srcObject = new MediaStream([track]);
    document.body.append(v);
    videos.add(v);
    v.play().catch(() => {});
    v.requestVideoFrameCallback(() => slot(feedId).resolve(now()));
  }

  function firstFrame(feedId, timeoutMs) {
    return Promise.race([
      slot(feedId).promise,
      new Promise((_, reject) => setTimeout(() => reject(new Error(`no frame from ${feedId} within ${timeoutMs} ms`)), timeoutMs)),
    ]);
  }

  // --- signalling log: every Janus message sent and received, to show the round trips of a join.
  // Handles are labelled h1, h2, ... in order of appearance; answers name the request they answer.
  const signalling = { recording: false, t0: 0, entries: [], requests: new Map(), handles: new Map() };
  const socketsSeen = new WeakSet();

  function handleLabel(id) {
    if (!id) return '';
    if (!signalling.handles.has(id)) signalling.handles.set(id, `h${signalling.handles.size + 1}`);
    return signalling.handles.get(id);
  }

  function describe(direction, raw) {
    let m;
    try {
      m = JSON.parse(raw);
    } catch {
      return null;
    }
    // Keepalives are timers, acks only say "received": neither is a step of the join.
    if (m.janus === 'keepalive' || m.janus === 'ack') return null;
    const data = m.plugindata?.data ?? {};
    const subject = m.body?.request ?? m.plugin?.replace('janus.plugin.', '') ?? data.videoroom ?? data.textroom;
    let what = [m.janus, subject, m.jsep?.type].filter(Boolean).join(' ');
    if (direction === '>' && m.transaction) signalling.requests.set(m.transaction, m.body?.request ?? m.janus);
    const answers = direction === '<' ? signalling.requests.get(m.transaction) : undefined;
    if (answers === 'attach' && m.data?.id) what += ` → ${handleLabel(m.data.id)}`;
    else if (answers && answers !== subject) what += ` (re ${answers})`;
    const handle = handleLabel(m.handle_id ?? m.sender);
    return handle ? `[${handle}] ${what}` : what;
  }

  function record(direction, raw) {
    if (!signalling.recording) return;
    const what = describe(direction, raw);
    if (what) signalling.entries.push({ t: now() - signalling.t0, dir: direction, what });
  }

  /** Steps of the client itself (e.g. "joinRoom resolved"), in the same log. */
  function mark(what) {
    if (signalling.recording) signalling.entries.push({ t: now() - signalling.t0, dir: '·', what });
  }

  // The TextRoom's messages travel on a data channel (ours only): log them too, as `dc textroom ...`.
  const channelsSeen = new WeakSet();
  const describeData = (direction, raw) => {
    try {
      const m = JSON.parse(raw);
      if (!m.textroom) return null;
      if (direction === '>' && m.transaction) signalling.requests.set(m.transaction, m.textroom);
      const answers = direction === '<' ? signalling.requests.get(m.transaction) : undefined;
      return `dc textroom ${m.textroom}${answers ? ` (re ${answers})` : ''}`;
    } catch {
      return null;
    }
  };
  const nativeDataSend = RTCDataChannel.prototype.send;
  RTCDataChannel.prototype.send = function send(data) {
    if (!channelsSeen.has(this)) {
      channelsSeen.add(this);
      this.addEventListener('message', (e) => {
        const what = signalling.recording && describeData('<', e.data);
        if (what) signalling.entries.push({ t: now() - signalling.t0, dir: '<', what });
      });
    }
    const what = signalling.recording && describeData('>', data);
    if (what) signalling.entries.push({ t: now() - signalling.t0, dir: '>', what });
    return nativeDataSend.call(this, data);
  };

  // PeerConnection states in the same log: where ICE and DTLS spend the join's time.
  const TrackedPC = window.RTCPeerConnection;
  let pcCount = 0;
  window.RTCPeerConnection = class extends TrackedPC {
    constructor(...args) {
      super(...args);
      const label = `pc${++pcCount}`;
      this.addEventListener('iceconnectionstatechange', () => mark(`${label} ice ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => mark(`${label} ${this.connectionState}`));
    }
  };

  const nativeSend = WebSocket.prototype.send;
  WebSocket.prototype.send = function send(data) {
    if (!socketsSeen.has(this)) {
      socketsSeen.add(this);
      this.addEventListener('message', (e) => record('<', e.data));
    }
    record('>', data);
    return nativeSend.call(this, data);
  };

  /** The fake camera+mic stream being published, stopped on leave (the SDKs leave app tracks alone). */
  let localStream = null;
  async function media() {
    localStream?.getTracks().forEach((t) => t.stop());
    localStream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: true });
    return localStream;
  }

  const client = () => {
    if (!window.bench.client) throw new Error('no bench client on this page');
    return window.bench.client;
  };

  window.bench = {
    client: null,
    now,
    watchVideo,
    firstFrame,
    markSubscribed: (feedId) => subscribed.set(feedId, now()),
    mark,

    connect: (server, userId, options) => client().connect(server, userId, options ?? {}),
    createRoom: (roomId) => client().createRoom(roomId),
    join: (roomId) => client().join(roomId),
    leave: async () => {
      await client().leave();
      videos.forEach((v) => v.remove());
      videos.clear();
      firstFrames.clear();
      subscribed.clear();
      localStream?.getTracks().forEach((t) => t.stop());
      localStream = null;
    },
    publish: async () => client().publish(await media()),
    openPeerConnections: () => window.harness.openPeerConnections(),
    /** Open PeerConnections that carry audio or video (not the data-only message channel). */
    openMediaPeerConnections: () => window.harness.openPeerConnectionKinds().filter((k) => k.media > 0).length,

    /**
     * From the join call to the first decoded frame of every feed in `feedIds`. The client
     * subscribes to every remote feed by itself, the way an app does.
     */
    async timeJoin(roomId, feedIds, timeoutMs) {
      signalling.entries = [];
      signalling.requests.clear();
      signalling.handles.clear();
      const t0 = now();
      signalling.t0 = t0;
      signalling.recording = true;
      try {
        const marks = await client().join(roomId);
        const frames = await Promise.all(feedIds.map((id) => firstFrame(id, timeoutMs)));
        const done = Math.max(...frames);
        return {
          ms: done - t0,
          joinedMs: marks.joined - t0,
          // When the last subscription was negotiated: the SDK's subscribeVideo resolved, or the
          // baseline sent its last `start` with the answer.
          negotiatedMs: Math.max(...feedIds.map((id) => subscribed.get(id) ?? NaN)) - t0,
        };
      } finally {
        signalling.recording = false;
      }
    },

    /** Publishes the fake camera+mic; returns the epoch time publishing was asked for (after getUserMedia). */
    async timePublish() {
      const stream = await media();
      const t0 = now();
      await client().publish(stream);
      return t0;
    },

    signallingLog: () => signalling.entries,
  };
})();
