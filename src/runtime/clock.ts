/**
 * Time for the engine, in integer microseconds since the epoch. Actors read time only through
 * `ctx.clock`; nothing in `actors/` or `streams/` calls `Date.now()` or `setTimeout`.
 *
 * - `LiveClock` reads the OS clock; the system arms one OS timer for its earliest due timer.
 * - `SimulatedClock` moves only when driven. Its `advanceTo(t)` (provided by the actor system it is
 *   attached to) runs the dispatcher synchronously until idle, fires every timer due up to `t` in
 *   time order, then sets the time to `t`. That is the primitive the replay driver is built on.
 */
import { TickflowError } from './errors.js';

/** A source of engine time. */
export interface Clock {
  readonly kind: 'live' | 'simulated';
  /** Current engine time in integer microseconds since the epoch. */
  now(): number;
}

/** The OS clock, with microsecond resolution from the monotonic high-resolution timer. */
export class LiveClock implements Clock {
  readonly kind = 'live' as const;
  private readonly originUs = performance.timeOrigin * 1000;

  now(): number {
    return Math.floor(this.originUs + performance.now() * 1000);
  }
}

/** What a simulated clock needs from the system that drives it. */
export interface SimulationDriver {
  advanceTo(t: number): boolean;
}

/** A clock that moves only when driven: by `advanceTo` or, inside the runtime, by timers firing. */
export class SimulatedClock implements Clock {
  readonly kind = 'simulated' as const;
  private t: number;
  private driver: SimulationDriver | undefined;

  constructor(start = 0) {
    this.t = Math.floor(start);
    this.driver = undefined;
  }

  now(): number {
    return this.t;
  }

  /**
   * Moves engine time to `t` after the attached system is idle and every timer due up to `t` has
   * fired. Returns false, leaving time where it was, while `ctx.pipe` I/O is pending (await
   * `system.settled()` and call again). Time never goes backwards: an earlier `t` only runs the
   * system to idle.
   */
  advanceTo(t: number): boolean {
    if (this.driver === undefined) {
      this.set(t);
      return true;
    }
    return this.driver.advanceTo(t);
  }

  /** Moves the time without running anything. Runtime-internal: use `advanceTo`. */
  set(t: number): void {
    if (t > this.t) this.t = Math.floor(t);
  }

  /** Binds the clock to the system that owns it. A clock serves one system. */
  attach(driver: SimulationDriver): void {
    if (this.driver !== undefined && this.driver !== driver) {
      throw new TickflowError('CLOCK_NOT_SIMULATED', 'this SimulatedClock already drives another actor system');
    }
    this.driver = driver;
  }
}

/** Microseconds in common units, for readable durations: `5 * SECOND`. */
export const MICROS = 1;
export const MILLISECOND = 1_000;
export const SECOND = 1_000_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
