/**
 * The backtest's pipeline (`spawnTradingPipeline`) in a system rooted like a backtest's
 * (`BACKTEST_ROOT_SUPERVISION`), on a simulated clock, fed bars by the replay driver. For tests of
 * the tree and of paths through it, with a strategy of the test's own.
 */
import { z } from 'zod';
import { defineStrategy, type StrategyDefinition } from '../../actors/strategies/define-strategy.js';
import type { StrategyApi } from '../../actors/strategies/strategy-api.js';
import { parseConfig } from '../../src/app/config.js';
import { BACKTEST_ROOT_SUPERVISION } from '../../src/app/pipeline-supervision.js';
import { spawnTradingPipeline, type PipelineSpec, type TradingPipeline } from '../../src/app/trading-pipeline.js';
import { createInstrument, type Instrument } from '../../src/model/instrument.js';
import type { MarketRecord, TradeBar } from '../../src/model/records.js';
import type { ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../src/runtime/actor-system.js';
import { MINUTE, SECOND, SimulatedClock } from '../../src/runtime/clock.js';
import { replay } from '../../streams/replay-driver.js';
import { createArraySource } from './array-source.js';

export const T0 = 1_700_000_000 * SECOND;
export const BTC = createInstrument({ symbol: 'BTC', exchange: 'x', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });

/** A 1m bar of BTC closing at `closeTs`, every price `close`. */
export function bar(closeTs: number, close: number): TradeBar {
  return {
    type: 'trade_bar', exchange: 'x', symbol: 'BTC', ts: closeTs, tsRecv: closeTs, interval: '1m',
    open: close, high: close, low: close, close, volume: 10, buyVolume: 5, sellVolume: 5, trades: 10, vwap: close,
    openTs: closeTs - MINUTE, closeTs,
  };
}

/** `n` bars a minute apart from `T0 + 1 min`, closes from `closeOf(i)` (default 100). */
export function bars(n: number, closeOf: (i: number) => number = () => 100): TradeBar[] {
  return Array.from({ length: n }, (_, i) => bar(T0 + (i + 1) * MINUTE, closeOf(i)));
}

/** A strategy from one `onBar` handler, with no parameters. */
export function barStrategy(name: string, onBar: (bar: TradeBar, api: StrategyApi<Record<string, never>>) => void): StrategyDefinition {
  return defineStrategy({ name, params: z.object({}), init: () => ({}), onBar: (_s, b, api) => onBar(b, api) }) as unknown as StrategyDefinition;
}

export interface PipelineRig {
  readonly system: ActorSystem;
  readonly clock: SimulatedClock;
  readonly refs: TradingPipeline;
  /** Replays the records (the driver stops early once the system fails). */
  feed(records: readonly MarketRecord[]): Promise<number>;
  /** Asks and runs the system until the reply is there. */
  ask<R>(ref: ActorRef<any>, message: unknown): Promise<R>;
}

/** The pipeline with `strategy` (and its `params`), fed bars (no bar building), config from `raw` (validated). */
export function pipelineRig(
  strategy: StrategyDefinition,
  raw: Record<string, unknown> = {},
  params: Record<string, unknown> = {},
  persistence?: PipelineSpec['persistence'],
): PipelineRig {
  const clock = new SimulatedClock(T0);
  const system = createActorSystem({ clock, supervision: BACKTEST_ROOT_SUPERVISION });
  const config = parseConfig(raw, 'test');
  const instruments = new Map<string, Instrument>([['x:BTC', BTC]]);
  const refs = spawnTradingPipeline(system, { config, instruments, quotePrecision: 2, strategy, params, interval: undefined, keepFills: true, ...(persistence === undefined ? {} : { persistence }) });
  system.runUntilIdle();
  return {
    system,
    clock,
    refs,
    feed: async (records) => (await replay(system, createArraySource(records))).records,
    async ask<R>(ref: ActorRef<any>, message: unknown): Promise<R> {
      const reply = ref.ask<R>(message);
      system.runUntilIdle();
      return reply;
    },
  };
}
