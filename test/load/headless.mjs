// `node test/load/headless.mjs` (issue 17, first part): how many viewers one Janus instance on this
// machine feeds, with headless WebRTC peers (@roamhq/wrtc in this Node process) instead of Chromium
// pages, which ran out at 32 (npm run load). One publisher sends a 320×240 VP8 video at 30 fps
// (synthetic frames); viewers are added in steps (HEADLESS_STEPS), and after a settle time each step
// is measured for HEADLESS_SECONDS: a step holds when every viewer decoded ≥ 90 % of the frames the
// publisher produced in that window. Prints per step the worst and median viewer's share, the CPU
// of Janus and of this process (the peers), and the first step that failed with what hit it.
//
// The peers talk to Janus's own WebSocket (not through the guard): this measures the media server;
// the guard's signalling cost is npm run bench:guard's. A script, not a test: the figure is this
// machine's.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import WebSocket from 'ws';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');
const { startGateway } = require('../../gateway-config/start.cjs');
const { RTCVideoSource } = wrtc.nonstandard;

const SECONDS = Number(process.env.HEADLESS_SECONDS ?? 10);
const STEPS = (process.env.HEADLESS_STEPS ?? '1,10,25,50,75,100,150,200').split(',').map(Number);
const SETTLE_MS = 4000;
const NEEDED = 0.9;
const [WIDTH, HEIGHT, FPS] = [320, 240, 30];

const log = (...a) => console.log('[headless]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds a process has used (user + system), from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One Janus session over its own WebSocket: requests by transaction, plugin events by handle. */
class JanusSession {
  static async open(url) {
    const ws = new WebSocket(url, 'janus-protocol');
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const s = new JanusSession(ws);
    s.id = (await s.request({ janus: 'create' })).data.id;
    s.keepalive = setInterval(() => s.send({ janus: 'keepalive', session_id: s.id }), 20000);
    return s;
  }

  constructor(ws) {
    this.ws = ws;
    this.pending = new Map();
    this.events = new Map();
    this.counter = 0;
    ws.on('message', (raw) => {
      const msg = JSON.parse(String(raw));
      const waiter = this.pending.get(msg.transaction);
      if (waiter && msg.janus !== 'ack' && waiter.until(msg)) {
        this.pending.delete(msg.transaction);
        return waiter.resolve(msg);
      }
      if (msg.sender) this.events.get(msg.sender)?.(msg);
    });
  }

  send(body) {
    this.ws.send(JSON.stringify(body));
  }

  /** Resolves with the first answer to this transaction that `until` accepts (not the ack). */
  request(body, until = () => true) {
    const transaction = `t${++this.counter}`;
    return new Promise((resolve, reject) => {
      this.pending.set(transaction, { resolve, until });
      this.send({ ...body, transaction, ...(this.id ? { session_id: this.id } : {}) });
      setTimeout(() => this.pending.delete(transaction) && reject(new Error(`no answer to ${JSON.stringify(body).slice(0, 80)}`)), 15000);
    });
  }

  /** Resolves with the next message of this type (e.g. 'webrtcup') from this handle. */
  next(handle, type) {
    return new Promise((resolve) => this.events.set(handle, (m) => m.janus === type && (this.events.delete(handle), resolve(m))));
  }

  async attach() {
    return (await this.request({ janus: 'attach', plugin: 'janus.plugin.videoroom' })).data.id;
  }

  /** A plugin message; resolves with its answer (the event carrying plugindata, for async ones). */
  message(handle, body, jsep) {
    return this.request({ janus: 'message', handle_id: handle, body, ...(jsep ? { jsep } : {}) }, (m) => m.plugindata || m.janus === 'error');
  }

  close() {
    clearInterval(this.keepalive);
    this.ws.close();
  }
}

/** Waits until a PeerConnection has gathered its candidates (loopback: a few ms), for a non-trickle SDP. */
function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve()));
}

/** The publisher: a synthetic 320×240 picture at 30 fps; counts the frames it produced. */
async function startPublisher(url, room) {
  const s = await JanusSession.open(url);
  const handle = await s.attach();
  const joined = await s.message(handle, { request: 'join', ptype: 'publisher', room, id: 'publisher', display: 'publisher' });
  if (joined.plugindata.data.error) throw new Error(joined.plugindata.data.error);
  const source = new RTCVideoSource();
  const pc = new wrtc.RTCPeerConnection();
  pc.addTransceiver(source.createTrack(), { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const up = s.next(handle, 'webrtcup');
  const answer = await s.message(handle, { request: 'configure', audio: false, video: true }, pc.localDescription);
  await pc.setRemoteDescription(answer.jsep);
  await up; // Janus announces the feed, and lets it be subscribed to, once its media is up
  const frame = { width: WIDTH, height: HEIGHT, data: new Uint8ClampedArray(WIDTH * HEIGHT * 1.5).fill(128) };
  let produced = 0;
  const timer = setInterval(() => {
    // A moving diagonal pattern with a noisy band: the encoder sends full-size frames (several
    // packets each, ~300 kbps as a camera of this size), not the few bytes of a still picture.
    const y = frame.data;
    for (let row = 0; row < HEIGHT; row++) {
      const line = row * WIDTH;
      const noisy = Math.abs(row - ((produced * 4) % HEIGHT)) < 8;
      for (let col = 0; col < WIDTH; col++) y[line + col] = noisy ? (Math.random() * 255) | 0 : (col + row + produced * 3) & 255;
    }
    source.onFrame(frame);
    produced++;
  }, 1000 / FPS);
  return {
    /** Frames the encoder sent (it drops some of what it is given when the picture is too rich for the bitrate). */
    async sent() {
      let n = 0;
      (await pc.getStats()).forEach((r) => r.type === 'outbound-rtp' && r.kind === 'video' && (n += r.framesEncoded ?? 0));
      return n;
    },
    close() {
      clearInterval(timer);
      pc.close();
      s.close();
    },
  };
}

/** A viewer: subscribes to the publisher's video and counts the frames it decodes. */
async function startViewer(url, room) {
  const s = await JanusSession.open(url);
  const handle = await s.attach();
  const joined = await s.message(handle, { request: 'join', ptype: 'subscriber', room, streams: [{ feed: 'publisher' }] });
  if (!joined.jsep) throw new Error(`subscribe: ${JSON.stringify(joined.plugindata.data)}`);
  const pc = new wrtc.RTCPeerConnection();
  await pc.setRemoteDescription(joined.jsep);
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  await s.message(handle, { request: 'start' }, pc.localDescription);
  return {
    /**
     * Frames decoded, from the receiver's stats: no frame is handed to JavaScript (an RTCVideoSink
     * per viewer copied every decoded picture into this process and made it the bottleneck at 50).
     */
    async decoded() {
      let n = 0;
      (await pc.getStats()).forEach((r) => r.type === 'inbound-rtp' && r.kind === 'video' && (n += r.framesDecoded ?? 0));
      return n;
    },
    close() {
      pc.close();
      s.close();
    },
  };
}

async function main() {
  const gateway = await startGateway({ freePorts: true, quiet: true });
  const url = gateway.janusWsUrl;
  const room = `headless-${Date.now()}`;
  const admin = await JanusSession.open(url);
  const adminHandle = await admin.attach();
  // Janus's own create (with the admin key the guard would use): as many publishers as viewers.
  const created = await admin.message(adminHandle, {
    request: 'create',
    room,
    admin_key: gateway.janusAdminKey,
    publishers: 1,
    videocodec: 'vp8',
  });
  if (created.plugindata.data.error) throw new Error(created.plugindata.data.error);
  const publisher = await startPublisher(url, room);
  const viewers = [];
  const results = [];
  log(`Janus ${gateway.pid}, ${os.cpus().length} cores; steps ${STEPS.join(', ')}; ${SECONDS} s each`);
  try {
    for (const n of STEPS) {
      while (viewers.length < n) viewers.push(await startViewer(url, room));
      await sleep(SETTLE_MS);
      const before = {
        sent: await publisher.sent(),
        decoded: await Promise.all(viewers.map((v) => v.decoded())),
        janus: cpuSeconds(gateway.pid),
        self: process.cpuUsage(),
        at: Date.now(),
      };
      await sleep(SECONDS * 1000);
      const elapsed = (Date.now() - before.at) / 1000;
      const sent = (await publisher.sent()) - before.sent;
      const after = await Promise.all(viewers.map((v) => v.decoded()));
      const shares = after.map((d, i) => (d - before.decoded[i]) / sent).sort((a, b) => a - b);
      const self = process.cpuUsage(before.self);
      const r = {
        n,
        worst: shares[0],
        median: shares[Math.floor(shares.length / 2)],
        janusCpu: (cpuSeconds(gateway.pid) - before.janus) / elapsed,
        peersCpu: (self.user + self.system) / 1e6 / elapsed,
        rssMb: process.memoryUsage().rss / 2 ** 20,
      };
      results.push(r);
      const pct = (x) => `${Math.round(x * 100)}%`;
      log(
        `N=${n}: worst viewer ${pct(r.worst)}, median ${pct(r.median)} of ${sent} frames sent; Janus ${pct(r.janusCpu)} CPU ` +
          `(${((r.janusCpu * 1000) / n).toFixed(1)} ms/s per stream), peers ${pct(r.peersCpu)} CPU, ${Math.round(r.rssMb)} MB`,
      );
      if (r.worst < NEEDED) break;
    }
  } finally {
    for (const v of viewers) v.close();
    publisher.close();
    admin.close();
    await gateway.stop();
  }
  const held = results.filter((r) => r.worst >= NEEDED).pop();
  const failed = results.find((r) => r.worst < NEEDED);
  log(`largest N that held: ${held ? held.n : 'none'}`);
  if (failed) {
    const cores = os.cpus().length;
    // Janus relays on its own threads; the peers decode every viewer's video in this process.
    const what =
      failed.janusCpu > 0.8
        ? 'Janus (near a core)'
        : failed.peersCpu >= 0.5 * cores
          ? `the peers: this process decoding ${failed.n} videos on ${cores} cores, Janus at ${Math.round(failed.janusCpu * 100)}%`
          : 'neither CPU: see the shares';
    log(`N=${failed.n} failed: worst viewer ${Math.round(failed.worst * 100)}%; what hit it: ${what}`);
  } else log(`no step failed up to N=${STEPS[STEPS.length - 1]}: raise HEADLESS_STEPS`);
  process.exit(0);
}

await main();
