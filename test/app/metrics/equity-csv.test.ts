import { describe, expect, it } from 'vitest';
import type { EquityCurve } from '../../../src/app/metrics/equity-curve.js';
import { equityCsv } from '../../../src/app/metrics/equity-csv.js';
import { A, B } from './metrics-fixtures.js';

describe('equityCsv', () => {
  it('writes ISO times, exact equity and drawdown, the drawdown fraction and one position column per instrument', () => {
    // Equity 100.00, 120.00, 90.00 (peak 120: drawdown 30, 0.25), 130.00 at 2 decimals.
    const curve: EquityCurve = {
      intervalUs: 60_000_000,
      quotePrecision: 2,
      initialEquity: 10_000n,
      keys: ['x:A', 'x:B'],
      samples: [
        { ts: 1_704_067_200_186_143, equity: 10_000n, positions: [0, 0] },
        { ts: 1_704_067_260_186_143, equity: 12_000n, positions: [1_500, 0] },
        { ts: 1_704_067_320_186_143, equity: 9_000n, positions: [1_500, -250] },
        { ts: 1_704_067_345_000_000, equity: 13_000n, positions: [0, -250] },
      ],
    };
    expect(equityCsv(curve, [A, B])).toBe(
      [
        'time,equity,drawdown,drawdownFraction,x:A,x:B',
        '2024-01-01T00:00:00.186143Z,100.00,0.00,0,0.000,0.000',
        '2024-01-01T00:01:00.186143Z,120.00,0.00,0,1.500,0.000',
        '2024-01-01T00:02:00.186143Z,90.00,30.00,0.25,1.500,-0.250',
        '2024-01-01T00:02:25.000000Z,130.00,0.00,0,0.000,-0.250',
        '',
      ].join('\n'),
    );
  });
});
