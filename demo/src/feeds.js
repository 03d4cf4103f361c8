// The others' feeds as we receive them: one subscription per member and feed type ('cam',
// 'screen'), shown in its tile. A feed is subscribed when its `publish` presence comes, also one
// published again after an unpublish, or by a member who left and came back (the SDK hands out a
// fresh m-line for it).
import { t } from './i18n.js';
import { showAlert } from './notify.js';

export class Feeds {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    /** `${userId}/${type}` -> 'pending' | MediaStream */
    this.map = new Map();
  }

  /** Forgets a feed (unpublished, or its member gone): a subscription still under way is dropped. */
  forget(userId, type) {
    for (const kind of type ? [type] : ['cam', 'screen']) this.map.delete(`${userId}/${kind}`);
  }

  clear() {
    this.map.clear();
  }

  /** The members whose feed of `type` we receive now. */
  receiving(type) {
    return [...this.map].filter(([key, value]) => value !== 'pending' && key.endsWith(`/${type}`)).map(([key]) => key.slice(0, -type.length - 1));
  }

  /** Receives one feed and shows it; members are announced by `publish`, so nobody is missed. */
  async subscribe(userId, type) {
    const { room } = this;
    const key = `${userId}/${type}`;
    if (this.map.has(key)) return;
    this.map.set(key, 'pending');
    if (type === 'screen') room.tiles.upsert(userId, 'screen', { name: room.nameOf(userId) });
    room.tiles.setPending(userId, type, true);
    const stream = await room.kt.subscribeVideo(userId, type);
    if (room.ended || this.map.get(key) !== 'pending') return; // unpublished or gone meanwhile
    room.tiles.setPending(userId, type, false);
    if (!stream) {
      this.map.delete(key);
      if (type === 'screen') room.tiles.remove(userId, 'screen');
      showAlert(t('error.subscribe', { name: room.nameOf(userId) }));
      return;
    }
    this.map.set(key, stream);
    room.tiles.setStream(userId, type, stream);
    room.signals.known(userId, type);
    if (type === 'cam') room.spotlight.received(userId);
  }
}
