import { describe, expect, it } from 'vitest';
import { DAY_US } from '../../../src/app/metrics/annualisation.js';
import { sharpe } from '../../../src/app/metrics/sharpe.js';
import { curveOf } from './metrics-fixtures.js';

// Daily samples 100, 110, 99, 108.90, 119.79: returns +0.1, −0.1, +0.1, +0.1.
// mean = 0.2 / 4 = 0.05; deviations 0.05, −0.15, 0.05, 0.05; squares sum 0.0025 × 3 + 0.0225 = 0.03;
// sample variance 0.03 / 3 = 0.01, stdev 0.1; per day 0.05 / 0.1 = 0.5;
// annualised with 365 daily periods: 0.5 × √365 = 9.55249...
const DAILY = curveOf(DAY_US, ['100', '110', '99', '108.90', '119.79']);

describe('sharpe', () => {
  it('is mean over sample stdev of the interval returns, times √(periods per year)', () => {
    expect(sharpe(DAILY)).toBeCloseTo(0.5 * Math.sqrt(365), 9);
  });

  it('annualises with the periods of the sampling interval: 8,760 hours a year', () => {
    // Hourly samples over exactly one day (25 samples, 24 returns): +0.1, −0.1, +0.1, +0.1, then 20 × 0.
    // 8,760 hourly periods a year.
    const equities = ['100', '110', '99', '108.90', '119.79', ...Array<string>(20).fill('119.79')];
    // returns: four as above and 20 zeros (n = 24): mean = 0.2 / 24; Σr² = 0.04;
    // sample variance = (Σr² − n·mean²) / (n − 1) = (0.04 − 0.04 / 24) / 23 = 0.04 / 24
    // stdev = 0.2 / √24; mean / stdev = (0.2 / 24) · √24 / 0.2 = 1 / √24; × √8760 = √365.
    expect(sharpe(curveOf(3_600_000_000, equities))).toBeCloseTo(Math.sqrt(365), 9);
  });

  it('leaves the closing sample off the grid out of the returns', () => {
    // The same daily curve and a closing sample half a day later at 50: a −58% half-day would
    // change everything; left out, the Sharpe ratio is the one above.
    const times = [0, 1, 2, 3, 4].map((k) => k * DAY_US).concat(4.5 * DAY_US);
    expect(sharpe(curveOf(DAY_US, ['100', '110', '99', '108.90', '119.79', '50'], { times }))).toBeCloseTo(0.5 * Math.sqrt(365), 9);
  });

  it('is null under a day of data, with fewer than two returns, or with no variation', () => {
    // Two returns over 23 h 59 min: null
    expect(sharpe(curveOf((DAY_US - 60_000_000) / 2, ['100', '110', '99']))).toBeNull();
    // One return over a day: no stdev
    expect(sharpe(curveOf(DAY_US, ['100', '110']))).toBeNull();
    // Flat for two days: stdev 0
    expect(sharpe(curveOf(DAY_US, ['100', '100', '100']))).toBeNull();
  });
});
