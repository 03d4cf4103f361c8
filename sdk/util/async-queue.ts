/**
 * Runs async tasks one after another. Used wherever Janus must see one negotiation at a time:
 * the events of an async VideoRoom request are matched to it by arrival order (janus.js does not
 * hand us their transaction), so a handle may only have one such request in flight.
 */
export class AsyncQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => this.pending--,
      () => this.pending--,
    );
    return result;
  }

  get size(): number {
    return this.pending;
  }
}
