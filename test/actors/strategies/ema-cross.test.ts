import { describe, expect, it } from 'vitest';
import { emaCross } from '../../../actors/strategies/ema-cross.js';
import { STRATEGY_PARAMS, STRATEGY_STATS, type StrategyReconfigureResult, type StrategyStats } from '../../../actors/strategies/strategy-api.js';
import { topicOf, type TradeBar } from '../../../src/model/records.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MINUTE, SimulatedClock } from '../../../src/runtime/clock.js';
import { askNow } from '../../runtime/fixtures.js';

/** Closed 1m bars of `closes`, the i-th arriving at (i + 1) minutes. */
function bars(closes: readonly number[], symbol = 'BTCUSDT'): TradeBar[] {
  return closes.map((close, i) => ({
    type: 'trade_bar', exchange: 'binance', symbol, ts: (i + 1) * MINUTE, tsRecv: (i + 1) * MINUTE, interval: '1m',
    open: close, high: close, low: close, close, volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: close,
    openTs: i * MINUTE, closeTs: (i + 1) * MINUTE,
  }));
}

/** Runs ema-cross with `params` over `closes`; returns the published targets and the stats. */
async function run(params: Record<string, unknown>, closes: readonly number[]) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const signals: TargetPosition[] = [];
  system.spawn(defineActor<void, null, TargetPosition>({
    name: 'sink', init: () => null, onStart: (s, ctx) => (ctx.subscribe('signal.binance.BTCUSDT'), s), receive: (s, m) => (signals.push(m), s),
  }));
  const ref = system.spawn(emaCross, { name: 'ema', config: { params, exchange: 'binance', symbols: ['BTCUSDT'] } });
  for (const bar of bars(closes)) {
    clock.advanceTo(bar.tsRecv);
    system.publish(topicOf(bar), bar);
  }
  system.runUntilIdle();
  const stats = await askNow<StrategyStats>(system, ref, STRATEGY_STATS);
  // [bar number, target] of each signal, bar number from the engine time it was decided at.
  return { pins: signals.map((s) => [s.ts / MINUTE, s.target]), signals, stats };
}

// Hand computation, fast = EMA(2) (α = 2/3), slow = EMA(3) (α = 1/2), both seeded by the SMA:
//  bar  close  fast                      slow                      target
//   1    10    -                         -                         (warming up)
//   2    10    10                        -                         (warming up)
//   3    10    10                        10                        equal: unchanged (0), no signal
//   4    10    10                        10                        equal: unchanged
//   5    11    10 + 2/3·1    = 10.667    10 + 1/2·1   = 10.5       +1  signal 1
//   6     9    10.667 − 1.111 = 9.556    10.5 − 0.75  = 9.75       −1  signal 2
//   7     8    9.556 − 1.037 = 8.519     9.75 − 0.875 = 8.875      −1
//   8    10    8.519 + 0.988 = 9.506     8.875 + 0.5625 = 9.4375   +1  signal 3
//   9    13    11.835                    11.219                    +1
//  10    12    11.945                    11.609                    +1
//  11    10    10.648                    10.805                    −1  signal 4
const CROSSING = [10, 10, 10, 10, 11, 9, 8, 10, 13, 12, 10];

// fast < slow at warm-up: bar 3 has fast = 11.5 + 2/3·(10 − 11.5) = 10.5 < slow = 11; bar 4 9.5 < 10;
// bar 5 9.833 < 10; bar 6 11.278 > 11; bar 7 9.759 < 10.
const FALLING_FIRST = [12, 11, 10, 9, 10, 12, 9];

describe('ema-cross', () => {
  it('emits the hand-computed targets on a crossing series, one signal per change', async () => {
    const { pins, signals, stats } = await run({ fast: 2, slow: 3 }, CROSSING);
    expect(pins).toEqual([[5, 1], [6, -1], [8, 1], [11, -1]]);
    expect(stats.signals).toBe(4);
    expect(stats.bars).toBe(11);
    expect(stats.targets).toEqual([{ exchange: 'binance', symbol: 'BTCUSDT', target: -1 }]);
    expect(signals[0]).toEqual({
      type: 'target', exchange: 'binance', symbol: 'BTCUSDT', ts: 5 * MINUTE, strategy: 'ema', target: 1, orderType: 'market', limitPrice: undefined, cause: `trade_bar binance:BTCUSDT 1m ${5 * MINUTE}`,
    });
  });

  it('counts the first target after warm-up as a signal when it is -size', async () => {
    const { pins, stats } = await run({ fast: 2, slow: 3, size: 0.5 }, FALLING_FIRST);
    expect(pins).toEqual([[3, -0.5], [6, 0.5], [7, -0.5]]);
    expect(stats.signals).toBe(3);
  });

  it('with longOnly, targets 0 instead of -size, and a first target of 0 is no signal', async () => {
    const falling = await run({ fast: 2, slow: 3, longOnly: true }, FALLING_FIRST);
    // Bars 3 to 5 decide 0, equal to the initial 0: no change, no signal. The first signal is the cross up.
    expect(falling.pins).toEqual([[6, 1], [7, 0]]);
    expect(falling.stats.signals).toBe(2);
    const crossing = await run({ fast: 2, slow: 3, longOnly: true }, CROSSING);
    expect(crossing.pins).toEqual([[5, 1], [6, 0], [8, 1], [11, 0]]);
  });

  it('emits nothing before both EMAs are warm (default 10/30: the 30th bar)', async () => {
    const rising = Array.from({ length: 40 }, (_, i) => 100 + i);
    const { pins, stats } = await run({}, rising.slice(0, 29));
    expect(pins).toEqual([]);
    expect(stats.signals).toBe(0);
    expect((await run({}, rising)).pins).toEqual([[30, 1]]);
  });

  it('passes the seed option to its EMAs', async () => {
    // [8, 12, 10]: with 'sma' both EMAs are 10 at bar 3 (equal, no target); with 'first' fast is
    // 10.222 (8 → 10.667 → 10.222) and slow 10 (8 → 10 → 10): +1.
    expect((await run({ fast: 2, slow: 3, seed: 'sma' }, [8, 12, 10])).pins).toEqual([]);
    expect((await run({ fast: 2, slow: 3, seed: 'first' }, [8, 12, 10])).pins).toEqual([[3, 1]]);
  });

  it('refuses fast >= slow at spawn', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    expect(() => system.spawn(emaCross, { config: { params: { fast: 30, slow: 10 } } })).toThrow(/fast must be less than slow/);
  });
});

describe('ema-cross: reconfigure', () => {
  it('takes a new size and longOnly at once; fast, slow and seed build the EMAs and need a restart', async () => {
    expect(emaCross.initParams).toEqual(['fast', 'slow', 'seed']);
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    const ref = system.spawn(emaCross, { name: 'ema', config: { params: { fast: 2, slow: 3, size: 1 } } });
    const ask = (params: unknown) => askNow<StrategyReconfigureResult>(system, ref, { type: 'strategy_reconfigure', params });
    expect(await ask({ fast: 2, slow: 3, size: 0.5, longOnly: true })).toEqual({ ok: true });
    for (const changed of [{ fast: 1 }, { slow: 4 }, { seed: 'first' }]) {
      expect(await ask({ fast: 2, slow: 3, size: 0.5, ...changed })).toEqual({ ok: false, detail: expect.stringContaining(`${Object.keys(changed)[0]} (`) });
    }
    expect(await askNow(system, ref, STRATEGY_PARAMS)).toEqual({ fast: 2, slow: 3, size: 0.5, seed: 'sma', longOnly: true });
  });
});
