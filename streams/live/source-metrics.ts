/**
 * Counters and windows for one market-data source, read as a plain snapshot object (numbers and
 * strings only) that a Prometheus exporter can map one field to one series.
 *
 * - Success rate overall (counters since creation) and over the last `recentWindow` (default 100)
 *   completed requests, from a ring of one byte per request.
 * - Latency p50/p99 over the last `latencyWindow` (default 1024) successful requests, from a ring of
 *   float64, sorted on read. A bounded recent window rather than hdr-histogram-js: a cumulative
 *   histogram remembers a day of fast answers and hides the last minute of slow ones, which is
 *   the moment a fallback decision is about; the window tracks current health, its percentiles are
 *   exact (nearest rank), its memory is fixed (8 KB), and at the few requests per second a source
 *   sees, sorting 1024 numbers when metrics are read costs nothing. Failures are not timed: a
 *   failure's duration is mostly the timeout that ended it, which would swamp the percentiles; they
 *   are counted by class instead.
 *
 * Memory is fixed at creation; recording never allocates. Counters are JavaScript numbers, exact
 * up to 2^53 events.
 */
import type { BreakerState, BreakerTransition } from './circuit-breaker.js';
import { FAILURE_CLASSES, type FailureClass } from './failure-class.js';
import { DENY_REASONS, type DenyReason } from './permit.js';

/** Sizes of the windows. */
export interface SourceMetricsOptions {
  /** Completed requests in the recent success rate. Default 100. */
  readonly recentWindow?: number;
  /** Successful requests in the latency percentiles. Default 1024. */
  readonly latencyWindow?: number;
}

/** One source's metrics at a moment: plain data. Rates are in [0, 1]; null when nothing to judge. */
export interface SourceMetricsSnapshot {
  readonly source: string;
  /** Completed requests (successes + failures). */
  readonly requests: number;
  readonly successes: number;
  readonly failures: number;
  readonly failuresByClass: Readonly<Record<FailureClass, number>>;
  readonly successRate: number | null;
  /** Success rate over the last `recentWindow` completed requests. */
  readonly recentSuccessRate: number | null;
  /** How many requests `recentSuccessRate` is over (up to `recentWindow`). */
  readonly recentRequests: number;
  /** Latency percentiles of recent successful requests, µs (nearest rank); null before the first. */
  readonly latencyP50Us: number | null;
  readonly latencyP99Us: number | null;
  readonly latencySamples: number;
  /** Requests refused before they were sent, by reason. */
  readonly denied: Readonly<Record<DenyReason, number>>;
  readonly breaker: BreakerState;
  readonly breakerOpenings: number;
  readonly breakerHalfOpenings: number;
  readonly breakerClosings: number;
}

/** Metrics of one source. */
export class SourceMetrics {
  readonly source: string;
  // Every field initialised in the constructor, in this order (one hidden class).
  private successes: number;
  private failures: number;
  private readonly failuresByClass: Record<FailureClass, number>;
  private readonly deniedByReason: Record<DenyReason, number>;
  private readonly recent: Uint8Array;
  private recentHead: number;
  private recentSize: number;
  private recentSuccesses: number;
  private readonly latencies: Float64Array;
  private latencyHead: number;
  private latencySize: number;
  private breaker: BreakerState;
  private breakerOpenings: number;
  private breakerHalfOpenings: number;
  private breakerClosings: number;

  /** Empty metrics for `source`. Window sizes below 1 are raised to 1 and fractions floored. */
  constructor(source: string, options: SourceMetricsOptions = {}) {
    this.source = source;
    this.successes = 0;
    this.failures = 0;
    this.failuresByClass = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, 0])) as Record<FailureClass, number>;
    this.deniedByReason = Object.fromEntries(DENY_REASONS.map((r) => [r, 0])) as Record<DenyReason, number>;
    this.recent = new Uint8Array(Math.max(1, Math.floor(options.recentWindow ?? 100)));
    this.recentHead = 0;
    this.recentSize = 0;
    this.recentSuccesses = 0;
    this.latencies = new Float64Array(Math.max(1, Math.floor(options.latencyWindow ?? 1024)));
    this.latencyHead = 0;
    this.latencySize = 0;
    this.breaker = 'closed';
    this.breakerOpenings = 0;
    this.breakerHalfOpenings = 0;
    this.breakerClosings = 0;
  }

  /** Records a successful request and its latency in µs (a negative or non-finite latency is recorded as 0). */
  recordSuccess(latencyUs: number): void {
    this.successes++;
    this.pushRecent(1);
    this.latencies[this.latencyHead] = Number.isFinite(latencyUs) && latencyUs > 0 ? latencyUs : 0;
    this.latencyHead = (this.latencyHead + 1) % this.latencies.length;
    if (this.latencySize < this.latencies.length) this.latencySize++;
  }

  /** Records a failed request of class `cls`. */
  recordFailure(cls: FailureClass): void {
    this.failures++;
    this.failuresByClass[cls]++;
    this.pushRecent(0);
  }

  /** Counts a request refused before it was sent. */
  recordDenied(reason: DenyReason): void {
    this.deniedByReason[reason]++;
  }

  /** Follows the source's breaker (wire it to the breaker's `onTransition`). */
  onBreakerTransition(transition: BreakerTransition): void {
    this.breaker = transition.to;
    if (transition.to === 'open') this.breakerOpenings++;
    else if (transition.to === 'half-open') this.breakerHalfOpenings++;
    else this.breakerClosings++;
  }

  /** The current values, as a fresh plain object (allocates; meant for the metrics reader, not the hot path). */
  snapshot(): SourceMetricsSnapshot {
    const requests = this.successes + this.failures;
    const sorted = this.latencies.slice(0, this.latencySize).sort();
    return {
      source: this.source,
      requests,
      successes: this.successes,
      failures: this.failures,
      failuresByClass: { ...this.failuresByClass },
      successRate: requests === 0 ? null : this.successes / requests,
      recentSuccessRate: this.recentSize === 0 ? null : this.recentSuccesses / this.recentSize,
      recentRequests: this.recentSize,
      latencyP50Us: nearestRank(sorted, 50),
      latencyP99Us: nearestRank(sorted, 99),
      latencySamples: this.latencySize,
      denied: { ...this.deniedByReason },
      breaker: this.breaker,
      breakerOpenings: this.breakerOpenings,
      breakerHalfOpenings: this.breakerHalfOpenings,
      breakerClosings: this.breakerClosings,
    };
  }

  private pushRecent(ok: 0 | 1): void {
    // The ring holds 1 for a success; the running sum drops what falls out of the window.
    if (this.recentSize === this.recent.length) this.recentSuccesses -= this.recent[this.recentHead]!;
    else this.recentSize++;
    this.recent[this.recentHead] = ok;
    this.recentSuccesses += ok;
    this.recentHead = (this.recentHead + 1) % this.recent.length;
  }
}

/** The nearest-rank percentile of ascending `sorted`: the value at rank ⌈p/100 × n⌉; null when empty. */
function nearestRank(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}
