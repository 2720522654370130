/**
 * A circuit breaker's policy, as data: when it opens (a `TripRule`, or at once for some failure
 * classes, or for as long as a server's `Retry-After` says), how long it stays open (a
 * `BackoffPolicy` from the runtime, so the k-th opening in a row can wait longer, with seeded
 * jitter), and how it closes again (trial requests while half-open). `breakerPolicy({...})`
 * fills the defaults and validates, so a policy in hand is always a valid one.
 */
import type { BackoffPolicy } from '../../src/runtime/backoff.js';
import { TickflowError } from '../../src/runtime/errors.js';
import { FAILURE_CLASSES, type FailureClass } from './failure-class.js';
import { consecutiveFailures, validateTripRule, type TripRule } from './trip-rule.js';

/** What a `CircuitBreaker` does. Times in integer µs of engine time. */
export interface BreakerPolicy {
  /** When a closed breaker opens on ordinary failures. */
  readonly trip: TripRule;
  /**
   * How long it stays open before a trial: the k-th opening in a row (a half-open trial that fails
   * counts as another) waits `backoffDelay(recovery, k)`. The count starts again from 0 when the
   * breaker opens after staying closed at least `recovery.resetAfterUs` (0: every opening from
   * closed starts again). `minUs` ≥ 1.
   */
  readonly recovery: BackoffPolicy;
  /** Trial requests allowed in flight while half-open (≥ 1). */
  readonly halfOpenTrials: number;
  /** Successful trials that close a half-open breaker (≥ 1). */
  readonly closeAfterSuccesses: number;
  /** Failure classes that open a closed breaker at once, without waiting for the trip rule. */
  readonly openAtOnce: readonly FailureClass[];
  /**
   * Longest `Retry-After` honoured. A failure carrying `Retry-After` opens the breaker at once, open
   * until at least `now + min(retryAfter, maxRetryAfterUs)`: a bogus header cannot park a source
   * for ever, and a real ban that outlasts the cap is answered by another 418 and a new wait.
   */
  readonly maxRetryAfterUs: number;
}

/** A recovery timeout that never grows. */
export function fixedRecovery(us: number): BackoffPolicy {
  return { minUs: us, maxUs: us, factor: 1, jitter: 0, resetAfterUs: 0 };
}

/** A recovery timeout from `minUs` growing by `factor` per opening in a row, capped at `maxUs`. */
export function exponentialRecovery(minUs: number, maxUs: number, options: { factor?: number; jitter?: number; resetAfterUs?: number } = {}): BackoffPolicy {
  return { minUs, maxUs, factor: options.factor ?? 2, jitter: options.jitter ?? 0, resetAfterUs: options.resetAfterUs ?? 0 };
}

/** Three days, Binance's longest IP ban. */
const THREE_DAYS_US = 3 * 86_400_000_000;

/**
 * The defaults: open after 5 failures in a row, or at once on `permanent` and `banned`; stay open
 * 5 s, doubling per opening in a row up to 5 min with 20% jitter; one trial at a time, one success
 * closes; `Retry-After` honoured up to 3 days.
 */
export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  trip: consecutiveFailures(5),
  recovery: exponentialRecovery(5_000_000, 300_000_000, { jitter: 0.2 }),
  halfOpenTrials: 1,
  closeAfterSuccesses: 1,
  openAtOnce: ['permanent', 'banned'],
  maxRetryAfterUs: THREE_DAYS_US,
};

/**
 * The default policy with `overrides` applied, validated. Throws `TickflowError('CONFIG_INVALID')`
 * naming the bad key (see `validateBreakerPolicy`).
 */
export function breakerPolicy(overrides: Partial<BreakerPolicy> = {}): BreakerPolicy {
  const policy: BreakerPolicy = { ...DEFAULT_BREAKER_POLICY, ...overrides };
  validateBreakerPolicy(policy);
  return policy;
}

/**
 * Throws `TickflowError('CONFIG_INVALID')` with `context.path` unless the trip rule is valid,
 * recovery times are whole µs with `1 ≤ minUs ≤ maxUs`, `factor ≥ 1`, `0 ≤ jitter ≤ 1`, the trial
 * counts are whole numbers ≥ 1, `openAtOnce` names known classes and `maxRetryAfterUs` is whole µs ≥ 0.
 */
export function validateBreakerPolicy(policy: BreakerPolicy): void {
  validateTripRule(policy.trip);
  const bad = (path: string, message: string, value: unknown): never => {
    throw new TickflowError('CONFIG_INVALID', `${path}: ${message}, got ${JSON.stringify(value)}`, { path, value });
  };
  const { recovery } = policy;
  if (!Number.isSafeInteger(recovery.minUs) || recovery.minUs < 1) bad('recovery.minUs', 'must be whole µs ≥ 1', recovery.minUs);
  if (!Number.isSafeInteger(recovery.maxUs) || recovery.maxUs < recovery.minUs) bad('recovery.maxUs', 'must be whole µs ≥ minUs', recovery.maxUs);
  if (!(recovery.factor >= 1)) bad('recovery.factor', 'must be ≥ 1', recovery.factor);
  if (!(recovery.jitter >= 0 && recovery.jitter <= 1)) bad('recovery.jitter', 'must be in [0, 1]', recovery.jitter);
  if (!Number.isSafeInteger(recovery.resetAfterUs) || recovery.resetAfterUs < 0) bad('recovery.resetAfterUs', 'must be whole µs ≥ 0', recovery.resetAfterUs);
  if (!Number.isSafeInteger(policy.halfOpenTrials) || policy.halfOpenTrials < 1) bad('halfOpenTrials', 'must be a whole number ≥ 1', policy.halfOpenTrials);
  if (!Number.isSafeInteger(policy.closeAfterSuccesses) || policy.closeAfterSuccesses < 1) bad('closeAfterSuccesses', 'must be a whole number ≥ 1', policy.closeAfterSuccesses);
  for (const cls of policy.openAtOnce) if (!FAILURE_CLASSES.includes(cls)) bad('openAtOnce', `must list failure classes (${FAILURE_CLASSES.join(', ')})`, cls);
  if (!Number.isSafeInteger(policy.maxRetryAfterUs) || policy.maxRetryAfterUs < 0) bad('maxRetryAfterUs', 'must be whole µs ≥ 0', policy.maxRetryAfterUs);
}
