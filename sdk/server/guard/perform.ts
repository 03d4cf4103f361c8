/**
 * The decisions the guard carries out itself instead of relaying: the room authority's requests
 * (create, destroy, kick, record), the answers it gives from its own state (list, room view,
 * identity) and guard messages. Each ends in exactly one synchronous answer to the client, shaped
 * as the plugin's own (`success` with `plugindata`), errors included.
 */
import type { GuardCore, GuardSession } from './core';
import type { Decision, Json } from './policy';
import { RefusedError } from './authority';
import { VR, pluginErrorData } from './errors';
import { listEntry, memberView, roomView } from './views';

export async function perform(core: GuardCore, session: GuardSession, decision: Decision, answer: (data: Json) => void): Promise<void> {
  const { rooms, authority } = core;
  try {
    switch (decision.kind) {
      case 'reply':
        return answer(decision.data);
      case 'create': {
        const room = await authority.create(session.identity, decision.spec);
        return answer({ videoroom: 'created', room: room.id, permanent: false, kt: roomView(room) });
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
        return answer({ videoroom: 'success', list: rooms.visibleTo(session.identity).map((r) => listEntry(r, rooms.limits.maxMembers)) });
      case 'room': {
        const room = rooms.get(decision.room)!;
        return answer({ videoroom: 'kt_room', room: room.id, kt: roomView(room) });
      }
      case 'message': {
        const room = rooms.get(decision.room)!;
        const sent = core.deliver(room, session.identity, decision.to, decision.body);
        return answer({ videoroom: 'kt_message', room: room.id, sent });
      }
      case 'user': {
        const room = rooms.get(decision.room)!;
        const member = core.updateMember(room, session.identity, decision.patch);
        if (!member) return answer(pluginErrorData({ code: VR.JOIN_FIRST, reason: 'Join the room first', kt: '400' }));
        return answer({ videoroom: 'kt_user', room: room.id, member: memberView(member) });
      }
      default:
        throw new Error(`not a local decision: ${decision.kind}`);
    }
  } catch (err) {
    if (err instanceof RefusedError) return answer(pluginErrorData(err.refusal));
    const e = err as { pluginCode?: number; reason?: unknown };
    core.opts.log(`${decision.kind} failed: ${String(err)}`);
    answer(pluginErrorData({ code: e.pluginCode ?? 499, reason: typeof e.reason === 'string' ? e.reason : 'gateway error', kt: '570' }));
  }
}
