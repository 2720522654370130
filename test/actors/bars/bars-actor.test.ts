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
  it('closes a time bar on the clock one grace after its end, without a following trade', async () => {
    const { clock, system, bars, ref } = rig();
    await replay(system, createArraySource([trade(T0 + 100_000, 10, 1, 'buy'), trade(T0 + 600_000, 12, 3, 'sell')]));
    expect(bars).toEqual([]);
    clock.advanceTo(T0 + SECOND + 249_999);
    expect(bars).toEqual([]);
    clock.advanceTo(T0 + SECOND + 250_000);
    expect(bars).toHaveLength(1);
    expect(bars[0]!.at).toBe(T0 + SECOND + 250_000);
    expect(bars[0]!.bar).toMatchObject({ open: 10, high: 12, low: 10, close: 12, volume: 4, buyVolume: 1, sellVolume: 3, trades: 2, vwap: 11.5, openTs: T0, closeTs: T0 + SECOND, tsRecv: T0 + SECOND });
    // A forming bar is flushed at the end of input.
    await replay(system, createArraySource([trade(T0 + 2_500_000, 9, 1, 'buy')]));
    const flushed = ref.ask({ type: 'bars_flush' });
    system.runUntilIdle();
    expect(await flushed).toBe(1);
    expect(bars.map((b) => b.bar.open)).toEqual([10, 9]);
  });

  /** A system with the bars actor (1 s bars, default grace) and a sink recording each bar with the engine time it arrived. */
  function rig() {
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
    system.runUntilIdle();
    /** Delivers a trade stamped `tsRecv` at the current engine time (a live record that lagged). */
    const arrive = (record: Trade) => {
      system.publish('md.x.AAA.trade', record);
      system.runUntilIdle();
    };
    return { clock, system, bars, ref, arrive };
  }

  it('closes a time bar at the first record stamped at or past its end, before the grace runs out', async () => {
    const { system, bars } = rig();
    await replay(system, createArraySource([trade(T0 + 100_000, 10, 1, 'buy'), trade(T0 + SECOND + 100_000, 11, 1, 'buy')]));
    expect(bars).toHaveLength(1);
    expect(bars[0]!.at).toBe(T0 + SECOND + 100_000);
    expect(bars[0]!.bar).toMatchObject({ open: 10, close: 10, trades: 1, tsRecv: T0 + SECOND });
  });

  it('keeps a record stamped inside a bar in that bar when it arrives after the bar ended but within the grace', async () => {
    const { clock, bars, ref, arrive } = rig();
    arrive(trade(T0 + 100_000, 10, 1, 'buy'));
    clock.advanceTo(T0 + SECOND + 200_000); // the live clock ran past the end; the record below lagged 300 ms
    arrive(trade(T0 + 900_000, 12, 1, 'sell'));
    clock.advanceTo(T0 + SECOND + 250_000);
    expect(bars).toHaveLength(1);
    expect(bars[0]!.bar).toMatchObject({ open: 10, close: 12, trades: 2 });
    const stats = ref.ask({ type: 'bars_stats' });
    clock.advanceTo(T0 + SECOND + 250_000);
    expect(await stats).toMatchObject({ carried: 0 });
  });

  it('carries a record that lagged past the grace into the bar forming now, and counts it', async () => {
    const { clock, system, bars, ref, arrive } = rig();
    arrive(trade(T0 + 100_000, 10, 1, 'buy'));
    clock.advanceTo(T0 + SECOND + 300_000);
    expect(bars).toHaveLength(1);
    arrive(trade(T0 + 900_000, 12, 1, 'sell'));
    const stats = ref.ask({ type: 'bars_stats' });
    system.runUntilIdle();
    expect(await stats).toMatchObject({ carried: 1 });
    expect(bars[0]!.bar).toMatchObject({ open: 10, close: 10, trades: 1 });
  });
});
