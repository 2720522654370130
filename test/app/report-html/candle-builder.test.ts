import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CANDLE_STEPS_US, CandleBuilder, type Candle } from '../../../src/app/report-html/candle-builder.js';

const S = 1_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;

/** Candles of `prices` at one fixed interval, the obvious way: the reference. */
function direct(prices: readonly (readonly [number, number])[], stepUs: number): Candle[] {
  const out: { t: number; open: number; high: number; low: number; close: number }[] = [];
  for (const [ts, p] of prices) {
    const t = Math.floor(ts / stepUs) * stepUs;
    const last = out[out.length - 1];
    if (last !== undefined && last.t === t) {
      last.high = Math.max(last.high, p);
      last.low = Math.min(last.low, p);
      last.close = p;
    } else out.push({ t, open: p, high: p, low: p, close: p });
  }
  return out;
}

describe('CandleBuilder', () => {
  it('builds 1 s candles of open, high, low and close on epoch-aligned intervals', () => {
    const b = new CandleBuilder();
    b.addPrice(T0 + 100, 10);
    b.addPrice(T0 + 200_000, 12);
    b.addPrice(T0 + 900_000, 9);
    b.addPrice(T0 + 999_999, 11);
    b.addPrice(T0 + S + 5, 13);
    expect(b.resolutionUs).toBe(S);
    expect(b.candles).toEqual([
      { t: T0, open: 10, high: 12, low: 9, close: 11 },
      { t: T0 + S, open: 13, high: 13, low: 13, close: 13 },
    ]);
  });

  it('moves to the next step when the cap would be passed, as if it had recorded at that step from the start', () => {
    const prices = fc.array(fc.tuple(fc.integer({ min: 0, max: 3 * S }), fc.double({ min: 1, max: 1000, noNaN: true })), { minLength: 1, maxLength: 400 });
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 30 }), (steps, cap) => {
        let ts = T0 - 7 * S;
        const series = steps.map(([dt, p]): [number, number] => [(ts += dt), p]);
        const b = new CandleBuilder(cap);
        for (const [t, p] of series) b.addPrice(t, p);
        expect(b.candles.length).toBeLessThanOrEqual(cap);
        expect(b.candles).toEqual(direct(series, b.resolutionUs));
        // And the step is the finest that fits.
        const finer = CANDLE_STEPS_US[CANDLE_STEPS_US.indexOf(b.resolutionUs) - 1];
        if (finer !== undefined) expect(direct(series, finer).length).toBeGreaterThan(cap);
      }),
    );
  });

  it('doubles the step past a week, so any span stays under the cap', () => {
    const b = new CandleBuilder(3);
    const week = 604_800 * S;
    for (let k = 0; k < 20; k++) b.addPrice(k * week, k);
    expect(b.candles.length).toBeLessThanOrEqual(3);
    expect(b.resolutionUs).toBe(8 * week);
    expect(b.candles[0]).toEqual({ t: 0, open: 0, high: 7, low: 0, close: 7 });
  });

  it('merges a bar behind the last candle into its own interval, or inserts it in order', () => {
    const b = new CandleBuilder();
    b.addBar(T0, 10, 11, 9, 10.5);
    b.addBar(T0 + 3 * S, 12, 12, 12, 12);
    b.addBar(T0 + 100, 10.4, 15, 8, 10.2); // same interval as the first: widens its range only
    b.addBar(T0 + S, 11, 11.5, 10.8, 11.2); // an interval of its own, before the last
    expect(b.candles).toEqual([
      { t: T0, open: 10, high: 15, low: 8, close: 10.5 },
      { t: T0 + S, open: 11, high: 11.5, low: 10.8, close: 11.2 },
      { t: T0 + 3 * S, open: 12, high: 12, low: 12, close: 12 },
    ]);
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new CandleBuilder(0)).toThrow(RangeError);
  });
});
