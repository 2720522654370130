import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ParamAxis } from '../../../src/app/sweep/sweep-grid.js';
import { sampleCombinations } from '../../../src/app/sweep/sweep-random.js';

const axes = (...lengths: number[]): ParamAxis[] => lengths.map((n, a) => ({ key: `p${a}`, values: Array.from({ length: n }, (_, i) => i) }));

describe('sampleCombinations', () => {
  it('draws the same combinations for the same seed, and others for another seed', () => {
    const grid = axes(46, 100, 7);
    const a = sampleCombinations(grid, 25, 7);
    expect(sampleCombinations(grid, 25, 7)).toEqual(a);
    expect(sampleCombinations(grid, 25, 8)).not.toEqual(a);
    // Pinned: the sample is part of what a seed means, on every machine and version.
    expect(sampleCombinations(axes(10, 10), 5, 42)).toEqual([62, 31, 37, 64, 86]);
  });

  it('draws distinct combinations within the grid; the whole grid in order when asked for as many or more', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 300 }), fc.integer(), (lengths, n, seed) => {
        const grid = axes(...lengths);
        const total = lengths.reduce((x, y) => x * y, 1);
        const drawn = sampleCombinations(grid, n, seed);
        expect(drawn.length).toBe(Math.min(n, total));
        expect(new Set(drawn).size).toBe(drawn.length);
        expect(drawn.every((i) => Number.isInteger(i) && i >= 0 && i < total)).toBe(true);
        if (n >= total) expect(drawn).toEqual(Array.from({ length: total }, (_, i) => i));
      }),
    );
  });
});
