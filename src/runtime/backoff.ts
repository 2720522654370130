/**
 * Restart backoff as data: `{ minUs, maxUs, factor, jitter, resetAfterUs }`. The k-th consecutive
 * restart waits `min(maxUs, minUs * factor^k * (1 + jitter * r))` with `r` drawn from the
 * supervisor's seeded generator, so delays are at least `minUs * factor^k` until capped, never
 * above `maxUs`, and identical on every run. A child that stays up for `resetAfterUs` goes back to
 * `minUs`. `minUs: 0` restarts at once, with no timer.
 */
import type { Random } from './random.js';

/** Exponential backoff between restarts. Times in microseconds. */
export interface BackoffPolicy {
  readonly minUs: number;
  readonly maxUs: number;
  readonly factor: number;
  /** Extra random fraction of the delay, in [0, 1]. */
  readonly jitter: number;
  /** A child up this long since its last restart starts again from `minUs`. */
  readonly resetAfterUs: number;
}

/** Immediate restarts: the OTP default. */
export const noBackoff: BackoffPolicy = { minUs: 0, maxUs: 0, factor: 2, jitter: 0, resetAfterUs: 0 };

/** The delay before restart number `attempt` (0-based since the last reset). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: Random): number {
  if (policy.minUs <= 0) return 0;
  const base = policy.minUs * policy.factor ** attempt;
  const jittered = base * (1 + policy.jitter * random.next());
  return Math.floor(Math.min(policy.maxUs, jittered));
}
