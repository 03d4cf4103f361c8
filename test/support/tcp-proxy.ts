/**
 * A TCP proxy between a page and the gateway, for the connection-loss tests: `drop()` cuts the
 * live connections (a network blip: new ones get through), `outage(ms)` also refuses new ones for
 * a while, `close()` takes it away for good.
 */
import net from 'node:net';

export interface TcpProxy {
  /** ws://127.0.0.1:<port> */
  url: string;
  drop(): void;
  outage(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** `port`: where it listens (default: a free one). */
export async function startTcpProxy(target: string, listenPort = 0): Promise<TcpProxy> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  const listen = (p: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(listenPort);
  const proxyPort = (server.address() as net.AddressInfo).port;
  const drop = () => sockets.forEach((s) => s.destroy());
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      drop();
    });
  return {
    url: `ws://127.0.0.1:${proxyPort}`,
    drop,
    close,
    async outage(ms) {
      await close();
      await new Promise((r) => setTimeout(r, ms));
      await listen(proxyPort);
    },
  };
}
