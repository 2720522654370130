/**
 * The backtest: the daemon's actors (`spawnTradingPipeline`) on a simulated clock, fed by a
 * recording (or the built-in simulated market) through the replay driver. Every hop is a mailbox
 * under `backpressure`, so nothing is dropped and the run is deterministic (DESIGN.md, Live and
 * replay).
 *
 * Instruments come from config; a symbol with none is inferred from the decimals of the first
 * `INFERENCE_SAMPLE` records of the input (a pre-scan of trades, quotes and bars), and the report
 * says which were inferred and from how many samples. Later prices finer than the inferred grid
 * are rounded to it (half-even) where an order or fill needs them.
 */
import type { BarsStats } from '../../actors/bars/bars-actor.js';
import type { ExecutionSnapshot } from '../../actors/execution/execution-actor.js';
import type { PlannerStats } from '../../actors/execution/planner-actor.js';
import type { RiskStats } from '../../actors/risk/risk-actor.js';
import { STRATEGY_STATS, type StrategyStats } from '../../actors/strategies/strategy-api.js';
import { getStrategy, resolveStrategyParams } from '../../actors/strategies/strategies.js';
import { createInstrument, createPrecisionTracker, type Instrument, type PrecisionTracker } from '../model/instrument.js';
import type { MarketRecordType } from '../model/records.js';
import type { ActorRef } from '../runtime/actor.js';
import { createActorSystem } from '../runtime/actor-system.js';
import { SimulatedClock } from '../runtime/clock.js';
import { TickflowError } from '../runtime/errors.js';
import type { ActorSnapshot } from '../runtime/inspection.js';
import type { Logger } from '../runtime/logger.js';
import { parseBarSpec } from '../../streams/operators/bar-spec.js';
import { openDataArgs } from '../../streams/open-source.js';
import type { RecordSource, SourceIssue } from '../../streams/record-source.js';
import { replay } from '../../streams/replay-driver.js';
import { createSimulatedMarket } from '../../streams/simulated-market.js';
import type { TickflowConfig } from './config.js';
import { spawnTradingPipeline } from './trading-pipeline.js';
import { wallPacer } from './wall-pacer.js';

/** Records read by the instrument pre-scan. */
export const INFERENCE_SAMPLE = 20_000;

/** What to replay: files (`path[@SYMBOL]`) or the simulated market. */
export type BacktestInput =
  | { readonly kind: 'files'; readonly data: readonly string[]; readonly format?: string | undefined; readonly symbol?: string | undefined }
  | { readonly kind: 'simulated' };

/** Everything a backtest needs. */
export interface BacktestRequest {
  readonly input: BacktestInput;
  readonly config: TickflowConfig;
  /** `--set key=value` strategy parameters (strings, coerced by the strategy's schema). */
  readonly sets: readonly string[];
  readonly logger?: Logger;
}

/** What a backtest produced, before formatting. */
export interface BacktestOutcome {
  readonly inputs: readonly { readonly name: string; readonly format: string }[];
  readonly strategy: { readonly name: string; readonly params: Record<string, unknown> };
  readonly barSpec: string;
  readonly events: Record<MarketRecordType, number>;
  readonly dataIssues: { readonly malformed: number; readonly unknownTypes: number; readonly issues: readonly SourceIssue[]; readonly failure: string | null };
  readonly records: number;
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
  readonly instruments: readonly Instrument[];
  readonly bars: BarsStats;
  readonly strategyStats: StrategyStats;
  readonly planner: PlannerStats;
  readonly risk: RiskStats;
  readonly execution: ExecutionSnapshot;
  readonly actors: readonly ActorSnapshot[];
  readonly wallSeconds: number;
}

/** Runs one backtest to the end of its input. */
export async function runBacktest(request: BacktestRequest): Promise<BacktestOutcome> {
  const { config } = request;
  const strategyDefinition = getStrategy(config.strategy.name);
  const params = resolveStrategyParams(config.strategy.name, request.sets, config.strategy.params);
  const barSpec = parseBarSpec(config.bars.spec, config.bars.lateness === undefined ? { timeBase: config.bars.timeBase } : { timeBase: config.bars.timeBase, lateness: config.bars.lateness });

  const scan = await prescan(request);
  const instruments = resolveInstruments(config, scan.trackers);
  const quotePrecision = Math.max(2, ...[...instruments.values()].map((i) => i.quotePrecision));

  const started = process.hrtime.bigint();
  const clock = new SimulatedClock(scan.firstTs ?? 0);
  const system = createActorSystem({ clock, seed: config.seed, ...(request.logger === undefined ? {} : { logger: request.logger }) });
  // Bar files feed bars directly; otherwise the strategy takes the bars the bars actor builds.
  const barsOnly = scan.types.size > 0 && [...scan.types].every((t) => t === 'trade_bar');
  const { execution, risk, planner, strategy, bars } = spawnTradingPipeline(system, {
    config,
    instruments,
    quotePrecision,
    strategy: strategyDefinition,
    params,
    interval: barsOnly ? undefined : barSpec.text,
    keepFills: true,
  });

  const source = await openInput(request);
  const result = await replay(system, source, { speed: config.replay.speed, pacer: wallPacer });
  await source.close();
  const ask = async <R>(ref: ActorRef<any>, message: unknown): Promise<R> => {
    const reply = ref.ask<R>(message, { timeout: 60_000_000 });
    system.runUntilIdle();
    return reply;
  };
  await ask(bars, { type: 'bars_flush' });
  system.runUntilIdle();
  const barsStats = await ask<BarsStats>(bars, { type: 'bars_stats' });
  const strategyStats = await ask<StrategyStats>(strategy, STRATEGY_STATS);
  const plannerStats = await ask<PlannerStats>(planner, { type: 'planner_stats' });
  const riskStats = await ask<RiskStats>(risk, { type: 'risk_stats' });
  const executionSnapshot = await ask<ExecutionSnapshot>(execution, { type: 'exec_snapshot' });
  const actors = system.inspect();
  await system.stop();
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const stats = source.stats;
  return {
    inputs: inputList(source),
    strategy: { name: config.strategy.name, params },
    barSpec: barSpec.text,
    events: { ...stats.byType },
    dataIssues: { malformed: stats.malformed, unknownTypes: stats.unknownTypes, issues: stats.issues, failure: result.failure?.message ?? null },
    records: result.records,
    firstTs: result.firstTs,
    lastTs: result.lastTs,
    instruments: [...instruments.values()],
    bars: barsStats,
    strategyStats,
    planner: plannerStats,
    risk: riskStats,
    execution: executionSnapshot,
    actors,
    wallSeconds,
  };
}

async function openInput(request: BacktestRequest, chunkSize?: number): Promise<RecordSource> {
  const input = request.input;
  if (input.kind === 'simulated') {
    return createSimulatedMarket({ seed: request.config.seed, records: request.config.simulated.records, symbol: request.config.simulated.symbol, chunkSize: chunkSize ?? request.config.replay.chunkSize });
  }
  return openDataArgs(input.data, { format: input.format, symbol: input.symbol, chunkSize: chunkSize ?? request.config.replay.chunkSize });
}

interface Prescan {
  readonly trackers: Map<string, { readonly exchange: string; readonly tracker: PrecisionTracker }>;
  readonly types: Set<MarketRecordType>;
  readonly firstTs: number | undefined;
}

/** Reads the first records to infer instruments and to see what kinds of records the input has. */
async function prescan(request: BacktestRequest): Promise<Prescan> {
  const source = await openInput(request, 4096);
  const trackers = new Map<string, { exchange: string; tracker: PrecisionTracker }>();
  const types = new Set<MarketRecordType>();
  let firstTs: number | undefined;
  let seen = 0;
  try {
    while (seen < INFERENCE_SAMPLE) {
      const chunk = await source.next();
      if (chunk === null) break;
      for (const record of chunk) {
        firstTs ??= record.tsRecv;
        types.add(record.type);
        let entry = trackers.get(record.symbol);
        if (entry === undefined) {
          entry = { exchange: record.exchange, tracker: createPrecisionTracker() };
          trackers.set(record.symbol, entry);
        }
        // Trades, quotes and bars carry the prices and sizes orders use; book levels add cost, not precision.
        if (record.type !== 'book_change' && record.type !== 'depth_snapshot') entry.tracker.observeRecord(record);
      }
      seen += chunk.length;
    }
  } catch {
    // A failing file is reported by the replay itself; the scan keeps what it saw.
  } finally {
    await source.close();
  }
  return { trackers, types, firstTs };
}

function resolveInstruments(config: TickflowConfig, trackers: Prescan['trackers']): Map<string, Instrument> {
  const out = new Map<string, Instrument>();
  for (const spec of config.instruments) {
    try {
      out.set(spec.symbol, createInstrument({ ...spec, source: 'config' }));
    } catch (error) {
      throw new TickflowError('CONFIG_INVALID', `instruments: ${spec.symbol}: ${(error as Error).message}`, { symbol: spec.symbol });
    }
  }
  for (const [symbol, { exchange, tracker }] of [...trackers.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!out.has(symbol)) out.set(symbol, tracker.toInstrument(symbol, exchange));
  }
  return out;
}

function inputList(source: RecordSource): { name: string; format: string }[] {
  const inner = (source as { sources?: readonly RecordSource[] }).sources;
  const list = inner ?? [source];
  return list.map((s) => ({ name: s.name, format: s.stats.format }));
}
