import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { markValue } from '../../../../actors/execution/orders/mark-value.js';
import { decimalOfNumber, mulUnits } from '../../../../src/model/money.js';

function exact(x: number, lots: number, sp: number, qp: number): bigint {
  const m = decimalOfNumber(x);
  return mulUnits(m.units, m.scale, BigInt(lots), sp, qp);
}

describe('markValue', () => {
  it('gives up on a tie (the exact half-even rounding decides) and on values too large for floats', () => {
    expect(markValue(0.125, 1, 0, 2)).toBeUndefined(); // 12.5 units: a tie
    expect(markValue(0.135, 1, 0, 2)).toBeUndefined(); // a double a hair from 13.5: too near to trust
    expect(markValue(1e12, 1000, 0, 2)).toBeUndefined();
    expect(markValue(1e-12, 2 ** 53, 0, 0)).toBeUndefined(); // lots past the exact range of numbers
    expect(markValue(100.005, 1000, 3, 5)).toBe(10_000_500n);
  });

  it('property: equals the exact decimal valuation whenever it answers', () => {
    const price = fc.oneof(
      // Market numbers: any double with a decimal the portfolio can read (at most 18 decimals).
      fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((x) => x === 0 || Math.abs(x) >= 1e-4),
      fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), fc.integer({ min: 0, max: 6 })).map(([u, s]) => u / 10 ** s),
      fc.tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 })).map(([a, b]) => (a / 100 + b / 100) / 2),
    );
    fc.assert(
      fc.property(price, fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 8 }), (x, lots, sp, qp) => {
        const v = markValue(x, lots, sp, qp);
        if (v !== undefined) expect(v).toBe(exact(x, lots, sp, qp));
      }),
      { numRuns: 5000 },
    );
  });
});
