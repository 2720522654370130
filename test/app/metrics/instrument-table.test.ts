import { describe, expect, it } from 'vitest';
import { instrumentTable } from '../../../src/app/metrics/instrument-table.js';
import { roundTrips } from '../../../src/app/metrics/round-trips.js';
import { A, INSTRUMENTS, QP, fill } from './metrics-fixtures.js';

describe('instrumentTable', () => {
  it('gives every instrument a row, traded or not', () => {
    // A: long 1 @ 10 -> 12, fees 0.01 + 0.02: one winning trip, net 2 − 0.03 = 1.97.
    const fills = [fill(A, 'buy', '1', '10', '0.01', 10), fill(A, 'sell', '1', '12', '0.02', 30)];
    const trips = roundTrips(fills, INSTRUMENTS, QP).closed;
    const rows = instrumentTable({ keys: ['x:A', 'x:B'], fills, trips, notional: new Map([['x:A', 2_200_000n]]), exposure: new Map([['x:A', 0.2]]), spanUs: 100 });
    expect(rows.map((r) => [r.key, r.fills, r.trades.count, r.trades.winRate, r.trades.netPnl, r.fees, r.tradedNotional, r.exposure])).toEqual([
      ['x:A', 2, 1, 1, 197_000n, 3_000n, 2_200_000n, 0.2],
      ['x:B', 0, 0, null, 0n, 0n, 0n, 0],
    ]);
  });
});
