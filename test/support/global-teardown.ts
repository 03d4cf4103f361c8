export default async function globalTeardown(): Promise<void> {
  globalThis.__KT_PAGE_SERVER__?.closeAllConnections();
  globalThis.__KT_PAGE_SERVER__?.close();
  await globalThis.__KT_GATEWAY__?.stop();
}
