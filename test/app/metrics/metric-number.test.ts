import { describe, expect, it } from 'vitest';
import { metricNumber, ratioOf } from '../../../src/app/metrics/metric-number.js';

describe('metricNumber', () => {
  it('keeps six significant digits', () => {
    expect(metricNumber(1 / 3)).toBe(0.333333);
    expect(metricNumber(123_456_789)).toBe(123_457_000);
    expect(metricNumber(-2.5e-7 / 3)).toBe(-8.33333e-8);
  });

  it('gives null for what JSON cannot carry, and 0 for -0', () => {
    expect(metricNumber(Number.NaN)).toBeNull();
    expect(metricNumber(Number.POSITIVE_INFINITY)).toBeNull();
    expect(metricNumber(Number.NEGATIVE_INFINITY)).toBeNull();
    expect(metricNumber(null)).toBeNull();
    expect(Object.is(metricNumber(-0), 0)).toBe(true);
  });
});

describe('ratioOf', () => {
  it('divides bigints as doubles and gives null over zero', () => {
    expect(ratioOf(1n, 4n)).toBe(0.25);
    expect(ratioOf(5n, 0n)).toBeNull();
  });
});
