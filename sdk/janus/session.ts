/**
 * A Janus session on janus.js: attaching plugin handles, claiming the session again on a new
 * connection, destroying it. Whether and when to claim is decided above (connection/reconnect.ts).
 */
import mitt from 'mitt';
import { Code, KtError } from '../errors';
import { getLogger } from '../logger';
import { withTimeout } from '../util/wait';
import { coreError } from './errors';
import { JanusPluginHandle, type JanusJs } from './handle';
import type { ClaimOutcome, GatewaySession, HandleEvents, Jsep, PluginData, PluginHandle, SessionEvents } from './types';

const log = getLogger('gateway');

export class JanusSession implements GatewaySession {
  private destroyed = false;
  private readonly handles = new Set<JanusPluginHandle>();

  constructor(
    private readonly janus: JanusJs,
    readonly events: ReturnType<typeof mitt<SessionEvents>>,
  ) {}

  get id(): number {
    return this.janus.getSessionId();
  }

  /**
   * One claim on a new connection. Janus keeps the session's handles, and the PeerConnections never
   * depended on the socket, so media goes on meanwhile. 'gone': the gateway answers but no longer
   * knows the session (it was restarted).
   */
  claim(timeoutMs: number): Promise<ClaimOutcome> {
    if (this.destroyed) return Promise.resolve('fail');
    const attempt = new Promise<ClaimOutcome>((resolve) => {
      try {
        this.janus.reconnect({
          success: () => resolve('ok'),
          error: (cause: unknown) => resolve(/no such session/i.test(String(cause)) ? 'gone' : 'fail'),
        });
      } catch {
        resolve('fail');
      }
    });
    return withTimeout(attempt, timeoutMs, 'reclaiming the session').catch(() => 'fail' as const);
  }

  attach(plugin: string): Promise<PluginHandle> {
    if (this.destroyed) return Promise.reject(new KtError(Code.BAD_REQUEST, 'session destroyed'));
    const events = mitt<HandleEvents>();
    return new Promise<PluginHandle>((resolve, reject) => {
      this.janus.attach({
        plugin,
        success: (raw: JanusJs) => {
          const handle = new JanusPluginHandle(raw, events, (reason) => this.refused(reason));
          this.handles.add(handle);
          events.on('detached', () => this.handles.delete(handle));
          resolve(handle);
        },
        error: (cause: unknown) => reject(coreError(cause)),
        onmessage: (data: PluginData, jsep?: Jsep) => events.emit('message', { data, jsep }),
        onremotetrack: (track: MediaStreamTrack, mid: string, on: boolean) => events.emit('remoteTrack', { track, mid, on }),
        webrtcState: (up: boolean, reason?: string) => events.emit('webrtcState', { up, reason }),
        slowLink: (uplink: boolean, lost: number, mid?: string) => events.emit('slowLink', { uplink, lost, mid }),
        ondetached: () => events.emit('detached', undefined),
      });
    });
  }

  /**
   * The gateway refused a request of this session as unauthorized: its token expired (Janus checks
   * it on every request, keepalives too), so nothing more will work. Said at once, rather than when
   * the session times out a minute later with a misleading reason.
   */
  private refused(reason: string): void {
    if (this.destroyed) return;
    log.error(reason);
    this.events.emit('refused', { reason });
  }

  destroy(): Promise<void> {
    if (this.destroyed) return Promise.resolve();
    this.destroyed = true;
    this.handles.forEach((h) => h.keepAppTracks());
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      // janus.js never calls back when the socket is already gone; do not hang disconnect().
      const timer = setTimeout(done, 3000);
      try {
        // cleanupHandles closes every PeerConnection before the session goes.
        this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false, success: done, error: done });
      } catch (err) {
        log.warn('destroy failed', err);
        done();
      }
    });
  }
}
