/**
 * Entering a VideoRoom, the join path that decides how fast a call starts: every step that does
 * not depend on another goes out together.
 * 1. One round trip: the pre-checks (the room exists, has space, does not have us yet) and the
 *    publisher and subscriber handles, so the first subscription starts with its handle ready.
 * 2. One round trip: the VideoRoom join and, on the instance's open data channel, the text room's.
 */
import { Code, KtError } from '../errors';
import type { GatewaySession, PluginData } from '../janus/types';
import { attachVideoRoom, type VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import type { Messenger, MessengerEvents } from '../messaging/messenger';
import type { ConnectionQualityDetail, PresenceDetail } from '../types';
import { isRecorded } from './recording';
import { decodeRoomMeta, encodeDisplay, type RoomMeta } from './wire-format';

/** Who we are; the Client owns it and editUserInfo changes it. */
export interface Self {
  userId: string;
  name: string;
  device: string;
  /** Camera / microphone switches: published camera tracks are enabled accordingly. */
  video: boolean;
  audio: boolean;
}

export interface JoinParams {
  session: GatewaySession;
  /** A handle for synchronous room requests (list, listparticipants, destroy, kick). */
  control: VideoRoomHandle;
  /** The instance's message channel (chat, inform, user info, 1:1 notices). */
  messenger: Messenger;
  roomId: string;
  /** The room's PIN, when it has one. */
  pin?: string;
  /** The room's secret, when we created it (host actions and destroying need it). */
  secret?: string;
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
  meta: RoomMeta;
  /** Whether the gateway records the room (as listed before the join). */
  recording: boolean;
  /** Whether we are in the room's text room (messages need it, the call does not). */
  chatJoined: boolean;
  /** Room events that came after `joined`, before a Room listened: to be replayed, in order. */
  early: PluginData[];
  /** The same for text room messages (the text room join can finish first). */
  earlyMessages: MessengerEvents['message'][];
}

export async function enterRoom(params: JoinParams): Promise<EnteredRoom> {
  const { session, control, roomId, self, timeoutMs } = params;
  params.onProgress?.(40, 'checking the room');
  const [participants, listed, attached, subAttached] = await Promise.allSettled([
    control.listParticipants(roomId),
    control.find(roomId),
    attachVideoRoom(session, timeoutMs),
    attachVideoRoom(session, timeoutMs),
  ]);
  const publisher = attached.status === 'fulfilled' ? attached.value : undefined;
  const subscriber = subAttached.status === 'fulfilled' ? subAttached.value : undefined;
  try {
    if (participants.status === 'rejected') throw participants.reason;
    if (listed.status === 'rejected') throw listed.reason;
    if (!publisher) throw (attached as PromiseRejectedResult).reason;
    if (!subscriber) throw (subAttached as PromiseRejectedResult).reason;
    const ids = participants.value.map((p) => p.id);
    if (ids.includes(self.userId)) throw new KtError(Code.ALREADY_IN_ROOM, `${self.userId} is already in ${roomId}`);
    const { capacity } = decodeRoomMeta(listed.value?.description);
    if (capacity !== null && ids.length >= capacity) throw new KtError(Code.ROOM_FULL, `${roomId} is full`);

    const early: PluginData[] = [];
    let joinedSeen = false;
    const keepEarly = ({ data }: { data: PluginData }) => {
      if (joinedSeen) early.push(data);
      else joinedSeen = data.videoroom === 'joined';
    };
    publisher.events.on('message', keepEarly);
    const earlyMessages: MessengerEvents['message'][] = [];
    const keepMessage = (m: MessengerEvents['message']) => m.roomId === roomId && earlyMessages.push(m);
    params.messenger.events.on('message', keepMessage);
    params.onProgress?.(70, 'joining');
    const [videoJoin, textJoin] = await Promise.allSettled([
      publisher.serial((requests) => requests.joinAsPublisher({ room: roomId, id: self.userId, display: encodeDisplay(self), pin: params.pin })),
      params.messenger.join(roomId, self.name, params.pin),
    ]);
    publisher.events.off('message', keepEarly);
    params.messenger.events.off('message', keepMessage);
    if (videoJoin.status === 'rejected') {
      if (textJoin.status === 'fulfilled') await params.messenger.leave(roomId);
      throw videoJoin.reason;
    }
    if (textJoin.status === 'rejected') params.log.error('no message channel in this room (chat, inform, 1:1 unavailable)', textJoin.reason);
    const joined = videoJoin.value;
    return {
      publisher,
      subscriber,
      joined,
      meta: decodeRoomMeta(joined.description),
      recording: isRecorded(listed.value),
      chatJoined: textJoin.status === 'fulfilled',
      early,
      earlyMessages,
    };
  } catch (err) {
    await Promise.all([publisher?.detach(), subscriber?.detach()]);
    throw err;
  }
}
