/**
 * On-Balance Volume.
 */
import type { CloseVolume, StreamingIndicator } from './streaming-indicator.js';

/**
 * Granville's On-Balance Volume: `OBV_t = OBV_{t-1} + sign(C_t − C_{t-1}) · V_t` (volume added on
 * an up close, subtracted on a down close, ignored on an unchanged close), starting from 0 before
 * the second bar, so `OBV_2 = sign(C_2 − C_1) · V_2`. Warm-up: the first value is returned after
 * 2 bars (the first bar only supplies a reference close), as technicalindicators and
 * trading-signals' `OBV(2)` do. The level is arbitrary; only its changes carry meaning.
 */
export class OBV implements StreamingIndicator<CloseVolume, number> {
  /** Bars before the first value: 2. */
  readonly warmUp: number;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  // Bars seen, saturating at 2.
  private count = 0;
  private prevClose = 0;
  private lastClose = 0;
  private obv = 0;
  // `obv` before the last bar, so `replace` can redo the last step.
  private obvBefore = 0;

  constructor() {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.warmUp = 2;
  }

  /** The current OBV, or `undefined` before the second bar. */
  get value(): number | undefined {
    return this.count === 2 ? this.obv : undefined;
  }

  /** Appends `bar`; returns the current OBV, or `undefined` for the first bar. */
  update(bar: CloseVolume): number | undefined {
    if (this.count < 2) this.count++;
    this.prevClose = this.lastClose;
    this.lastClose = bar.close;
    if (this.count === 1) return undefined;
    this.obvBefore = this.obv;
    this.obv = this.obvBefore + this.signedVolume(bar);
    return this.obv;
  }

  /** Revises the last bar to `bar`; returns the OBV as if `bar` had been given to `update`. */
  replace(bar: CloseVolume): number | undefined {
    if (this.count === 0) return this.update(bar);
    this.lastClose = bar.close;
    if (this.count === 1) return undefined;
    this.obv = this.obvBefore + this.signedVolume(bar);
    return this.obv;
  }

  /** Forgets every bar. */
  reset(): void {
    this.count = 0;
    this.prevClose = 0;
    this.lastClose = 0;
    this.obv = 0;
    this.obvBefore = 0;
  }

  private signedVolume(bar: CloseVolume): number {
    if (bar.close > this.prevClose) return bar.volume;
    if (bar.close < this.prevClose) return -bar.volume;
    return 0;
  }
}
