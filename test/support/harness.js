// Runs inside each Chromium test page, before the SDK bundle. It counts every RTCPeerConnection
// the page creates (to prove none is left open) and offers helpers that check real media:
// decoded video frames (requestVideoFrameCallback) and received audio samples (getStats).
(() => {
  const NativePC = window.RTCPeerConnection;
  // Weak references: holding closed PeerConnections here would keep them (and their listeners) alive
  // and hide or fake leaks in the leak test.
  const refs = [];
  let created = 0;
  const livePcs = () => refs.map((r) => r.deref()).filter((pc) => pc !== undefined);
  class TrackedPC extends NativePC {
    constructor(...args) {
      super(...args);
      created++;
      refs.push(new WeakRef(this));
    }
  }
  window.RTCPeerConnection = TrackedPC;

  // The SDK hands out clones of receiving tracks; remember each clone's receiving track so the
  // audio check can read that receiver's stats.
  const sourceOf = new WeakMap();
  const nativeClone = MediaStreamTrack.prototype.clone;
  MediaStreamTrack.prototype.clone = function clone() {
    const copy = nativeClone.call(this);
    sourceOf.set(copy, sourceOf.get(this) ?? this);
    return copy;
  };

  const presence = [];
  const events = [];
  const progress = [];
  /** connectionQuality details, with the page time they came at. */
  const quality = [];
  const received = new Map();

  window.harness = {
    kt: null,
    presence,
    events,
    progress,
    quality,
    create(options) {
      const kt = new window.Knowledgetalk(options);
      kt.addEventListener('presence', (e) => presence.push(JSON.parse(JSON.stringify(e.detail))));
      for (const type of ['disconnected', 'reconnecting', 'reconnected']) {
        kt.addEventListener(type, (e) => events.push({ type, detail: e.detail }));
      }
      for (const type of ['connecting', 'connected']) {
        kt.addEventListener(type, (e) => progress.push({ type, detail: JSON.parse(JSON.stringify(e.detail)) }));
      }
      kt.addEventListener('connectionQuality', (e) => quality.push({ at: performance.now(), ...e.detail }));
      this.kt = kt;
      return true;
    },
    async media(constraints) {
      return navigator.mediaDevices.getUserMedia(constraints);
    },
    async publish(type, constraints) {
      const stream = await navigator.mediaDevices.getUserMedia(constraints);
      window.localStreams = window.localStreams || {};
      window.localStreams[type] = stream;
      return this.kt.publishVideo(type, stream);
    },
    /** subscribeVideo, keeping the stream for the frame checks; returns what the call returned. */
    async subscribe(userId, type = 'cam') {
      const stream = await this.kt.subscribeVideo(userId, type);
      if (stream) received.set(`${userId}/${type}`, stream);
      return stream ? { audio: stream.getAudioTracks().length, video: stream.getVideoTracks().length } : false;
    },
    /** Waits until `n` frames of a received stream were decoded and painted. */
    async frames(userId, type = 'cam', n = 5, timeoutMs = 15000) {
      const stream = received.get(`${userId}/${type}`);
      if (!stream) return { frames: 0, width: 0, error: 'not subscribed' };
      const v = document.createElement('video');
      v.muted = true;
      v.playsInline = true;
      v.srcObject = stream;
      document.body.append(v);
      v.play().catch(() => {});
      const result = await new Promise((resolve) => {
        let frames = 0;
        const timer = setTimeout(() => resolve({ frames, width: v.videoWidth, timedOut: true }), timeoutMs);
        const onFrame = () => {
          frames++;
          if (frames >= n && v.videoWidth > 0) {
            clearTimeout(timer);
            resolve({ frames, width: v.videoWidth, height: v.videoHeight });
          } else {
            v.requestVideoFrameCallback(onFrame);
          }
        };
        v.requestVideoFrameCallback(onFrame);
      });
      v.remove();
      return result;
    },
    /** Plays a received stream's audio in an <audio> element, as an app does (Chromium decodes remote audio only while it plays). */
    async listen(userId, type = 'cam') {
      const stream = received.get(`${userId}/${type}`);
      if (!stream) return false;
      const el = document.createElement('audio');
      el.srcObject = stream;
      document.body.append(el);
      await el.play();
      return true;
    },
    /** Audio samples received for a subscribed stream's audio track, read twice 1 s apart. */
    async audioSamples(userId, type = 'cam') {
      const track = received.get(`${userId}/${type}`)?.getAudioTracks()[0];
      if (!track) return null;
      // Remote audio is decoded only while something plays it, as an app's <audio> element does.
      const sink = document.createElement('audio');
      sink.srcObject = new MediaStream([track]);
      document.body.append(sink);
      sink.play().catch(() => {});
      const read = async () => {
        for (const pc of livePcs()) {
          if (pc.connectionState === 'closed') continue;
          const source = sourceOf.get(track) ?? track;
          if (!pc.getReceivers().some((r) => r.track === source)) continue;
          const stats = await pc.getStats(source);
          for (const s of stats.values()) if (s.type === 'inbound-rtp') return s.totalSamplesReceived ?? 0;
        }
        return 0;
      };
      await new Promise((r) => setTimeout(r, 500));
      const first = await read();
      await new Promise((r) => setTimeout(r, 1000));
      const second = await read();
      sink.remove();
      return { first, second };
    },
    /** A stream made in the page, kept under `name` for `use`: getUserMedia, or a canvas. */
    async gum(name, constraints) {
      window.localStreams = window.localStreams || {};
      window.localStreams[name] = await navigator.mediaDevices.getUserMedia(constraints);
      return true;
    },
    /**
     * A canvas source filled with `color` (a moving square keeps the encoder busy), standing in for
     * a screen or a second camera; with `tone`, plus a loud oscillator as its audio (`silent`: the
     * same audio track, at zero gain).
     */
    canvas(name, color, { tone = false, silent = false, width = 320, height = 240 } = {}) {
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext('2d');
      let x = 0;
      const draw = () => {
        g.fillStyle = color;
        g.fillRect(0, 0, width, height);
        g.fillStyle = '#000';
        g.fillRect((x = (x + 4) % width), 4, 16, 16);
      };
      draw();
      setInterval(draw, 66);
      const stream = canvas.captureStream(15);
      if (tone) {
        const ctx = new AudioContext();
        const osc = ctx.createOscillator();
        const dest = ctx.createMediaStreamDestination();
        const gain = ctx.createGain();
        gain.gain.value = silent ? 0 : 1;
        osc.connect(gain).connect(dest);
        osc.start();
        stream.addTrack(dest.stream.getAudioTracks()[0]);
      }
      window.localStreams = window.localStreams || {};
      window.localStreams[name] = stream;
      return true;
    },
    /** Calls kt[method]; an argument `{ $stream: name }` stands for a stream made with gum/canvas. */
    async use(method, ...args) {
      const real = args.map((a) => (a && typeof a === 'object' && '$stream' in a ? window.localStreams[a.$stream] : a));
      const r = await this.kt[method](...real);
      if (r instanceof MediaStream) return { audio: r.getAudioTracks().length, video: r.getVideoTracks().length };
      return r === undefined ? null : JSON.parse(JSON.stringify(r));
    },
    /** Takes what getStream(id) returns as the received stream of `userId`/`type`, for the frame checks. */
    adopt(userId, type, id) {
      const stream = this.kt.getStream(id);
      if (!stream) return false;
      received.set(`${userId}/${type}`, stream);
      return { audio: stream.getAudioTracks().length, video: stream.getVideoTracks().length };
    },
    /** readyState of each track of a received stream. */
    trackStates(userId, type = 'cam') {
      const stream = received.get(`${userId}/${type}`);
      return stream ? stream.getTracks().map((t) => t.readyState) : null;
    },
    /** The centre pixel [r, g, b] of the next frame decoded from a received stream. */
    async pixel(userId, type = 'cam', timeoutMs = 10000) {
      const stream = received.get(`${userId}/${type}`);
      if (!stream) return null;
      const v = document.createElement('video');
      v.muted = true;
      v.srcObject = stream;
      document.body.append(v);
      v.play().catch(() => {});
      const ok = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(false), timeoutMs);
        v.requestVideoFrameCallback(() => (clearTimeout(timer), resolve(true)));
      });
      let rgb = null;
      if (ok) {
        const c = document.createElement('canvas');
        c.width = v.videoWidth;
        c.height = v.videoHeight;
        const g = c.getContext('2d');
        g.drawImage(v, 0, 0);
        rgb = Array.from(g.getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data.slice(0, 3));
      }
      v.remove();
      return rgb;
    },
    /** The SDP our sending PeerConnection last set locally (changes only when we renegotiate). */
    senderSdp() {
      const pc = livePcs().find((p) => p.connectionState !== 'closed' && p.getSenders().some((s) => s.track));
      return pc ? pc.localDescription.sdp : null;
    },
    /** What each open PeerConnection carries: media m-lines and whether it has a data channel. */
    openPeerConnectionKinds() {
      return livePcs()
        .filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed')
        .map((pc) => ({ media: pc.getTransceivers().length, data: !!pc.sctp }));
    },
    /** Video frames decoded (received) and encoded (sent) so far, over every open PeerConnection. */
    async videoFrameCounters() {
      let decoded = 0;
      let encoded = 0;
      for (const pc of livePcs()) {
        if (pc.connectionState === 'closed') continue;
        for (const s of (await pc.getStats()).values()) {
          if (s.type === 'inbound-rtp' && s.kind === 'video') decoded += s.framesDecoded ?? 0;
          if (s.type === 'outbound-rtp' && s.kind === 'video') encoded += s.framesEncoded ?? 0;
        }
      }
      return { decoded, encoded };
    },
    /** m-lines currently receiving media, over every open PeerConnection. */
    receivingMlines() {
      return livePcs()
        .filter((pc) => pc.connectionState !== 'closed')
        .flatMap((pc) => pc.getTransceivers())
        .filter((t) => t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv').length;
    },
    openPeerConnections() {
      return livePcs().filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length;
    },
    /** PeerConnections still reachable (not garbage collected yet), open or closed. */
    reachablePeerConnections() {
      return livePcs().length;
    },
    totalPeerConnections() {
      return created;
    },
  };
})();
