import { describe, expect, it } from 'vitest';
import type { EquityCurve } from '../../../src/app/metrics/equity-curve.js';
import { curvePoints, MAX_CURVE_POINTS } from '../../../src/app/report-html/curve-points.js';

const MINUTE = 60_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;

/** A curve at 2 decimals from equities in cents, one per minute. */
function curve(cents: readonly number[], intervalUs = MINUTE): EquityCurve {
  return {
    intervalUs,
    quotePrecision: 2,
    initialEquity: BigInt(cents[0]!),
    keys: [],
    samples: cents.map((c, i) => ({ ts: T0 + i * intervalUs, equity: BigInt(c), positions: [] })),
  };
}

describe('curvePoints', () => {
  it('gives every sample of a short curve: equity in currency, drawdown in percent of the peak', () => {
    const p = curvePoints(curve([10_000, 12_000, 9_000, 12_500]));
    expect(p.equity).toEqual([
      [T0 / 1e6, 100],
      [T0 / 1e6 + 60, 120],
      [T0 / 1e6 + 120, 90],
      [T0 / 1e6 + 180, 125],
    ]);
    expect(p.drawdown.map(([, d]) => d)).toEqual([0, 0, -25, 0]);
    expect(p.samples).toBe(4);
  });

  it('thins a long curve under the cap, keeping its ends, highs, lows and deepest drawdown', () => {
    // Ten weeks of minutes, a wave with one sharp dip and one spike somewhere inside.
    const n = 100_800;
    const cents = Array.from({ length: n }, (_, i) => 1_000_000 + Math.round(50_000 * Math.sin(i / 5_000)));
    cents[23_457] = 700_000;
    cents[80_001] = 1_400_000;
    const p = curvePoints(curve(cents));
    expect(p.equity.length).toBeLessThanOrEqual(MAX_CURVE_POINTS);
    expect(p.drawdown.length).toBe(p.equity.length);
    expect(p.equity[0]).toEqual([T0 / 1e6, 10_000]);
    expect(p.equity.at(-1)).toEqual([T0 / 1e6 + (n - 1) * 60, cents[n - 1]! / 100]);
    expect(p.equity).toContainEqual([T0 / 1e6 + 23_457 * 60, 7_000]);
    expect(p.equity).toContainEqual([T0 / 1e6 + 80_001 * 60, 14_000]);
    expect(Math.min(...p.drawdown.map(([, d]) => d))).toBeCloseTo(-(1 - 700_000 / 1_050_000) * 100, 3);
    const times = p.equity.map(([t]) => t);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });

  it('keeps one point per second, the latest, when samples are closer than that', () => {
    // Samples at 0, 0.4, 0.8 and 1.2 s.
    const p = curvePoints(curve([10_000, 10_100, 10_200, 10_300], 400_000));
    expect(p.equity).toEqual([
      [T0 / 1e6, 102],
      [T0 / 1e6 + 1, 103],
    ]);
  });
});
