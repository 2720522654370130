/**
 * The timer port of the live feed. Nothing in `streams/` calls `setTimeout` itself (DESIGN.md,
 * Clock): the feed's timeouts (connect, stale, rollover, reconnect backoff, REST retries) are armed
 * through this port, which the composition root (or a test) builds from the timers it owns.
 */

/** An opaque handle of an armed timer. */
export type TimerHandle = unknown;

/**
 * Arms and cancels one-shot timers, in wall-clock milliseconds. `setTimeout` calls `fn` once, on
 * its own turn of the event loop, never synchronously; `clearTimeout` of a handle that already fired
 * or was cleared does nothing.
 */
export interface FeedTimers {
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Node's own timer functions, as the caller passes them in (`{ setTimeout, clearTimeout }`). */
export interface NodeTimerFunctions {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: never): void;
}

// Node fires a delay above 2^31 - 1 ms at once; a feed timer that long means "not in this process's life".
const MAX_DELAY_MS = 2_147_483_647;

/**
 * The live port over Node's timers, given by the caller so this layer never reaches for globals.
 * Delays are clamped to [0, 2^31 - 1] ms (a negative or NaN delay fires on the next turn; an
 * overlong one would otherwise fire at once).
 */
export function liveFeedTimers(node: NodeTimerFunctions): FeedTimers {
  return {
    setTimeout: (fn, ms) => node.setTimeout(fn, ms > 0 ? Math.min(ms, MAX_DELAY_MS) : 0),
    clearTimeout: (handle) => node.clearTimeout(handle as never),
  };
}
