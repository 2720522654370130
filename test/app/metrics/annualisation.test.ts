import { describe, expect, it } from 'vitest';
import { DAY_US, YEAR_US, canAnnualise, periodsPerYear } from '../../../src/app/metrics/annualisation.js';

describe('annualisation', () => {
  it('counts a year as 365 days of engine time', () => {
    expect(YEAR_US).toBe(365 * 24 * 3600 * 1_000_000);
    expect(periodsPerYear(60_000_000)).toBe(525_600); // 365 × 24 × 60 minutes
    expect(periodsPerYear(DAY_US)).toBe(365);
  });

  it('annualises from one day of data on', () => {
    expect(canAnnualise(DAY_US - 1)).toBe(false);
    expect(canAnnualise(DAY_US)).toBe(true);
  });
});
