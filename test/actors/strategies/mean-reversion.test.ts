import { describe, expect, it } from 'vitest';
import { meanReversion } from '../../../actors/strategies/mean-reversion.js';
import { STRATEGY_STATS, type StrategyStats } from '../../../actors/strategies/strategy-api.js';
import { topicOf, type TradeBar } from '../../../src/model/records.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MINUTE, SimulatedClock } from '../../../src/runtime/clock.js';
import { askNow } from '../../runtime/fixtures.js';

/** Closed 1m bars of `closes`, the i-th arriving at (i + 1) minutes. */
function bars(closes: readonly number[]): TradeBar[] {
  return closes.map((close, i) => ({
    type: 'trade_bar', exchange: 'binance', symbol: 'ETHUSDT', ts: (i + 1) * MINUTE, tsRecv: (i + 1) * MINUTE, interval: '1m',
    open: close, high: close, low: close, close, volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: close,
    openTs: i * MINUTE, closeTs: (i + 1) * MINUTE,
  }));
}

/** Runs mean-reversion over `closes`; returns [bar number, target] per signal, and the stats. */
async function run(params: Record<string, unknown>, closes: readonly number[]) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const signals: TargetPosition[] = [];
  system.spawn(defineActor<void, null, TargetPosition>({
    name: 'sink', init: () => null, onStart: (s, ctx) => (ctx.subscribe('signal'), s), receive: (s, m) => (signals.push(m), s),
  }));
  const ref = system.spawn(meanReversion, { config: { params } });
  for (const bar of bars(closes)) {
    clock.advanceTo(bar.tsRecv);
    system.publish(topicOf(bar), bar);
  }
  system.runUntilIdle();
  const stats = await askNow<StrategyStats>(system, ref, STRATEGY_STATS);
  return { pins: signals.map((s) => [s.ts / MINUTE, s.target]), stats };
}

// Hand computation, period 3, k 1, population standard deviation over the last 3 closes (current included):
//  bar close  window      mean    sd      band [mean − sd, mean + sd]   held → target
//   1-3  10   10 10 10    10      0       [10, 10]                       0: inside, flat window
//   4    13   10 10 13    11      1.414   [9.586, 12.414]                0 → −1 (above: enter short)   signal 1
//   5    11   10 13 11    11.333  1.247   [10.086, 12.580]               −1 → 0 (11 <= mean: exit)      signal 2
//   6    10   13 11 10    11.333  1.247   [10.086, 12.580]               0 → +1 (below: enter long)     signal 3
//   7     7   11 10 7     9.333   1.700   [7.634, 11.033]                +1 (below again: no change)
//   8     9   10 7 9      8.667   1.247   [7.420, 9.914]                 +1 → 0 (9 >= mean: exit)       signal 4
//   9    10   7 9 10      8.667   1.247   [7.420, 9.914]                 0 → −1 (above)                 signal 5
//  10    11   9 10 11     10      0.816   [9.184, 10.816]                −1 (above again: no change)
//  11     7   10 11 7     9.333   1.700   [7.634, 11.033]                −1 → +1 (below: flip directly)  signal 6
const SERIES = [10, 10, 10, 13, 11, 10, 7, 9, 10, 11, 7];

describe('mean-reversion', () => {
  it('enters against moves beyond k standard deviations and exits at the mean, as computed by hand', async () => {
    const { pins, stats } = await run({ period: 3, k: 1, size: 1 }, SERIES);
    expect(pins).toEqual([[4, -1], [5, 0], [6, 1], [8, 0], [9, -1], [11, 1]]);
    expect(stats.signals).toBe(6);
    expect(stats.targets).toEqual([{ exchange: 'binance', symbol: 'ETHUSDT', target: 1 }]);
  });

  it('stays out while the move is within k standard deviations', async () => {
    // Same series with k = 2: bar 4 is 13 < 11 + 2·1.414; bar 7 is 7 > 9.333 − 3.399; nothing enters.
    expect((await run({ period: 3, k: 2 }, SERIES)).pins).toEqual([]);
  });

  it('emits nothing before the window is full', async () => {
    const { pins, stats } = await run({ period: 3, k: 0.1 }, [10, 50]);
    expect(pins).toEqual([]);
    expect(stats.bars).toBe(2);
    // The third bar completes the window: 50 in [10, 50, 50] is above 36.667 + 0.1·18.856.
    expect((await run({ period: 3, k: 0.1 }, [10, 50, 50])).pins).toEqual([[3, -1]]);
  });
});
