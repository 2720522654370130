import { describe, expect, it } from 'vitest';
import { averageEquity, tradedNotional, turnover } from '../../../src/app/metrics/turnover.js';
import { A, B, INSTRUMENTS, QP, curveOf, fill } from './metrics-fixtures.js';

describe('turnover', () => {
  it('is the traded notional over the mean equity', () => {
    // Fills: 2 × 250.00 = 500.00 of A and 4 × 250.00 = 1000.00 of B: 1500.00 traded.
    const traded = tradedNotional([fill(A, 'buy', '2', '250', '0', 1), fill(B, 'sell', '4', '250', '0', 2)], INSTRUMENTS, QP);
    expect(traded.total).toBe(150_000_000n);
    expect([...traded.byKey]).toEqual([
      ['x:A', 50_000_000n],
      ['x:B', 100_000_000n],
    ]);
    // Equity 900, 1000, 1100: mean 1000; 1500 / 1000 = 1.5
    const curve = curveOf(60_000_000, ['900', '1000', '1100'], { quotePrecision: QP });
    expect(averageEquity(curve)).toBe(100_000_000n);
    expect(turnover(traded.total, curve)).toBe(1.5);
  });

  it('rounds the mean equity half-even but divides by the exact mean', () => {
    // 0.01, 0.02 at 2 decimals: mean 0.015 -> 0.02 (half-even); turnover 0.03 / 0.015 = 2, not 1.5
    const curve = curveOf(60_000_000, ['0.01', '0.02']);
    expect(averageEquity(curve)).toBe(2n);
    expect(turnover(3n, curve)).toBe(2);
  });

  it('is 0 with nothing traded and null without a positive mean equity', () => {
    expect(turnover(0n, curveOf(60_000_000, ['100']))).toBe(0);
    expect(turnover(5n, curveOf(60_000_000, ['0', '0']))).toBeNull();
  });
});
