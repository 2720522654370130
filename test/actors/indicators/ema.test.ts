/**
 * EMA examples for the two seedings.
 */
import { describe, expect, it } from 'vitest';
import { EMA } from '../../../actors/indicators/ema.js';

describe('EMA', () => {
  it("with seed 'sma' (the default) first returns the mean of the first N inputs", () => {
    const ema = new EMA(3);
    expect([1, 2, 6].map((x) => ema.update(x))).toEqual([undefined, undefined, 3]);
    // α = 2 / (3 + 1) = 0.5
    expect(ema.update(5)).toBe(4);
    expect(ema.seed).toBe('sma');
  });

  it("with seed 'first' starts from the first input and also first returns after N inputs", () => {
    const ema = new EMA(3, { seed: 'first' });
    // 1 → 1.5 → 3.75, returned from the third input on.
    expect([1, 2, 6].map((x) => ema.update(x))).toEqual([undefined, undefined, 3.75]);
    expect(ema.update(5)).toBe(4.375);
  });

  it('replace revises the forming input, any number of times', () => {
    const ema = new EMA(2);
    ema.update(1);
    ema.update(3);
    ema.update(100);
    ema.replace(50);
    expect(ema.replace(5)).toBe(2 + (2 / 3) * (5 - 2));
  });
});
