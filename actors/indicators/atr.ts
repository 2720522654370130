/**
 * Average True Range with Wilder smoothing.
 */
import { checkPeriod } from './indicator-internals.js';
import type { HighLowClose, StreamingIndicator } from './streaming-indicator.js';

/**
 * Wilder's Average True Range. True range `TR_t = max(H_t − L_t, |H_t − C_{t-1}|, |L_t − C_{t-1}|)`,
 * and for the first bar, which has no previous close, `TR_1 = H_1 − L_1` (Wilder's worksheet,
 * StockCharts, TradingView, trading-signals). `ATR_N = mean(TR_1 … TR_N)`, then
 * `ATR_t = ((N − 1)·ATR_{t-1} + TR_t) / N`. Warm-up: the first value is returned after `N` bars.
 *
 * TA-Lib and technicalindicators instead skip the first bar's range (their first value comes after
 * `N + 1` bars); the two agree from there on up to a seed term that decays by `(N − 1)/N` per bar.
 */
export class ATR implements StreamingIndicator<HighLowClose, number> {
  /** Period `N`. */
  readonly period: number;
  /** Bars before the first value: `N`. */
  readonly warmUp: number;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  // Bars seen, saturating at N + 1 (enough to tell the seeding phases apart).
  private count = 0;
  private prevClose = 0;
  private lastClose = 0;
  // The average; while seeding, the sum of the true ranges so far.
  private atr = 0;
  // `atr` before the last bar, so `replace` can redo the last step.
  private atrBefore = 0;

  constructor(period = 14) {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.period = checkPeriod('ATR', 'period', period);
    this.warmUp = period;
  }

  /** The current ATR, or `undefined` while fewer than `N` bars were seen. */
  get value(): number | undefined {
    return this.count >= this.period ? this.atr : undefined;
  }

  /** Appends `bar`; returns the current ATR, or `undefined` while warming up. */
  update(bar: HighLowClose): number | undefined {
    if (this.count <= this.period) this.count++;
    this.prevClose = this.lastClose;
    this.lastClose = bar.close;
    this.atrBefore = this.atr;
    this.step(bar);
    return this.count >= this.period ? this.atr : undefined;
  }

  /** Revises the last bar to `bar`; returns the ATR as if `bar` had been given to `update`. */
  replace(bar: HighLowClose): number | undefined {
    if (this.count === 0) return this.update(bar);
    this.lastClose = bar.close;
    this.step(bar);
    return this.count >= this.period ? this.atr : undefined;
  }

  /** Forgets every bar. */
  reset(): void {
    this.count = 0;
    this.prevClose = 0;
    this.lastClose = 0;
    this.atr = 0;
    this.atrBefore = 0;
  }

  // Applies the last bar to the state as it was before that bar.
  private step(bar: HighLowClose): void {
    const n = this.period;
    let tr = bar.high - bar.low;
    if (this.count > 1) {
      const up = Math.abs(bar.high - this.prevClose);
      const down = Math.abs(bar.low - this.prevClose);
      if (up > tr) tr = up;
      if (down > tr) tr = down;
    }
    if (this.count < n) this.atr = this.atrBefore + tr;
    else if (this.count === n) this.atr = (this.atrBefore + tr) / n;
    else this.atr = ((n - 1) * this.atrBefore + tr) / n;
  }
}
