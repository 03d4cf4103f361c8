// `node test/load/remote-publisher.mjs` (issue 17): can Janus 1.1.2 carry a room across two
// instances? Two gateways on this machine (A, the room's home, and B); a publisher on A; B is told
// of it (`add_remote_publisher`: B opens an RTP/RTCP port pair and announces the feed like a local
// one) and A forwards it there (`publish_remotely`); a viewer on B subscribes as to any feed. A
// viewer on A, in the same run, is the baseline. Prints the time to B's first frame, both viewers'
// share of the frames sent over HEADLESS_SECONDS and their ratio, then tears the link down
// (`unpublish_remotely` on A, `remove_remote_publisher` on B) and checks B no longer lists the feed.
// These are guard-only requests (admin level, never a client's): here sent to Janus directly.
import { createRequire } from 'node:module';
import { ask, linkRemote, openAdmin, startPublisher, startViewer } from './lib/peers.mjs';

const require = createRequire(import.meta.url);
const { startGateway } = require('../../gateway-config/start.cjs');

const SECONDS = Number(process.env.HEADLESS_SECONDS ?? 10);
const log = (...a) => console.log('[remote]', ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Frames a viewer decoded over `ms`, as a share of the frames the publisher sent meanwhile. */
async function share(viewer, publisher, ms) {
  const [d0, s0] = [await viewer.decoded(), await publisher.sent()];
  await sleep(ms);
  return ((await viewer.decoded()) - d0) / ((await publisher.sent()) - s0);
}

async function main() {
  const [a, b] = [await startGateway({ freePorts: true, quiet: true }), await startGateway({ freePorts: true, quiet: true })];
  const room = `remote-${Date.now()}`;
  const closers = [];
  try {
    const [adminA, adminB] = [await openAdmin(a, room), await openAdmin(b, room)];
    closers.push(
      () => adminA.session.close(),
      () => adminB.session.close(),
    );
    const publisher = await startPublisher(a.janusWsUrl, room);
    const local = await startViewer(a.janusWsUrl, room);
    closers.push(
      () => publisher.close(),
      () => local.close(),
    );

    // B: a remote publisher with the same id and the publisher's one stream (mindex 0, VP8).
    const linked = Date.now();
    const link = await linkRemote(adminA, adminB, room, 'publisher');
    log(`B listens for the feed on UDP ${link.port}`);
    const remote = await startViewer(b.janusWsUrl, room);
    closers.push(() => remote.close());
    while ((await remote.decoded()) === 0) {
      if (Date.now() - linked > 15000) throw new Error('no frame on B within 15 s');
      await sleep(20);
    }
    log(`first frame on B ${Date.now() - linked} ms after publish_remotely (the subscription included)`);

    const [onA, onB] = await Promise.all([share(local, publisher, SECONDS * 1000), share(remote, publisher, SECONDS * 1000)]);
    const pct = (x) => `${Math.round(x * 100)}%`;
    log(`over ${SECONDS} s: viewer on A ${pct(onA)}, viewer on B ${pct(onB)} of the frames sent; B/A = ${(onB / onA).toFixed(2)}`);

    await link.unlink();
    const left = await ask(adminB, { request: 'listparticipants', room });
    log(`after the teardown B lists ${left.participants.length} publisher(s)`);
    log(onB >= 0.9 ? 'Janus 1.1.2 carries a feed across instances: yes' : 'the feed crossed, but lost frames: see the shares');
  } finally {
    for (const close of closers.reverse()) close();
    await Promise.all([a.stop(), b.stop()]);
  }
  process.exit(0);
}

await main();
