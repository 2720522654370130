import { describe, expect, it } from 'vitest';
import { EMA } from '../../../actors/indicators/ema.js';
import { indicatorActor, indicatorTopic, type IndicatorActorConfig, type IndicatorValue } from '../../../actors/indicators/indicator-actor.js';
import { OBV } from '../../../actors/indicators/obv.js';
import { topicOf, type TradeBar } from '../../../src/model/records.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MINUTE, SimulatedClock } from '../../../src/runtime/clock.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { askNow } from '../../runtime/fixtures.js';

function bar(close: number, minute: number, symbol = 'BTCUSDT', volume = 1): TradeBar {
  return {
    type: 'trade_bar', exchange: 'binance', symbol, ts: minute * MINUTE - 5, tsRecv: minute * MINUTE, interval: '1m',
    open: close, high: close + 1, low: close - 1, close, volume, buyVolume: volume, sellVolume: 0, trades: 1, vwap: close,
    openTs: (minute - 1) * MINUTE, closeTs: minute * MINUTE,
  };
}

/** Spawns the indicator actor with `config` and a sink on `sinkPrefix`; feeds `bars`; returns what the sink got. */
async function run(config: IndicatorActorConfig, bars: readonly TradeBar[], sinkPrefix = 'ind') {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const values: IndicatorValue[] = [];
  system.spawn(defineActor<void, null, IndicatorValue>({
    name: 'sink', init: () => null, onStart: (s, ctx) => (ctx.subscribe(sinkPrefix), s), receive: (s, m) => (values.push(m), s),
  }));
  const ref = system.spawn(indicatorActor, { config });
  for (const b of bars) {
    clock.advanceTo(b.tsRecv);
    system.publish(topicOf(b), b);
  }
  system.runUntilIdle();
  return { values, stats: await askNow<{ bars: number; published: number }>(system, ref, { type: 'indicator_stats' }) };
}

describe('indicatorActor', () => {
  it('publishes an indicator value per closed bar once warm, on ind.<exchange>.<symbol>.<name>', async () => {
    expect(indicatorTopic('binance', 'BTCUSDT', 'ema3')).toBe('ind.binance.BTCUSDT.ema3');
    // EMA(3), SMA seed: bar 3 (10 + 11 + 15) / 3 = 12; bar 4 12 + (16 − 12) / 2 = 14.
    const { values, stats } = await run({ name: 'ema3', create: () => new EMA(3) }, [bar(10, 1), bar(11, 2), bar(15, 3), bar(16, 4)], 'ind.binance.BTCUSDT.ema3');
    expect(values).toEqual([
      { type: 'indicator', exchange: 'binance', symbol: 'BTCUSDT', ts: 3 * MINUTE - 5, tsRecv: 3 * MINUTE, interval: '1m', name: 'ema3', value: 12 },
      { type: 'indicator', exchange: 'binance', symbol: 'BTCUSDT', ts: 4 * MINUTE - 5, tsRecv: 4 * MINUTE, interval: '1m', name: 'ema3', value: 14 },
    ]);
    expect(stats).toEqual({ bars: 4, published: 2 });
  });

  it('runs one indicator per symbol and feeds the chosen input', async () => {
    const { values } = await run({ name: 'hi', create: () => new EMA(1), input: 'high', symbols: ['ETHUSDT'] }, [bar(10, 1), bar(20, 1, 'ETHUSDT'), bar(30, 2, 'ETHUSDT')]);
    expect(values.map((v) => [v.symbol, v.value])).toEqual([['ETHUSDT', 21], ['ETHUSDT', 31]]);
    const perSymbol = await run({ name: 'ema2', create: () => new EMA(2) }, [bar(10, 1), bar(20, 1, 'ETHUSDT'), bar(12, 2), bar(40, 2, 'ETHUSDT')]);
    expect(perSymbol.values.map((v) => [v.symbol, v.value])).toEqual([['BTCUSDT', 11], ['ETHUSDT', 30]]);
  });

  it('feeds whole bars to bar indicators', async () => {
    // OBV: the first bar only gives a reference close; then +volume on a higher close, −volume on a lower one.
    const { values } = await run({ name: 'obv', create: () => new OBV(), input: 'bar' }, [bar(10, 1, 'BTCUSDT', 5), bar(11, 2, 'BTCUSDT', 3), bar(9, 3, 'BTCUSDT', 2)]);
    expect(values.map((v) => v.value)).toEqual([3, 1]);
  });

  it('refuses a name that is not one topic segment, at spawn', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    let error: unknown;
    try {
      system.spawn(indicatorActor, { config: { name: 'ema.3', create: () => new EMA(3) } });
    } catch (e) {
      error = e;
    }
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/name/);
  });
});
