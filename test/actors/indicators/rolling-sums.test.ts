/**
 * The windowed averages (SMA, WMA, RollingVWAP) keep running sums by add/remove, which leaves one
 * rounding error per input in the sum; they recompute the sums from the window every N inputs. The
 * observable guarantee: inputs that have left the window leave no trace. After a long run at
 * 1e9, a window of small values averages exactly what a fresh indicator gives for it.
 */
import { describe, expect, it } from 'vitest';
import { RollingVWAP } from '../../../actors/indicators/rolling-vwap.js';
import { SMA } from '../../../actors/indicators/sma.js';
import { WMA } from '../../../actors/indicators/wma.js';

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

const rnd = seeded(3);
const big = Array.from({ length: 100_000 }, () => 1e9 * (1 + rnd()));
const small = Array.from({ length: 60 }, (_, i) => 1.5 + (i % 7) * 0.25);

describe('windowed averages after a long run', () => {
  for (const [name, make] of [
    ['SMA', () => new SMA(20)],
    ['WMA', () => new WMA(20)],
  ] as const) {
    it(`${name} keeps no trace of inputs that left the window`, () => {
      const used = make();
      for (const x of big) used.update(x);
      const fresh = make();
      let got: number | undefined;
      let want: number | undefined;
      for (const x of small) {
        got = used.update(x);
        want = fresh.update(x);
      }
      expect(got).toBe(want);
    });
  }

  it('RollingVWAP keeps no trace of bars that left the window', () => {
    const bar = (p: number, v: number) => ({ high: p, low: p, close: p, volume: v });
    const used = new RollingVWAP(20);
    for (const x of big) used.update(bar(x, x));
    const fresh = new RollingVWAP(20);
    let got: number | undefined;
    let want: number | undefined;
    small.forEach((x, i) => {
      got = used.update(bar(x, 1 + i));
      want = fresh.update(bar(x, 1 + i));
    });
    expect(got).toBe(want);
  });
});
