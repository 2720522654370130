/**
 * Bollinger Bands.
 */
import { checkFinite } from './indicator-internals.js';
import { RollingMoments } from './rolling-moments.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/** One Bollinger Bands value. */
export interface BollingerBandsValue {
  readonly middle: number;
  readonly upper: number;
  readonly lower: number;
}

/**
 * Bollinger Bands over the last `N` inputs: `middle = SMA_N`, `upper = middle + k·σ`,
 * `lower = middle − k·σ`, where `σ` is the population standard deviation of the same `N` inputs
 * (divisor `N`, as John Bollinger, TA-Lib, trading-signals and technicalindicators define it).
 * Defaults `N = 20`, `k = 2`. Warm-up: the first value is returned after `N` inputs.
 *
 * Each result is a new object: results are published in messages, and an object reused across
 * updates would change under a consumer that kept it.
 */
export class BollingerBands implements StreamingIndicator<number, BollingerBandsValue> {
  /** Window length `N`. */
  readonly period: number;
  /** Band width in standard deviations `k`. */
  readonly k: number;
  /** Inputs before the first value: `N`. */
  readonly warmUp: number;
  private readonly moments: RollingMoments;
  private current: BollingerBandsValue | undefined;

  constructor(period = 20, k = 2) {
    // Fields set in one order so instances share a hidden class.
    this.moments = new RollingMoments(period, 'BollingerBands');
    this.period = period;
    this.k = checkFinite('BollingerBands', 'k', k);
    this.warmUp = period;
    this.current = undefined;
  }

  /** The last result, or `undefined` while fewer than `N` inputs were seen. */
  get value(): BollingerBandsValue | undefined {
    return this.current;
  }

  /** Appends `x`; returns the bands over the last `N` inputs, or `undefined` while warming up. */
  update(x: number): BollingerBandsValue | undefined {
    this.moments.push(x);
    return (this.current = this.moments.full ? this.bands() : undefined);
  }

  /** Revises the last input to `x`; returns the bands as if `x` had been given to `update`. */
  replace(x: number): BollingerBandsValue | undefined {
    this.moments.replaceLast(x);
    return (this.current = this.moments.full ? this.bands() : undefined);
  }

  /** Forgets every input. */
  reset(): void {
    this.moments.reset();
    this.current = undefined;
  }

  private bands(): BollingerBandsValue {
    const middle = this.moments.mean();
    const width = this.k * Math.sqrt(this.moments.variance());
    return { middle, upper: middle + width, lower: middle - width };
  }
}
