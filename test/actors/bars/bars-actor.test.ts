import { describe, expect, it } from 'vitest';
import { barsActor } from '../../../actors/bars/bars-actor.js';
import type { Trade, TradeBar } from '../../../src/model/records.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { createArraySource } from '../../support/array-source.js';
import { replay } from '../../../streams/replay-driver.js';

const T0 = 1_700_000_000 * SECOND;

function trade(tsRecv: number, price: number, amount: number, side: 'buy' | 'sell'): Trade {
  return { type: 'trade', exchange: 'x', symbol: 'AAA', ts: tsRecv, tsRecv, id: String(tsRecv), price, amount, side };
}

describe('bars actor', () => {
  it('closes a time bar when its interval ends on the clock, without a following trade', async () => {
    const clock = new SimulatedClock(T0);
    const system = createActorSystem({ clock });
    const bars: { bar: TradeBar; at: number }[] = [];
    system.spawn(
      defineActor<void, null, TradeBar>({
        name: 'sink',
        init: () => null,
        onStart: (s, ctx) => (ctx.subscribe('md.x.AAA.trade_bar'), s),
        receive: (s, bar, ctx) => (bars.push({ bar, at: ctx.clock.now() }), s),
      }),
    );
    const ref = system.spawn(barsActor, { config: { spec: '1s' } });
    await replay(system, createArraySource([trade(T0 + 100_000, 10, 1, 'buy'), trade(T0 + 600_000, 12, 3, 'sell')]));
    expect(bars).toEqual([]);
    clock.advanceTo(T0 + SECOND);
    expect(bars).toHaveLength(1);
    expect(bars[0]!.at).toBe(T0 + SECOND);
    expect(bars[0]!.bar).toMatchObject({ open: 10, high: 12, low: 10, close: 12, volume: 4, buyVolume: 1, sellVolume: 3, trades: 2, vwap: 11.5, openTs: T0, closeTs: T0 + SECOND, tsRecv: T0 + SECOND });
    // A forming bar is flushed at the end of input.
    await replay(system, createArraySource([trade(T0 + 2_500_000, 9, 1, 'buy')]));
    const flushed = ref.ask({ type: 'bars_flush' });
    system.runUntilIdle();
    expect(await flushed).toBe(1);
    expect(bars.map((b) => b.bar.open)).toEqual([10, 9]);
  });
});
