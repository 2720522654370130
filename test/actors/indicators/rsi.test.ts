/**
 * RSI examples: the bounded cases and the warm-up. Agreement with references and the streaming
 * properties are checked in lean-reference, npm-references and streaming-properties.
 */
import { describe, expect, it } from 'vitest';
import { RSI } from '../../../actors/indicators/rsi.js';

const feed = (rsi: RSI, xs: readonly number[]) => xs.map((x) => rsi.update(x));

describe('RSI', () => {
  it('returns its first value after period + 1 inputs', () => {
    const out = feed(new RSI(3), [1, 2, 3, 4, 5]);
    expect(out).toEqual([undefined, undefined, undefined, 100, 100]);
    expect(new RSI(3).warmUp).toBe(4);
  });

  it('is 100 with only gains, 0 with only losses and 50 when the price never moved', () => {
    expect(feed(new RSI(5), [1, 2, 3, 4, 5, 6, 7]).at(-1)).toBe(100);
    expect(feed(new RSI(5), [7, 6, 5, 4, 3, 2, 1]).at(-1)).toBe(0);
    expect(feed(new RSI(5), [4, 4, 4, 4, 4, 4, 4]).at(-1)).toBe(50);
  });

  it("seeds with the plain mean of the first N changes, then smooths with Wilder's α = 1/N", () => {
    // Changes +2, −1 (seed: gain 1, loss 0.5), then +1: gain (1·1 + 1)/2 = 1, loss (1·0.5 + 0)/2 = 0.25.
    const out = feed(new RSI(2), [10, 12, 11, 12]);
    expect(out[2]).toBeCloseTo((100 * 1) / 1.5, 12);
    expect(out[3]).toBeCloseTo((100 * 1) / 1.25, 12);
  });
});
