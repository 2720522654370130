/**
 * Accuracy of the rolling standard deviation at BTC price levels over millions of updates, against
 * an exact two-pass recomputation over the window at every step. The series cycles through the
 * regimes that break naive running sums: volatile trading, a quiet tape moving by one tick, an
 * exactly flat stretch, and a crash to half the price and back. A negative control shows that
 * naive running sums of x and x² fail the same check, so the check can fail.
 */
import { describe, expect, it } from 'vitest';
import { BollingerBands } from '../../../actors/indicators/bollinger-bands.js';
import { RollingStdDev } from '../../../actors/indicators/rolling-std-dev.js';
import { ZScore } from '../../../actors/indicators/z-score.js';

/** mulberry32: a tiny seeded generator, so the series is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `length` prices near 60,000 on a 0.1 tick, cycling through four regimes every 200,000 steps. */
function btcLikeSeries(length: number, seed: number): Float64Array {
  const rnd = seeded(seed);
  const out = new Float64Array(length);
  let ticks = 600_000; // price in 0.1 ticks, kept integral so flat stretches are exactly flat
  for (let i = 0; i < length; i++) {
    const phase = i % 200_000;
    const u = rnd() + rnd() + rnd() - 1.5; // roughly normal, σ ≈ 0.5
    let step: number;
    if (phase < 80_000) step = Math.round(u * 600); // volatile: ~30 per minute
    else if (phase < 120_000) step = Math.round(u * 2); // quiet: 0 or ±1 tick
    else if (phase < 125_000) step = 0; // exactly flat
    else if (phase < 162_500) step = Math.round(u * 50) - 8; // crash: 60,000 → ~30,000
    else step = Math.round(u * 50) + 8; // recovery
    ticks += step;
    out[i] = ticks / 10;
  }
  return out;
}

/**
 * Population std dev of `x[t-n+1..t]`, the exact reference: two passes over the deviations from the
 * window's first input. Those differences are exact (Sterbenz: the inputs are within a factor of 2
 * of each other), so a flat window gives exactly 0 and the rest is accurate to a few ulps of σ.
 */
function exactStd(x: Float64Array, t: number, n: number): number {
  const x0 = x[t - n + 1]!;
  let s = 0;
  for (let i = t - n + 1; i <= t; i++) s += x[i]! - x0;
  const m = s / n;
  let q = 0;
  for (let i = t - n + 1; i <= t; i++) q += (x[i]! - x0 - m) ** 2;
  return Math.sqrt(q / n);
}

/** Worst relative error of σ against the exact value, over every step checked. */
function worstError(x: Float64Array, n: number, every: number, std: (v: number) => number | undefined): { err: number; flatZeros: number; flats: number } {
  let err = 0;
  let flats = 0;
  let flatZeros = 0;
  for (let t = 0; t < x.length; t++) {
    const got = std(x[t]!);
    if (t < n - 1 || t % every !== 0) continue;
    const want = exactStd(x, t, n);
    if (want === 0) {
      flats++;
      if (got === 0) flatZeros++;
      continue;
    }
    err = Math.max(err, Math.abs(got! - want) / want);
  }
  return { err, flatZeros, flats };
}

const series = btcLikeSeries(2_000_000, 42);

describe('RollingStdDev at BTC price levels over a long run', () => {
  it('stays within 1e-10 of the exact σ at every step of 2,000,000 updates (period 20)', () => {
    const sd = new RollingStdDev(20);
    const r = worstError(series, 20, 1, (v) => sd.update(v));
    expect(r.err).toBeLessThan(1e-10);
    // The flat stretches are reported as exactly 0, not as rounding noise.
    expect(r.flats).toBeGreaterThan(10_000);
    expect(r.flatZeros).toBe(r.flats);
  });

  it('stays within 1e-10 of the exact σ over 2,000,000 updates (period 500, checked every 7th step)', () => {
    const sd = new RollingStdDev(500);
    const r = worstError(series, 500, 7, (v) => sd.update(v));
    expect(r.err).toBeLessThan(1e-10);
    expect(r.flatZeros).toBe(r.flats);
  });

  it('keeps that accuracy when every input is first given as a forming value and then replaced', () => {
    const sd = new RollingStdDev(20);
    const rnd = seeded(7);
    const x = series.subarray(0, 400_000);
    const r = worstError(x, 20, 1, (v) => {
      sd.update(v + (rnd() - 0.5) * 100);
      sd.replace(v + (rnd() - 0.5) * 10);
      return sd.replace(v);
    });
    expect(r.err).toBeLessThan(1e-10);
  });

  it('gives ZScore and BollingerBands the same accuracy', () => {
    const z = new ZScore(20);
    const bb = new BollingerBands(20, 2);
    let worstZ = 0;
    let worstWidth = 0;
    for (let t = 0; t < 1_000_000; t++) {
      const zv = z.update(series[t]!);
      const b = bb.update(series[t]!);
      if (t < 19) continue;
      const sd = exactStd(series, t, 20);
      let s = 0;
      for (let i = t - 19; i <= t; i++) s += series[i]! - series[t - 19]!;
      const m = series[t - 19]! + s / 20;
      if (sd === 0) {
        expect(zv).toBe(0);
        expect(b!.upper).toBe(b!.lower);
        continue;
      }
      worstZ = Math.max(worstZ, Math.abs(zv! - (series[t]! - m) / sd) / (1 + Math.abs(zv!)));
      worstWidth = Math.max(worstWidth, Math.abs((b!.upper - b!.lower) / 4 - sd) / sd);
    }
    // (x − mean) is known to within an ulp of the price, so z carries that over σ (≥ ~0.02 here).
    expect(worstZ).toBeLessThan(1e-9);
    expect(worstWidth).toBeLessThan(1e-9);
  });

  it('is a check that can fail: naive windowed running sums of x and x² miss it by orders of magnitude', () => {
    expect(naiveWindowed(series.subarray(0, 400_000), 20)).toBeGreaterThan(1e-6);
  });
});

/** Worst relative error of a windowed naive Σx, Σx² implementation. */
function naiveWindowed(x: Float64Array, n: number): number {
  let s1 = 0;
  let s2 = 0;
  let err = 0;
  for (let t = 0; t < x.length; t++) {
    s1 += x[t]!;
    s2 += x[t]! * x[t]!;
    if (t >= n) {
      s1 -= x[t - n]!;
      s2 -= x[t - n]! * x[t - n]!;
    }
    if (t < n - 1) continue;
    const want = exactStd(x, t, n);
    if (want === 0) continue;
    const got = Math.sqrt(Math.max(0, s2 / n - (s1 / n) ** 2));
    err = Math.max(err, Math.abs(got - want) / want);
  }
  return err;
}
