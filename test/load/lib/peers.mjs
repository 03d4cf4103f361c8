// Headless WebRTC peers for the load scripts (@roamhq/wrtc in Node) and a minimal client of
// Janus's own WebSocket API: one publisher sending a synthetic VP8 picture, viewers subscribing to
// a feed, each counting frames from its stats. They talk to Janus directly (admin-level requests
// such as remote publishers included), never through the guard: what a guard does, not a client.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import WebSocket from 'ws';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');
const { RTCVideoSource } = wrtc.nonstandard;

export const [WIDTH, HEIGHT, FPS] = [320, 240, 30];

/** CPU seconds a process has used (user + system), from /proc. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** One Janus session over its own WebSocket: requests by transaction, plugin events by handle. */
export class JanusSession {
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
export async function startPublisher(url, room, id = 'publisher') {
  const s = await JanusSession.open(url);
  const handle = await s.attach();
  const joined = await s.message(handle, { request: 'join', ptype: 'publisher', room, id, display: id });
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
export async function startViewer(url, room, feed = 'publisher') {
  const s = await JanusSession.open(url);
  const handle = await s.attach();
  const joined = await s.message(handle, { request: 'join', ptype: 'subscriber', room, streams: [{ feed }] });
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

/** A plugin request on an admin handle; throws the plugin's error. */
export async function ask(admin, body) {
  const answer = await admin.session.message(admin.handle, body);
  const data = answer.plugindata?.data ?? {};
  if (data.error) throw new Error(`${body.request}: ${data.error} (${data.error_code})`);
  return data;
}

/** An admin handle on a gateway's Janus (what a guard holds), with `room` created there. */
export async function openAdmin(gateway, room) {
  const session = await JanusSession.open(gateway.janusWsUrl);
  const admin = { session, handle: await session.attach(), key: gateway.janusAdminKey };
  await ask(admin, { request: 'create', room, admin_key: admin.key, publishers: 4, videocodec: 'vp8' });
  return admin;
}

/**
 * Makes `feed` (a one-video publisher on `home`) a publisher on `away` too: `away` opens an
 * RTP/RTCP port pair and announces it (add_remote_publisher), `home` forwards there
 * (publish_remotely). Resolves with the teardown.
 */
export async function linkRemote(home, away, room, feed) {
  const remoteId = `remote-${feed}`;
  const added = await ask(away, {
    request: 'add_remote_publisher',
    room,
    id: feed,
    display: `${feed} (remote)`,
    streams: [{ type: 'video', mindex: 0, mid: '0', codec: 'vp8' }],
  });
  await ask(home, {
    request: 'publish_remotely',
    room,
    publisher_id: feed,
    remote_id: remoteId,
    host: '127.0.0.1',
    port: added.port,
    rtcp_port: added.rtcp_port,
    admin_key: home.key,
  });
  return {
    port: added.port,
    async unlink() {
      await ask(home, { request: 'unpublish_remotely', room, publisher_id: feed, remote_id: remoteId });
      await ask(away, { request: 'remove_remote_publisher', room, id: feed });
    },
  };
}
