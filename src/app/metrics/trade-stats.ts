/**
 * Statistics of closed round trips (`round-trips.ts`), each judged on its PnL net of fees:
 * - win rate: trips with net PnL > 0 over all trips (a trip at exactly 0 is no win);
 * - profit factor: Σ net PnL of winning trips / |Σ net PnL of losing trips|;
 * - expectancy: mean net PnL per trip, `Σ net PnL / trips`, money rounded half-even;
 * - average holding time: mean of `close − open`, rounded to the µs.
 * With no trip every ratio is `null`; with no losing trip the profit factor is `null` (not infinite).
 */
import { divHalfEven } from '../../model/money.js';
import { ratioOf } from './metric-number.js';
import type { RoundTrip } from './round-trips.js';

/** What `tradeStats` finds. Money at the trips' quote precision. */
export interface TradeStats {
  readonly count: number;
  readonly wins: number;
  readonly losses: number;
  readonly winRate: number | null;
  /** Σ net PnL of winning trips (≥ 0). */
  readonly grossProfit: bigint;
  /** |Σ net PnL of losing trips| (≥ 0). */
  readonly grossLoss: bigint;
  readonly profitFactor: number | null;
  /** Σ net PnL of all trips. */
  readonly netPnl: bigint;
  readonly expectancy: bigint | null;
  readonly averageHoldingUs: number | null;
}

/** The statistics of `trips` (see the module comment). */
export function tradeStats(trips: readonly RoundTrip[]): TradeStats {
  let wins = 0;
  let losses = 0;
  let grossProfit = 0n;
  let grossLoss = 0n;
  let holding = 0;
  for (const t of trips) {
    if (t.netPnl > 0n) {
      wins++;
      grossProfit += t.netPnl;
    } else if (t.netPnl < 0n) {
      losses++;
      grossLoss -= t.netPnl;
    }
    holding += t.holdingUs;
  }
  const count = trips.length;
  const netPnl = grossProfit - grossLoss;
  return {
    count,
    wins,
    losses,
    winRate: count === 0 ? null : wins / count,
    grossProfit,
    grossLoss,
    profitFactor: ratioOf(grossProfit, grossLoss),
    netPnl,
    expectancy: count === 0 ? null : divHalfEven(netPnl, BigInt(count)),
    averageHoldingUs: count === 0 ? null : Math.round(holding / count),
  };
}
