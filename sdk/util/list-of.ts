/** The array under `key` of a Janus response (`participants`, `list`, ...), or [] when absent. */
export function listOf(data: unknown, key: string): Record<string, unknown>[] {
  const list = (data as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
}

/**
 * Members keyed by userId, as Knowledgetalk returns them. Built with fromEntries, not `out[id] =`:
 * ids like '__proto__' or 'constructor' are valid (SPEC §2) and must be keys like any other.
 */
export function byUserId<T extends { userId: string }>(items: T[]): Record<string, T> {
  return Object.fromEntries(items.map((m) => [m.userId, m]));
}
