import { describe, expect, it } from 'vitest';
import { calmar } from '../../../src/app/metrics/calmar.js';

describe('calmar', () => {
  it('is CAGR over the maximum drawdown fraction', () => {
    // 50% a year with a 25% drawdown: 0.5 / 0.25 = 2
    expect(calmar(0.5, 0.25)).toBe(2);
    expect(calmar(-0.2, 0.4)).toBeCloseTo(-0.5, 12);
  });

  it('is null without a CAGR (under a day) or without a drawdown', () => {
    expect(calmar(null, 0.25)).toBeNull();
    expect(calmar(0.5, 0)).toBeNull();
    expect(calmar(0.5, null)).toBeNull();
  });
});
