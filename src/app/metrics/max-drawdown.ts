/**
 * Drawdown on the equity curve. At each sample, `peak` is the highest equity so far (the starting
 * equity included), `drawdown = peak − equity` (exact money) and its fraction `drawdown / peak`.
 * The maximum drawdown is the sample with the largest fraction (the first of equals); its episode:
 * - `start`: the last time equity stood at that peak before falling (the peak's sample; the curve's
 *   first sample when the peak is the starting equity);
 * - `trough`: that sample;
 * - `recovery`: the first later sample back at or above the peak, `null` when the run ended below it;
 * - `duration`: `recovery − start`, or, unrecovered, the run's end `− start` (still under water).
 *
 * Measured on the samples, so a dip between two samples that recovered before the next is not
 * seen: the report's top-level `maxDrawdown` (execution's, at every mark and fill) is the
 * tick-level figure, never smaller than this one's amount.
 */
import type { EquityCurve } from './equity-curve.js';
import { ratioOf } from './metric-number.js';

/** Drawdown at one sample. */
export interface DrawdownPoint {
  /** Highest equity up to this sample (starting equity included). */
  readonly peak: bigint;
  /** Time of the last sample at that peak (the first sample's while the peak is the starting equity). */
  readonly peakTs: number;
  /** `peak − equity`, ≥ 0. */
  readonly amount: bigint;
  /** `amount / peak`; `null` when the peak is not positive. */
  readonly fraction: number | null;
}

/** The maximum drawdown and its episode (see the module comment). */
export interface MaxDrawdown {
  readonly amount: bigint;
  readonly fraction: number;
  /** Equity at the peak and at the trough; `null` when there was no drawdown. */
  readonly peakEquity: bigint | null;
  readonly troughEquity: bigint | null;
  readonly startTs: number | null;
  readonly troughTs: number | null;
  readonly recoveryTs: number | null;
  /** µs from start to recovery (or to the run's end when unrecovered); 0 with no drawdown. */
  readonly durationUs: number;
}

/** The drawdown at every sample of the curve, in order. */
export function drawdowns(curve: EquityCurve): DrawdownPoint[] {
  const out: DrawdownPoint[] = [];
  let peak = curve.initialEquity;
  let peakTs = curve.samples[0]!.ts;
  for (const s of curve.samples) {
    if (s.equity >= peak) {
      peak = s.equity;
      peakTs = s.ts;
    }
    const amount = peak - s.equity;
    out.push({ peak, peakTs, amount, fraction: peak > 0n ? ratioOf(amount, peak) : null });
  }
  return out;
}

/** The curve's maximum drawdown (by fraction of its peak) with start, trough, recovery and duration. */
export function maxDrawdown(curve: EquityCurve): MaxDrawdown {
  const points = drawdowns(curve);
  let worst = -1;
  for (let i = 0; i < points.length; i++) {
    const f = points[i]!.fraction;
    if (f !== null && f > 0 && (worst < 0 || f > points[worst]!.fraction!)) worst = i;
  }
  if (worst < 0) {
    return { amount: 0n, fraction: 0, peakEquity: null, troughEquity: null, startTs: null, troughTs: null, recoveryTs: null, durationUs: 0 };
  }
  const point = points[worst]!;
  const samples = curve.samples;
  let recoveryTs: number | null = null;
  for (let i = worst + 1; i < samples.length; i++) {
    if (samples[i]!.equity >= point.peak) {
      recoveryTs = samples[i]!.ts;
      break;
    }
  }
  const end = recoveryTs ?? samples[samples.length - 1]!.ts;
  return {
    amount: point.amount,
    fraction: point.fraction!,
    peakEquity: point.peak,
    troughEquity: samples[worst]!.equity,
    startTs: point.peakTs,
    troughTs: samples[worst]!.ts,
    recoveryTs,
    durationUs: end - point.peakTs,
  };
}
