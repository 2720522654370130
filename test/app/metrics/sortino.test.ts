import { describe, expect, it } from 'vitest';
import { DAY_US } from '../../../src/app/metrics/annualisation.js';
import { sortino } from '../../../src/app/metrics/sortino.js';
import { curveOf } from './metrics-fixtures.js';

describe('sortino', () => {
  it('divides the mean return by the downside deviation over all periods', () => {
    // Daily returns +0.1, −0.1, +0.1, +0.1: mean 0.05; Σ min(r, 0)² = 0.01 over n = 4: 0.0025,
    // downside deviation 0.05; 0.05 / 0.05 = 1 per day; × √365 = 19.1050...
    expect(sortino(curveOf(DAY_US, ['100', '110', '99', '108.90', '119.79']))).toBeCloseTo(Math.sqrt(365), 9);
    // Returns −0.1, −0.1: mean −0.1, downside √(0.02 / 2) = 0.1: −1 × √365
    expect(sortino(curveOf(DAY_US, ['100', '90', '81']))).toBeCloseTo(-Math.sqrt(365), 9);
  });

  it('is null with no losing period, and under a day of data', () => {
    expect(sortino(curveOf(DAY_US, ['100', '110', '121']))).toBeNull();
    expect(sortino(curveOf(DAY_US / 4, ['100', '90', '81']))).toBeNull();
  });
});
