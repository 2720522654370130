import { describe, expect, it } from 'vitest';
import { totalReturn } from '../../../src/app/metrics/total-return.js';
import { curveOf } from './metrics-fixtures.js';

describe('totalReturn', () => {
  it('is final over initial equity minus one, whatever happened between', () => {
    // 103.50 / 100.00 − 1 = 0.035
    expect(totalReturn(curveOf(60_000_000, ['100', '90', '120', '103.5']))).toBeCloseTo(0.035, 12);
    // 80 / 100 − 1 = −0.2
    expect(totalReturn(curveOf(60_000_000, ['100', '80']))).toBeCloseTo(-0.2, 12);
  });

  it('is measured from the starting cash, not the first sample', () => {
    // A fill at the first instant made the first sample 99; the base is still 100: 110 / 100 − 1 = 0.1
    expect(totalReturn(curveOf(60_000_000, ['99', '110'], { initial: '100' }))).toBeCloseTo(0.1, 12);
  });

  it('is null without a positive starting equity', () => {
    expect(totalReturn(curveOf(60_000_000, ['0', '0']))).toBeNull();
  });
});
