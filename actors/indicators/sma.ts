/**
 * Simple moving average over a ring buffer.
 */
import { checkPeriod } from './indicator-internals.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/**
 * Simple moving average: `SMA_t = (x_t + x_{t-1} + … + x_{t-N+1}) / N`, the arithmetic mean of the
 * last `N` inputs. Warm-up: the first value is returned after `N` inputs.
 *
 * The running sum is updated by add/remove in O(1) and recomputed exactly from the window every
 * `N` inputs (amortised O(1)), so rounding error never accumulates over a long run.
 */
export class SMA implements StreamingIndicator<number, number> {
  /** Window length `N`. */
  readonly period: number;
  /** Inputs before the first value: `N`. */
  readonly warmUp: number;
  private readonly window: Float64Array;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  private head = 0;
  private count = 0;
  private sum = 0;

  constructor(period: number) {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.period = checkPeriod('SMA', 'period', period);
    this.warmUp = period;
    this.window = new Float64Array(period);
  }

  /** The current mean, or `undefined` while fewer than `N` inputs were seen. */
  get value(): number | undefined {
    return this.count === this.period ? this.sum / this.period : undefined;
  }

  /** Appends `x`; returns the mean of the last `N` inputs, or `undefined` while warming up. */
  update(x: number): number | undefined {
    const n = this.period;
    const w = this.window;
    if (this.count < n) {
      this.count++;
      this.sum += x;
    } else {
      this.sum += x - w[this.head]!;
    }
    w[this.head] = x;
    if (++this.head === n) {
      this.head = 0;
      if (this.count === n) this.resum();
    }
    return this.count === n ? this.sum / n : undefined;
  }

  /** Revises the last input to `x`; returns the mean as if `x` had been given to `update`. */
  replace(x: number): number | undefined {
    if (this.count === 0) return this.update(x);
    const last = this.head === 0 ? this.period - 1 : this.head - 1;
    this.sum += x - this.window[last]!;
    this.window[last] = x;
    return this.count === this.period ? this.sum / this.period : undefined;
  }

  /** Forgets every input. */
  reset(): void {
    this.window.fill(0);
    this.head = 0;
    this.count = 0;
    this.sum = 0;
  }

  // Exact recomputation once per window: add/remove leaves one rounding error per input in the
  // sum, which would otherwise random-walk over millions of inputs.
  private resum(): void {
    const w = this.window;
    let s = 0;
    for (let i = 0; i < w.length; i++) s += w[i]!;
    this.sum = s;
  }
}
