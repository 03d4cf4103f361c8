/**
 * Starts a Janus from gateway-config/ on free ports for the whole run, unless JANUS_URL points the
 * suite at a gateway that is already running (then JANUS_ADMIN_URL / JANUS_ADMIN_SECRET tell where
 * its Admin API is).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { startGateway, type Gateway } from '../../gateway-config/start.cjs';
import { startPageServer } from './page-server';

declare global {
  // eslint-disable-next-line no-var
  var __KT_GATEWAY__: Gateway | undefined;
  // eslint-disable-next-line no-var
  var __KT_PAGE_SERVER__: Server | undefined;
}

export default async function globalSetup(): Promise<void> {
  const pages = await startPageServer();
  globalThis.__KT_PAGE_SERVER__ = pages.server;
  process.env.KT_PAGE_ORIGIN = pages.origin;
  if (process.env.JANUS_URL) return;
  const out = path.join(__dirname, '..', '..', 'test-output');
  mkdirSync(out, { recursive: true });
  const gateway = await startGateway({ freePorts: true, quiet: true, logFile: path.join(out, 'janus.log') });
  globalThis.__KT_GATEWAY__ = gateway;
  process.env.JANUS_URL = gateway.wsUrl;
  process.env.JANUS_ADMIN_URL = gateway.adminUrl;
  process.env.JANUS_ADMIN_SECRET = gateway.adminSecret;
}
