/**
 * The live feed's timer port on a `SimulatedClock`, for tests of the live sources without sleeps:
 * `advanceBy(ms)` fires every timer due in time order, moving the clock to each one's instant
 * and letting the promise continuations it starts run before the next, then sets the clock to the
 * target.
 */
import { SimulatedClock } from '../../../src/runtime/clock.js';
import type { FeedTimers, TimerHandle } from '../../../streams/live/feed-timers.js';

/** Lets every pending promise continuation (and I/O callback already due) run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Timers in simulated time. Delays in ms, the clock in µs. */
export class SimulatedTimers implements FeedTimers {
  readonly clock: SimulatedClock;
  /** Delays asked for, in ms, in order (for tests of what was armed). */
  readonly armed: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(startUs = 1_700_000_000_000_000) {
    this.clock = new SimulatedClock(startUs);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = ++this.seq;
    this.armed.push(ms);
    this.pending.set(id, { at: this.clock.now() + Math.max(0, Math.round(ms * 1000)), seq: id, fn });
    return id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.pending.delete(handle as number);
  }

  /** Timers armed and not yet fired or cleared. */
  get size(): number {
    return this.pending.size;
  }

  /** Fires every timer due up to `now + ms`, in time order, then moves the clock there. */
  async advanceBy(ms: number): Promise<void> {
    await this.advanceTo(this.clock.now() + Math.round(ms * 1000));
  }

  async advanceTo(t: number): Promise<void> {
    await flush();
    for (;;) {
      let due: [number, Pending] | undefined;
      for (const entry of this.pending) {
        const p = entry[1];
        if (p.at <= t && (due === undefined || p.at < due[1].at || (p.at === due[1].at && p.seq < due[1].seq))) due = entry;
      }
      if (due === undefined) break;
      this.pending.delete(due[0]);
      this.clock.advanceTo(due[1].at);
      due[1].fn();
      await flush();
    }
    this.clock.advanceTo(t);
    await flush();
  }
}
