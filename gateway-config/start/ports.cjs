'use strict';
/** TCP ports on the local gateway's host: free ones for a new gateway, and whether one accepts. */
const net = require('node:net');
const { HOST } = require('./defaults.cjs');

/** Ports handed out by pickFreePorts in this process (avoids reuse between concurrent starts). */
const reservedPorts = new Set();

/** One free TCP port (held open until `release` is called). */
function holdFreePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const { port } = server.address();
      resolve({ port, release: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

/** `count` distinct free ports, never ones already handed out by this process. */
async function pickFreePorts(count) {
  const held = [];
  const ports = [];
  try {
    while (ports.length < count) {
      const h = await holdFreePort();
      held.push(h);
      if (!reservedPorts.has(h.port)) ports.push(h.port);
    }
  } finally {
    await Promise.all(held.map((h) => h.release()));
  }
  for (const p of ports) reservedPorts.add(p);
  return ports;
}

/** Gives ports back to pickFreePorts (ports it never handed out are ignored). */
function releasePorts(ports) {
  for (const p of ports) reservedPorts.delete(p);
}

/** Whether a TCP connection to host:port is accepted within `timeoutMs`. */
function tcpAccepts(port, host = HOST, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

module.exports = { pickFreePorts, releasePorts, tcpAccepts };
