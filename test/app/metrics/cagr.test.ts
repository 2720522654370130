import { describe, expect, it } from 'vitest';
import { DAY_US, YEAR_US } from '../../../src/app/metrics/annualisation.js';
import { cagr } from '../../../src/app/metrics/cagr.js';
import { curveOf } from './metrics-fixtures.js';

describe('cagr', () => {
  it('compounds over 365-day years', () => {
    // 100 -> 400 over two years: 4^(1/2) − 1 = 1 (100% a year), whatever the middle sample.
    expect(cagr(curveOf(YEAR_US, ['100', '150', '400']))).toBeCloseTo(1, 12);
    // 100 -> 121 over half a year (182.5 days): 1.21^2 − 1 = 0.4641
    expect(cagr(curveOf(YEAR_US / 2, ['100', '121']))).toBeCloseTo(0.4641, 12);
    // 100 -> 90 over 73 days (a fifth of a year): 0.9^5 − 1 = −0.40951
    expect(cagr(curveOf(73 * DAY_US, ['100', '90']))).toBeCloseTo(-0.40951, 12);
  });

  it('is null when the data spans less than a day, and given from exactly one day', () => {
    // 23:59:59.999999 of data: null, however large the return.
    expect(cagr(curveOf(DAY_US - 1, ['100', '101']))).toBeNull();
    // One day: 1.01^365 − 1 = 36.78343...
    expect(cagr(curveOf(DAY_US, ['100', '101']))).toBeCloseTo(1.01 ** 365 - 1, 9);
  });

  it('is −1 when the equity ended at or below zero', () => {
    expect(cagr(curveOf(DAY_US, ['100', '-5']))).toBe(-1);
  });
});
