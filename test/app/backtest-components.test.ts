import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { IndicatorValue } from '../../actors/indicators/indicator-actor.js';
import { SMA } from '../../actors/indicators/sma.js';
import type { RiskCheck } from '../../actors/risk/risk-check.js';
import { riskChecks } from '../../actors/risk/risk-checks.js';
import { RISK_OK } from '../../actors/risk/risk-reason.js';
import { defineStrategy } from '../../actors/strategies/define-strategy.js';
import { getStrategy, listStrategies } from '../../actors/strategies/strategies.js';
import { runBacktest, type BacktestRequest } from '../../src/app/backtest.js';
import { resolveBacktestComponents } from '../../src/app/backtest-components.js';
import { createConfig } from '../../src/app/create-config.js';
import type { ActorSystem } from '../../src/runtime/actor-system.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import { observeTopic } from '../../streams/observe-topic.js';

/** A user's strategy, never registered: long while the close is above its SMA, short below. */
const smaFlip = defineStrategy({
  name: 'test-sma-flip',
  params: z.object({ period: z.number().int().positive().default(5), size: z.number().positive().default(1) }),
  init: (p) => ({ sma: new SMA(p.period) }),
  onBar(s, bar, api) {
    const mean = s.sma.update(bar.close);
    if (mean !== undefined) api.target(bar.symbol, bar.close > mean ? api.params.size : -api.params.size);
  },
});

// About 40 minutes of the simulated market in 10 s bars: a few hundred bars, well under a second.
const config = createConfig({ simulated: { records: 20_000 }, bars: { spec: '10s' } });

function request(extra: Partial<BacktestRequest>): BacktestRequest {
  return { input: { kind: 'simulated' }, config, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('runBacktest with components given as values', () => {
  it('runs a strategy definition passed as a value, with no registry entry', async () => {
    const outcome = await runBacktest(request({ strategy: smaFlip, sets: ['period=8'] }));
    expect(outcome.strategy).toEqual({ name: 'test-sma-flip', params: { period: 8, size: 1 } });
    expect(outcome.strategyStats.signals).toBeGreaterThan(10);
    expect(outcome.execution.fillCount).toBeGreaterThan(10);
    // Nothing global changed: the built-ins are what they were.
    expect(listStrategies().map((s) => s.name)).not.toContain('test-sma-flip');
    expect(() => getStrategy('test-sma-flip')).toThrow(/unknown strategy/);
  });

  it('runs the definition given even when the config names a built-in', async () => {
    const builtIn = await runBacktest(request({}));
    const given = await runBacktest(request({ strategy: smaFlip }));
    expect(builtIn.strategy.name).toBe('ema-cross');
    expect(given.strategy.name).toBe('test-sma-flip');
    expect(given.strategyStats.signals).not.toBe(builtIn.strategyStats.signals);
  });

  it('still names the valid strategies for an unknown name, from the config or the request', async () => {
    for (const req of [request({ config: { ...config, strategy: { name: 'no-such', params: {} } } }), request({ strategy: 'no-such' })]) {
      const error = await rejection(runBacktest(req));
      expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
      expect(error.message).toBe(`unknown strategy "no-such"; valid: ${listStrategies().map((s) => s.name).join(', ')}`);
      expect(error.message).toContain('ema-cross, mean-reversion');
    }
  });

  it('refuses a strategy value that is not a definition, and params its schema refuses', async () => {
    const notDefined = await rejection(runBacktest(request({ strategy: { name: 'x', onBar: () => undefined } as never })));
    expect(notDefined.message).toMatch(/^strategy must be a built-in strategy's name \(ema-cross, .*\) or a value made with defineStrategy$/);
    const badParam = await rejection(runBacktest(request({ strategy: smaFlip, sets: ['period=0'] })));
    expect(badParam.message).toMatch(/invalid parameters for strategy test-sma-flip/);
  });

  it('runs the risk checks given in place of the built-in list', async () => {
    const denyAll: RiskCheck = { name: 'deny-all', configKeys: [], check: () => ({ ok: false, reason: 'MAX_POSITION', detail: 'nothing passes' }) };
    const outcome = await runBacktest(request({ strategy: smaFlip, riskChecks: [...riskChecks, denyAll] }));
    expect(outcome.execution.fillCount).toBe(0);
    expect(outcome.risk.approved).toBe(0);
    expect(outcome.risk.denials.MAX_POSITION).toBeGreaterThan(0);
    const allowAll: RiskCheck = { name: 'allow-all', configKeys: [], check: () => RISK_OK };
    expect((await runBacktest(request({ strategy: smaFlip, riskChecks: [allowAll] }))).execution.fillCount).toBeGreaterThan(0);
  });

  it('runs the indicator actors given beside the strategy, publishing on ind.<exchange>.<symbol>.<name>', async () => {
    const values: IndicatorValue[] = [];
    const onSystem = (system: ActorSystem): void => {
      observeTopic<IndicatorValue>(system, 'ind').subscribe((v) => values.push(v));
    };
    const outcome = await runBacktest(request({ strategy: smaFlip, indicators: [{ name: 'sma3', create: () => new SMA(3) }], onSystem }));
    expect(values.length).toBe(outcome.bars.emitted - 2);
    expect(values[0]).toMatchObject({ type: 'indicator', exchange: 'sim', symbol: 'SIMUSDT', name: 'sma3', interval: '10s' });
    expect(outcome.actors.map((a) => a.path)).toContain('pipeline/market/indicator-sma3');
  });
});

describe('resolveBacktestComponents', () => {
  it('refuses a risk check reading a key the risk config does not have', () => {
    const check: RiskCheck = { name: 'mine', configKeys: ['maxLeverage' as never], check: () => RISK_OK };
    expect(() => resolveBacktestComponents({ riskChecks: [check] }, config)).toThrow(/riskChecks\[0\] \(mine\): configKeys maxLeverage are not keys of the risk config/);
  });

  it('refuses a malformed risk check and indicators named twice', () => {
    expect(() => resolveBacktestComponents({ riskChecks: [{ name: 'half' } as never] }, config)).toThrow(/riskChecks\[0\]: a risk check is/);
    const sma = { name: 'sma', create: () => new SMA(3) };
    expect(() => resolveBacktestComponents({ indicators: [sma, sma] }, config)).toThrow(/indicators\[1\]: the name "sma" is given twice/);
  });

  it('resolves the config strategy by name when the request gives none', () => {
    const resolved = resolveBacktestComponents({}, config, ['fast=3']);
    expect(resolved.strategy).toBe(getStrategy('ema-cross'));
    expect(resolved.params).toMatchObject({ fast: 3, slow: 30 });
    expect(resolved.riskChecks).toBeUndefined();
    expect(resolved.indicators).toEqual([]);
  });
});
