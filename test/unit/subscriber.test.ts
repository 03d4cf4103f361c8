/**
 * The subscriber's negotiation logic against a scripted gateway: subscriptions asked for together,
 * or while a negotiation is in flight, go out in as few requests as possible; Janus's offers are
 * answered in order; failures resolve the waiting calls.
 */
import { KtError } from '../../sdk/errors';
import { VideoRoomHandle } from '../../sdk/janus/videoroom';
import { Subscriber } from '../../sdk/room/subscriber/subscriber';
import { FakeGateway, installFakeMediaStream, type FakeHandle, type Sent } from '../support/fake-gateway';

beforeAll(installFakeMediaStream);

/** Janus's behaviour for join/update/start: an offer whose summary maps every subscribed stream. */
function janusLike(gateway: FakeGateway, options: { missingFeeds?: string[]; switchAfter?: number } = {}) {
  const subscribed: { feed: string; mid: string }[] = [];
  gateway.reply = (sent: Sent, handle: FakeHandle) => {
    const { body } = sent;
    const summary = () => subscribed.map((s, i) => ({ mid: String(i), type: 'video', feed_id: s.feed, feed_mid: s.mid, active: true }));
    if (body.request === 'join' || body.request === 'update') {
      const wanted = (body.streams ?? body.subscribe) as { feed: string; mid: string }[];
      const missing = wanted.find((s) => options.missingFeeds?.includes(s.feed));
      if (missing) {
        handle.emit({ videoroom: 'event', error_code: 428, error: `No such feed (${missing.feed})` });
        return undefined;
      }
      subscribed.push(...wanted);
      handle.emit({ videoroom: body.request === 'join' ? 'attached' : 'updated', streams: summary() }, { type: 'offer', sdp: 'o' });
      return undefined;
    }
    if (body.request === 'start') {
      handle.emit({ videoroom: 'event', started: 'ok' });
      return undefined;
    }
    if (body.request === 'configure' && !('substream' in (body.streams as object[])[0])) {
      handle.emit({ videoroom: 'event', configured: 'ok' });
      return undefined;
    }
    if (body.request === 'configure') {
      handle.emit({ videoroom: 'event', configured: 'ok' });
      // Janus switches layers at a keyframe: here, only after the `switchAfter`-th ask.
      const asks = gateway.requests('configure').length;
      if (options.switchAfter !== undefined && asks >= options.switchAfter) {
        for (const s of body.streams as { mid: string; substream: number }[]) handle.emit({ videoroom: 'event', mid: s.mid, substream: s.substream });
      }
      return undefined;
    }
    throw new Error(`unexpected ${body.request}`);
  };
}

function subscriber(gateway: FakeGateway): Subscriber {
  return new Subscriber({ attach: async () => new VideoRoomHandle(await gateway.attach(), 2000), roomId: 'r', timeoutMs: 2000 });
}

const video = (mid: string) => [{ mid, kind: 'video' as const, feedType: 'cam' as const }];

test('subscriptions in the same tick go out in one join', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const sub = subscriber(gateway);
  const streams = await Promise.all(['a', 'b', 'c'].map((feed) => sub.subscribe(feed, 'cam', video('1'))));
  expect(gateway.requests('join')).toHaveLength(1);
  expect(gateway.requests('join')[0].body.streams).toEqual([
    { feed: 'a', mid: '1' },
    { feed: 'b', mid: '1' },
    { feed: 'c', mid: '1' },
  ]);
  expect(gateway.requests('update')).toHaveLength(0);
  expect(gateway.requests('start')).toHaveLength(1);
  // Each stream holds the track of its own feed.
  const ids = streams.map((s) => s.getTracks().map((t) => t.id));
  // The app gets clones of the receiving tracks, so stopping them cannot break a recycled m-line.
  expect(ids).toEqual([['track-0-clone'], ['track-1-clone'], ['track-2-clone']]);
});

test('subscriptions asked for during a negotiation are batched into one update', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const sub = subscriber(gateway);
  const first = sub.subscribe('a', 'cam', video('1'));
  await new Promise((r) => setTimeout(r, 0)); // the join is on the wire now
  const later = [4, 5, 6, 7].map((n) => sub.subscribe(`f${n}`, 'cam', video('1')));
  await Promise.all([first, ...later]);
  expect(gateway.requests('join')).toHaveLength(1);
  expect(gateway.requests('update')).toHaveLength(1);
  expect(gateway.requests('update')[0].body.subscribe).toHaveLength(4);
  // Every offer was answered, in order.
  expect(gateway.requests('start')).toHaveLength(2);
});

test('subscribing again to a feed already received costs no request and returns the same stream', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const sub = subscriber(gateway);
  const s1 = await sub.subscribe('a', 'cam', video('1'));
  const before = gateway.sent.length;
  const s2 = await sub.subscribe('a', 'cam', video('1'));
  expect(s2).toBe(s1);
  expect(gateway.sent.length).toBe(before);
});

test('a Janus error fails only the calls of that batch, with its code', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway, { missingFeeds: ['gone'] });
  const sub = subscriber(gateway);
  await sub.subscribe('a', 'cam', video('1'));
  await expect(sub.subscribe('gone', 'cam', video('1'))).rejects.toMatchObject({ code: '422', janusCode: 428 });
  // The subscriber is still usable afterwards.
  await expect(sub.subscribe('b', 'cam', video('1'))).resolves.toBeDefined();
});

test('closing fails waiting calls and detaches the handle', async () => {
  const gateway = new FakeGateway(); // never answers
  const sub = subscriber(gateway);
  const pending = sub.subscribe('a', 'cam', video('1'));
  await new Promise((r) => setTimeout(r, 0));
  await sub.close();
  await expect(pending).rejects.toBeInstanceOf(KtError);
  expect(gateway.handles[0].detached).toBe(true);
  await expect(sub.subscribe('a', 'cam', video('1'))).rejects.toMatchObject({ code: '400' });
});

test('a feed without streams of that type is refused without a request', async () => {
  const gateway = new FakeGateway();
  const sub = subscriber(gateway);
  await expect(sub.subscribe('a', 'screen', [])).rejects.toMatchObject({ code: '422' });
  expect(gateway.sent).toHaveLength(0);
});

test('feeds announced together are requested with the first one the app awaits', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const sub = subscriber(gateway);
  const alongside = ['b', 'c'].map((feed) => ({ feed, streams: video('1') }));
  // The original's samples await each subscribeVideo in turn.
  await sub.subscribe('a', 'cam', video('1'), alongside);
  await sub.subscribe('b', 'cam', video('1'), [{ feed: 'c', streams: video('1') }]);
  await sub.subscribe('c', 'cam', video('1'));
  expect(gateway.requests('join')).toHaveLength(1);
  expect(gateway.requests('join')[0].body.streams).toEqual([
    { feed: 'a', mid: '1' },
    { feed: 'b', mid: '1' },
    { feed: 'c', mid: '1' },
  ]);
  expect(gateway.requests('update')).toHaveLength(0);
});

test('a stream already asked for is never asked for twice', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const sub = subscriber(gateway);
  const first = sub.subscribe('a', 'cam', video('1'));
  await new Promise((r) => setTimeout(r, 0)); // the join for 'a' is on the wire
  const again = sub.subscribe('a', 'cam', video('1'), [{ feed: 'b', streams: video('1') }]);
  const [s1, s2] = await Promise.all([first, again]);
  expect(s2).toBe(s1);
  const asked = [...gateway.requests('join'), ...gateway.requests('update')].flatMap((r) => r.body.streams ?? r.body.subscribe);
  expect(asked).toEqual([
    { feed: 'a', mid: '1' },
    { feed: 'b', mid: '1' },
  ]);
});

test('a layer change is asked for again until the gateway reports the switch', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway, { switchAfter: 2 });
  const sub = subscriber(gateway);
  await sub.subscribe('a', 'cam', video('1'));
  await sub.setSubstream('a', 'cam', ['1'], 0);
  // Our mid for feed a's mid 1 is '0' (the offer's summary).
  expect(gateway.requests('configure').map((r) => r.body.streams)).toEqual([[{ mid: '0', substream: 0 }], [{ mid: '0', substream: 0 }]]);
  // Once switched, the same layer again costs one request and no wait.
  await sub.setSubstream('a', 'cam', ['1'], 0);
  expect(gateway.requests('configure')).toHaveLength(3);
});

test('a layer change on a feed not received is refused', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const sub = subscriber(gateway);
  await expect(sub.setSubstream('a', 'cam', ['1'], 2)).rejects.toMatchObject({ code: '400' });
  expect(gateway.requests('configure')).toHaveLength(0);
});

test('feeds added once media flows get a keyframe request; before that, Janus asks by itself', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const sub = subscriber(gateway);
  await sub.subscribe('a', 'cam', video('1'));
  expect(gateway.requests('configure')).toHaveLength(0); // Janus asks for 'a' when the PeerConnection comes up
  gateway.handles[0].events.emit('webrtcState', { up: true });
  await sub.subscribe('b', 'cam', video('1'));
  // Only b's video, by our mid for it ('1': the second stream of the offer's summary).
  expect(gateway.requests('configure').map((r) => r.body.streams)).toEqual([[{ mid: '1', send: true }]]);
});

/** Janus once the publisher left: a release changes nothing, `updated` without an offer. */
function releasesChangeNothing(gateway: FakeGateway): void {
  const reply = gateway.reply!;
  gateway.reply = (sent: Sent, handle: FakeHandle) => {
    if (sent.body.request === 'update' && sent.body.unsubscribe) {
      handle.emit({ videoroom: 'updated' });
      return undefined;
    }
    return reply(sent, handle);
  };
}

test('a feed released while its publisher is gone is forgotten: the same id coming back is subscribed anew', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  releasesChangeNothing(gateway);
  const sub = subscriber(gateway);
  const first = await sub.subscribe('a', 'cam', video('1'));
  await sub.unsubscribe('a', 'cam');
  const before = gateway.requests('update').length;
  const again = await sub.subscribe('a', 'cam', video('1'));
  expect(again).not.toBe(first);
  // A new subscription went out (not the dead m-line handed out again).
  expect(gateway.requests('update').filter((r) => r.body.subscribe).length).toBeGreaterThan(0);
  expect(gateway.requests('update').length).toBeGreaterThan(before);
});

/**
 * A member who unpublishes and publishes again has the same keys (its id, mids from 0). Janus's
 * offer that takes the old streams away can come after the presence that says they left: here it
 * never comes (the release gets `updated` without an offer), as in the gap before it arrives.
 */
test('a feed gone and published again at once is negotiated anew, not handed the dead m-line', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  releasesChangeNothing(gateway);
  const sub = subscriber(gateway);
  const first = await sub.subscribe('a', 'cam', video('0'));
  expect(first.getTracks().map((t) => t.id)).toEqual(['track-0-clone']);
  sub.feedGone('a', 'cam');
  expect(first.getTracks().every((t) => t.readyState === 'ended')).toBe(true); // the app sees the feed end
  expect(sub.isSubscribed('a', 'cam')).toBe(false);
  const again = await sub.subscribe('a', 'cam', video('0'));
  expect(gateway.requests('update').filter((r) => r.body.subscribe)).toHaveLength(1);
  // The new subscription's m-line (the second of the summary), not the dead one.
  expect(again.getTracks().map((t) => t.id)).toEqual(['track-1-clone']);
});

test('a subscription waiting for a feed that goes away fails at once; the offer already on its way does not bring the feed back', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const reply = gateway.reply!;
  let startAck: (() => void) | undefined;
  gateway.reply = (sent: Sent, handle: FakeHandle) => {
    // Our answer to the join's offer is acknowledged only when the test says so.
    if (sent.body.request === 'start' && !startAck) return new Promise((resolve) => (startAck = () => resolve(reply(sent, handle))));
    if (sent.body.request === 'update' && sent.body.unsubscribe) return (handle.emit({ videoroom: 'updated' }), undefined);
    return reply(sent, handle);
  };
  const sub = subscriber(gateway);
  const a = sub.subscribe('a', 'cam', video('0'));
  const b = sub.subscribe('b', 'cam', video('0'));
  await eventuallyTrue(() => gateway.requests('start').length === 1); // the offer mapping a and b is being answered
  sub.feedGone('a', 'cam');
  await expect(a).rejects.toMatchObject({ code: '422' });
  startAck!();
  await expect(b).resolves.toBeDefined();
  // The offer listed a, but a went away after it arrived: a is asked for again.
  await sub.subscribe('a', 'cam', video('0'));
  expect(gateway.requests('update').filter((r) => r.body.subscribe)).toEqual([
    expect.objectContaining({ body: expect.objectContaining({ subscribe: [{ feed: 'a', mid: '0' }] }) }),
  ]);
});

async function eventuallyTrue(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(check()).toBe(true);
}

test('an offer that still lists a gone stream (Janus renegotiating for another reason) does not bring it back', async () => {
  const gateway = new FakeGateway();
  janusLike(gateway);
  const reply = gateway.reply!;
  let answerRelease: (() => void) | undefined;
  gateway.reply = (sent: Sent, handle: FakeHandle) => {
    if (sent.body.request === 'update' && sent.body.unsubscribe) {
      return new Promise((resolve) => (answerRelease = () => (handle.emit({ videoroom: 'updated' }), resolve(undefined))));
    }
    return reply(sent, handle);
  };
  const sub = subscriber(gateway);
  await Promise.all([sub.subscribe('a', 'cam', video('0')), sub.subscribe('b', 'cam', video('0'))]);
  sub.feedGone('a', 'cam');
  await eventuallyTrue(() => answerRelease !== undefined);
  // While the release is on its way, Janus offers again, still listing a (it dropped nothing yet).
  const stillA = [
    { mid: '0', type: 'video', feed_id: 'a', feed_mid: '0', active: true },
    { mid: '1', type: 'video', feed_id: 'b', feed_mid: '0', active: true },
  ];
  gateway.handles[0].emit({ videoroom: 'updated', streams: stillA }, { type: 'offer', sdp: 'o2' });
  await new Promise((r) => setTimeout(r, 10));
  answerRelease!();
  await eventuallyTrue(() => gateway.requests('start').length === 2); // that offer was answered too
  await sub.subscribe('a', 'cam', video('0'));
  expect(gateway.requests('update').filter((r) => r.body.subscribe)).toHaveLength(1);
});
