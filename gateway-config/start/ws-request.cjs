'use strict';
/**
 * One Janus API request over a WebSocket (subprotocol `janus-protocol`), for the readiness check:
 * Janus's `info` on its own port, the guard's `ping` on the guard's.
 */
const crypto = require('node:crypto');
const WebSocket = require('ws');

/**
 * Opens `url`, sends `body` with a random `transaction`, resolves with the answer carrying that
 * transaction and closes. Rejects when the socket cannot open, closes first, or `timeoutMs` passes.
 */
function wsRequest(url, body, timeoutMs = 2000) {
  return new Promise((resolve, reject) => {
    const transaction = 'ready-' + crypto.randomBytes(6).toString('hex');
    const ws = new WebSocket(url, 'janus-protocol', { perMessageDeflate: false, handshakeTimeout: timeoutMs });
    const done = (err, frame) => {
      clearTimeout(timer);
      ws.removeAllListeners();
      ws.on('error', () => {});
      ws.terminate();
      if (err) reject(err);
      else resolve(frame);
    };
    const timer = setTimeout(() => done(new Error(`${url}: no answer to '${body.janus}' within ${timeoutMs} ms`)), timeoutMs);
    ws.on('open', () => ws.send(JSON.stringify({ ...body, transaction })));
    ws.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (frame && frame.transaction === transaction) done(null, frame);
    });
    ws.on('error', (err) => done(err));
    ws.on('close', () => done(new Error(`${url}: closed before answering '${body.janus}'`)));
  });
}

module.exports = { wsRequest };
