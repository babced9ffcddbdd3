/**
 * The engine's one inbox in live mode: every input (bars, provider messages, operator commands,
 * timers) is pushed here from whatever callback produced it and taken out one at a time, in
 * arrival order, by the single loop that steps the engine. `take` is the loop's first await point.
 */
export class Inbox<T> {
  private items: T[] = [];
  private head = 0;
  private waiter: ((item: T | null) => void) | null = null;
  private closed = false;

  /** Adds an input; wakes the loop if it waits. Inputs after close are dropped (the loop is gone). */
  push(item: T): void {
    if (this.closed) return;
    if (this.waiter !== null) {
      const w = this.waiter;
      this.waiter = null;
      w(item);
      return;
    }
    this.items.push(item);
  }

  /** The next input, waiting for one; null once closed and empty. */
  take(): Promise<T | null> {
    if (this.head < this.items.length) return Promise.resolve(this.shift());
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => { this.waiter = resolve; });
  }

  /** The inputs already queued right now (without waiting), that satisfy `pred`, from the front. */
  takeWhile(pred: (item: T) => boolean): T[] {
    const out: T[] = [];
    while (this.head < this.items.length && pred(this.items[this.head]!)) out.push(this.shift());
    return out;
  }

  get size(): number { return this.items.length - this.head; }

  close(): void {
    this.closed = true;
    if (this.waiter !== null) { const w = this.waiter; this.waiter = null; w(null); }
  }

  private shift(): T {
    const item = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) { this.items = this.items.slice(this.head); this.head = 0; }
    return item;
  }
}
