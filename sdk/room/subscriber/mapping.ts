/**
 * Which of our m-lines carries which publisher stream, from the `streams` summary Janus sends with
 * each subscriber offer. Keys name a publisher stream: feed (its userId) and its mid.
 */
export const keyOf = (feed: string, mid: string): string => `${feed}\u0000${mid}`;

export function parseKey(key: string): { feed: string; mid: string } {
  const [feed, mid] = key.split('\u0000');
  return { feed, mid };
}

/** feed+mid → our mid, for every active audio/video stream of the summary. */
export function mappingFrom(summary: unknown): Map<string, string> {
  const mapping = new Map<string, string>();
  if (!Array.isArray(summary)) return mapping;
  for (const s of summary as Record<string, unknown>[]) {
    if (!s || s.active === false || (s.type !== 'audio' && s.type !== 'video')) continue;
    if (typeof s.feed_id !== 'string' || typeof s.feed_mid !== 'string' || typeof s.mid !== 'string') continue;
    mapping.set(keyOf(s.feed_id, s.feed_mid), s.mid);
  }
  return mapping;
}

/** Our mids of the video streams in an offer's summary that `before` did not have. */
export function videoMidsAddedTo(before: Map<string, string>, summary: unknown): string[] {
  if (!Array.isArray(summary)) return [];
  return (summary as Record<string, unknown>[])
    .filter((s) => s?.type === 'video' && s.active !== false && typeof s.mid === 'string')
    .filter((s) => typeof s.feed_id === 'string' && typeof s.feed_mid === 'string' && !before.has(keyOf(s.feed_id, s.feed_mid)))
    .map((s) => s.mid as string);
}
