// What each tile tells about its feed besides the picture: the connection quality (a badge, from the
// SDK's `connectionQuality` event, and getConnectionQuality() for a tile that appears after its feed
// was measured) and a voice meter for each member we hear (getRemoteAudioLevels(), polled every
// 200 ms while in a call, stopped when the call ends).

const POLL_MS = 200;
/** The meter's range: levels this many dB below full scale show as silence. */
const RANGE_DB = 50;

/** A linear audio level (0..1, 1 = 0 dBov) as the meter's share, 0..1, on a dB scale as ears hear it. */
export function meterShare(level) {
  if (!(level > 0)) return 0;
  const db = 20 * Math.log10(Math.min(1, level));
  return Math.max(0, Math.min(1, (db + RANGE_DB) / RANGE_DB));
}

export class CallSignals {
  /** @param {import('./room.js').Room} room */
  constructor(room) {
    this.room = room;
    this.timer = null;
    this.polling = false;
    /** userId -> the meter's share shown (falls back slowly, as meters do) */
    this.shown = new Map();
    this.onQuality = (event) => {
      const { userId, type, quality } = event.detail;
      this.room.tiles.setQuality(userId, type, quality);
    };
  }

  start() {
    this.stop();
    this.room.kt.addEventListener('connectionQuality', this.onQuality);
    this.timer = setInterval(() => this.poll(), POLL_MS);
  }

  stop() {
    this.room.kt.removeEventListener('connectionQuality', this.onQuality);
    clearInterval(this.timer);
    this.timer = null;
    this.shown.clear();
  }

  /** A tile got its stream: the quality already measured for that feed, if any. */
  known(userId, type) {
    const quality = this.room.kt.getConnectionQuality(userId, type);
    if (quality) this.room.tiles.setQuality(userId, type, quality);
  }

  async poll() {
    if (this.polling || this.room.ended || this.room.moving) return;
    this.polling = true;
    try {
      const result = await this.room.kt.getRemoteAudioLevels();
      if (result.code !== '200' || !this.timer) return;
      for (const userId of this.room.tiles.remoteMembers()) {
        const share = meterShare(result.levels[userId]);
        const shown = Math.max(share, (this.shown.get(userId) ?? 0) * 0.6);
        this.shown.set(userId, shown < 0.02 ? 0 : shown);
        this.room.tiles.setLevel(userId, this.shown.get(userId));
      }
    } finally {
      this.polling = false;
    }
  }
}
