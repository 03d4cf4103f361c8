/** Whether something accepts TCP connections on a port (the tests' check of what listens where). */
import net from 'node:net';

/** Whether a TCP connection to host:port is accepted within 2 s. */
export function tcpAccepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(2000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
