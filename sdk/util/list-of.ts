/** The array under `key` of a Janus response (`participants`, `list`, ...), or [] when absent. */
export function listOf(data: unknown, key: string): Record<string, unknown>[] {
  const list = (data as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(list) ? (list as Record<string, unknown>[]) : [];
}
