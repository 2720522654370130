import { describe, expect, it } from 'vitest';
import { getStrategy, listStrategies, resolveStrategyParams, strategies } from '../../../actors/strategies/strategies.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

describe('strategies', () => {
  it('registers ema-cross, mean-reversion and bench-every-trade under their actor names', () => {
    expect(Object.keys(strategies)).toEqual(['ema-cross', 'mean-reversion', 'bench-every-trade']);
    for (const [name, definition] of Object.entries(strategies)) expect(definition.name).toBe(name);
  });

  it('lists names, inputs and parameter defaults for CLI help, leaving the internal benchmark strategy out', () => {
    const list = listStrategies();
    expect(list.map((s) => [s.name, s.inputs, Object.fromEntries(s.params.map((p) => [p.key, p.default]))])).toEqual([
      ['ema-cross', ['trade_bar'], { fast: 10, slow: 30, size: 1, seed: 'sma', longOnly: false }],
      ['mean-reversion', ['trade_bar'], { period: 20, k: 2, size: 1 }],
    ]);
    expect(list.every((s) => s.description.length > 0)).toBe(true);
  });

  it('still finds the internal bench-every-trade by name, for the benchmarks', () => {
    expect(strategies['bench-every-trade'].internal).toBe(true);
    expect(getStrategy('bench-every-trade')).toBe(strategies['bench-every-trade']);
    expect(resolveStrategyParams('bench-every-trade', ['size=2'])).toEqual({ size: 2 });
  });

  it('names the valid strategies when asked for an unknown one', () => {
    let error: unknown;
    try {
      getStrategy('ema-crossover');
    } catch (e) {
      error = e;
    }
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toBe('unknown strategy "ema-crossover"; valid: ema-cross, mean-reversion');
    expect(() => getStrategy('toString')).toThrow(/unknown strategy/);
  });

  it('resolves --set overrides against a strategy by name', () => {
    expect(resolveStrategyParams('mean-reversion', ['k=1.5'], { period: 50 })).toEqual({ period: 50, k: 1.5, size: 1 });
    expect(() => resolveStrategyParams('mean-reversion', ['fast=3'])).toThrow('unknown parameter "fast" for strategy mean-reversion; valid: period, k, size');
  });
});
