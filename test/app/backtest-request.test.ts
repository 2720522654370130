import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SMA } from '../../actors/indicators/sma.js';
import { defineStrategy } from '../../actors/strategies/define-strategy.js';
import { runBacktest } from '../../src/app/backtest.js';
import { createBacktestRequest } from '../../src/app/backtest-request.js';
import { parseConfig } from '../../src/app/config.js';
import { createConfig } from '../../src/app/create-config.js';

const trend = defineStrategy({
  name: 'test-trend',
  params: z.object({ period: z.number().int().positive().default(20), size: z.number().positive().default(1) }),
  init: (p) => ({ sma: new SMA(p.period) }),
  onBar(s, bar, api) {
    const mean = s.sma.update(bar.close);
    if (mean !== undefined) api.target(bar.symbol, bar.close > mean ? api.params.size : 0);
  },
});

describe('createConfig', () => {
  it('gives every default for nothing, as parseConfig does', () => {
    expect(createConfig()).toEqual(parseConfig({}, 'defaults'));
  });

  it('takes keys as a YAML file holds them and lists every bad path', () => {
    expect(createConfig({ cash: 2500, books: { publishEvery: '1s' } })).toMatchObject({ cash: '2500', books: { publishEvery: 1_000_000 } });
    expect(() => createConfig({ seed: 1.5, bars: { timeBase: 'wall' as never } })).toThrow(/invalid config \(createConfig\):\n {2}seed: .*\n {2}bars\.timeBase: /);
  });
});

describe('createBacktestRequest', () => {
  it('builds a request for the simulated market from a definition and its params', () => {
    const request = createBacktestRequest({ strategy: trend, params: { period: 8 }, config: { seed: 7, strategy: { params: { size: 2 } } } });
    expect(request.input).toEqual({ kind: 'simulated' });
    expect(request.strategy).toBe(trend);
    expect(request.config.strategy).toEqual({ name: 'test-trend', params: { size: 2, period: 8 } });
    expect(request.config.seed).toBe(7);
    expect(request.sets).toEqual([]);
  });

  it('reads files when given data, and a built-in by name', () => {
    const request = createBacktestRequest({ strategy: 'ema-cross', data: 'bars.csv@BTCUSDT', format: 'bars-csv' });
    expect(request.input).toEqual({ kind: 'files', data: ['bars.csv@BTCUSDT'], format: 'bars-csv', symbol: undefined });
    expect(request.config.strategy.name).toBe('ema-cross');
  });

  it('gives a request runBacktest runs with the params given, sets applied last', async () => {
    const request = createBacktestRequest({ strategy: trend, params: { period: 8 }, sets: ['size=3'], config: { simulated: { records: 20_000 }, bars: { spec: '10s' } } });
    const outcome = await runBacktest(request);
    expect(outcome.strategy).toEqual({ name: 'test-trend', params: { period: 8, size: 3 } });
    expect(outcome.execution.fillCount).toBeGreaterThan(0);
  });
});
