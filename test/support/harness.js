// Runs inside each Chromium test page, before the SDK bundle. It counts every RTCPeerConnection
// the page creates (to prove none is left open) and offers helpers that check real media:
// decoded video frames (requestVideoFrameCallback) and received audio samples (getStats).
(() => {
  const NativePC = window.RTCPeerConnection;
  const pcs = [];
  class TrackedPC extends NativePC {
    constructor(...args) {
      super(...args);
      pcs.push(this);
    }
  }
  window.RTCPeerConnection = TrackedPC;

  const presence = [];
  const events = [];
  const received = new Map();

  window.harness = {
    kt: null,
    presence,
    events,
    create(options) {
      const kt = new window.Knowledgetalk(options);
      kt.addEventListener('presence', (e) => presence.push(JSON.parse(JSON.stringify(e.detail))));
      kt.addEventListener('disconnected', (e) => events.push({ type: 'disconnected', detail: e.detail }));
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
        for (const pc of pcs) {
          if (pc.connectionState === 'closed') continue;
          if (!pc.getReceivers().some((r) => r.track === track)) continue;
          const stats = await pc.getStats(track);
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
    openPeerConnections() {
      return pcs.filter((pc) => pc.connectionState !== 'closed' && pc.signalingState !== 'closed').length;
    },
    totalPeerConnections() {
      return pcs.length;
    },
  };
})();
