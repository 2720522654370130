/**
 * Rolling z-score of the latest input within its window.
 */
import { RollingMoments } from './rolling-moments.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/**
 * Z-score: `z_t = (x_t − mean_t) / σ_t`, where `mean_t` and `σ_t` are the mean and the population
 * standard deviation of the last `N` inputs, `x_t` included (as trading-signals' `getZScore`).
 * When the window's inputs are all equal (`σ_t = 0`, so `x_t = mean_t`) the value is 0: the input
 * sits at the mean, and an indicator that throws or returns NaN on a quiet market would stop a
 * strategy for no reason. Warm-up: the first value is returned after `N` inputs.
 */
export class ZScore implements StreamingIndicator<number, number> {
  /** Window length `N`. */
  readonly period: number;
  /** Inputs before the first value: `N`. */
  readonly warmUp: number;
  private readonly moments: RollingMoments;

  constructor(period: number) {
    // Fields set in one order so instances share a hidden class.
    this.moments = new RollingMoments(period, 'ZScore');
    this.period = period;
    this.warmUp = period;
  }

  /** The current z-score, or `undefined` while fewer than `N` inputs were seen. */
  get value(): number | undefined {
    return this.moments.full ? this.score() : undefined;
  }

  /** Appends `x`; returns its z-score within the last `N` inputs, or `undefined` while warming up. */
  update(x: number): number | undefined {
    this.moments.push(x);
    return this.moments.full ? this.score() : undefined;
  }

  /** Revises the last input to `x`; returns the value as if `x` had been given to `update`. */
  replace(x: number): number | undefined {
    this.moments.replaceLast(x);
    return this.moments.full ? this.score() : undefined;
  }

  /** Forgets every input. */
  reset(): void {
    this.moments.reset();
  }

  private score(): number {
    const m = this.moments;
    const variance = m.variance();
    return variance === 0 ? 0 : (m.latest - m.mean()) / Math.sqrt(variance);
  }
}
