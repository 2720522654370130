import { describe, expect, it } from 'vitest';
import { benchEveryTrade } from '../../../actors/strategies/bench-every-trade.js';
import { STRATEGY_STATS, type StrategyStats } from '../../../actors/strategies/strategy-api.js';
import { topicOf, type Trade } from '../../../src/model/records.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { askNow } from '../../runtime/fixtures.js';

describe('bench-every-trade', () => {
  it('flips each instrument between +size and -size on every trade: one signal per trade', async () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    const signals: TargetPosition[] = [];
    system.spawn(defineActor<void, null, TargetPosition>({
      name: 'sink', init: () => null, onStart: (s, ctx) => (ctx.subscribe('signal'), s), receive: (s, m) => (signals.push(m), s),
    }));
    const ref = system.spawn(benchEveryTrade, { config: { params: { size: 2 } } });
    const symbols = ['BTCUSDT', 'BTCUSDT', 'ETHUSDT', 'BTCUSDT', 'ETHUSDT'];
    symbols.forEach((symbol, i) => {
      const trade: Trade = { type: 'trade', exchange: 'binance', symbol, ts: i * SECOND, tsRecv: i * SECOND, id: String(i), price: 100, amount: 1, side: 'sell' };
      clock.advanceTo(trade.tsRecv);
      system.publish(topicOf(trade), trade);
    });
    system.runUntilIdle();
    expect(signals.map((s) => [s.symbol, s.target])).toEqual([['BTCUSDT', 2], ['BTCUSDT', -2], ['ETHUSDT', 2], ['BTCUSDT', 2], ['ETHUSDT', -2]]);
    expect(await askNow<StrategyStats>(system, ref, STRATEGY_STATS)).toMatchObject({ signals: 5, trades: 5, bars: 0 });
  });
});
