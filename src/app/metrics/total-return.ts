/**
 * Total return: `finalEquity / initialEquity − 1`, over the whole run, not annualised. The base is
 * the starting cash, the first peak of every drawdown.
 */
import { finalEquityOf, type EquityCurve } from './equity-curve.js';
import { ratioOf } from './metric-number.js';

/** The run's total return as a fraction (`0.05` is +5%); `null` when the initial equity is not positive. */
export function totalReturn(curve: EquityCurve): number | null {
  if (curve.initialEquity <= 0n) return null;
  return ratioOf(finalEquityOf(curve) - curve.initialEquity, curve.initialEquity);
}
