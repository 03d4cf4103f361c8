// The PrivacyMode tests' in-page helpers (window.privacy), added to a member page after harness.js.
// A scene stands in for the camera: a photograph of a person (test/support/privacy/astronaut.jpg,
// cut out along a drawn outline) in front of a black-and-white checkerboard, whose high-frequency
// detail makes "blurred" measurable. Regions are fractions of the frame, so that they apply to a
// received frame of any size.
(() => {
  const W = 640;
  const H = 480;
  /** The photo (512×512) scaled to the scene's height, centred. */
  const S = H / 512;
  const OX = (W - 512 * S) / 2;
  const photoToScene = ([x0, y0, x1, y1]) => [(OX + x0 * S) / W, (y0 * S) / H, (OX + x1 * S) / W, (y1 * S) / H];

  /** Where the person surely is (away from its outline) and where the background surely is. */
  const REGIONS = {
    face: photoToScene([195, 85, 255, 150]),
    chest: photoToScene([100, 330, 200, 460]),
    left: [0, 0, 70 / W, 1],
    right: [470 / W, 0, 1, 1],
    topLeft: [0, 0, 190 / W, 150 / H],
  };
  const PERSON = ['face', 'chest'];
  const BACKGROUND = ['left', 'right', 'topLeft'];

  /** The person's outline in photo coordinates: the head, then the shoulders and the suit. */
  function outline(g) {
    g.beginPath();
    g.ellipse(226, 105, 78, 95, 0, 0, 2 * Math.PI);
    g.moveTo(150, 180);
    for (const [x, y] of [
      [300, 180],
      [330, 260],
      [360, 300],
      [370, 512],
      [20, 512],
      [30, 310],
      [110, 260],
    ])
      g.lineTo(x, y);
    g.closePath();
  }

  function checkerboard(g, square) {
    for (let y = 0; y < H; y += square) {
      for (let x = 0; x < W; x += square) {
        g.fillStyle = ((x + y) / square) % 2 ? '#fff' : '#000';
        g.fillRect(x, y, square, square);
      }
    }
  }

  async function loadImage(src) {
    const img = new Image();
    img.src = src;
    await img.decode();
    return img;
  }

  /** Luminance of RGBA data. */
  const lum = (d, i) => 0.299 * d[i] + 0.587 * d[i + 1] + 0.114 * d[i + 2];

  /** Mean colour and detail (mean absolute luminance step to the right and down neighbours) of a region. */
  function regionStats(data, width, height, [fx0, fy0, fx1, fy1]) {
    const [x0, y0] = [Math.floor(fx0 * width), Math.floor(fy0 * height)];
    const [x1, y1] = [Math.floor(fx1 * width) - 1, Math.floor(fy1 * height) - 1];
    let [r, g, b, detail, n] = [0, 0, 0, 0, 0];
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * 4;
        r += data[i];
        g += data[i + 1];
        b += data[i + 2];
        const l = lum(data, i);
        detail += Math.abs(lum(data, i + 4) - l) + Math.abs(lum(data, i + width * 4) - l);
        n++;
      }
    }
    return { rgb: [r / n, g / n, b / n].map(Math.round), detail: detail / n };
  }

  /** Mean absolute RGB difference of two same-size frames over a region. */
  function regionDiff(a, b, width, height, [fx0, fy0, fx1, fy1]) {
    let [sum, n] = [0, 0];
    for (let y = Math.floor(fy0 * height); y < Math.floor(fy1 * height); y++) {
      for (let x = Math.floor(fx0 * width); x < Math.floor(fx1 * width); x++) {
        const i = (y * width + x) * 4;
        sum += (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2])) / 3;
        n++;
      }
    }
    return sum / n;
  }

  function pixels(source, width, height) {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(source, 0, 0, width, height);
    return g.getImageData(0, 0, width, height).data;
  }

  /** The next frame of a video element (after it painted one), as RGBA at its own size. */
  async function videoFrame(video, timeoutMs = 10000) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no video frame')), timeoutMs);
      const done = () => (clearTimeout(timer), resolve());
      if (video.requestVideoFrameCallback) video.requestVideoFrameCallback(done);
      else setTimeout(done, 100);
    });
    return { data: pixels(video, video.videoWidth, video.videoHeight), width: video.videoWidth, height: video.videoHeight };
  }

  function report(data, width, height, reference) {
    const out = { width, height };
    for (const [name, region] of Object.entries(REGIONS)) {
      out[name] = regionStats(data, width, height, region);
      if (reference) out[name].diff = regionDiff(data, reference, width, height, region);
    }
    return out;
  }

  function playing(stream) {
    const v = document.createElement('video');
    v.muted = true;
    v.playsInline = true;
    v.srcObject = stream;
    document.body.append(v);
    v.play().catch(() => {});
    return v;
  }

  const liveWorkers = new Set();
  const NativeWorker = window.Worker;
  window.Worker = class TrackedWorker extends NativeWorker {
    constructor(...args) {
      super(...args);
      liveWorkers.add(this);
    }
    terminate() {
      liveWorkers.delete(this);
      super.terminate();
    }
  };

  window.privacy = {
    regions: REGIONS,
    PERSON,
    BACKGROUND,
    pm: null,
    output: null,
    stream: null,

    /** Loads dist/privacy-mode.umd.js with a <script> tag, as an app does. */
    async load() {
      if (window.PrivacyMode) return true;
      await new Promise((resolve, reject) => {
        const s = document.createElement('script');
        s.src = '/privacy-mode.umd.js';
        s.onload = resolve;
        s.onerror = () => reject(new Error('privacy-mode.umd.js did not load'));
        document.head.append(s);
      });
      return typeof window.PrivacyMode === 'function';
    },

    /**
     * The stand-in camera: the scene redrawn at `fps` into a canvas, captured, playing in a
     * <video> (window.privacy.video); with `tone`, an oscillator as its audio track. With
     * `person: false`, the checkerboard alone.
     */
    async scene({ fps = 30, square = 8, person = true, tone = false } = {}) {
      const canvas = document.createElement('canvas');
      canvas.width = W;
      canvas.height = H;
      const g = canvas.getContext('2d');
      const photo = person ? await loadImage('/privacy-fixture/astronaut.jpg') : null;
      const draw = () => {
        checkerboard(g, square);
        if (!photo) return;
        g.save();
        g.translate(OX, 0);
        g.scale(S, S);
        outline(g);
        g.clip();
        g.drawImage(photo, 0, 0);
        g.restore();
      };
      draw();
      this.sceneTimer = setInterval(draw, 1000 / fps);
      const stream = canvas.captureStream(fps);
      if (tone) {
        const ctx = new AudioContext();
        const osc = ctx.createOscillator();
        const dest = ctx.createMediaStreamDestination();
        osc.connect(dest);
        osc.start();
        stream.addTrack(dest.stream.getAudioTracks()[0]);
      }
      this.sceneCanvas = canvas;
      this.sceneStream = stream;
      this.video = playing(stream);
      await videoFrame(this.video);
      return { width: W, height: H, tracks: stream.getTracks().map((t) => t.kind) };
    },

    /** A background picture as a data: URL: `width`×`height`, the left `split` of it `left`, the rest `right`. */
    picture({ width = 300, height = 100, split = 1 / 3, left = '#ff0000', right = '#0000ff' } = {}) {
      const c = document.createElement('canvas');
      c.width = width;
      c.height = height;
      const g = c.getContext('2d');
      g.fillStyle = right;
      g.fillRect(0, 0, width, height);
      g.fillStyle = left;
      g.fillRect(0, 0, Math.round(width * split), height);
      return c.toDataURL('image/png');
    },

    /** Measures of the scene itself (the input). */
    input() {
      return report(pixels(this.sceneCanvas, W, H), W, H);
    },

    /** Measures of the output canvas now, with the difference to the input in each region. */
    async measureOutput() {
      await new Promise((r) => setTimeout(r, 100));
      const { width, height } = this.output;
      const input = pixels(this.sceneCanvas, width, height);
      return report(pixels(this.output, width, height), width, height, input);
    },

    /** Measures of the next frame of a stream (a received one), played in a <video>. */
    async measureStream(stream) {
      const v = playing(stream);
      try {
        const { data, width, height } = await videoFrame(v);
        return report(data, width, height, pixels(this.sceneCanvas, width, height));
      } finally {
        v.remove();
      }
    },

    /** `new PrivacyMode(options)`, kept as window.privacy.pm; `init` resolved with what init resolved. */
    async create(options) {
      this.pm = new window.PrivacyMode(options);
      return { init: await this.pm.init() };
    },

    /** pm.start on the scene's video into a fresh output canvas (window.privacy.output). */
    async start(mode = 'blur', bg = null) {
      this.output = document.createElement('canvas');
      document.body.append(this.output);
      this.stream = await this.pm.start(this.video, this.output, mode, bg);
      return this.stream ? { video: this.stream.getVideoTracks().length, size: [this.output.width, this.output.height] } : null;
    },

    /** How well the model itself separates the stand-in: its mask's mean in each region, and its overlap with the drawn outline. */
    async maskQuality() {
      const seg = new window.SelfieSegmentation({ locateFile: (f) => `/mediapipe/${f}` });
      seg.setOptions({ modelSelection: 1, useCpuInference: true });
      let mask;
      seg.onResults((r) => (mask = pixels(r.segmentationMask, W, H)));
      await seg.send({ image: this.sceneCanvas });
      await seg.close();
      const truth = document.createElement('canvas');
      truth.width = W;
      truth.height = H;
      const g = truth.getContext('2d');
      g.translate(OX, 0);
      g.scale(S, S);
      outline(g);
      g.fill();
      const t = g.getImageData(0, 0, W, H).data;
      let [both, either] = [0, 0];
      for (let i = 3; i < t.length; i += 4) {
        const [m, p] = [mask[i] > 127, t[i] > 127];
        if (m && p) both++;
        if (m || p) either++;
      }
      const mean = ([fx0, fy0, fx1, fy1]) => {
        let [sum, n] = [0, 0];
        for (let y = Math.floor(fy0 * H); y < Math.floor(fy1 * H); y++)
          for (let x = Math.floor(fx0 * W); x < Math.floor(fx1 * W); x++) {
            sum += mask[(y * W + x) * 4 + 3] / 255;
            n++;
          }
        return sum / n;
      };
      return { iou: both / either, regions: Object.fromEntries(Object.keys(REGIONS).map((k) => [k, mean(REGIONS[k])])) };
    },

    /** Frames the output canvas's stream delivers in `ms`, counted on a <video> playing it. */
    async outputFps(ms = 2000) {
      const v = playing(this.stream);
      let frames = 0;
      const count = () => {
        frames++;
        v.requestVideoFrameCallback(count);
      };
      await videoFrame(v);
      v.requestVideoFrameCallback(count);
      await new Promise((r) => setTimeout(r, ms));
      v.remove();
      return (frames * 1000) / ms;
    },

    /** Paints the output canvas one colour: whatever still draws into it shows. */
    paintOutput(color = '#ff00ff') {
      const g = this.output.getContext('2d');
      g.fillStyle = color;
      g.fillRect(0, 0, this.output.width, this.output.height);
    },

    /** The output canvas's centre pixel [r, g, b]. */
    outputPixel() {
      const d = pixels(this.output, this.output.width, this.output.height);
      const i = (Math.floor(this.output.height / 2) * this.output.width + Math.floor(this.output.width / 2)) * 4;
      return [d[i], d[i + 1], d[i + 2]];
    },

    /** Workers made and not terminated since this script ran (the frame clock's timer is one). */
    liveWorkers() {
      return liveWorkers.size;
    },
  };
})();
