/**
 * How a pull-based source waits for "something changed" without polling: `wake()` from any
 * callback (a chunk read, an outcome reported, a switch), `changed()` for the one reader, and one
 * timer on the injected port for a known future instant (`armAt`). A wake with no reader waiting
 * is remembered, so the next `changed()` returns at once: no wake-up is ever lost between a
 * reader's check and its wait.
 */
import type { Clock } from '../../src/runtime/clock.js';
import type { FeedTimers, TimerHandle } from './feed-timers.js';

/** A wake-up signal with one timer. Fields set in the constructor, in one order. */
export class WakeSignal {
  private readonly clock: Clock;
  private readonly timers: FeedTimers;
  private timer: TimerHandle | null;
  private timerAt: number;
  private dirty: boolean;
  private waiter: (() => void) | null;

  constructor(clock: Clock, timers: FeedTimers) {
    this.clock = clock;
    this.timers = timers;
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
    this.dirty = false;
    this.waiter = null;
  }

  /** Wakes the reader, or lets its next `changed()` return at once. */
  wake(): void {
    const waiter = this.waiter;
    if (waiter === null) {
      this.dirty = true;
      return;
    }
    this.waiter = null;
    waiter();
  }

  /** Resolves at the next `wake()` (at once if one came since the last wait). One reader at a time. */
  changed(): Promise<void> {
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => (this.waiter = resolve));
  }

  /** Wakes at engine time `at` (µs), unless a timer is already armed no later; Infinity arms nothing. */
  armAt(at: number): void {
    if (at === Number.POSITIVE_INFINITY || (this.timer !== null && this.timerAt <= at)) return;
    this.cancel();
    this.timerAt = at;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.timerAt = Number.POSITIVE_INFINITY;
      this.wake();
    }, Math.max(0, (at - this.clock.now()) / 1000));
  }

  /** Disarms the timer. */
  cancel(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Number.POSITIVE_INFINITY;
  }
}
