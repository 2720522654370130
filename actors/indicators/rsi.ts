/**
 * Relative Strength Index with Wilder smoothing.
 */
import { checkPeriod } from './indicator-internals.js';
import type { StreamingIndicator } from './streaming-indicator.js';

/**
 * Wilder's RSI on a 0–100 scale. With `Δ_t = x_t − x_{t-1}`, gains `g_t = max(Δ_t, 0)` and losses
 * `l_t = max(−Δ_t, 0)`: the first averages are the plain means of the first `N` gains and losses
 * (inputs 2 … N + 1), then `avg_t = ((N − 1)·avg_{t-1} + g_t) / N` (Wilder smoothing, an EMA with
 * `α = 1/N`), and `RSI = 100 · avgGain / (avgGain + avgLoss)`, which is `100 − 100 / (1 + RS)`
 * with `RS = avgGain / avgLoss`. Warm-up: the first value is returned after `N + 1` inputs.
 *
 * Edge cases: no losses (`avgLoss = 0`, `avgGain > 0`) gives 100 and no gains gives 0, as every
 * reference does; a window with neither gains nor losses (a flat price) gives 50, the neutral
 * value. trading-signals, technicalindicators and LEAN return 100 there and TA-Lib 0; either would
 * read a quiet market as overbought or oversold.
 */
export class RSI implements StreamingIndicator<number, number> {
  /** Period `N`. */
  readonly period: number;
  /** Inputs before the first value: `N + 1`. */
  readonly warmUp: number;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  // Inputs seen, saturating at N + 2 (enough to tell the seeding phases apart).
  private count = 0;
  private prevInput = 0;
  private lastInput = 0;
  // Average gain and loss; while seeding, the sums of the gains and losses so far.
  private gain = 0;
  private loss = 0;
  // `gain` and `loss` before the last input, so `replace` can redo the last step.
  private gainBefore = 0;
  private lossBefore = 0;

  constructor(period = 14) {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.period = checkPeriod('RSI', 'period', period);
    this.warmUp = period + 1;
  }

  /** The current RSI, or `undefined` while fewer than `N + 1` inputs were seen. */
  get value(): number | undefined {
    return this.count > this.period ? this.rsi() : undefined;
  }

  /** Appends `x`; returns the current RSI, or `undefined` while warming up. */
  update(x: number): number | undefined {
    if (this.count <= this.period + 1) this.count++;
    this.prevInput = this.lastInput;
    this.lastInput = x;
    if (this.count === 1) return undefined;
    this.gainBefore = this.gain;
    this.lossBefore = this.loss;
    this.step(x - this.prevInput);
    return this.count > this.period ? this.rsi() : undefined;
  }

  /** Revises the last input to `x`; returns the RSI as if `x` had been given to `update`. */
  replace(x: number): number | undefined {
    if (this.count === 0) return this.update(x);
    this.lastInput = x;
    if (this.count === 1) return undefined;
    this.step(x - this.prevInput);
    return this.count > this.period ? this.rsi() : undefined;
  }

  /** Forgets every input. */
  reset(): void {
    this.count = 0;
    this.prevInput = 0;
    this.lastInput = 0;
    this.gain = 0;
    this.loss = 0;
    this.gainBefore = 0;
    this.lossBefore = 0;
  }

  // Applies the change of the last input to the state as it was before that input.
  private step(change: number): void {
    const n = this.period;
    const g = change > 0 ? change : 0;
    const l = change < 0 ? -change : 0;
    const changes = this.count - 1;
    if (changes < n) {
      this.gain = this.gainBefore + g;
      this.loss = this.lossBefore + l;
    } else if (changes === n) {
      this.gain = (this.gainBefore + g) / n;
      this.loss = (this.lossBefore + l) / n;
    } else {
      this.gain = ((n - 1) * this.gainBefore + g) / n;
      this.loss = ((n - 1) * this.lossBefore + l) / n;
    }
  }

  private rsi(): number {
    const total = this.gain + this.loss;
    return total === 0 ? 50 : (100 * this.gain) / total;
  }
}
