/**
 * Sortino ratio, annualised: `mean(r) / downsideDeviation × √periodsPerYear`, with the same
 * per-interval returns and year as Sharpe (`sharpe.ts`), a target return of 0 and
 * `downsideDeviation = √(Σ min(r, 0)² / n)` over all n returns (the periods without a loss count as
 * zero, not left out). `null` under a day of data, with fewer than two returns, or with no losing
 * period (no downside to divide by).
 */
import { canAnnualise, periodsPerYear } from './annualisation.js';
import { spanOf, type EquityCurve } from './equity-curve.js';
import { mean, periodReturns } from './period-returns.js';

/** The annualised Sortino ratio of the curve, or `null` (see the module comment). */
export function sortino(curve: EquityCurve): number | null {
  const returns = periodReturns(curve);
  if (returns === null || returns.length < 2 || !canAnnualise(spanOf(curve))) return null;
  let downside = 0;
  for (const r of returns) if (r < 0) downside += r * r;
  if (downside === 0) return null;
  return (mean(returns) / Math.sqrt(downside / returns.length)) * Math.sqrt(periodsPerYear(curve.intervalUs));
}
