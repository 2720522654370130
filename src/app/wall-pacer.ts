/**
 * The wall clock for paced replays (`replay.speed` a number): the composition root owns OS time,
 * so the replay driver under `streams/` never reads it itself.
 */
import type { Pacer } from '../../streams/replay-driver.js';

/** Paces on the OS monotonic clock; sleeps with timers (millisecond resolution). */
export const wallPacer: Pacer = {
  now: () => performance.now() * 1000,
  sleep: (us) => new Promise((resolve) => setTimeout(resolve, us / 1000)),
};
