/**
 * Entering a VideoRoom, the join path that decides how fast a call starts: every step that does
 * not depend on another goes out together.
 * 1. One round trip: the pre-checks (the room exists, has space, does not have us yet) and the
 *    publisher and subscriber handles, so the first subscription starts with its handle ready.
 * 2. One round trip: the VideoRoom join and, on the instance's open data channel, the text room's.
 */
import { asPinError, Code, KtError } from '../errors';
import { VIDEOROOM, type PluginData, type PluginHandle } from '../gateway/types';
import { getLogger } from '../logger';
import { listOf } from '../util/list-of';
import type { MessengerEvents } from './messenger';
import { recordFlagOf } from './recording';
import { requestWithEvent } from './request';
import type { JoinParams } from './room';
import { decodeRoomMeta, encodeDisplay, type RoomMeta } from './wire-format';

const log = getLogger('room');

export interface EnteredRoom {
  handle: PluginHandle;
  subscriberHandle: PluginHandle;
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
  const [participants, rooms, attached, subAttached] = await Promise.allSettled([
    control.send({ request: 'listparticipants', room: roomId }),
    control.send({ request: 'list' }),
    session.attach(VIDEOROOM),
    session.attach(VIDEOROOM),
  ]);
  const handle = attached.status === 'fulfilled' ? attached.value : undefined;
  const subscriberHandle = subAttached.status === 'fulfilled' ? subAttached.value : undefined;
  try {
    if (participants.status === 'rejected') throw participants.reason;
    if (rooms.status === 'rejected') throw rooms.reason;
    if (!handle) throw (attached as PromiseRejectedResult).reason;
    if (!subscriberHandle) throw (subAttached as PromiseRejectedResult).reason;
    const ids = listOf(participants.value, 'participants').map((p) => p.id);
    if (ids.includes(self.userId)) throw new KtError(Code.ALREADY_IN_ROOM, `${self.userId} is already in ${roomId}`);
    const listed = listOf(rooms.value, 'list').find((r) => r.room === roomId);
    const capacity = decodeRoomMeta(listed?.description).capacity;
    if (capacity !== null && ids.length >= capacity) throw new KtError(Code.ROOM_FULL, `${roomId} is full`);

    const early: PluginData[] = [];
    let joinedSeen = false;
    const keepEarly = ({ data }: { data: PluginData }) => {
      if (joinedSeen) early.push(data);
      else joinedSeen = data.videoroom === 'joined';
    };
    handle.events.on('message', keepEarly);
    const earlyMessages: MessengerEvents['message'][] = [];
    const keepMessage = (m: MessengerEvents['message']) => m.roomId === roomId && earlyMessages.push(m);
    params.messenger.events.on('message', keepMessage);
    const join = { request: 'join', ptype: 'publisher', room: roomId, id: self.userId, display: encodeDisplay(self) };
    params.onProgress?.(70, 'joining');
    const [videoJoin, textJoin] = await Promise.allSettled([
      requestWithEvent(handle, params.pin === undefined ? join : { ...join, pin: params.pin }, {
        accept: (d) => d.videoroom === 'joined',
        timeoutMs,
      }).catch(asPinError),
      params.messenger.join(roomId, self.name, params.pin),
    ]);
    handle.events.off('message', keepEarly);
    params.messenger.events.off('message', keepMessage);
    if (videoJoin.status === 'rejected') {
      if (textJoin.status === 'fulfilled') await params.messenger.leave(roomId);
      throw videoJoin.reason;
    }
    if (textJoin.status === 'rejected') log.error('no message channel in this room (chat, inform, 1:1 unavailable)', textJoin.reason);
    const joined = videoJoin.value.data;
    return {
      handle,
      subscriberHandle,
      joined,
      meta: decodeRoomMeta(joined.description),
      recording: recordFlagOf(rooms.value, roomId),
      chatJoined: textJoin.status === 'fulfilled',
      early,
      earlyMessages,
    };
  } catch (err) {
    await Promise.all([handle?.detach(), subscriberHandle?.detach()]);
    throw err;
  }
}
