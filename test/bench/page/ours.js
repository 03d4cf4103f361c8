// The bench client on our SDK: the built UMD bundle (global `Knowledgetalk`) used as an app uses
// it: subscribeVideo for each feed of a `publish` presence event (which also reports, right after
// joinRoom, the members already publishing).
(() => {
  const bench = window.bench;
  let kt = null;
  let roomId = null;
  let subscribe = true;
  let sequential = false;

  async function show(feed) {
    bench.mark(`subscribeVideo(${feed.id})`);
    const stream = await kt.subscribeVideo(feed.id, feed.type);
    if (!stream) return console.error('subscribeVideo failed for', feed.id);
    bench.markSubscribed(feed.id);
    const video = stream.getVideoTracks()[0];
    if (video) bench.watchVideo(feed.id, video);
  }

  const ok = (what, r) => {
    if (r?.code !== '200') throw new Error(`${what}: ${JSON.stringify(r)}`);
    return r;
  };

  async function onPresence({ detail }) {
    if (!subscribe || detail.type !== 'publish') return;
    if (sequential) {
      // The README's example: `srcObject = await kt.subscribeVideo(...)` in a for loop.
      for (const feed of detail.feeds) await show(feed);
    } else {
      // All feeds of the event asked for at once, so the SDK can batch them into one negotiation.
      detail.feeds.forEach(show);
    }
  }

  bench.client = {
    async connect(server, userId, options) {
      subscribe = options.subscribe !== false;
      sequential = options.sequential === true;
      kt = new window.Knowledgetalk({ server });
      kt.addEventListener('presence', onPresence);
      ok('init', await kt.init('bench', 'bench', userId, userId));
    },
    async createRoom(id) {
      // destroy=false: the room outlives the members of one repetition.
      ok('createVideoRoom', await kt.createVideoRoom(id, 'bench', undefined, false));
    },
    async join(id) {
      ok('joinRoom', await kt.joinRoom(id));
      bench.mark('joinRoom resolved');
      roomId = id;
      return { joined: bench.now() };
    },
    async publish(stream) {
      if ((await kt.publishVideo('cam', stream)) !== true) throw new Error('publishVideo failed');
    },
    async leave() {
      if (roomId) ok('leaveRoom', await kt.leaveRoom(roomId));
      roomId = null;
    },
  };
})();
