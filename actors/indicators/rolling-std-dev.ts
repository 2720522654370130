/**
 * Rolling population standard deviation.
 */
import { RollingMoments } from './rolling-moments.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/**
 * Rolling standard deviation: `σ_t = sqrt(Σ_{i<N} (x_{t-i} − mean_t)² / N)`, the population
 * standard deviation (divisor `N`, not `N − 1`) of the last `N` inputs, as Bollinger used and as
 * TA-Lib's `STDDEV`, trading-signals and technicalindicators compute it. Warm-up: the first value
 * is returned after `N` inputs. Accurate at any price level over any run length (see
 * `RollingMoments`); exactly 0 for a window of identical inputs.
 */
export class RollingStdDev implements StreamingIndicator<number, number> {
  /** Window length `N`. */
  readonly period: number;
  /** Inputs before the first value: `N`. */
  readonly warmUp: number;
  private readonly moments: RollingMoments;

  constructor(period: number) {
    // Fields set in one order so instances share a hidden class.
    this.moments = new RollingMoments(period, 'RollingStdDev');
    this.period = period;
    this.warmUp = period;
  }

  /** The current standard deviation, or `undefined` while fewer than `N` inputs were seen. */
  get value(): number | undefined {
    return this.moments.full ? Math.sqrt(this.moments.variance()) : undefined;
  }

  /** Appends `x`; returns the standard deviation of the last `N` inputs, or `undefined` while warming up. */
  update(x: number): number | undefined {
    this.moments.push(x);
    return this.moments.full ? Math.sqrt(this.moments.variance()) : undefined;
  }

  /** Revises the last input to `x`; returns the value as if `x` had been given to `update`. */
  replace(x: number): number | undefined {
    this.moments.replaceLast(x);
    return this.moments.full ? Math.sqrt(this.moments.variance()) : undefined;
  }

  /** Forgets every input. */
  reset(): void {
    this.moments.reset();
  }
}
