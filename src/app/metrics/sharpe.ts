/**
 * Sharpe ratio, annualised: `mean(r) / stdev(r) × √periodsPerYear`, where `r` are the equity
 * curve's per-interval returns (`period-returns.ts`), `stdev` the sample standard deviation (n − 1),
 * the risk-free rate 0, and `periodsPerYear = 365 days / interval` (`annualisation.ts`). `null` under
 * a day of data, with fewer than two returns, or with no variation at all.
 */
import { canAnnualise, periodsPerYear } from './annualisation.js';
import { spanOf, type EquityCurve } from './equity-curve.js';
import { mean, periodReturns } from './period-returns.js';

/** The annualised Sharpe ratio of the curve, or `null` (see the module comment). */
export function sharpe(curve: EquityCurve): number | null {
  const returns = periodReturns(curve);
  if (returns === null || returns.length < 2 || !canAnnualise(spanOf(curve))) return null;
  const m = mean(returns);
  let squares = 0;
  for (const r of returns) squares += (r - m) * (r - m);
  const stdev = Math.sqrt(squares / (returns.length - 1));
  if (stdev === 0) return null;
  return (m / stdev) * Math.sqrt(periodsPerYear(curve.intervalUs));
}
