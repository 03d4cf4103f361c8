// Click-to-spotlight: pressing a camera tile shows that member large (tiles.js moves the tile to the
// presentation area, the other cameras to the strip) and asks the SDK for the highest simulcast
// layer of that member's camera (setQuality 'h'); pressing it again lets it go. Our camera is sent
// in three layers (own-media.js publishes with `simulcast`), so what each tile receives follows its
// size: the spotlighted member 'h' (full size), the others 'l' (a quarter) while someone is
// spotlighted, and 'm' (half size, plenty for a grid tile) when nobody is.

export class Spotlight {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    /** The spotlighted member, or null. */
    this.userId = null;
    /** userId -> the layer last asked for (asked once per change). */
    this.asked = new Map();
  }

  /** The tile's button was pressed: spotlight that member, or let them go. */
  toggle(userId) {
    this.userId = this.userId === userId ? null : userId;
    this.room.tiles.setSpotlight(this.userId);
    for (const id of this.room.feeds.receiving('cam')) this.ask(id);
  }

  /** The layer a member's camera should come in now. */
  layerFor(userId) {
    if (!this.userId) return 'm';
    return userId === this.userId ? 'h' : 'l';
  }

  /** A member's camera arrived (again): its layer is asked anew. */
  received(userId) {
    this.asked.delete(userId);
    this.ask(userId);
  }

  /** A member left (its tile is gone): a spotlight on them ends, the others' layers follow. */
  left(userId) {
    this.asked.delete(userId);
    if (this.userId !== userId) return;
    this.toggle(userId);
  }

  /** Out of the room (a move to a breakout group, the end of the call). */
  clear() {
    this.userId = null;
    this.asked.clear();
    this.room.tiles.setSpotlight(null);
  }

  async ask(userId) {
    if (userId === this.room.myId) return;
    const layer = this.layerFor(userId);
    if (this.asked.get(userId) === layer) return;
    this.asked.set(userId, layer);
    const result = await this.room.kt.setQuality(userId, 'cam', layer);
    if (result.code === '200') return;
    // '400': that member's camera is not sent in layers (another app): it comes as it is.
    if (this.asked.get(userId) === layer) this.asked.delete(userId);
    if (result.code !== '400') console.warn('setQuality', userId, layer, result);
  }
}
