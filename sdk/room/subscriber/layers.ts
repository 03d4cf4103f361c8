/**
 * Which simulcast layer Janus relays on each of our m-lines (its `substream` events), and waiting
 * for a switch to one.
 */
export class LayerWatch {
  /** Our mid → the layer Janus relays on it. */
  private readonly layers = new Map<string, number>();
  private readonly watchers = new Set<() => void>();
  private closed = false;

  /** Janus reported that it relays `substream` on `mid`. */
  relayed(mid: string, substream: number): void {
    this.layers.set(mid, substream);
    this.watchers.forEach((check) => check());
  }

  /** Resolves true once Janus relays the given layers, false after `ms` (or when closed). */
  switched(wanted: { mid: string; substream: number }[], ms: number): Promise<boolean> {
    const done = () => wanted.every((w) => this.layers.get(w.mid) === w.substream);
    return new Promise((resolve) => {
      const check = () => {
        if (!done() && !this.closed) return;
        settle(!this.closed);
      };
      const timer = setTimeout(() => settle(false), ms);
      const settle = (ok: boolean) => {
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve(ok);
      };
      this.watchers.add(check);
    });
  }

  close(): void {
    this.closed = true;
    this.watchers.forEach((check) => check());
  }
}
