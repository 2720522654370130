/**
 * Compound annual growth rate: `(finalEquity / initialEquity) ^ (YEAR / span) − 1`, where `span` is
 * the engine time the equity curve covers (first record to the run's end) and a year is 365 days
 * (`annualisation.ts`). `null` when the span is under a day. An equity that ended at or below zero
 * lost everything: −1.
 */
import { YEAR_US, canAnnualise } from './annualisation.js';
import { finalEquityOf, spanOf, type EquityCurve } from './equity-curve.js';
import { ratioOf } from './metric-number.js';

/** CAGR as a fraction (`0.12` is +12% a year), or `null` (under a day of data, or no positive start). */
export function cagr(curve: EquityCurve): number | null {
  const span = spanOf(curve);
  if (!canAnnualise(span) || curve.initialEquity <= 0n) return null;
  const final = finalEquityOf(curve);
  if (final <= 0n) return -1;
  const growth = ratioOf(final, curve.initialEquity)!;
  return growth ** (YEAR_US / span) - 1;
}
