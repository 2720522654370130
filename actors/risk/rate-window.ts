/**
 * A sliding-window rate limit on engine time: at most `maxEvents` events in any window of
 * `intervalUs` microseconds. The window ending at `now` is `(now - intervalUs, now]`, so an event
 * recorded at `t` stops counting at `t + intervalUs` exactly.
 *
 * Held as a ring of the last `maxEvents` timestamps (no allocation per event): the window is full
 * when it holds `maxEvents` timestamps still inside it. Time comes from the caller (the engine
 * clock), never from the OS, so replays decide identically.
 */
import { TickflowError } from '../../src/runtime/errors.js';

/** Sliding-window counter of events on engine time. */
export class RateWindow {
  readonly maxEvents: number;
  readonly intervalUs: number;
  // Ring of timestamps, oldest at `head`; fields set once, in one order (hidden class).
  private readonly times: number[];
  private head: number;
  private size: number;

  constructor(maxEvents: number, intervalUs: number) {
    if (!Number.isSafeInteger(maxEvents) || maxEvents < 1) {
      throw new TickflowError('CONFIG_INVALID', `rate window: maxEvents must be a whole number >= 1, got ${maxEvents}`, { maxEvents });
    }
    if (!Number.isSafeInteger(intervalUs) || intervalUs < 1) {
      throw new TickflowError('CONFIG_INVALID', `rate window: interval must be >= 1 µs, got ${intervalUs}`, { intervalUs });
    }
    this.maxEvents = maxEvents;
    this.intervalUs = intervalUs;
    this.times = new Array<number>(maxEvents).fill(0);
    this.head = 0;
    this.size = 0;
  }

  /** Events inside the window ending at `now` (drops the ones that left it). */
  count(now: number): number {
    const cutoff = now - this.intervalUs;
    while (this.size > 0 && (this.times[this.head] as number) <= cutoff) {
      this.head = (this.head + 1) % this.maxEvents;
      this.size--;
    }
    return this.size;
  }

  /** True when one more event at `now` would exceed the limit (the window already holds `maxEvents`). */
  isFull(now: number): boolean {
    return this.count(now) >= this.maxEvents;
  }

  /**
   * Records an event at `now`. When the window is full the oldest timestamp is overwritten: callers
   * that enforce the limit ask `isFull` first.
   */
  record(now: number): void {
    this.count(now);
    const tail = (this.head + this.size) % this.maxEvents;
    this.times[tail] = now;
    if (this.size < this.maxEvents) this.size++;
    else this.head = (this.head + 1) % this.maxEvents;
  }

  /**
   * A window with another limit holding this one's latest events, as many as it can hold (a risk
   * reconfigure: approvals already made keep counting against the new limit; those outside the new
   * interval leave at the next `count`). This window is left as it was.
   */
  resized(maxEvents: number, intervalUs: number): RateWindow {
    const next = new RateWindow(maxEvents, intervalUs);
    const keep = Math.min(this.size, maxEvents);
    for (let i = this.size - keep; i < this.size; i++) next.times[i - (this.size - keep)] = this.times[(this.head + i) % this.maxEvents] as number;
    next.size = keep;
    return next;
  }

  /** Forgets every event. */
  clear(): void {
    this.head = 0;
    this.size = 0;
  }
}
