/**
 * Janus alone (gateway-config/run-janus.sh, no guard), on free loopback ports with a VideoRoom
 * admin_key of the caller's, that can be killed and started again on the same ports with the same
 * key: what a guard test needs to restart Janus under a guard that stays up. startGateway starts
 * Janus and its own guard together and gives each start a fresh admin key, so it cannot do this.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { RawJanus } from './raw-janus';

const RUN_JANUS = path.join(__dirname, '..', '..', 'gateway-config', 'run-janus.sh');

export interface JanusAlone {
  wsUrl: string;
  /** SIGKILL (a crash, no goodbye to anyone), then the same Janus again once its port answers. */
  restart(opts?: { downMs?: number }): Promise<void>;
  /** SIGKILL only: Janus stays down until start(). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startJanusAlone(opts: { adminKey: string; recordingsDir: string; adminSecret?: string }): Promise<JanusAlone> {
  const [wsPort, adminPort] = await freePorts(2);
  const wsUrl = `ws://127.0.0.1:${wsPort}`;
  const env = {
    ...process.env,
    JANUS_WS_PORT: String(wsPort),
    JANUS_ADMIN_PORT: String(adminPort),
    JANUS_ADMIN_SECRET: opts.adminSecret ?? 'janus-alone-admin',
    JANUS_VIDEOROOM_ADMIN_KEY: opts.adminKey,
    JANUS_RECORDINGS_DIR: opts.recordingsDir,
  };
  let child: ChildProcess | null = null;
  let output = '';
  const start = async () => {
    output = '';
    const c = spawn('bash', [RUN_JANUS], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
    c.stdout!.on('data', keep);
    c.stderr!.on('data', keep);
    await untilAnswers(wsUrl, 20000, () => c.exitCode !== null || c.signalCode !== null).catch((err) => {
      throw new Error(`${(err as Error).message}\n--- Janus output ---\n${output}`);
    });
  };
  const kill = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    c.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    wsUrl,
    kill,
    start,
    restart: async ({ downMs = 300 } = {}) => {
      await kill();
      await new Promise((r) => setTimeout(r, downMs));
      await start();
    },
    stop: kill,
  };
}

/** Until Janus answers `info` on its WebSocket (it is up), or the process died, or time ran out. */
async function untilAnswers(url: string, ms: number, died: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (died()) throw new Error('Janus exited while starting');
    try {
      const c = await RawJanus.open(url);
      const answer = await c.request({ janus: 'info' }, 1000).finally(() => c.close());
      if (answer.janus === 'server_info') return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`Janus did not answer on ${url} in ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `n` distinct free ports (each held until all are picked, so that none comes twice). */
async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  for (let i = 0; i < n; i++) {
    const srv = net.createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve());
    });
    servers.push(srv);
  }
  const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}
