/**
 * The equity and drawdown charts' points, from the run's equity curve (`metrics/equity-curve.ts`),
 * at most `MAX_CURVE_POINTS` of each so a year of 1-minute samples still makes a page of a
 * reasonable size.
 *
 * Thinning. A curve with more samples is cut into equal runs of consecutive samples, and each run
 * keeps its lowest equity, its highest equity and its deepest drawdown (in time order), plus the
 * curve's first and last sample: peaks, troughs and the maximum drawdown stay on the chart exactly.
 * Both series use the same samples, so the two charts line up.
 *
 * Times are whole seconds (what the chart library takes); samples closer than a second (an
 * interval under 1 s, or the closing sample) share one point, the later one's.
 */
import { formatUnits } from '../../model/money.js';
import type { EquityCurve } from '../metrics/equity-curve.js';
import { drawdowns } from '../metrics/max-drawdown.js';
import { metricNumber } from '../metrics/metric-number.js';

/** Points per series, at most. */
export const MAX_CURVE_POINTS = 2_000;

/** `[time (s), value]`. */
export type CurvePoint = readonly [time: number, value: number];

/** The two series of the curve charts. */
export interface CurvePoints {
  /** Equity in quote currency. */
  readonly equity: readonly CurvePoint[];
  /** Drawdown below the running peak, in percent of it, ≤ 0. */
  readonly drawdown: readonly CurvePoint[];
  /** Samples in the curve, of which the points were taken. */
  readonly samples: number;
}

/** The points of `curve`, thinned to `max` (see the module comment). */
export function curvePoints(curve: EquityCurve, max: number = MAX_CURVE_POINTS): CurvePoints {
  const samples = curve.samples;
  const dd = drawdowns(curve);
  const picked = pick(curve, dd.map((p) => p.fraction ?? 0), max);
  const equity: [number, number][] = [];
  const drawdown: [number, number][] = [];
  for (const i of picked) {
    const time = Math.floor(samples[i]!.ts / 1_000_000);
    const e = Number(formatUnits(samples[i]!.equity, curve.quotePrecision));
    const d = -(metricNumber((dd[i]!.fraction ?? 0) * 100) ?? 0) || 0;
    const last = equity.length - 1;
    if (last >= 0 && equity[last]![0] === time) {
      equity[last] = [time, e];
      drawdown[last] = [time, d];
    } else {
      equity.push([time, e]);
      drawdown.push([time, d]);
    }
  }
  return { equity, drawdown, samples: samples.length };
}

/** Indices of the samples to draw, ascending. */
function pick(curve: EquityCurve, fractions: readonly number[], max: number): number[] {
  const n = curve.samples.length;
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  // Three per run and the two ends.
  const runs = Math.max(1, Math.floor((max - 2) / 3));
  const size = Math.ceil(n / runs);
  const keep = new Set<number>([0, n - 1]);
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let lo = start;
    let hi = start;
    let deep = start;
    for (let i = start + 1; i < end; i++) {
      const e = curve.samples[i]!.equity;
      if (e < curve.samples[lo]!.equity) lo = i;
      if (e > curve.samples[hi]!.equity) hi = i;
      if (fractions[i]! > fractions[deep]!) deep = i;
    }
    keep.add(lo).add(hi).add(deep);
  }
  return [...keep].sort((a, b) => a - b);
}
