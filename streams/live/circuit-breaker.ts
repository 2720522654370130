/**
 * A circuit breaker for one market-data source: `closed` (requests flow; outcomes feed the trip
 * rule), `open` (no requests until the recovery time has passed), `half-open` (a bounded number of
 * trial requests; enough successes close it, one failure opens it again with a longer wait).
 *
 * It is pure logic on engine time: every method takes `now` (integer µs from the actor clock) and
 * the open → half-open step happens lazily when a call sees that the recovery time has passed, so
 * it needs no timer and runs identically under the simulated clock. An actor that wants to act at
 * that instant arms a timer for `openUntil`. Randomness (recovery jitter) comes only from the
 * seeded `Random` it is given.
 *
 * A server's `Retry-After` (429, 418, 503) opens the breaker at once from any state, and keeps it
 * open until at least `now + min(retryAfter, policy.maxRetryAfterUs)`; a late failure carrying a
 * longer `Retry-After` while already open extends the wait. Outcomes reported while open (requests
 * sent before it opened) change nothing else.
 */
import { backoffDelay } from '../../src/runtime/backoff.js';
import type { Random } from '../../src/runtime/random.js';
import type { BreakerPolicy } from './breaker-policy.js';
import { validateBreakerPolicy } from './breaker-policy.js';
import type { ClassifiedFailure, FailureClass } from './failure-class.js';
import { TripTracker } from './trip-rule.js';

/** The breaker's states. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Why a transition happened. */
export type BreakerTransitionReason =
  /** closed → open: the trip rule tripped. */
  | 'threshold'
  /** closed → open: a failure of a class in `openAtOnce`. */
  | 'at-once'
  /** any → open: the failure carried `Retry-After`. */
  | 'retry-after'
  /** half-open → open: a trial failed. */
  | 'trial-failed'
  /** open → half-open: the recovery time passed. */
  | 'recovery-elapsed'
  /** half-open → closed: `closeAfterSuccesses` trials succeeded. */
  | 'trials-succeeded';

/** A state change, as delivered to `onTransition`. */
export interface BreakerTransition {
  readonly from: BreakerState;
  readonly to: BreakerState;
  /** The engine time at which it took effect (for open → half-open: the end of the wait, even if noticed later). */
  readonly at: number;
  readonly reason: BreakerTransitionReason;
  /** The failure class that caused an opening; null otherwise. */
  readonly failure: FailureClass | null;
  /** For an opening, the engine time until which it stays open; null otherwise. */
  readonly openUntil: number | null;
}

/** Options of a `CircuitBreaker`. */
export interface CircuitBreakerOptions {
  /** Seeded source of the recovery jitter (fork one per breaker). */
  readonly random: Random;
  /** Engine time at creation (the breaker starts closed). Default 0. */
  readonly startUs?: number;
  /** Called synchronously on every state change. A throwing listener propagates to the caller of the method that changed state, after the change. */
  readonly onTransition?: (transition: BreakerTransition) => void;
}

/** A circuit breaker on engine time. */
export class CircuitBreaker {
  readonly policy: BreakerPolicy;
  /** Transitions into each state since creation. */
  openings: number;
  halfOpenings: number;
  closings: number;
  /** The latest transition, or null before the first. */
  lastTransition: BreakerTransition | null;
  // Fields initialised in one order in the constructor (one hidden class for every breaker).
  private readonly random: Random;
  private readonly tracker: TripTracker;
  private readonly listener: ((transition: BreakerTransition) => void) | undefined;
  private st: BreakerState;
  private openUntilUs: number;
  private openingsInRow: number;
  private closedSinceUs: number;
  private trialsInFlight: number;
  private trialSuccesses: number;

  /** A closed breaker. Throws `TickflowError('CONFIG_INVALID')` on an invalid policy. */
  constructor(policy: BreakerPolicy, options: CircuitBreakerOptions) {
    validateBreakerPolicy(policy);
    this.policy = policy;
    this.openings = 0;
    this.halfOpenings = 0;
    this.closings = 0;
    this.lastTransition = null;
    this.random = options.random;
    this.tracker = new TripTracker(policy.trip);
    this.listener = options.onTransition;
    this.st = 'closed';
    this.openUntilUs = 0;
    this.openingsInRow = 0;
    this.closedSinceUs = options.startUs ?? 0;
    this.trialsInFlight = 0;
    this.trialSuccesses = 0;
  }

  /** The state at `now` (moving open → half-open if the recovery time has passed). */
  state(now: number): BreakerState {
    this.advance(now);
    return this.st;
  }

  /** While open, the engine time at which it becomes half-open; otherwise `Infinity`. */
  get openUntil(): number {
    return this.st === 'open' ? this.openUntilUs : Number.POSITIVE_INFINITY;
  }

  /** Whether a request would be allowed at `now`, without taking a trial slot. */
  canRequest(now: number): boolean {
    this.advance(now);
    if (this.st === 'closed') return true;
    return this.st === 'half-open' && this.trialsInFlight < this.policy.halfOpenTrials;
  }

  /**
   * Asks to send a request at `now`: true when closed, or when half-open with a trial slot free
   * (the slot is taken until `onSuccess` or `onFailure` reports that trial, so a trial must always
   * be reported, a lost one as a timeout). False while open or with every trial slot in flight.
   */
  tryAcquire(now: number): boolean {
    if (!this.canRequest(now)) return false;
    if (this.st === 'half-open') this.trialsInFlight++;
    return true;
  }

  /** Reports a successful request. Closed: recorded for the trip rule. Half-open: a trial succeeded, and enough of them close the breaker. */
  onSuccess(now: number): void {
    this.advance(now);
    if (this.st === 'closed') {
      this.tracker.record(false);
    } else if (this.st === 'half-open') {
      if (this.trialsInFlight > 0) this.trialsInFlight--;
      this.trialSuccesses++;
      if (this.trialSuccesses >= this.policy.closeAfterSuccesses) this.close(now);
    }
  }

  /**
   * Reports a failed request. Closed: opens on `Retry-After`, on a class in `openAtOnce`, or when the
   * trip rule trips (judged here only: a success can fill a ratio window, but never opens). Half-open: opens again, waiting longer. Open: only a longer `Retry-After`
   * has an effect (it extends the wait).
   */
  onFailure(now: number, failure: ClassifiedFailure): void {
    this.advance(now);
    const hasRetryAfter = failure.retryAfterUs !== undefined;
    if (this.st === 'closed') {
      const tripped = this.tracker.record(true);
      if (hasRetryAfter) this.open(now, 'retry-after', failure);
      else if (this.policy.openAtOnce.includes(failure.class)) this.open(now, 'at-once', failure);
      else if (tripped) this.open(now, 'threshold', failure);
    } else if (this.st === 'half-open') {
      if (this.trialsInFlight > 0) this.trialsInFlight--;
      this.open(now, hasRetryAfter ? 'retry-after' : 'trial-failed', failure);
    } else if (hasRetryAfter) {
      this.openUntilUs = Math.max(this.openUntilUs, now + this.retryAfterOf(failure));
    }
  }

  private retryAfterOf(failure: ClassifiedFailure): number {
    return failure.retryAfterUs === undefined ? 0 : Math.min(failure.retryAfterUs, this.policy.maxRetryAfterUs);
  }

  private advance(now: number): void {
    if (this.st !== 'open' || now < this.openUntilUs) return;
    this.trialsInFlight = 0;
    this.trialSuccesses = 0;
    this.transition('half-open', this.openUntilUs, 'recovery-elapsed', null, null);
  }

  private open(now: number, reason: BreakerTransitionReason, failure: ClassifiedFailure): void {
    // A breaker that stayed closed long enough forgets its earlier openings; a flapping one does not.
    if (this.st === 'closed' && now - this.closedSinceUs >= this.policy.recovery.resetAfterUs) this.openingsInRow = 0;
    const wait = Math.max(backoffDelay(this.policy.recovery, this.openingsInRow, this.random), this.retryAfterOf(failure));
    this.openingsInRow++;
    this.openUntilUs = now + wait;
    this.transition('open', now, reason, failure.class, this.openUntilUs);
  }

  private close(now: number): void {
    this.closedSinceUs = now;
    this.tracker.reset();
    this.transition('closed', now, 'trials-succeeded', null, null);
  }

  private transition(to: BreakerState, at: number, reason: BreakerTransitionReason, failure: FailureClass | null, openUntil: number | null): void {
    const from = this.st;
    this.st = to;
    if (to === 'open') this.openings++;
    else if (to === 'half-open') this.halfOpenings++;
    else this.closings++;
    const event: BreakerTransition = { from, to, at, reason, failure, openUntil };
    this.lastTransition = event;
    this.listener?.(event);
  }
}
