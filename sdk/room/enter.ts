/**
 * Entering a VideoRoom, the join path that decides how fast a call starts: the publisher and
 * subscriber handles are attached together (so the first subscription starts with its handle
 * ready), then one join. What used to need checks before it (does the room exist, is there space,
 * are we in it already) the guard decides at the join itself, where it cannot be raced: '441',
 * '444', '442'. The `joined` event brings the guard's view of the room and of us.
 */
import type { Permit, RoomView } from '../janus/guard-views';
import { joinedViewOf } from '../janus/guard-views';
import type { GatewaySession, PluginData } from '../janus/types';
import { attachVideoRoom, type VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import type { ConnectionQualityDetail, PresenceDetail } from '../types';

/** Who we are; the Client owns it and editUserInfo changes it. */
export interface Self {
  userId: string;
  name: string;
  device: string;
  /** Camera / microphone switches: published camera tracks are enabled accordingly. */
  video: boolean;
  audio: boolean;
  /** In a room: what the guard says we may do there, and whether we are its host. */
  permit?: Permit;
  userType?: 'host' | 'guest';
}

export interface JoinParams {
  session: GatewaySession;
  /** A handle for the synchronous room requests (room info, participants, host powers, messages). */
  control: VideoRoomHandle;
  roomId: string;
  /** The room's PIN, when it has one. */
  pin?: string;
  self: Self;
  timeoutMs: number;
  log: Logger;
  onPresence: (detail: PresenceDetail) => void;
  /** Join progress, 0-100, at each step of the join (Connect Live's `connecting`). */
  onProgress?: (progress: number, step: string) => void;
  /** A feed's connection quality changed (see quality/monitor.ts). */
  onQuality?: (detail: ConnectionQualityDetail) => void;
  /** The gateway removed us from the room (destroyed, kicked). */
  onRemoved: () => void;
}

export interface EnteredRoom {
  publisher: VideoRoomHandle;
  subscriber: VideoRoomHandle;
  /** Janus's `joined` event. */
  joined: PluginData;
  /** The room as the guard holds it. */
  meta: RoomView;
  /** Room events (and messages) that came around `joined`, before a Room listened: to be replayed, in order. */
  early: PluginData[];
}

export async function enterRoom(params: JoinParams): Promise<EnteredRoom> {
  const { session, roomId, self, timeoutMs } = params;
  params.onProgress?.(40, 'preparing');
  const [attached, subAttached] = await Promise.allSettled([attachVideoRoom(session, timeoutMs), attachVideoRoom(session, timeoutMs)]);
  const publisher = attached.status === 'fulfilled' ? attached.value : undefined;
  const subscriber = subAttached.status === 'fulfilled' ? subAttached.value : undefined;
  try {
    if (!publisher) throw (attached as PromiseRejectedResult).reason;
    if (!subscriber) throw (subAttached as PromiseRejectedResult).reason;
    // Everything but `joined` itself, also what comes before it: Janus can push another
    // publisher's `publishers` event to us before our own `joined` (its `publishers` list counts
    // started publishers only, so that member would otherwise never be announced).
    const early: PluginData[] = [];
    const keepEarly = ({ data }: { data: PluginData }) => {
      if (data.videoroom !== 'joined') early.push(data);
    };
    publisher.events.on('message', keepEarly);
    params.onProgress?.(70, 'joining');
    const { device, video, audio } = self;
    const joined = await publisher
      .serial((requests) => requests.joinAsPublisher({ room: roomId, id: self.userId, display: self.name, pin: params.pin, info: { device, video, audio } }))
      .finally(() => publisher.events.off('message', keepEarly));
    const view = joinedViewOf(joined);
    self.permit = view.self?.permit;
    self.userType = view.self?.userType;
    return { publisher, subscriber, joined, meta: view.room, early };
  } catch (err) {
    await Promise.all([publisher?.detach(), subscriber?.detach()]);
    throw err;
  }
}
