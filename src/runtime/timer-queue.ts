/**
 * A binary min-heap of timers ordered by due time, then by insertion sequence, so timers due at
 * the same instant fire in the order they were set (determinism). Cancellation is lazy: the owner
 * bumps a generation and stale entries are skipped when they surface.
 */

/** One scheduled timer. `fire` is called when it is due and still current. */
export interface TimerEntry {
  due: number;
  seq: number;
  /** False once fired, cancelled or replaced; a dead entry is discarded when popped. */
  live: boolean;
  /**
   * True once an actor's timer was cancelled, replaced or cleared by a restart or stop: a message
   * it already queued is then discarded instead of delivered (Akka's timer guarantee).
   */
  revoked: boolean;
  readonly fire: () => void;
}

/** Min-heap of `TimerEntry` by (due, seq). */
export class TimerQueue {
  private readonly heap: TimerEntry[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** Schedules `fire` at `due` (microseconds); returns the entry, whose `live` flag cancels it. */
  add(due: number, fire: () => void): TimerEntry {
    const entry: TimerEntry = { due, seq: this.seq++, live: true, revoked: false, fire };
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
    return entry;
  }

  /** The earliest live entry's due time, or `Infinity` when none. Discards dead entries on top. */
  peekDue(): number {
    this.discardDead();
    const top = this.heap[0];
    return top === undefined ? Infinity : top.due;
  }

  /** Removes and returns the earliest live entry, or `undefined`. */
  pop(): TimerEntry | undefined {
    this.discardDead();
    return this.removeTop();
  }

  private discardDead(): void {
    while (this.heap.length > 0 && !this.heap[0]!.live) this.removeTop();
  }

  private removeTop(): TimerEntry | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        const c = r < n && less(heap[r]!, heap[l]!) ? r : l;
        if (!less(heap[c]!, last)) break;
        heap[i] = heap[c]!;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}

function less(a: TimerEntry, b: TimerEntry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}
