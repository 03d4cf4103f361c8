/**
 * Starts the gateway from gateway-config/ on free ports for the whole run: Janus on loopback and
 * the guard in front of it, development profile (startGateway), unless JANUS_URL points the suite
 * at a gateway that is already running (then JANUS_ADMIN_URL / JANUS_ADMIN_SECRET tell where its
 * Janus's Admin API is). JANUS_URL is what the pages talk to: the guard.
 *
 * JANUS_OWN_SESSIONS lists the Janus sessions the gateway holds itself (the guard's admin
 * session), which the leak checks of test/support/admin.ts leave out; for a gateway given by
 * JANUS_URL, the sessions it holds before the first test are taken as its own.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { startGateway, type Gateway } from '../../gateway-config/start.cjs';
import { listSessions } from './admin';
import { startPageServer } from './page-server';

declare global {
  var __KT_GATEWAY__: Gateway | undefined;

  var __KT_PAGE_SERVER__: Server | undefined;
}

export default async function globalSetup(): Promise<void> {
  const pages = await startPageServer();
  globalThis.__KT_PAGE_SERVER__ = pages.server;
  process.env.KT_PAGE_ORIGIN = pages.origin;
  if (process.env.JANUS_URL) {
    const { JANUS_ADMIN_URL: url, JANUS_ADMIN_SECRET: secret } = process.env;
    if (url && secret && process.env.JANUS_OWN_SESSIONS === undefined) process.env.JANUS_OWN_SESSIONS = (await listSessions(url, secret)).join(',');
    return;
  }
  const out = path.join(__dirname, '..', '..', 'test-output');
  mkdirSync(out, { recursive: true });
  const gateway = await startGateway({ freePorts: true, quiet: true, logFile: path.join(out, 'janus.log') });
  globalThis.__KT_GATEWAY__ = gateway;
  process.env.JANUS_URL = gateway.wsUrl;
  process.env.JANUS_ADMIN_URL = gateway.adminUrl;
  process.env.JANUS_ADMIN_SECRET = gateway.adminSecret;
  process.env.JANUS_OWN_SESSIONS = gateway.ownSessions.join(',');
}
