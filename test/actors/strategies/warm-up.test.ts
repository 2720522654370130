import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SMA } from '../../../actors/indicators/sma.js';
import { defineStrategy, type StrategyDefinition } from '../../../actors/strategies/define-strategy.js';
import { emaCross } from '../../../actors/strategies/ema-cross.js';
import { meanReversion } from '../../../actors/strategies/mean-reversion.js';
import { STRATEGY_STATS, type StrategyStats } from '../../../actors/strategies/strategy-api.js';
import { topicOf, type TradeBar } from '../../../src/model/records.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MINUTE, SimulatedClock } from '../../../src/runtime/clock.js';
import { askNow, countersOf } from '../../runtime/fixtures.js';

function bar(close: number, minute: number, symbol = 'BTCUSDT'): TradeBar {
  return {
    type: 'trade_bar', exchange: 'binance', symbol, ts: minute * MINUTE, tsRecv: minute * MINUTE, interval: '1m',
    open: close, high: close, low: close, close, volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: close,
    openTs: (minute - 1) * MINUTE, closeTs: minute * MINUTE,
  };
}

function harness(definition: StrategyDefinition<any>, params: Record<string, unknown> = {}) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const ref = system.spawn(definition, { name: 'strategy', config: { params } });
  return {
    system,
    feed(bars: readonly TradeBar[]) {
      for (const b of bars) {
        clock.advanceTo(b.tsRecv);
        system.publish(topicOf(b), b);
      }
      system.runUntilIdle();
    },
    warmUp: async () => (await askNow<StrategyStats>(system, ref, STRATEGY_STATS)).warmUp,
  };
}

/** An SMA trend that states its warm-up, and throws on a negative close (a poison bar). */
const smaTrend = defineStrategy({
  name: 'sma-trend',
  params: z.object({ period: z.number().int().positive().default(3) }),
  warmUp: (p) => p.period,
  init: (p) => ({ sma: new SMA(p.period) }),
  onBar(s, b, api) {
    if (b.close < 0) throw new Error('poison bar');
    const mean = s.sma.update(b.close);
    if (mean !== undefined) api.target(b.symbol, b.close > mean ? 1 : 0);
  },
});

describe('a strategy that states its warm-up', () => {
  it('reports per instrument the inputs it got and whether they were enough', async () => {
    const h = harness(smaTrend, { period: 3 });
    h.feed([bar(1, 1), bar(1, 1, 'ETHUSDT'), bar(2, 2), bar(2, 2, 'ETHUSDT'), bar(3, 3, 'ETHUSDT'), bar(4, 4, 'ETHUSDT')]);
    expect(await h.warmUp()).toEqual({
      needed: 3,
      instruments: [
        { exchange: 'binance', symbol: 'BTCUSDT', inputs: 2, warm: false },
        { exchange: 'binance', symbol: 'ETHUSDT', inputs: 4, warm: true },
      ],
    });
  });

  it('counts each life of the state apart across restarts, and keeps the best of them', async () => {
    const h = harness(smaTrend, { period: 5 });
    // Four bars and the poison one (handed to onBar: five), then a fresh state gets two.
    h.feed([bar(1, 1), bar(2, 2), bar(3, 3), bar(4, 4), bar(-1, 5), bar(5, 6), bar(6, 7)]);
    expect(countersOf(h.system, 'strategy').restarts).toBe(1);
    expect((await h.warmUp())!.instruments).toEqual([{ exchange: 'binance', symbol: 'BTCUSDT', inputs: 5, warm: true }]);

    // Restarted every third bar, a five-bar warm-up is never reached: the lives do not add up.
    const short = harness(smaTrend, { period: 5 });
    short.feed([bar(1, 1), bar(2, 2), bar(-1, 3), bar(1, 4), bar(2, 5), bar(-1, 6), bar(1, 7)]);
    expect((await short.warmUp())!.instruments).toEqual([{ exchange: 'binance', symbol: 'BTCUSDT', inputs: 3, warm: false }]);
  });

  it('says nothing when the strategy states no warm-up', async () => {
    const silent = defineStrategy({ name: 'silent', params: z.object({}), init: () => null, onBar: () => undefined });
    const h = harness(silent);
    h.feed([bar(1, 1)]);
    expect(await h.warmUp()).toBeUndefined();
  });

  it('states the built-in strategies\' warm-ups: the slower EMA for ema-cross, the window for mean-reversion', async () => {
    const ema = harness(emaCross as unknown as StrategyDefinition<any>, { fast: 5, slow: 8 });
    ema.feed([bar(1, 1)]);
    expect((await ema.warmUp())!.needed).toBe(8);
    const mr = harness(meanReversion as unknown as StrategyDefinition<any>, { period: 12 });
    mr.feed([bar(1, 1)]);
    expect((await mr.warmUp())!.needed).toBe(12);
  });
});
