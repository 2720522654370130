/**
 * MACD examples: warm-up, the line before the signal, and result ownership.
 */
import { describe, expect, it } from 'vitest';
import { EMA } from '../../../actors/indicators/ema.js';
import { MACD } from '../../../actors/indicators/macd.js';

describe('MACD', () => {
  it('exposes the line from input max(fast, slow) and returns values from max(fast, slow) + signal − 1', () => {
    const macd = new MACD(3, 5, 4);
    expect(macd.warmUp).toBe(8);
    const xs = [10, 11, 13, 12, 15, 16, 14, 18, 17, 19];
    const lines: (number | undefined)[] = [];
    const values = xs.map((x) => {
      const v = macd.update(x);
      lines.push(macd.line);
      return v;
    });
    expect(lines.findIndex((l) => l !== undefined)).toBe(4);
    expect(values.findIndex((v) => v !== undefined)).toBe(7);
  });

  it('is EMA_fast − EMA_slow with an EMA signal over the line, for both seeds', () => {
    for (const seed of ['sma', 'first'] as const) {
      const macd = new MACD(3, 5, 4, { seed });
      const fast = new EMA(3, { seed });
      const slow = new EMA(5, { seed });
      const signal = new EMA(4, { seed });
      for (const x of [10, 11, 13, 12, 15, 16, 14, 18, 17, 19, 21, 20]) {
        const v = macd.update(x);
        const f = fast.update(x);
        const s = slow.update(x);
        const g = f === undefined || s === undefined ? undefined : signal.update(f - s);
        if (g === undefined) expect(v).toBeUndefined();
        else expect(v).toEqual({ macd: f! - s!, signal: g, histogram: f! - s! - g });
      }
    }
  });

  it('returns a new object on every update, so a kept result never changes', () => {
    const macd = new MACD(1, 2, 1);
    macd.update(1);
    const a = macd.update(2);
    const kept = { ...a! };
    const b = macd.update(5);
    expect(b).not.toBe(a);
    expect(a).toEqual(kept);
  });
});
