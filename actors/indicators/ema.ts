/**
 * Exponential moving average with a choice of seeding.
 */
import { checkPeriod } from './indicator-internals.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/**
 * How an EMA starts. `'sma'`: the first value is the mean of the first `N` inputs (TA-Lib, LEAN,
 * technicalindicators). `'first'`: the recursion starts from the first input itself (NautilusTrader,
 * trading-signals). Either way the first value is returned after `N` inputs; the two differ by a
 * term that decays by `(1 - α)` per input.
 */
export type EmaSeed = 'sma' | 'first';

/** Options of `EMA` (and of `MACD`, for its inner averages). */
export interface EmaOptions {
  /** Seeding; `'sma'` when absent. */
  readonly seed?: EmaSeed;
}

/**
 * Exponential moving average with `α = 2 / (N + 1)`: `EMA_t = EMA_{t-1} + α (x_t − EMA_{t-1})`.
 * With `seed: 'sma'` (default) `EMA_N = mean(x_1 … x_N)` and the recursion runs from input `N + 1`;
 * with `seed: 'first'` `EMA_1 = x_1` and the recursion runs from input 2. Warm-up: the first value
 * is returned after `N` inputs with either seed.
 */
export class EMA implements StreamingIndicator<number, number> {
  /** Period `N`. */
  readonly period: number;
  /** Inputs before the first value: `N`. */
  readonly warmUp: number;
  /** Smoothing factor `α = 2 / (N + 1)`. */
  readonly alpha: number;
  /** The seeding in use. */
  readonly seed: EmaSeed;
  private readonly seedFirst: boolean;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  // Inputs seen, saturating at N + 1 (all that the phase logic needs; stays a small integer).
  private count = 0;
  // The average; while an 'sma' seed is forming, the running sum of the inputs instead.
  private ema = 0;
  // `ema` as it was before the last input, so `replace` can redo the last step.
  private before = 0;

  constructor(period: number, options: EmaOptions = {}) {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.period = checkPeriod('EMA', 'period', period);
    this.warmUp = period;
    this.alpha = 2 / (period + 1);
    this.seed = options.seed ?? 'sma';
    this.seedFirst = this.seed === 'first';
  }

  /** The current average, or `undefined` while fewer than `N` inputs were seen. */
  get value(): number | undefined {
    return this.count >= this.period ? this.ema : undefined;
  }

  /** Appends `x`; returns the current average, or `undefined` while warming up. */
  update(x: number): number | undefined {
    const prev = this.ema;
    this.before = prev;
    // The steady state first and alone, so the hot path is one compare and one multiply-add.
    if (this.count > this.period) return (this.ema = prev + this.alpha * (x - prev));
    this.count++;
    this.ema = this.step(prev, x);
    return this.count >= this.period ? this.ema : undefined;
  }

  /** Revises the last input to `x`; returns the average as if `x` had been given to `update`. */
  replace(x: number): number | undefined {
    if (this.count === 0) return this.update(x);
    this.ema = this.step(this.before, x);
    return this.count >= this.period ? this.ema : undefined;
  }

  /** Forgets every input. */
  reset(): void {
    this.count = 0;
    this.ema = 0;
    this.before = 0;
  }

  private step(prev: number, x: number): number {
    const n = this.period;
    const c = this.count;
    if (this.seedFirst) return c === 1 ? x : prev + this.alpha * (x - prev);
    if (c < n) return prev + x;
    if (c === n) return (prev + x) / n;
    return prev + this.alpha * (x - prev);
  }
}
