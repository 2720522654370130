/**
 * Linearly weighted moving average over a ring buffer.
 */
import { checkPeriod } from './indicator-internals.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/**
 * Weighted moving average: `WMA_t = Σ_{i=1..N} i · x_{t-N+i} / (N (N + 1) / 2)`; the newest input
 * weighs `N`, the oldest in the window `1`. Warm-up: the first value is returned after `N` inputs.
 *
 * O(1) per input: with `S` the plain sum and `W` the weighted sum of the window, sliding by one
 * input gives `W' = W − S + N·x_new` and `S' = S − x_old + x_new`. Both are recomputed exactly
 * from the window every `N` inputs (amortised O(1)) so rounding error does not accumulate.
 */
export class WMA implements StreamingIndicator<number, number> {
  /** Window length `N`. */
  readonly period: number;
  /** Inputs before the first value: `N`. */
  readonly warmUp: number;
  private readonly window: Float64Array;
  private readonly denominator: number;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  private head = 0;
  private count = 0;
  private sum = 0;
  private weighted = 0;

  constructor(period: number) {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.period = checkPeriod('WMA', 'period', period);
    this.warmUp = period;
    this.window = new Float64Array(period);
    this.denominator = (period * (period + 1)) / 2;
  }

  /** The current weighted mean, or `undefined` while fewer than `N` inputs were seen. */
  get value(): number | undefined {
    return this.count === this.period ? this.weighted / this.denominator : undefined;
  }

  /** Appends `x`; returns the weighted mean of the last `N` inputs, or `undefined` while warming up. */
  update(x: number): number | undefined {
    const n = this.period;
    const w = this.window;
    if (this.count < n) {
      this.count++;
      this.weighted += this.count * x;
      this.sum += x;
    } else {
      this.weighted += n * x - this.sum;
      this.sum += x - w[this.head]!;
    }
    w[this.head] = x;
    if (++this.head === n) {
      this.head = 0;
      if (this.count === n) this.resum();
    }
    return this.count === n ? this.weighted / this.denominator : undefined;
  }

  /** Revises the last input to `x`; returns the weighted mean as if `x` had been given to `update`. */
  replace(x: number): number | undefined {
    if (this.count === 0) return this.update(x);
    const last = this.head === 0 ? this.period - 1 : this.head - 1;
    const delta = x - this.window[last]!;
    // The last input always carries the highest weight so far: `count` (which is N once full).
    this.weighted += this.count * delta;
    this.sum += delta;
    this.window[last] = x;
    return this.count === this.period ? this.weighted / this.denominator : undefined;
  }

  /** Forgets every input. */
  reset(): void {
    this.window.fill(0);
    this.head = 0;
    this.count = 0;
    this.sum = 0;
    this.weighted = 0;
  }

  // Exact recomputation once per window (called when `head` has wrapped to the oldest input).
  private resum(): void {
    const w = this.window;
    let s = 0;
    let ws = 0;
    for (let i = 0; i < w.length; i++) {
      const x = w[(this.head + i) % w.length]!;
      s += x;
      ws += (i + 1) * x;
    }
    this.sum = s;
    this.weighted = ws;
  }
}
