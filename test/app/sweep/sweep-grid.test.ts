import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emaCross } from '../../../actors/strategies/ema-cross.js';
import { meanReversion } from '../../../actors/strategies/mean-reversion.js';
import { combinationAt, combinationCount, combinationSets, expandGrid, parseAxes, type ParamAxis } from '../../../src/app/sweep/sweep-grid.js';
import { TickflowError } from '../../../src/runtime/errors.js';

const ema = (grid: string[], range: string[] = []) => parseAxes('ema-cross', emaCross.params, { grid, range });

function usageError(f: () => unknown): TickflowError {
  try {
    f();
  } catch (error) {
    if (error instanceof TickflowError && error.code === 'CLI_USAGE') return error;
    throw error;
  }
  throw new Error('expected a CLI_USAGE error');
}

describe('parseAxes', () => {
  it('reads --grid values with the types of the strategy schema, grid axes before range axes', () => {
    expect(ema(['fast=5,8,13', 'longOnly=true,false'], ['slow=21..23'])).toEqual([
      { key: 'fast', values: [5, 8, 13] },
      { key: 'longOnly', values: [true, false] },
      { key: 'slow', values: [21, 22, 23] },
    ]);
    expect(ema(['seed=sma,first'])).toEqual([{ key: 'seed', values: ['sma', 'first'] }]);
  });

  it('steps a decimal range on exact decimals, both ends included', () => {
    expect(parseAxes('mean-reversion', meanReversion.params, { grid: [], range: ['k=0.1..0.5:0.1', 'period=10..30:10'] })).toEqual([
      { key: 'k', values: [0.1, 0.2, 0.3, 0.4, 0.5] },
      { key: 'period', values: [10, 20, 30] },
    ]);
  });

  it('names an unknown parameter and lists the valid ones', () => {
    const error = usageError(() => ema(['fats=5,8']));
    expect(error.message).toMatch(/--grid fats=5,8: unknown parameter "fats" for strategy ema-cross; valid: fast, slow, size, seed, longOnly/);
  });

  it('refuses values the parameter schema refuses, naming the flag and the value', () => {
    expect(usageError(() => ema(['fast=5,abc'])).message).toMatch(/--grid fast=5,abc: fast=abc is refused by ema-cross/);
    expect(usageError(() => ema(['fast=5,-3'])).message).toMatch(/fast=-3 is refused by ema-cross: .*/);
    expect(usageError(() => ema(['fast=2.5'])).message).toMatch(/fast=2.5 is refused/);
    expect(usageError(() => ema(['seed=sma,ema'])).message).toMatch(/seed=ema is refused/);
  });

  it('refuses malformed items, a key swept twice, a value given twice and bad ranges', () => {
    expect(usageError(() => ema(['fast'])).message).toMatch(/expected key=v1,v2/);
    expect(usageError(() => ema(['fast=5,,8'])).message).toMatch(/an empty value/);
    expect(usageError(() => ema(['fast=5'], ['fast=1..3'])).message).toMatch(/fast is swept twice/);
    expect(usageError(() => ema(['fast=5,05'])).message).toMatch(/fast=5 is given twice/);
    expect(usageError(() => ema([], ['fast=9..3'])).message).toMatch(/lo 9 is above hi 3/);
    expect(usageError(() => ema([], ['size=1..3'])).message).toMatch(/a decimal parameter needs a step/);
    expect(usageError(() => ema([], ['seed=1..3'])).message).toMatch(/seed is a string parameter of ema-cross; list its values with --grid/);
    expect(usageError(() => ema([], ['fast=1..1000000'])).message).toMatch(/1000000 values, more than 100000/);
  });
});

describe('expandGrid', () => {
  const axesArb = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }).map((lengths): ParamAxis[] => lengths.map((n, a) => ({ key: `p${a}`, values: Array.from({ length: n }, (_, i) => i * 10 + a) })));

  it('gives the product of the axis lengths, each combination exactly once, in nested-loop order', () => {
    fc.assert(
      fc.property(axesArb, (axes) => {
        const all = expandGrid(axes);
        expect(all.length).toBe(axes.reduce((n, a) => n * a.values.length, 1));
        expect(all.length).toBe(combinationCount(axes));
        expect(new Set(all.map((c) => c.join(','))).size).toBe(all.length);
        // Nested loops with the last axis fastest: value positions ascend lexicographically.
        const positions = all.map((c) => c.map((v, a) => axes[a]!.values.indexOf(v)));
        for (let i = 1; i < positions.length; i++) expect(lexCompare(positions[i - 1]!, positions[i]!)).toBeLessThan(0);
        all.forEach((c, i) => expect(combinationAt(axes, i)).toEqual(c));
      }),
    );
  });

  it('turns a combination into --set items', () => {
    const axes = ema(['fast=5,8'], ['slow=21..22']);
    expect(expandGrid(axes).map((c) => combinationSets(axes, c).join(' '))).toEqual(['fast=5 slow=21', 'fast=5 slow=22', 'fast=8 slow=21', 'fast=8 slow=22']);
  });
});

function lexCompare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}
