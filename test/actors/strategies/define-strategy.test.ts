import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SMA } from '../../../actors/indicators/sma.js';
import { defineStrategy, type StrategyConfigInput, type StrategyDefinition } from '../../../actors/strategies/define-strategy.js';
import { STRATEGY_PARAMS, STRATEGY_STATS, type StrategyReconfigure, type StrategyReconfigureResult, type StrategyStats } from '../../../actors/strategies/strategy-api.js';
import { topicOf, type MarketRecord, type Trade, type TradeBar } from '../../../src/model/records.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MINUTE, SimulatedClock } from '../../../src/runtime/clock.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { askNow, countersOf } from '../../runtime/fixtures.js';

// The README example: a complete strategy.
const smaTrend = defineStrategy({
  name: 'sma-trend',
  description: 'long while the close is above its simple moving average, flat otherwise',
  params: z.object({
    period: z.number().int().positive().default(20),
    size: z.number().positive().default(1),
  }),
  init: (p) => ({ sma: new SMA(p.period) }),
  onBar(s, bar, api) {
    const mean = s.sma.update(bar.close);
    if (mean === undefined) return; // warming up: no signal
    api.target(bar.symbol, bar.close > mean ? api.params.size : 0);
  },
});

let seq = 0;
function bar(close: number, minute: number, symbol = 'BTCUSDT', exchange = 'binance', interval = '1m'): TradeBar {
  return {
    type: 'trade_bar', exchange, symbol, ts: minute * MINUTE, tsRecv: minute * MINUTE, interval,
    open: close, high: close, low: close, close, volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: close,
    openTs: (minute - 1) * MINUTE, closeTs: minute * MINUTE,
  };
}
function trade(price: number, minute: number, symbol = 'BTCUSDT'): Trade {
  return { type: 'trade', exchange: 'binance', symbol, ts: minute * MINUTE, tsRecv: minute * MINUTE, id: String(++seq), price, amount: 1, side: 'buy' };
}

/** A system with `definition` spawned as `strategy` and a sink collecting every signal. */
function harness<D extends StrategyDefinition<any>>(definition: D, config?: StrategyConfigInput<D['params']>) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const signals: TargetPosition[] = [];
  system.spawn(defineActor<void, null, TargetPosition>({
    name: 'sink', init: () => null, onStart: (s, ctx) => (ctx.subscribe('signal'), s), receive: (s, m) => (signals.push(m), s),
  }));
  const ref = system.spawn(definition, { name: 'strategy', config });
  return {
    system,
    signals,
    /** [symbol, minute, target] per signal. */
    pins: () => signals.map((s) => [s.symbol, s.ts / MINUTE, s.target]),
    feed(records: readonly MarketRecord[]) {
      for (const r of records) {
        clock.advanceTo(r.tsRecv);
        system.publish(topicOf(r), r);
      }
      system.runUntilIdle();
    },
    stats: () => askNow<StrategyStats>(system, ref, STRATEGY_STATS),
  };
}

describe('defineStrategy', () => {
  it('runs a strategy written in twenty lines (the README example)', async () => {
    const h = harness(smaTrend, { params: { period: 2, size: 3 } });
    // SMA(2): bar 1 warms up; bar 2 mean 10.5, 11 > 10.5 → 3; bar 3 mean 11.5, 12 > → 3 (no change);
    // bar 4 mean 11, 10 < → 0; bar 5 mean 10, 10 not > → 0 (no change).
    h.feed([bar(10, 1), bar(11, 2), bar(12, 3), bar(10, 4), bar(10, 5)]);
    expect(h.pins()).toEqual([['BTCUSDT', 2, 3], ['BTCUSDT', 4, 0]]);
    expect(h.signals[0]!.strategy).toBe('strategy');
    expect(await h.stats()).toEqual({ strategy: 'strategy', signals: 2, bars: 5, trades: 0, targets: [{ exchange: 'binance', symbol: 'BTCUSDT', target: 0 }] });
  });

  it('names the record it was handling as each target\'s cause: the bar for onBar, the trade for onTrade', async () => {
    const h = harness(smaTrend, { params: { period: 2 } });
    h.feed([bar(10, 1), bar(11, 2)]);
    expect(h.signals.map((s) => s.cause)).toEqual([`trade_bar binance:BTCUSDT 1m ${2 * MINUTE}`]);
    const onTrades = harness(defineStrategy({ name: 't', description: 'every trade', params: z.object({}), init: () => null, onTrade: (s, t, api) => void api.target(t.symbol, t.price) }));
    const t = trade(5, 1);
    onTrades.feed([t]);
    expect(onTrades.signals.map((s) => s.cause)).toEqual([`trade binance:BTCUSDT #${t.id}`]);
  });

  it('keeps separate state per instrument, and reports targets sorted by exchange and symbol', async () => {
    const h = harness(smaTrend, { params: { period: 2 } });
    h.feed([bar(10, 1, 'ETHUSDT'), bar(10, 1, 'BTCUSDT'), bar(9, 2, 'ETHUSDT'), bar(11, 2, 'BTCUSDT'), bar(11, 3, 'BTCUSDT', 'bybit'), bar(12, 4, 'BTCUSDT', 'bybit')]);
    // ETH falls (no change from 0), BTC rises on binance; on bybit BTC is a third instrument.
    expect(h.pins()).toEqual([['BTCUSDT', 2, 1], ['BTCUSDT', 4, 1]]);
    expect(h.signals.map((s) => s.exchange)).toEqual(['binance', 'bybit']);
    const stats = await h.stats();
    expect(stats.targets).toEqual([
      { exchange: 'binance', symbol: 'BTCUSDT', target: 1 },
      { exchange: 'binance', symbol: 'ETHUSDT', target: 0 },
      { exchange: 'bybit', symbol: 'BTCUSDT', target: 1 },
    ]);
    expect(stats.signals).toBe(2);
  });

  it('subscribes to its symbols on its exchange only, and to one interval when told', async () => {
    const h = harness(smaTrend, { params: { period: 2 }, exchange: 'binance', symbols: ['ETHUSDT'], interval: '1m' });
    h.feed([
      bar(10, 1, 'BTCUSDT'), bar(20, 2, 'BTCUSDT'),
      bar(10, 1, 'ETHUSDT', 'bybit'), bar(20, 2, 'ETHUSDT', 'bybit'),
      bar(10, 1, 'ETHUSDT', 'binance', '5m'), bar(20, 2, 'ETHUSDT', 'binance', '5m'),
      bar(10, 3, 'ETHUSDT'), bar(20, 4, 'ETHUSDT'),
    ]);
    expect(h.pins()).toEqual([['ETHUSDT', 4, 1]]);
    expect((await h.stats()).bars).toBe(2);
  });

  it('targets another exchange’s instrument when named by its key (exchange:SYMBOL)', async () => {
    const hedge = defineStrategy({
      name: 'hedge',
      params: z.object({}),
      init: () => ({}),
      onBar(s, b, api) {
        // Long spot, short the same symbol on futures: two instruments, two targets.
        api.target(b.symbol, 1);
        api.target(`binance-futures:${b.symbol}`, -1);
        expect(api.currentTarget('binance-futures:BTCUSDT')).toBe(-1);
        expect(api.currentTarget('BTCUSDT')).toBe(1);
        return s;
      },
    });
    const h = harness(hedge);
    h.feed([bar(10, 1)]);
    expect(h.signals.map((t) => [t.exchange, t.symbol, t.target])).toEqual([
      ['binance', 'BTCUSDT', 1],
      ['binance-futures', 'BTCUSDT', -1],
    ]);
    expect((await h.stats()).targets).toEqual([
      { exchange: 'binance', symbol: 'BTCUSDT', target: 1 },
      { exchange: 'binance-futures', symbol: 'BTCUSDT', target: -1 },
    ]);
  });

  it('feeds trades to onTrade and ignores records it has no handler for', async () => {
    const lastPrice = defineStrategy({
      name: 'last-price',
      params: z.object({ above: z.number().default(100) }),
      init: () => ({ seen: 0 }),
      onTrade(s, t, api) {
        api.target(t.symbol, t.price > api.params.above ? 1 : -1);
        return { seen: s.seen + 1 };
      },
    });
    const h = harness(lastPrice);
    h.feed([trade(101, 1), bar(50, 2), trade(102, 3), trade(99, 4)]);
    expect(h.pins()).toEqual([['BTCUSDT', 1, 1], ['BTCUSDT', 4, -1]]);
    expect(await h.stats()).toMatchObject({ signals: 2, bars: 0, trades: 3 });
  });

  it('keeps the last targets and counters across a restart, and re-warms its indicators', async () => {
    const flaky = defineStrategy({
      name: 'flaky',
      params: z.object({}),
      init: () => ({ seen: 0 }),
      onBar(s, b, api) {
        if (b.close < 0) throw new Error('poison bar');
        s.seen++;
        if (s.seen >= 2) api.target(b.symbol, b.close > 100 ? 1 : 0); // warm after two bars
      },
    });
    const h = harness(flaky);
    h.feed([bar(150, 1), bar(150, 2), bar(-1, 3)]);
    expect(countersOf(h.system, 'strategy').restarts).toBe(1);
    // Bar 4 warms the fresh state; bar 5 decides 0, a change from the +1 published before the restart.
    h.feed([bar(50, 4), bar(50, 5)]);
    expect(h.pins()).toEqual([['BTCUSDT', 2, 1], ['BTCUSDT', 5, 0]]);
    // Five bars were handed to onBar, the poison one included.
    expect(await h.stats()).toMatchObject({ signals: 2, bars: 5, targets: [{ exchange: 'binance', symbol: 'BTCUSDT', target: 0 }] });
  });

  it('treats a new order type or limit price as a change, and refuses malformed targets', async () => {
    const limits = defineStrategy({
      name: 'limits',
      params: z.object({}),
      init: () => null,
      onBar(_s, b, api) {
        if (b.close === 1) api.target(b.symbol, 2, { orderType: 'limit', limitPrice: 100 });
        if (b.close === 2) api.target(b.symbol, 2, { orderType: 'limit', limitPrice: 101 });
        if (b.close === 3) api.target(b.symbol, 2);
        if (b.close === 4) api.target(b.symbol, Number.NaN);
      },
    });
    const h = harness(limits);
    h.feed([bar(1, 1), bar(1, 2), bar(2, 3), bar(3, 4)]);
    expect(h.signals.map((s) => [s.target, s.orderType, s.limitPrice])).toEqual([[2, 'limit', 100], [2, 'limit', 101], [2, 'market', undefined]]);
    h.feed([bar(4, 5)]);
    expect(countersOf(h.system, 'strategy').failed).toBe(1);
  });

  it('validates its config at spawn, naming the bad path', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const attempt = (config: unknown) => {
      try {
        system.spawn(smaTrend, { config: config as StrategyConfigInput });
        return undefined;
      } catch (error) {
        return error;
      }
    };
    const unknownParam = attempt({ params: { perod: 5 } });
    expect(isTickflowError(unknownParam, 'CONFIG_INVALID')).toBe(true);
    expect(String((unknownParam as Error).message)).toMatch(/perod/);
    expect((attempt({ params: { period: 0 } }) as Error).message).toMatch(/params\.period/);
    expect((attempt({ symbols: ['BTC.USDT'] }) as Error).message).toMatch(/symbols/);
    expect(attempt(undefined)).toBeUndefined();
  });

  it('refuses a strategy without handlers', () => {
    expect(() => defineStrategy({ name: 'idle', params: z.object({}), init: () => null })).toThrow(/neither onBar nor onTrade/);
  });
});

describe('defineStrategy: reconfigure', () => {
  // The README example with its init param declared: `period` builds the SMA, `size` is read per bar.
  const sized = defineStrategy({
    name: 'sized',
    params: z.object({ period: z.number().int().positive().default(2), size: z.number().positive().default(1) }),
    initParams: ['period'],
    init: (p) => ({ sma: new SMA(p.period) }),
    onBar(s, bar, api) {
      const mean = s.sma.update(bar.close);
      if (mean === undefined) return;
      api.target(bar.symbol, bar.close > mean ? api.params.size : 0);
    },
  });
  const reconfigure = (h: ReturnType<typeof harness>, params: unknown) =>
    askNow<StrategyReconfigureResult>(h.system, h.system.lookup('strategy')!, { type: 'strategy_reconfigure', params } satisfies StrategyReconfigure);
  const paramsOf = (h: ReturnType<typeof harness>) => askNow<unknown>(h.system, h.system.lookup('strategy')!, STRATEGY_PARAMS);

  it('swaps the params for the next handler call and keeps the warm indicators', async () => {
    const h = harness(sized, { params: { period: 2, size: 1 } });
    h.feed([bar(10, 1), bar(11, 2)]);
    expect(await reconfigure(h, { period: 2, size: 3 })).toEqual({ ok: true });
    // The SMA is still warm: bar 3 decides at once (a fresh one would be warming up), with the new size.
    h.feed([bar(12, 3)]);
    expect(h.pins()).toEqual([['BTCUSDT', 2, 1], ['BTCUSDT', 3, 3]]);
    expect(await paramsOf(h)).toEqual({ period: 2, size: 3 });
  });

  it('refuses params the schema refuses, naming them, and keeps the old ones', async () => {
    const h = harness(sized, { params: { period: 2, size: 1 } });
    expect(await reconfigure(h, { period: 2, size: -1 })).toEqual({ ok: false, detail: expect.stringMatching(/invalid parameters for strategy sized:[\s\S]*size/) });
    expect(await reconfigure(h, { period: 2, sizes: 3 })).toEqual({ ok: false, detail: expect.stringContaining('sizes') });
    h.feed([bar(10, 1), bar(11, 2)]);
    expect(h.pins()).toEqual([['BTCUSDT', 2, 1]]);
    expect(await paramsOf(h)).toEqual({ period: 2, size: 1 });
  });

  it('refuses a change of a param init reads (a restart applies it), and takes every param as one when the spec names none', async () => {
    const h = harness(sized, { params: { period: 2, size: 1 } });
    expect(await reconfigure(h, { period: 5, size: 3 })).toEqual({ ok: false, detail: expect.stringContaining('period (2 -> 5) read by init()') });
    expect(await paramsOf(h)).toEqual({ period: 2, size: 1 });
    expect(sized.initParams).toEqual(['period']);
    expect(smaTrend.initParams).toEqual(['period', 'size']);
    const undeclared = harness(smaTrend, { params: { period: 2, size: 1 } });
    expect(await reconfigure(undeclared, { period: 2, size: 3 })).toEqual({ ok: false, detail: expect.stringContaining('size (1 -> 3)') });
  });

  it('keeps reconfigured params across a restart', async () => {
    const flaky = defineStrategy({
      name: 'flaky-sized',
      params: z.object({ size: z.number().positive().default(1) }),
      initParams: [],
      init: () => null,
      onBar(_s, b, api) {
        if (b.close < 0) throw new Error('poison bar');
        api.target(b.symbol, api.params.size);
      },
    });
    const h = harness(flaky);
    h.feed([bar(1, 1)]);
    expect(await reconfigure(h, { size: 4 })).toEqual({ ok: true });
    h.feed([bar(-1, 2)]);
    expect(countersOf(h.system, 'strategy').restarts).toBe(1);
    h.feed([bar(1, 3)]);
    expect(h.pins()).toEqual([['BTCUSDT', 1, 1], ['BTCUSDT', 3, 4]]);
  });
});
