import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { drawdowns, maxDrawdown } from '../../../src/app/metrics/max-drawdown.js';
import { curveOf } from './metrics-fixtures.js';

const MIN = 60_000_000;

describe('maxDrawdown', () => {
  it('finds the deepest fall from a peak, with its start, trough, recovery and duration', () => {
    // t(min):    0    1    2    3    4    5
    // equity:  100  120   90  110  125  100
    // peak:    100  120  120  120  125  125
    // drawdown:  0    0   30   10    0   25   fractions 0, 0, 0.25, 0.0833, 0, 0.2
    // The worst is 30 / 120 = 0.25 at 2 min; it fell from the 120 of minute 1 and was back above
    // 120 at minute 4 (125): duration 4 − 1 = 3 min.
    const dd = maxDrawdown(curveOf(MIN, ['100', '120', '90', '110', '125', '100']));
    expect(dd).toEqual({
      amount: 3000n, // 30.00 at quote precision 2
      fraction: 0.25,
      peakEquity: 12000n,
      troughEquity: 9000n,
      startTs: 1 * MIN,
      troughTs: 2 * MIN,
      recoveryTs: 4 * MIN,
      durationUs: 3 * MIN,
    });
  });

  it('leaves the recovery null when the run ends under water, and counts the duration to the end', () => {
    // 100, 80, 90: peak is the starting 100 (at the first sample); trough 80 at 1 min (0.2);
    // never back to 100: recovery null, duration 2 min − 0 = 2 min.
    const dd = maxDrawdown(curveOf(MIN, ['100', '80', '90']));
    expect(dd.fraction).toBe(0.2);
    expect(dd.startTs).toBe(0);
    expect(dd.troughTs).toBe(MIN);
    expect(dd.recoveryTs).toBeNull();
    expect(dd.durationUs).toBe(2 * MIN);
  });

  it('counts a return to the peak itself as the recovery', () => {
    // 100, 120, 90, 120: back at 120 at minute 3, no new high needed; duration 3 − 1 = 2 min.
    const dd = maxDrawdown(curveOf(MIN, ['100', '120', '90', '120']));
    expect([dd.recoveryTs, dd.durationUs]).toEqual([3 * MIN, 2 * MIN]);
  });

  it('starts at the last sample at the peak, so a flat top is not counted as under water', () => {
    // 100, 120, 120, 108: the fall starts at minute 2 (the last 120): 12 / 120 = 0.1, 1 min so far.
    const dd = maxDrawdown(curveOf(MIN, ['100', '120', '120', '108']));
    expect([dd.startTs, dd.troughTs, dd.fraction, dd.durationUs]).toEqual([2 * MIN, 3 * MIN, 0.1, MIN]);
  });

  it('ranks by fraction of the peak, not by amount', () => {
    // 100 -> 50 is −50% (50.00); 1000 -> 800 is −20% (200.00): the first is the maximum drawdown.
    const dd = maxDrawdown(curveOf(MIN, ['100', '50', '1000', '800']));
    expect(dd.fraction).toBe(0.5);
    expect(dd.amount).toBe(5000n);
    expect(dd.recoveryTs).toBe(2 * MIN);
  });

  it('counts a fall below the starting cash before any higher sample', () => {
    // Starting cash 100; the first sample is already 95 (a fill at the first instant): 5% down.
    expect(maxDrawdown(curveOf(MIN, ['95', '96'], { initial: '100' })).fraction).toBeCloseTo(0.05, 12);
  });

  it('is zero with null dates when equity never fell', () => {
    expect(maxDrawdown(curveOf(MIN, ['100', '100', '101']))).toEqual({
      amount: 0n,
      fraction: 0,
      peakEquity: null,
      troughEquity: null,
      startTs: null,
      troughTs: null,
      recoveryTs: null,
      durationUs: 0,
    });
  });

  it('is never smaller than any sampled drawdown, and its recovery follows its trough (property)', () => {
    const equities = fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 60 });
    fc.assert(
      fc.property(equities, fc.integer({ min: 1, max: 1_000_000 }), (values, initial) => {
        const curve = curveOf(MIN, values.map(String), { initial: String(initial) });
        const dd = maxDrawdown(curve);
        for (const point of drawdowns(curve)) {
          expect(point.amount >= 0n).toBe(true);
          expect(dd.fraction).toBeGreaterThanOrEqual(point.fraction!);
        }
        if (dd.recoveryTs !== null) expect(dd.recoveryTs).toBeGreaterThan(dd.troughTs!);
        if (dd.troughTs !== null) expect(dd.troughTs).toBeGreaterThanOrEqual(dd.startTs!);
      }),
    );
  });
});
