/**
 * Per-interval returns of the equity curve, the input of Sharpe and Sortino: for consecutive
 * regular samples (on the sampling grid, `isRegular`) `r_k = E_k / E_(k−1) − 1`, each computed from
 * the exact difference `E_k − E_(k−1)` over `E_(k−1)`. The closing sample between two grid points
 * is left out, so every return spans one full interval.
 */
import { isRegular, type EquityCurve } from './equity-curve.js';
import { ratioOf } from './metric-number.js';

/** The per-interval returns, in time order; `null` when a base equity is zero or negative (no return is defined). */
export function periodReturns(curve: EquityCurve): number[] | null {
  const out: number[] = [];
  let previous: bigint | undefined;
  for (const sample of curve.samples) {
    if (!isRegular(curve, sample)) continue;
    if (previous !== undefined) {
      if (previous <= 0n) return null;
      out.push(ratioOf(sample.equity - previous, previous)!);
    }
    previous = sample.equity;
  }
  return out;
}

/** Arithmetic mean of `xs` (summed in order); `NaN` for none. */
export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}
