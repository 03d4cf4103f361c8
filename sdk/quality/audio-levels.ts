/**
 * How loud each member we receive is right now, 0..1 (linear; 1 = 0 dBov), from the RFC 6464
 * level the sender's browser puts in each audio packet (Janus relays it), as the receiver last
 * saw it: no stats call, cheap enough for an active-speaker view polled several times a second.
 * Only audio the page plays has a level: Chromium decodes (and so reads) remote audio only while
 * an element plays it, which every app that lets its users hear each other does.
 */
import type { FeedType } from '../types';

export interface ReceivedFeeds {
  handedOutFeeds(): { userId: string; type: FeedType }[];
  receiversOf(userId: string, type: FeedType): RTCRtpReceiver[];
}

export function audioLevelsOf(received: ReceivedFeeds): Record<string, number> {
  const loudest = new Map<string, number>();
  for (const { userId, type } of received.handedOutFeeds()) {
    const audio = received.receiversOf(userId, type).filter((r) => r.track.kind === 'audio');
    const level = Math.max(0, ...audio.map((r) => r.getSynchronizationSources()[0]?.audioLevel ?? 0));
    loudest.set(userId, Math.max(level, loudest.get(userId) ?? 0));
  }
  return Object.fromEntries(loudest);
}
