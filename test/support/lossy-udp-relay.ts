/**
 * A lossy UDP relay in front of the gateway's media ports, for the connection-quality tests: a
 * real impairment of the media path (this machine has no netem). The test gateway advertises
 * `listenHost` as its 1:1 NAT address (`nat_1_1_mapping`) with ICE Lite, so the browser's ICE
 * checks, DTLS and RTP/RTCP all go to `listenHost:port`; the relay forwards each datagram to the
 * gateway's real address on the same port and back, dropping a settable share of them in each
 * direction. Loss can be changed at any time; counters say what was really dropped.
 */
import dgram from 'node:dgram';

export interface Loss {
  /** Share of the datagrams browser → gateway dropped, 0..1. */
  up: number;
  /** Share of the datagrams gateway → browser dropped, 0..1. */
  down: number;
}

export interface RelayCounters {
  up: { forwarded: number; dropped: number };
  down: { forwarded: number; dropped: number };
}

export interface LossyUdpRelay {
  setLoss(loss: Loss): void;
  /** Datagrams forwarded and dropped so far, per direction. */
  counters(): RelayCounters;
  close(): Promise<void>;
}

export interface RelayOptions {
  /** The address the gateway advertises (the relay binds it on every port). */
  listenHost: string;
  /** The gateway's real address. */
  targetHost: string;
  ports: number[];
}

const closeQuietly = (socket: dgram.Socket) =>
  new Promise<void>((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // never bound, or closed already
    }
  });

const bind = (socket: dgram.Socket, port: number, address: string) =>
  new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind({ port, address, exclusive: true }, () => {
      socket.off('error', reject);
      resolve();
    });
  });

export async function startLossyUdpRelay({ listenHost, targetHost, ports }: RelayOptions): Promise<LossyUdpRelay> {
  let loss: Loss = { up: 0, down: 0 };
  const counters: RelayCounters = { up: { forwarded: 0, dropped: 0 }, down: { forwarded: 0, dropped: 0 } };
  const sockets: dgram.Socket[] = [];
  const passes = (direction: 'up' | 'down'): boolean => {
    const dropped = Math.random() < loss[direction];
    counters[direction][dropped ? 'dropped' : 'forwarded']++;
    return !dropped;
  };

  const relayPort = async (port: number) => {
    const front = dgram.createSocket('udp4');
    front.on('error', () => {});
    sockets.push(front);
    await bind(front, port, listenHost);
    /**
     * One upstream socket per browser address: the gateway (ICE Lite) learns that socket as the
     * browser's peer-reflexive candidate and answers it; the answers go back to the browser from
     * the advertised address, so both ends see a consistent 5-tuple.
     */
    const upstreams = new Map<string, dgram.Socket>();
    front.on('message', (msg, from) => {
      const key = `${from.address}:${from.port}`;
      let upstream = upstreams.get(key);
      if (!upstream) {
        const socket = dgram.createSocket('udp4');
        socket.on('error', () => {});
        socket.on('message', (reply) => {
          if (passes('down')) front.send(reply, from.port, from.address);
        });
        socket.bind(0, listenHost);
        sockets.push(socket);
        upstreams.set(key, socket);
        upstream = socket;
      }
      if (passes('up')) upstream.send(msg, port, targetHost);
    });
  };

  try {
    for (const port of ports) await relayPort(port);
  } catch (err) {
    await Promise.all(sockets.map(closeQuietly));
    throw err;
  }
  return {
    setLoss: (next) => {
      loss = { ...next };
    },
    counters: () => structuredClone(counters),
    close: async () => {
      await Promise.all(sockets.map(closeQuietly));
    },
  };
}

/**
 * `count` consecutive UDP ports free on both addresses right now (the gateway binds them on
 * `targetHost`, the relay on `listenHost`), from a random place in 20000-60000.
 */
export async function freeUdpPortRange(count: number, hosts: string[]): Promise<number[]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * (40000 - count));
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const held: dgram.Socket[] = [];
    try {
      for (const port of ports) {
        for (const host of hosts) {
          const s = dgram.createSocket('udp4');
          held.push(s);
          await bind(s, port, host);
        }
      }
      return ports;
    } catch {
      /* taken: try elsewhere */
    } finally {
      await Promise.all(held.map(closeQuietly));
    }
  }
  throw new Error(`no ${count} consecutive free UDP ports on ${hosts.join(', ')}`);
}
