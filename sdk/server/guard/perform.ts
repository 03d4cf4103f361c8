/**
 * The decisions the guard carries out itself instead of relaying: the room authority's requests
 * (create, destroy, kick, record, edit, groups), the answers it gives from its own state (list,
 * room view, identity, board state) and what it passes between members (messages, permits,
 * shares, board strokes). Each ends in exactly one synchronous answer to the client, shaped as the
 * plugin's own (`success` with `plugindata`), errors included.
 */
import type { GuardCore, GuardSession } from './core';
import type { Decision, Json } from './policy';
import { RefusedError } from './authority';
import { VR, pluginErrorData } from './errors';
import { listEntry, memberView, roomView } from './views';
import { performShared } from './perform-shared';

export async function perform(core: GuardCore, session: GuardSession, decision: Decision, answer: (data: Json) => void): Promise<void> {
  const { rooms, authority } = core;
  const identity = session.identity;
  try {
    switch (decision.kind) {
      case 'reply':
        return answer(decision.data);
      case 'whoami': {
        const replaced = decision.forced ? await core.replace(decision.userId, session) : 0;
        const files = session.link.filesUrl;
        return answer({
          videoroom: 'kt_identity',
          id: decision.userId,
          name: decision.name,
          signed: identity.signed,
          role: identity.role,
          replaced,
          ...(files ? { files } : {}),
        });
      }
      case 'create': {
        const room = await authority.create(identity, decision.spec);
        return answer({ videoroom: 'created', room: room.id, permanent: false, kt: roomView(rooms, room) });
      }
      case 'destroy':
        await authority.destroy(decision.room);
        return answer({ videoroom: 'destroyed', room: decision.room, permanent: false });
      case 'kick':
        await authority.kick(decision.room, decision.userId);
        return answer({ videoroom: 'success' });
      case 'record':
        await authority.record(decision.room, decision.record);
        return answer({ videoroom: 'success', record: decision.record });
      case 'list':
        return answer({ videoroom: 'success', list: rooms.visibleTo(identity).map((r) => listEntry(rooms, r)) });
      case 'room': {
        const room = rooms.get(decision.room)!;
        return answer({ videoroom: 'kt_room', room: room.id, kt: roomView(rooms, room) });
      }
      case 'message': {
        const room = rooms.get(decision.room)!;
        const sent = core.deliver(room, identity, decision.to, decision.body);
        return answer({ videoroom: 'kt_message', room: room.id, sent });
      }
      case 'user': {
        const room = rooms.get(decision.room)!;
        const member = core.updateMember(room, identity, decision.patch);
        if (!member) return answer(pluginErrorData({ code: VR.JOIN_FIRST, reason: 'Join the room first', kt: '400' }));
        return answer({ videoroom: 'kt_user', room: room.id, member: memberView(rooms, room, member) });
      }
      case 'permit': {
        const room = rooms.get(decision.room)!;
        const member = room.members.get(decision.target)!;
        room.permits.set(decision.target, { ...rooms.permitOf(room, decision.target), ...decision.patch });
        core.memberChanged(room, member);
        return answer({ videoroom: 'kt_permit', room: room.id, member: memberView(rooms, room, member) });
      }
      case 'editRoom': {
        const room = rooms.get(decision.room)!;
        if (decision.title !== undefined || decision.capacity !== undefined) await authority.edit(room.id, decision);
        if (decision.host !== undefined && decision.host !== room.meta.host) {
          const old = room.members.get(room.meta.host);
          rooms.setHost(room, decision.host);
          if (old) core.memberChanged(room, old);
          core.memberChanged(room, room.members.get(decision.host)!);
        }
        core.roomChanged(room);
        return answer({ videoroom: 'kt_room_edit', room: room.id, kt: roomView(rooms, room) });
      }
      default:
        return answer(await performShared(core, session, decision));
    }
  } catch (err) {
    if (err instanceof RefusedError) return answer(pluginErrorData(err.refusal));
    const e = err as { pluginCode?: number; reason?: unknown };
    core.opts.log(`${decision.kind} failed: ${String(err)}`);
    answer(pluginErrorData({ code: e.pluginCode ?? 499, reason: typeof e.reason === 'string' ? e.reason : 'gateway error', kt: '570' }));
  }
}
