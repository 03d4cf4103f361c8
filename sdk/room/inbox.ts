/**
 * The room's messages, carried by the guard (`kt_message`): what we send, and what others send
 * us, turned into presence (chat, inform, editUserInfo) or acted upon (a 1:1 feed to receive, a
 * recording change to read from the gateway). The guard names the sender by its identity and
 * delivers a whisper to its target alone; no third PeerConnection is needed for any of it.
 */
import type { VideoRoomHandle } from '../janus/videoroom';
import type { Logger } from '../logger';
import { parseEnvelope, type Envelope } from '../messaging/envelope';
import type { FeedType, PresenceDetail } from '../types';
import type { MemberTable } from './members';
import type { RoomRecording } from './recording';
import type { DrawingLink } from './drawing-link';

export interface InboxDeps {
  roomId: string;
  control: VideoRoomHandle;
  members: MemberTable;
  recording: RoomRecording;
  drawing: DrawingLink;
  onPresence: (detail: PresenceDetail) => void;
  /** A member sent us its feed with publishP2P. */
  receiveP2P: (from: string, type: FeedType) => Promise<void>;
  log: Logger;
}

export class Inbox {
  constructor(private readonly deps: InboxDeps) {}

  /** To the room, or to one member. */
  send(body: Envelope, to?: string): Promise<void> {
    return this.deps.control.message(this.deps.roomId, body, to);
  }

  /** A notice that may be missed (the room's members read the truth elsewhere). */
  async notify(body: Envelope): Promise<void> {
    await this.send(body).catch((err) => this.deps.log.warn('notice not sent', body.k, err));
  }

  /** A message the guard delivered to us (a `message` room event). */
  received(from: string, whisper: boolean, raw: unknown): void {
    const { onPresence, log, roomId } = this.deps;
    const body = parseEnvelope(raw);
    if (!body) return; // not one of ours: another kind of client's message
    const base = { eventOp: 'presence' as const, roomId, user: from };
    switch (body.k) {
      case 'chat':
        return onPresence({ ...base, type: 'chat', message: body.m, whisper });
      case 'inform':
        return onPresence({ ...base, type: 'inform', message: body.m, whisper });
      case 'user':
        this.deps.members.setInfo(from, { name: body.name, video: body.video, audio: body.audio });
        return onPresence({ ...base, type: 'editUserInfo', name: body.name, video: body.video, audio: body.audio });
      case 'p2p':
        this.deps.receiveP2P(from, body.t).catch((err) => log.warn(`could not receive the 1:1 ${body.t} of ${from}`, err));
        return;
      case 'rec':
        this.deps.recording.refresh().catch((err) => log.warn('recording state not read', err));
        return;
      case 'canvas':
        this.deps.drawing.imageAsked(from).catch((err) => log.warn(`the canvas image for ${from} was not sent`, err));
        return;
      case 'img':
        return this.deps.drawing.imagePart(from, body);
    }
  }
}
