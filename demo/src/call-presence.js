// What presence means for the call itself: members coming and going, their feeds (subscribed as
// they are published), their camera/microphone state, the speaker, chat, screen shares, the room's
// host, and being put out. The teaching features follow presence themselves (room.js `features`).
import { $ } from './dom.js';
import { t } from './i18n.js';
import { toast } from './notify.js';

/** callPresence's answer when the call ended (nothing more to do with this presence). */
export const ENDED = Symbol('ended');

/** @param {import('./room.js').Room} room */
export async function callPresence(room, detail) {
  switch (detail.type) {
    case 'join':
      room.addMember(detail.user);
      toast(t('room.joined', { name: detail.user.name || detail.user.id }));
      break;
    case 'leave': {
      const name = room.nameOf(detail.user);
      const group = room.breakout.groupOf(detail.user);
      room.removeMember(detail.user);
      toast(group ? t('breakout.wentTo', { name, title: group }) : t('room.left', { name }));
      break;
    }
    case 'publish':
      for (const feed of detail.feeds || []) {
        if (feed.id === room.myId) continue;
        if (feed.type !== 'screen') room.addMember(feed);
        room.feeds.subscribe(feed.id, feed.type || 'cam');
      }
      break;
    case 'unpublish':
      room.feeds.forget(detail.user, detail.feedType);
      if (detail.feedType === 'screen') room.tiles.remove(detail.user, 'screen');
      else room.tiles.setStream(detail.user, 'cam', null);
      break;
    case 'editUserInfo':
      if (detail.user === room.myId) break;
      room.tiles.setState(detail.user, { audio: detail.audio, video: detail.video });
      if (detail.name) room.tiles.setName(detail.user, 'cam', detail.name, { host: room.isHost(detail.user) });
      break;
    case 'talking':
      room.tiles.setSpeaking(detail.user, detail.talking);
      break;
    case 'chat':
      room.chat.add({
        fromName: room.nameOf(detail.user),
        text: detail.message,
        private: Boolean(detail.whisper),
      });
      break;
    case 'screen':
      if (detail.user !== room.myId) toast(t('room.startedSharing', { name: room.nameOf(detail.user) }));
      break;
    case 'shareStop':
      if (detail.user !== room.myId) {
        room.feeds.forget(detail.user, 'screen');
        room.tiles.remove(detail.user, 'screen');
      }
      break;
    case 'editRoomInfo':
      if (detail.host && detail.host !== room.hostId) {
        room.hostId = detail.host;
        toast(detail.host === room.myId ? t('permit.youAreHost') : t('permit.newHost', { name: room.nameOf(detail.host) }));
      }
      if (detail.title) $('room-title').textContent = detail.title;
      break;
    case 'kickOut':
      // Sent to us only: the host removed us, or the room was destroyed.
      if (detail.user === room.myId || !detail.user) {
        if (room.endingForAll) return ENDED;
        await room.end(t(detail.reason === 'destroyed' ? 'error.roomClosed' : 'error.kicked'));
        return ENDED;
      }
      room.removeMember(detail.user);
      break;
    default:
      break;
  }
  return undefined;
}
