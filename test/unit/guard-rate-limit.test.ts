/** Flood control of one guard connection (sdk/server/guard/rate-limit.ts). */
import { RateLimit } from '../../sdk/server/guard/rate-limit';

test('a burst passes, then frames are refused, then the client is closed; the rate refills', () => {
  let t = 0;
  const rate = new RateLimit({ perSecond: 10, burst: 5 }, () => t);
  const verdicts = Array.from({ length: 12 }, () => rate.take());
  expect(verdicts.slice(0, 5)).toEqual(Array(5).fill('ok'));
  expect(verdicts.slice(5, 10)).toEqual(Array(5).fill('refuse'));
  expect(verdicts[11]).toBe('close');
  const calm = new RateLimit({ perSecond: 10, burst: 5 }, () => t);
  for (let i = 0; i < 50; i++) {
    t += 100; // 10 per second: sustainable forever
    expect(calm.take()).toBe('ok');
  }
});
