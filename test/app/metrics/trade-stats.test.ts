import { describe, expect, it } from 'vitest';
import type { RoundTrip } from '../../../src/app/metrics/round-trips.js';
import { tradeStats } from '../../../src/app/metrics/trade-stats.js';

/** A closed trip with only what the statistics read: net PnL (units) and holding time (µs). */
function trip(netPnl: bigint, holdingUs: number): RoundTrip {
  return { key: 'x:A', side: 'long', openTs: 0, closeTs: holdingUs, quantity: 1, sizePrecision: 0, entryNotional: 0n, exitNotional: 0n, entryPrice: 0n, exitPrice: 0n, grossPnl: netPnl, fees: 0n, netPnl, holdingUs, fills: 2 };
}

describe('tradeStats', () => {
  it('computes win rate, profit factor, expectancy and average holding on net PnL', () => {
    // net +30, −10, +20, 0, −20; held 10, 20, 30, 40, 50
    // wins 2 (+30, +20), losses 2 (−10, −20), the 0 is neither: win rate 2 / 5 = 0.4
    // profit factor (30 + 20) / (10 + 20) = 5 / 3; expectancy (30 − 10 + 20 + 0 − 20) / 5 = 4
    // average holding (10 + 20 + 30 + 40 + 50) / 5 = 30
    const s = tradeStats([trip(30n, 10), trip(-10n, 20), trip(20n, 30), trip(0n, 40), trip(-20n, 50)]);
    expect(s).toEqual({ count: 5, wins: 2, losses: 2, winRate: 0.4, grossProfit: 50n, grossLoss: 30n, profitFactor: 5 / 3, netPnl: 20n, expectancy: 4n, averageHoldingUs: 30 });
  });

  it('rounds the expectancy half-even, in units of the quote precision', () => {
    expect(tradeStats([trip(1n, 1), trip(0n, 1), trip(0n, 1), trip(0n, 1)]).expectancy).toBe(0n); // 1/4 = 0.25 -> 0
    expect(tradeStats([trip(3n, 1), trip(0n, 1)]).expectancy).toBe(2n); // 1.5 -> 2
    expect(tradeStats([trip(5n, 1), trip(0n, 1)]).expectancy).toBe(2n); // 2.5 -> 2 (even)
    expect(tradeStats([trip(-5n, 1), trip(0n, 1)]).expectancy).toBe(-2n); // −2.5 -> −2
  });

  it('has a null profit factor without a losing trip, and a zero one without a winning trip', () => {
    expect(tradeStats([trip(5n, 1)]).profitFactor).toBeNull();
    expect(tradeStats([trip(-5n, 1)]).profitFactor).toBe(0);
  });

  it('gives counts of zero and null ratios with no trip (never NaN)', () => {
    expect(tradeStats([])).toEqual({ count: 0, wins: 0, losses: 0, winRate: null, grossProfit: 0n, grossLoss: 0n, profitFactor: null, netPnl: 0n, expectancy: null, averageHoldingUs: null });
  });
});
