/**
 * The connection layer's pure parts: the SDK's one backoff policy (with jitter), retrying until a
 * deadline, the connection state machine, and the reconnect policy's outcomes.
 */
import { reclaimSession } from '../../sdk/connection/reconnect';
import { ConnectionStateMachine } from '../../sdk/connection/state';
import type { ClaimOutcome, GatewaySession } from '../../sdk/janus/types';
import { backoffDelay, BACKOFF, retryUntil } from '../../sdk/util/wait';

test('backoff doubles from 250 ms to at most 2 s, each delay jittered within its upper half', () => {
  const low = () => 0;
  const high = () => 0.9999;
  expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, high))).toEqual([250, 500, 1000, 2000, 2000, 2000]);
  expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, low))).toEqual([125, 250, 500, 1000, 1000]);
  // Two clients that lost the same gateway at the same instant do not retry in lockstep.
  const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(3)));
  expect(delays.size).toBeGreaterThan(10);
  for (const d of delays) expect(d).toBeGreaterThanOrEqual(BACKOFF.maxMs / 2);
});

test('retryUntil resolves with the first value, gives up at the deadline, stops when told', async () => {
  let calls = 0;
  expect(await retryUntil(async () => (++calls === 3 ? 'done' : undefined), { deadline: Date.now() + 5000 })).toBe('done');
  expect(calls).toBe(3);
  const started = Date.now();
  expect(await retryUntil(async () => undefined, { deadline: Date.now() + 600 })).toBeUndefined();
  expect(Date.now() - started).toBeLessThan(1500);
  let stopped = false;
  calls = 0;
  const result = retryUntil(async () => void calls++, { deadline: Date.now() + 10_000, stop: () => stopped });
  setTimeout(() => (stopped = true), 300);
  expect(await result).toBeUndefined();
  expect(calls).toBeLessThan(4);
});

test('the connection state changes only along its allowed paths, each change announced once', () => {
  const machine = new ConnectionStateMachine();
  const seen: string[] = [];
  machine.events.on('change', ({ previous, state, reason }) => seen.push(`${previous}>${state}${reason ? ` (${reason})` : ''}`));
  expect(machine.set('connected')).toBe(false); // not from 'disconnected'
  expect(machine.set('connecting')).toBe(true);
  expect(machine.set('connecting')).toBe(false); // no change
  machine.set('connected');
  machine.set('reconnecting', 'socket closed');
  machine.set('connected');
  machine.set('disconnected');
  expect(seen).toEqual([
    'disconnected>connecting',
    'connecting>connected',
    'connected>reconnecting (socket closed)',
    'reconnecting>connected',
    'connected>disconnected',
  ]);
  expect(machine.state).toBe('disconnected');
});

function sessionClaiming(outcomes: ClaimOutcome[]): GatewaySession & { claims: number } {
  const session = {
    claims: 0,
    claim: async () => outcomes[Math.min(session.claims++, outcomes.length - 1)],
  };
  return session as unknown as GatewaySession & { claims: number };
}

test('reconnect: a session claimed again is reclaimed; one the gateway forgot is a restart; none is lost', async () => {
  const opts = { reconnectMs: 3000, timeoutMs: 1000, stop: () => false };
  const flaky = sessionClaiming(['fail', 'fail', 'ok']);
  expect(await reclaimSession(flaky, opts)).toBe('reclaimed');
  expect(flaky.claims).toBe(3);
  expect(await reclaimSession(sessionClaiming(['fail', 'gone']), opts)).toBe('restarted');
  const away = sessionClaiming(['fail']);
  expect(await reclaimSession(away, { ...opts, reconnectMs: 700 })).toBe('lost');
  expect(away.claims).toBeGreaterThan(1);
  expect(await reclaimSession(sessionClaiming(['fail']), { ...opts, stop: () => true })).toBe('lost');
});
