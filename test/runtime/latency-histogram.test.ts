import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../src/runtime/latency-histogram.js';

function histogramOf(values: readonly number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

/** The exact `p`-th percentile by nearest rank (the value the histogram approximates from above). */
function nearestRank(sorted: readonly number[], p: number): number {
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
}

/**
 * The upper bound of the bucket holding `v`, derived from the documented layout rather than the
 * implementation: values below 8 are exact; above, each power of two is split into 8 equal parts.
 */
function bucketTop(v: number): number {
  if (v < 8) return v;
  const width = 2 ** (Math.floor(Math.log2(v)) - 3);
  return Math.floor(v / width) * width + width - 1;
}

describe('LatencyHistogram', () => {
  it('returns 0 for every percentile when empty', () => {
    const h = new LatencyHistogram();
    expect(h.count).toBe(0);
    expect(h.max).toBe(0);
    for (const p of [0, 50, 99, 100]) expect(h.percentile(p)).toBe(0);
  });

  it('is exact for values below 8, and counts negatives as 0 and truncates fractions', () => {
    const h = histogramOf([3, 1, 7, 5, 0, -4, 2.9]);
    // Sorted: 0 0 1 2 3 5 7.
    expect(h.count).toBe(7);
    expect(h.max).toBe(7);
    const ps = [0, 30, 50, 70, 80, 100];
    // Ranks ceil(p / 100 * 7), at least 1: 1, 3, 4, 5, 6, 7.
    expect(ps.map((p) => h.percentile(p))).toEqual([0, 1, 2, 3, 5, 7]);
  });

  it('reads a uniform 1..1000 ns distribution within the documented ~12% relative error', () => {
    const h = histogramOf(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(h.count).toBe(1000);
    expect(h.max).toBe(1000);
    const p50 = h.percentile(50);
    expect(p50).toBeGreaterThanOrEqual(500);
    expect(p50).toBeLessThanOrEqual(500 * 1.125);
    expect(p50).toBe(511); // 500 lies in [480, 511]
    const p99 = h.percentile(99);
    expect(p99).toBeGreaterThanOrEqual(990);
    expect(p99).toBe(1000); // bucket [960, 1023], clipped to the max seen
    expect(h.percentile(90)).toBe(959); // 900 lies in [896, 959]
    expect(h.percentile(100)).toBe(1000);
  });

  it('reports a single value exactly as its bucket top, clipped to the value itself', () => {
    for (const v of [1, 8, 9, 100, 12_345, 1e9]) {
      const h = histogramOf([v]);
      for (const p of [0, 50, 100]) expect(h.percentile(p)).toBe(v);
      expect(h.max).toBe(v);
    }
  });

  it('picks the nearest-rank bucket, rounding the rank up', () => {
    const h = histogramOf([1000, 20, 100]);
    expect(h.percentile(33)).toBe(21); // rank ceil(0.99) = 1: 20 lies in [20, 21]
    expect(h.percentile(34)).toBe(103); // rank ceil(1.02) = 2: 100 lies in [96, 103]
    expect(h.percentile(50)).toBe(103); // rank ceil(1.5) = 2
    expect(h.percentile(67)).toBe(1000); // rank 3, clipped to the max
  });

  it('approximates the nearest-rank percentile from above by less than one sub-bucket (1/8)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p) => {
          const h = histogramOf(values);
          const sorted = [...values].sort((a, b) => a - b);
          const exact = nearestRank(sorted, p);
          const got = h.percentile(p);
          expect(got).toBe(Math.min(bucketTop(exact), sorted.at(-1)!));
          expect(got).toBeGreaterThanOrEqual(exact);
          expect(got).toBeLessThanOrEqual(exact + exact / 8);
        },
      ),
    );
  });

  it('is monotone in p and reaches the exact max at p = 100', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10_000_000 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, p, q) => {
          const h = histogramOf(values);
          const [lo, hi] = p <= q ? [p, q] : [q, p];
          expect(h.percentile(lo)).toBeLessThanOrEqual(h.percentile(hi));
          expect(h.percentile(100)).toBe(Math.max(...values));
          expect(h.max).toBe(Math.max(...values));
          expect(h.count).toBe(values.length);
        },
      ),
    );
  });
});
