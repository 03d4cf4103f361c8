/**
 * The room's messages: what we send on the instance's message channel, and what others send us,
 * turned into presence (chat, inform, editUserInfo) or acted upon (a 1:1 feed to receive, a
 * recording change to read from the gateway).
 */
import { Code, KtError } from '../errors';
import type { Logger } from '../logger';
import type { Envelope } from '../messaging/envelope';
import type { Messenger, MessengerEvents } from '../messaging/messenger';
import type { FeedType, PresenceDetail } from '../types';
import type { MemberTable } from './members';
import type { RoomRecording } from './recording';

export interface InboxDeps {
  roomId: string;
  messenger: Messenger;
  /** Whether we entered the room's text room; messages need it, the call does not. */
  chatJoined: boolean;
  members: MemberTable;
  recording: RoomRecording;
  /** False once the room is left: messages are ignored. */
  active: () => boolean;
  onPresence: (detail: PresenceDetail) => void;
  /** A member sent us its feed with publishP2P. */
  receiveP2P: (from: string, type: FeedType) => Promise<void>;
  log: Logger;
}

export class Inbox {
  constructor(private readonly deps: InboxDeps) {
    deps.messenger.events.on('message', this.onMessage);
  }

  /** To the room, or to one member. */
  async send(body: Envelope, to?: string): Promise<void> {
    if (!this.deps.chatJoined) throw new KtError(Code.SERVER_ERROR, 'no message channel in this room');
    await this.deps.messenger.send(this.deps.roomId, body, to);
  }

  /** A notice that may be missed (the room's members read the truth elsewhere). */
  async sendIfOpen(body: Envelope): Promise<void> {
    if (!this.deps.chatJoined) return;
    await this.send(body).catch((err) => this.deps.log.warn('notice not sent', body.k, err));
  }

  /** Messages that came during the join, before we listened. */
  replay(messages: MessengerEvents['message'][]): void {
    messages.forEach((m) => this.onMessage(m));
  }

  /** Stops listening. */
  close(): void {
    this.deps.messenger.events.off('message', this.onMessage);
  }

  async leaveTextRoom(): Promise<void> {
    if (this.deps.chatJoined) await this.deps.messenger.leave(this.deps.roomId);
  }

  /** An arrow function: it is subscribed to and unsubscribed from the messenger by identity. */
  private readonly onMessage = ({ roomId, from, whisper, body }: MessengerEvents['message']): void => {
    const { onPresence, log } = this.deps;
    if (!this.deps.active() || roomId !== this.deps.roomId) return;
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
    }
  };
}
