/**
 * The instance's connection state: a union with one place that changes it and says so. Which
 * changes are allowed is written down here, so a bug that would (say) announce 'connected' after
 * a disconnect shows up as a logged refusal rather than as a confused app.
 */
import mitt from 'mitt';
import { getLogger } from '../logger';
import type { ConnectionState, ConnectionStateDetail } from '../types';

const log = getLogger('connection');

const ALLOWED: Record<ConnectionState, ConnectionState[]> = {
  disconnected: ['connecting'],
  connecting: ['connected', 'disconnected'],
  connected: ['reconnecting', 'disconnected'],
  reconnecting: ['connected', 'disconnected'],
};

export class ConnectionStateMachine {
  readonly events = mitt<{ change: ConnectionStateDetail }>();
  private current: ConnectionState = 'disconnected';

  get state(): ConnectionState {
    return this.current;
  }

  /** Moves to `next` and announces it; false (and nothing announced) when it is no change or not allowed. */
  set(next: ConnectionState, reason?: string): boolean {
    const previous = this.current;
    if (next === previous) return false;
    if (!ALLOWED[previous].includes(next)) {
      log.error(`connection state ${previous} -> ${next} refused`);
      return false;
    }
    this.current = next;
    log.debug(previous, '->', next, reason ?? '');
    this.events.emit('change', { state: next, previous, ...(reason === undefined ? {} : { reason }) });
    return true;
  }
}
