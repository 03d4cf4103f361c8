/**
 * What the guard does for what members share: the room's one share at a time (whiteboard or
 * document; a screen is Janus's feed, its turn taken in requests.ts), the board strokes drawn on it,
 * and breakout groups (createGroup / endGroup). Returns the answer's data, or throws a
 * RefusedError (perform.ts shapes both).
 */
import type { GuardCore, GuardSession } from './core';
import type { Decision, Json } from './decision';
import { RefusedError } from './authority';
import { VR } from './errors';
import type { CreateSpec } from './create-spec';
import { filePluginError } from './files';

const refused = (code: number, reason: string, kt: string) => new RefusedError({ code, reason, kt });

export async function performShared(core: GuardCore, session: GuardSession, decision: Decision): Promise<Json> {
  const { rooms, authority } = core;
  const userId = session.identity.userId!;
  switch (decision.kind) {
    case 'share': {
      const room = rooms.get(decision.room)!;
      const share = rooms.takeShare(room.id, userId, decision.type);
      if (!share) throw refused(VR.UNAUTHORIZED, `${room.share!.user} is already sharing (${room.share!.type})`, '440');
      if (decision.document) share.document = decision.document;
      core.shareChanged(room, share);
      return { videoroom: 'kt_share', room: room.id, share };
    }
    case 'shareStop': {
      const room = rooms.get(decision.room)!;
      const current = room.share;
      // The sharer stops its own; the host may end anyone's whiteboard or document.
      const owner = current && current.type !== 'screen' && (current.user === userId || rooms.isHost(session.identity, room.id)) ? current.user : userId;
      const ended = current?.type === 'screen' ? null : rooms.releaseShare(room.id, owner);
      if (ended) core.shareEnded(room, ended);
      return { videoroom: 'kt_share', room: room.id, share: room.share, stopped: ended !== null };
    }
    case 'board': {
      const room = rooms.get(decision.room)!;
      if (decision.update) {
        const why = core.boards.append(room.id, decision.board, decision.update);
        if (why === 'full') throw refused(VR.INVALID_ELEMENT, 'The board is full', '445');
        if (why === 'invalid') throw refused(VR.INVALID_ELEMENT, 'Not a board update', '422');
        if (why === 'stale') throw refused(VR.INVALID_ELEMENT, 'Not the current board', '412');
      }
      const event: Json = { videoroom: 'kt_board', room: room.id, from: userId, board: decision.board };
      if (decision.update) event.update = Buffer.from(decision.update).toString('base64');
      else event.transient = decision.transient;
      const sent = core.notify(room, event, (m) => m.userId !== userId);
      return { videoroom: 'kt_board', room: room.id, board: decision.board, sent };
    }
    case 'boardState': {
      const room = rooms.get(decision.room)!;
      if (!room.share) return { videoroom: 'kt_board_state', room: room.id, share: null };
      const state = Buffer.from(core.boards.state(room.id, room.share.board)).toString('base64');
      return { videoroom: 'kt_board_state', room: room.id, share: room.share, board: room.share.board, state };
    }
    case 'group': {
      const main = rooms.get(decision.room)!;
      const spec: CreateSpec = {
        room: null,
        title: decision.title || `${main.meta.title} group`,
        capacity: null,
        destroy: true,
        talkingNoty: main.meta.talkingNoty,
        p2p: false,
        pin: null,
        audioActivePackets: null,
        audioLevelAverage: null,
        guestPermit: { ...main.meta.guestPermit },
        parent: main.id,
      };
      const group = await authority.create(session.identity, spec);
      const invited = new Set(decision.list);
      const event = { videoroom: 'kt_group', room: main.id, group: group.id, title: group.meta.title, from: userId };
      core.notify(main, event, (m) => invited.has(m.userId));
      const notified = decision.list.filter((id) => main.members.has(id));
      return { videoroom: 'kt_group', room: main.id, group: group.id, notified, missing: decision.list.filter((id) => !main.members.has(id)) };
    }
    case 'groupEnd': {
      const group = rooms.get(decision.group)!;
      core.notify(group, { videoroom: 'kt_group_end', room: group.id, main: decision.room }, () => true);
      await authority.destroy(group.id);
      return { videoroom: 'kt_group_end', room: decision.room, group: group.id };
    }
    case 'upload': {
      const files = core.files;
      if (!files || !session.link.filesUrl) throw refused(VR.INVALID_REQUEST, 'This gateway stores no files', '501');
      const ticket = files.issueTicket({ room: decision.room, owner: userId, name: decision.name, size: decision.size });
      if (!ticket.ok) throw new RefusedError(filePluginError(ticket));
      return {
        videoroom: 'kt_upload',
        room: decision.room,
        ticket: ticket.ticket,
        url: session.link.filesUrl,
        expiresAt: ticket.expiresAt,
        maxBytes: ticket.maxBytes,
      };
    }
    default:
      throw new Error(`not a local decision: ${decision.kind}`);
  }
}
