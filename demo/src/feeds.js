// The others' feeds as we receive them: one subscription per member and feed type ('cam',
// 'screen'), shown in its tile; retried once when a feed announced a moment ago is not ready.
import { t } from './i18n.js';
import { showAlert } from './notify.js';

const SUBSCRIBE_RETRY_MS = 1500;

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

  /**
   * Stops receiving a member's feeds (its tile stays, as an avatar). SDK workaround, for members who
   * are about to leave and may come back with the same id (breakout groups): the SDK releases a
   * feed whose member has left without forgetting it, and would hand the same dead m-line out again
   * when that member returns; released while the member is still here, it is forgotten properly.
   */
  async release(userId) {
    const { room } = this;
    for (const type of ['cam', 'screen']) {
      const key = `${userId}/${type}`;
      if (!this.map.has(key)) continue;
      this.map.delete(key);
      if (type === 'screen') room.tiles.remove(userId, 'screen');
      else room.tiles.setStream(userId, 'cam', null);
      await room.kt.removePeer(userId, type);
    }
  }

  /** Receives one feed and shows it; members are announced by `publish`, so nobody is missed. */
  async subscribe(userId, type) {
    const { room } = this;
    const key = `${userId}/${type}`;
    if (this.map.has(key)) return;
    this.map.set(key, 'pending');
    if (type === 'screen') room.tiles.upsert(userId, 'screen', { name: room.nameOf(userId) });
    room.tiles.setPending(userId, type, true);
    let stream = await room.kt.subscribeVideo(userId, type);
    if (!stream && !room.ended && this.map.get(key) === 'pending') {
      // A feed announced a moment before its connection is up can fail once: try again.
      await new Promise((resolve) => setTimeout(resolve, SUBSCRIBE_RETRY_MS));
      if (!room.ended && this.map.get(key) === 'pending') stream = await room.kt.subscribeVideo(userId, type);
    }
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
