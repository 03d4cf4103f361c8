/**
 * Per-feed quality figures from getStats (issue 8): what an app shows in a "connection quality"
 * badge. Rates need two readings, so a call reads the feed's RTP streams twice, `windowMs` apart.
 */
import { Code, KtError } from '../errors';
import type { FeedStats, FeedType, KindStats } from '../types';

/** One getStats report, by stats id. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- getStats reports carry fields per stat type that lib.dom does not type
export type Reading = Map<string, RTCStats & Record<string, any>>;

/** The stats of each sender or receiver, in order (the quality monitor reads them too). */
export const read = async (items: (RTCRtpSender | RTCRtpReceiver)[]): Promise<Reading[]> =>
  Promise.all(items.map(async (i) => (await i.getStats()) as unknown as Reading));

export async function feedStats(
  base: { userId: string; type: FeedType; direction: 'send' | 'receive' },
  items: (RTCRtpSender | RTCRtpReceiver)[],
  windowMs = 500,
): Promise<FeedStats> {
  const rtpType = base.direction === 'send' ? 'outbound-rtp' : 'inbound-rtp';
  const first = await read(items);
  await new Promise((r) => setTimeout(r, windowMs));
  const second = await read(items);
  const out: FeedStats = { ...base };
  second.forEach((report, i) => {
    for (const now of report.values()) {
      if (now.type === 'candidate-pair' && now.nominated && typeof now.currentRoundTripTime === 'number') out.rtt = now.currentRoundTripTime;
      if (now.type !== rtpType || (now.kind !== 'audio' && now.kind !== 'video')) continue;
      const before = first[i].get(now.id);
      const seconds = before ? (now.timestamp - before.timestamp) / 1000 : 0;
      const bytes = base.direction === 'send' ? 'bytesSent' : 'bytesReceived';
      const packets = base.direction === 'send' ? 'packetsSent' : 'packetsReceived';
      const lost = (now.packetsLost ?? 0) - (before?.packetsLost ?? 0);
      const got = (now[packets] ?? 0) - (before?.[packets] ?? 0);
      const stats: KindStats = {
        bitrate: seconds > 0 ? Math.round((8 * ((now[bytes] ?? 0) - (before?.[bytes] ?? 0))) / seconds) : 0,
        packetsLost: now.packetsLost ?? 0,
        lossRate: got + lost > 0 ? Math.max(0, lost) / (got + lost) : 0,
      };
      if (typeof now.jitter === 'number') stats.jitter = now.jitter;
      if (now.kind === 'video') {
        const frames = base.direction === 'send' ? 'framesEncoded' : 'framesDecoded';
        stats.fps = seconds > 0 ? ((now[frames] ?? 0) - (before?.[frames] ?? 0)) / seconds : 0;
        stats.width = now.frameWidth;
        stats.height = now.frameHeight;
      }
      out[now.kind as 'audio' | 'video'] = stats;
    }
  });
  return out;
}

/** getStats of a room's feed: ours (sending) for our own id, else a feed we receive. */
export function statsOf(
  room: {
    selfId: string;
    publisher: { rtpSendersOf(type: FeedType): RTCRtpSender[] };
    subscriber: { receiversOf(userId: string, type: FeedType): RTCRtpReceiver[] };
  },
  userId: string,
  type: FeedType,
): Promise<FeedStats> {
  const sending = userId === room.selfId;
  const items = sending ? room.publisher.rtpSendersOf(type) : room.subscriber.receiversOf(userId, type);
  if (items.length === 0 && sending) throw new KtError(Code.BAD_REQUEST, `not publishing ${type}`);
  if (items.length === 0) throw new KtError(Code.INVALID_PARAMETER, `not receiving ${type} of ${userId}`);
  return feedStats({ userId, type, direction: sending ? 'send' : 'receive' }, items);
}
