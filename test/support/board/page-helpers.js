/**
 * Page-side helpers of test/integration/board-pixels.test.ts, added to the page as a plain script
 * (window.bt): boards on canvases of given sizes whose transports deliver to each other in the
 * page (a setTimeout each, as a network would: never within the sender's call), and pixel readers.
 */
(() => {
  const boards = {};
  const canvases = {};
  const mesh = {};
  /** Every doc update a board sent: who, when, how big. */
  const sends = [];
  let mod = null;

  async function load() {
    mod = await import('/lazy/board.mjs');
    return Object.keys(mod).sort();
  }

  function makeCanvas(id, width, height, cssWidth, cssHeight) {
    const wrap = document.createElement('div');
    wrap.style.cssText = 'position:relative;display:inline-block;margin:8px;vertical-align:top;outline:1px solid #ccc';
    const canvas = document.createElement('canvas');
    canvas.id = id;
    canvas.width = width;
    canvas.height = height;
    canvas.style.cssText = `display:block;width:${cssWidth ?? width}px;height:${cssHeight ?? height}px`;
    wrap.appendChild(canvas);
    document.body.appendChild(wrap);
    canvases[id] = canvas;
    return canvas;
  }

  /** A board on a new canvas, in `group` with the boards already there; `stateFrom`: a late joiner. */
  function create(id, { width, height, cssWidth, cssHeight, group = 'main', stateFrom } = {}) {
    const canvas = makeCanvas(id, width, height, cssWidth, cssHeight);
    const peers = () => Object.keys(boards).filter((other) => other !== id && mesh[other] === group);
    const transport = {
      send(update) {
        sends.push({ from: id, at: performance.now(), bytes: update.byteLength });
        for (const other of peers()) {
          const copy = update.slice();
          setTimeout(() => boards[other] && boards[other].apply(copy), 0);
        }
      },
      sendTransient(message) {
        const json = JSON.stringify(message);
        for (const other of peers()) setTimeout(() => boards[other] && boards[other].applyTransient(id, JSON.parse(json)), 0);
      },
    };
    const state = stateFrom ? boards[stateFrom].encodeState() : undefined;
    boards[id] = mod.createBoard({ canvas, userId: id, transport, state });
    mesh[id] = group;
    return true;
  }

  function reset() {
    for (const id of Object.keys(boards)) {
      boards[id].destroy();
      delete boards[id];
      delete canvases[id];
      delete mesh[id];
    }
    document.body.innerHTML = '';
    document.body.style.margin = '0';
    sends.length = 0;
  }

  /** Long enough for a batch (30 ms) to be sent and delivered, then two frames for the paint. */
  function settle(ms = 80) {
    return new Promise((resolve) => setTimeout(() => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))), ms));
  }

  /** A board's method, with JSON-able arguments; its result if JSON-able. */
  function call(id, method, ...args) {
    const result = boards[id][method](...args);
    return result instanceof Promise ? result : typeof result === 'object' ? null : result;
  }

  function solid(color, width, height) {
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d');
    ctx.fillStyle = color;
    ctx.fillRect(0, 0, width, height);
    return c;
  }

  function setPage(id, key, color) {
    boards[id].setPage(key, color ? solid(color, 40, 30) : color);
    return true;
  }

  function surface(id, which) {
    return which === 'overlay' ? boards[id].overlay : canvases[id];
  }

  function image(id, which) {
    const c = surface(id, which);
    return c.getContext('2d').getImageData(0, 0, c.width, c.height);
  }

  /** The most opaque pixel within `radius` px of (fx, fy) (fractions of the canvas): [r, g, b, a]. */
  function at(id, fx, fy, radius = 0, which) {
    const { data, width, height } = image(id, which);
    const cx = Math.round(fx * (width - 1));
    const cy = Math.round(fy * (height - 1));
    let best = [0, 0, 0, -1];
    for (let y = Math.max(0, cy - radius); y <= Math.min(height - 1, cy + radius); y++)
      for (let x = Math.max(0, cx - radius); x <= Math.min(width - 1, cx + radius); x++) {
        const i = 4 * (y * width + x);
        if (data[i + 3] > best[3]) best = [data[i], data[i + 1], data[i + 2], data[i + 3]];
      }
    return best;
  }

  /** How many pixels in the rectangle (fractions) are more than 40% opaque. */
  function inkIn(id, x0, y0, x1, y1) {
    const { data, width, height } = image(id);
    let n = 0;
    for (let y = Math.floor(y0 * height); y < Math.ceil(y1 * height); y++)
      for (let x = Math.floor(x0 * width); x < Math.ceil(x1 * width); x++) if (data[4 * (y * width + x) + 3] > 100) n++;
    return n;
  }

  function inkCount(id, which) {
    const { data } = image(id, which);
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
    return n;
  }

  /** cols x rows cells, '1' where any pixel of the cell is not transparent. */
  function mask(id, cols, rows, which) {
    const { data, width, height } = image(id, which);
    const cells = new Array(cols * rows).fill('0');
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        if (data[4 * (y * width + x) + 3] > 0) cells[Math.floor((y * rows) / height) * cols + Math.floor((x * cols) / width)] = '1';
    return cells.join('');
  }

  function hash(id, which) {
    const { data } = image(id, which);
    let h = 0x811c9dc5;
    for (let i = 0; i < data.length; i++) h = Math.imul(h ^ data[i], 0x01000193);
    return (h >>> 0).toString(16);
  }

  /** snapshot() decoded again and compared with the canvas, pixel by pixel. */
  async function snapshotMatches(id) {
    const url = boards[id].snapshot();
    const img = new Image();
    img.src = url;
    await img.decode();
    const canvas = canvases[id];
    const copy = document.createElement('canvas');
    copy.width = canvas.width;
    copy.height = canvas.height;
    const ctx = copy.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const a = ctx.getImageData(0, 0, copy.width, copy.height).data;
    const b = image(id).data;
    let maxDiff = 0;
    let inked = 0;
    for (let i = 0; i < a.length; i++) {
      // colors of nearly transparent pixels are not kept exactly (premultiplied alpha)
      const weight = i % 4 === 3 ? 1 : b[i - (i % 4) + 3] / 255;
      maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]) * weight);
      if (i % 4 === 3 && b[i] > 0) inked++;
    }
    return { prefix: url.slice(0, 22), width: img.naturalWidth, height: img.naturalHeight, maxDiff, inked };
  }

  /** A gesture by synthetic pointer events (a second hand, while the real mouse draws elsewhere). */
  function synthDraw(id, points, intervalMs, pointerId = 7) {
    const canvas = canvases[id];
    const fire = (type, [fx, fy]) => {
      const r = canvas.getBoundingClientRect();
      canvas.dispatchEvent(
        new PointerEvent(type, {
          clientX: r.left + fx * r.width,
          clientY: r.top + fy * r.height,
          pointerId,
          pointerType: 'pen',
          isPrimary: true,
          bubbles: true,
          buttons: type === 'pointerup' ? 0 : 1,
          button: 0,
        }),
      );
    };
    fire('pointerdown', points[0]);
    let i = 1;
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (i < points.length) fire('pointermove', points[i++]);
        else {
          clearInterval(timer);
          fire('pointerup', points[points.length - 1]);
          resolve(true);
        }
      }, intervalMs);
    });
  }

  /** Many strokes at once through synthetic events, as fast as the board takes them. */
  function synthStrokes(id, count, pointsEach) {
    const started = performance.now();
    for (let s = 0; s < count; s++) {
      const y0 = ((s * 37) % 97) / 100 + 0.01;
      const x0 = ((s * 53) % 89) / 100 + 0.01;
      const pts = Array.from({ length: pointsEach }, (_, k) => [Math.min(1, x0 + k * 0.004), Math.min(1, y0 + Math.sin(k / 3 + s) * 0.01)]);
      const canvas = canvases[id];
      const r = canvas.getBoundingClientRect();
      const fire = (type, [fx, fy]) =>
        canvas.dispatchEvent(
          new PointerEvent(type, {
            clientX: r.left + fx * r.width,
            clientY: r.top + fy * r.height,
            pointerId: 9,
            pointerType: 'pen',
            bubbles: true,
            buttons: 1,
          }),
        );
      fire('pointerdown', pts[0]);
      for (const p of pts.slice(1)) fire('pointermove', p);
      fire('pointerup', pts[pts.length - 1]);
    }
    return performance.now() - started;
  }

  /** Times every animation-frame callback from now on (the board paints in them). */
  const frameTimes = [];
  function timeFrames() {
    const raf = window.requestAnimationFrame.bind(window);
    window.requestAnimationFrame = (cb) =>
      raf((t) => {
        const s = performance.now();
        cb(t);
        frameTimes.push(performance.now() - s);
      });
    return true;
  }

  window.bt = {
    load,
    create,
    reset,
    settle,
    call,
    setPage,
    at,
    inkIn,
    inkCount,
    mask,
    hash,
    snapshotMatches,
    synthDraw,
    synthStrokes,
    timeFrames,
    frameTimes,
    boards,
    canvases,
    sends,
  };
})();
