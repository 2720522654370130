/**
 * Volume-weighted average price over the last N bars.
 */
import { checkPeriod } from './indicator-internals.js';
import type { HighLowCloseVolume, StreamingIndicator } from './streaming-indicator.js';

/** The share of its peak volume under which the window's sums are recomputed. */
const RESUM_SHARE = 1e-4;

/**
 * Rolling VWAP: `Σ TP_i · V_i / Σ V_i` over the last `N` bars, with the typical price
 * `TP = (H + L + C) / 3` (the same weighting as the session `VWAP`). Warm-up: the first value is
 * returned after `N` bars; it is `undefined` whenever the window's total volume is 0.
 *
 * The two sums are updated by add/remove in O(1) and recomputed exactly from the window every `N`
 * bars (amortised O(1)), and also as soon as the window's volume falls below `RESUM_SHARE` of the
 * most it has held since the last recomputation: each add/remove rounds at the magnitude of the
 * sums then, so removing a huge bar from a window of tiny ones would otherwise leave the tiny
 * remainder with the huge one's rounding error (relative error up to about 2N·ε·peak/remaining:
 * with a share of 1e-9, 4 ppb of the price on bars of 8,948 and 0.003 volume, found by the
 * streaming property). Whether the window has any volume
 * is decided by counting its non-zero volumes, never by testing a float sum that add/remove may
 * leave a few ulps off zero.
 */
export class RollingVWAP implements StreamingIndicator<HighLowCloseVolume, number> {
  /** Window length `N`. */
  readonly period: number;
  /** Bars before the first value: `N`. */
  readonly warmUp: number;
  private readonly priceVolumes: Float64Array;
  private readonly volumes: Float64Array;
  // State: numeric fields get a numeric initialiser so V8 keeps them double fields (see
  // StreamingIndicator on why a constructor assignment alone boxes every update).
  private head = 0;
  private count = 0;
  private nonZero = 0;
  private sumPriceVolume = 0;
  private sumVolume = 0;
  private volumePeak = 0;

  constructor(period: number) {
    // Configuration, set in one order; the state fields above are initialised just before, in
    // declaration order, so every instance has the same hidden class.
    this.period = checkPeriod('RollingVWAP', 'period', period);
    this.warmUp = period;
    this.priceVolumes = new Float64Array(period);
    this.volumes = new Float64Array(period);
  }

  /** The VWAP of the last `N` bars, or `undefined` while warming up or when their volume is 0. */
  get value(): number | undefined {
    return this.count === this.period && this.nonZero > 0 && this.sumVolume > 0 ? this.sumPriceVolume / this.sumVolume : undefined;
  }

  /** Appends `bar`; returns the VWAP of the last `N` bars, or `undefined` (see `value`). */
  update(bar: HighLowCloseVolume): number | undefined {
    const n = this.period;
    const i = this.head;
    const v = bar.volume;
    const pv = ((bar.high + bar.low + bar.close) / 3) * v;
    if (this.count < n) {
      this.count++;
      this.sumPriceVolume += pv;
      this.sumVolume += v;
    } else {
      this.sumPriceVolume += pv - this.priceVolumes[i]!;
      this.sumVolume += v - this.volumes[i]!;
      if (this.volumes[i] !== 0) this.nonZero--;
    }
    if (v !== 0) this.nonZero++;
    this.priceVolumes[i] = pv;
    this.volumes[i] = v;
    if (++this.head === n) {
      this.head = 0;
      if (this.count === n) this.resum();
    }
    this.keepSumsExact();
    return this.value;
  }

  /** Revises the last bar to `bar`; returns the VWAP as if `bar` had been given to `update`. */
  replace(bar: HighLowCloseVolume): number | undefined {
    if (this.count === 0) return this.update(bar);
    const i = this.head === 0 ? this.period - 1 : this.head - 1;
    const v = bar.volume;
    const pv = ((bar.high + bar.low + bar.close) / 3) * v;
    this.sumPriceVolume += pv - this.priceVolumes[i]!;
    this.sumVolume += v - this.volumes[i]!;
    if (this.volumes[i] !== 0) this.nonZero--;
    if (v !== 0) this.nonZero++;
    this.priceVolumes[i] = pv;
    this.volumes[i] = v;
    this.keepSumsExact();
    return this.value;
  }

  /** Forgets every bar. */
  reset(): void {
    this.priceVolumes.fill(0);
    this.volumes.fill(0);
    this.head = 0;
    this.count = 0;
    this.nonZero = 0;
    this.sumPriceVolume = 0;
    this.sumVolume = 0;
    this.volumePeak = 0;
  }

  // Recomputes the sums when the window's volume has fallen far below its peak since the last
  // recomputation (see the class comment), and keeps that peak.
  private keepSumsExact(): void {
    if (this.sumVolume > this.volumePeak) this.volumePeak = this.sumVolume;
    else if (this.sumVolume < this.volumePeak * RESUM_SHARE) this.resum();
  }

  // Exact recomputation: add/remove leaves one rounding error per bar in each sum.
  private resum(): void {
    let pv = 0;
    let v = 0;
    for (let j = 0; j < this.period; j++) {
      pv += this.priceVolumes[j]!;
      v += this.volumes[j]!;
    }
    this.sumPriceVolume = pv;
    this.sumVolume = v;
    this.volumePeak = v;
  }
}
