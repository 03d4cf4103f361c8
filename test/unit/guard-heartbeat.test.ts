/** The guard's client heartbeat (sdk/server/guard/heartbeat.ts): two pongs missed in a row end the client. */
import { Heartbeat } from '../../sdk/server/guard/heartbeat';

test('a client that answers is pinged forever; one that misses two pongs in a row is terminated', () => {
  const beat = new Heartbeat();
  for (let i = 0; i < 10; i++) {
    expect(beat.tick()).toBe('ping');
    beat.pong();
  }
  expect(beat.tick()).toBe('ping'); // unanswered 1
  expect(beat.tick()).toBe('ping'); // unanswered 2
  expect(beat.tick()).toBe('terminate');
});

test('one late pong resets the count', () => {
  const beat = new Heartbeat();
  expect([beat.tick(), beat.tick()]).toEqual(['ping', 'ping']);
  beat.pong();
  expect([beat.tick(), beat.tick(), beat.tick()]).toEqual(['ping', 'ping', 'terminate']);
});
