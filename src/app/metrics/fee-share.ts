/**
 * Fees as a share of gross PnL: `fees / grossPnl`, where `grossPnl = finalEquity − initialEquity +
 * fees` is what the strategy made before costs (realized and unrealized). 0.25: fees took a quarter
 * of it. `null` when the gross PnL is zero or negative: the strategy made nothing for the fees to
 * take a share of (they only deepened a loss).
 */
import { ratioOf } from './metric-number.js';

/** `fees / grossPnl`, or `null` when `grossPnl ≤ 0`. */
export function feeShare(fees: bigint, grossPnl: bigint): number | null {
  return grossPnl > 0n ? ratioOf(fees, grossPnl) : null;
}
