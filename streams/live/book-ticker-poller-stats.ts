/**
 * What the book ticker poller counts: its requests and how each ended (by failure class, so the
 * numbers line up with a fallback chain's metrics), what it delivered or skipped, and its buffer.
 * Counters only go up (bar `buffered`); reading them costs nothing.
 */
import { MutableSourceStats, type SourceIssue, type SourceStats } from '../record-source.js';
import { FAILURE_CLASSES, type FailureClass } from './failure-class.js';

/** Everything a `BookTickerPoller` counts. `records` counts the quotes delivered to the buffer. */
export interface BookTickerPollerStats extends SourceStats {
  /** Requests sent, and how they ended. */
  readonly requests: number;
  readonly successes: number;
  readonly failures: number;
  readonly failuresByClass: Readonly<Record<FailureClass, number>>;
  /** Requests not sent because the `permit` hook refused them. */
  readonly denied: number;
  /** Answers skipped because the quote had not moved (update id not advanced, or the same four values on spot). */
  readonly unchanged: number;
  /** Times polling stopped because the buffer reached its high-water mark. */
  readonly pauses: number;
  /** Quotes in the buffer now, and the most ever. */
  readonly buffered: number;
  readonly peakBuffered: number;
}

/** The mutable counters behind `BookTickerPollerStats`; every field set in the constructor, in one order. */
export class MutablePollerStats extends MutableSourceStats implements BookTickerPollerStats {
  requests: number;
  successes: number;
  failures: number;
  readonly failuresByClass: Record<FailureClass, number>;
  denied: number;
  unchanged: number;
  pauses: number;
  buffered: number;
  peakBuffered: number;

  constructor(name: string, maxIssues: number, onIssue: ((issue: SourceIssue) => void) | null) {
    super(name, 'binance-rest-book-ticker', maxIssues, onIssue);
    this.requests = 0;
    this.successes = 0;
    this.failures = 0;
    this.failuresByClass = Object.fromEntries(FAILURE_CLASSES.map((c) => [c, 0])) as Record<FailureClass, number>;
    this.denied = 0;
    this.unchanged = 0;
    this.pauses = 0;
    this.buffered = 0;
    this.peakBuffered = 0;
  }

}
