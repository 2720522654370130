import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EmaCrossParams } from '../../../actors/strategies/ema-cross.js';
import { describeParams, parseStrategyParams } from '../../../actors/strategies/strategy-params.js';
import { isTickflowError, type TickflowError } from '../../../src/runtime/errors.js';

const parse = (sets: readonly string[], base?: Record<string, unknown>) => parseStrategyParams('ema-cross', EmaCrossParams, sets, base);

/** The TickflowError `fn` throws (fails the test when it throws nothing or something else). */
function errorOf(fn: () => unknown): TickflowError {
  try {
    fn();
  } catch (error) {
    if (isTickflowError(error, 'CONFIG_INVALID')) return error;
    throw error;
  }
  throw new Error('expected a CONFIG_INVALID error');
}

describe('parseStrategyParams', () => {
  it('fills defaults when nothing is set', () => {
    expect(parse([])).toEqual({ fast: 10, slow: 30, size: 1, seed: 'sma', longOnly: false });
  });

  it('coerces numbers and booleans from strings, keeps enums as strings', () => {
    expect(parse(['fast=5', 'slow=12', 'size=0.25', 'seed=first', 'longOnly=true'])).toEqual({
      fast: 5, slow: 12, size: 0.25, seed: 'first', longOnly: true,
    });
    // Boolean("false") is true; the coercion must read the word.
    expect(parse(['longOnly=false'], { longOnly: true }).longOnly).toBe(false);
    expect(parse(['longOnly=1']).longOnly).toBe(true);
  });

  it('applies overrides over the base params, the last one of a key winning', () => {
    expect(parse(['fast=7', 'fast=8'], { fast: 3, slow: 20 })).toMatchObject({ fast: 8, slow: 20 });
  });

  it('names an unknown key and the valid ones', () => {
    const error = errorOf(() => parse(['fsat=3']));
    expect(error.message).toBe('unknown parameter "fsat" for strategy ema-cross; valid: fast, slow, size, seed, longOnly');
    expect(error.context).toMatchObject({ strategy: 'ema-cross', key: 'fsat' });
  });

  it('refuses values that do not coerce or do not validate, naming the key', () => {
    expect(errorOf(() => parse(['fast=abc'])).message).toMatch(/fast=abc: expected an integer/);
    expect(errorOf(() => parse(['fast='])).message).toMatch(/fast=: expected an integer/); // blank is not 0
    expect(errorOf(() => parse(['longOnly=maybe'])).message).toMatch(/longOnly=maybe: expected a boolean/);
    expect(errorOf(() => parse(['fast=2.5'])).message).toMatch(/fast/);
    expect(errorOf(() => parse(['seed=ema'])).message).toMatch(/seed/);
    expect(errorOf(() => parse(['fast=40'])).message).toMatch(/fast must be less than slow/);
    expect(errorOf(() => parse(['fast'])).message).toMatch(/expected key=value/);
  });

  it('gives back any valid params set as strings', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
        fc.constantFrom('sma', 'first'),
        fc.boolean(),
        (a, b, size, seed, longOnly) => {
          fc.pre(a !== b);
          const params = { fast: Math.min(a, b), slow: Math.max(a, b), size, seed, longOnly };
          const sets = Object.entries(params).map(([k, v]) => `${k}=${String(v)}`);
          expect(parse(sets)).toEqual(params);
        },
      ),
    );
  });

  it('describes each parameter with its type, default and description', () => {
    expect(describeParams(EmaCrossParams)).toEqual([
      { key: 'fast', type: 'integer', default: 10, description: 'period of the fast EMA', values: undefined },
      { key: 'slow', type: 'integer', default: 30, description: 'period of the slow EMA', values: undefined },
      { key: 'size', type: 'number', default: 1, description: 'target size in base units', values: undefined },
      { key: 'seed', type: 'string', default: 'sma', description: 'EMA seeding', values: ['sma', 'first'] },
      { key: 'longOnly', type: 'boolean', default: false, description: 'target 0 instead of -size while fast < slow', values: undefined },
    ]);
  });
});
