/**
 * The backtest: the daemon's actors (`spawnTradingPipeline`) on a simulated clock, fed by a
 * recording (or the built-in simulated market) through the replay driver. Every hop is a mailbox
 * under `backpressure`, so nothing is dropped and the run is deterministic (DESIGN.md, Live and
 * replay).
 *
 * Instruments (a symbol on one exchange, keyed `exchange:SYMBOL`) come from config, resolved
 * against the exchanges the data shows (`resolve-instruments.ts`); one with none is inferred from
 * the decimals of the first `INFERENCE_SAMPLE` records of the input (a pre-scan of trades, quotes
 * and bars), and the report says which were inferred and from how many samples. Later prices finer than the inferred grid
 * are rounded to it (half-even) where an order or fill needs them.
 *
 * Failure. The system's root escalates (`BACKTEST_ROOT_SUPERVISION`), so when an actor whose
 * state the market cannot rebuild fails (or the market subtree gives up after too many restarts)
 * the system terminates, the replay stops at its next record, and `runBacktest` rejects with
 * `ACTOR_FAILED` naming the actor that failed first and its error (`backtestFailureOf` reads the
 * details). There is no outcome then: the failed actor's books are gone, and totals without them
 * would be wrong.
 */
import type { AccountSnapshot } from '../../actors/execution/venues/paper/paper-account.js';
import type { PaperVenueStats } from '../../actors/execution/venues/paper/paper-venue-actor.js';
import type { BarsStats } from '../../actors/bars/bars-actor.js';
import { BOOKS_STATS, type BooksStats } from '../../actors/books/book-actor.js';
import type { ExecutionSnapshot } from '../../actors/execution/orders/execution-actor.js';
import type { PlannerStats } from '../../actors/execution/planner/planner-actor.js';
import type { RiskStats } from '../../actors/risk/risk-actor.js';
import { STRATEGY_STATS, type StrategyStats } from '../../actors/strategies/strategy-api.js';
import { createPrecisionTracker, type Instrument } from '../model/instrument.js';
import { instrumentKey } from '../model/instrument-key.js';
import type { MarketRecord, MarketRecordType } from '../model/records.js';
import type { ActorRef } from '../runtime/actor.js';
import { createActorSystem, type ActorSystem, type Termination } from '../runtime/actor-system.js';
import { SimulatedClock } from '../runtime/clock.js';
import { TickflowError, isTickflowError } from '../runtime/errors.js';
import type { ActorSnapshot } from '../runtime/inspection.js';
import type { Logger } from '../runtime/logger.js';
import { parseBarSpec } from '../../streams/operators/bar-spec.js';
import { openDataArgs } from '../../streams/open-source.js';
import { createTimeWindowSource, type TimeWindow } from '../../streams/time-window-source.js';
import type { ReadMeter } from '../../streams/read-meter.js';
import type { RecordSource, SourceIssue } from '../../streams/record-source.js';
import { replay } from '../../streams/replay-driver.js';
import { createSimulatedMarket } from '../../streams/simulated-market.js';
import { actorFailureOf, errorMessage, formatActorFailure, type ActorFailure } from './actor-failure.js';
import { resolveBacktestComponents, type BacktestComponents } from './backtest-components.js';
import type { TickflowConfig } from './config.js';
import { BACKTEST_ROOT_SUPERVISION, MARKET_BACKOFF } from './pipeline-supervision.js';
import { resolveInstruments, type SeenInstrument } from './resolve-instruments.js';
import { spawnTradingPipeline } from './trading-pipeline.js';
import { wallPacer } from './wall-pacer.js';
import { createRestartLog, type ActorRestarts, type RestartLog } from './restart-log.js';
import { BarShapes, decideBarInput, type BarInput } from './bar-input.js';
import type { EquityCurve } from './metrics/equity-curve.js';
import { createEquityRecorder } from './metrics/equity-recorder.js';
import { createCandleRecorder, type PriceCandles } from './report-html/candle-recorder.js';

/** Records read by the instrument pre-scan. */
export const INFERENCE_SAMPLE = 20_000;

/** What to replay: files (`path[@SYMBOL]`) or the simulated market. */
export type BacktestInput =
  | { readonly kind: 'files'; readonly data: readonly string[]; readonly format?: string | undefined; readonly symbol?: string | undefined }
  | { readonly kind: 'simulated' };

/**
 * Everything a backtest needs. The strategy is `config.strategy.name` (a built-in) unless
 * `strategy` gives one, by name or as a `defineStrategy` value (`BacktestComponents`); library
 * users build this with `createBacktestRequest`.
 */
export interface BacktestRequest extends BacktestComponents {
  readonly input: BacktestInput;
  readonly config: TickflowConfig;
  /** `--set key=value` strategy parameters (strings, coerced by the strategy's schema). */
  readonly sets?: readonly string[];
  readonly logger?: Logger;
  /** Called once the pipeline is spawned and before the replay starts (to observe the bus). */
  readonly onSystem?: (system: ActorSystem) => void;
  /**
   * Replay only the records whose engine time (`tsRecv`) lies in `[fromUs, untilUs)`
   * (`time-window-source.ts`); the instrument scan, the clock's start and the equity curve then
   * begin at the window's first record, and the run starts flat with fresh indicators, as on a
   * file holding only those records. Absent: the whole input. (`tickflow sweep --split`.)
   */
  readonly window?: TimeWindow | undefined;
  /**
   * Stops the replay once aborted (Ctrl-C): no record is pulled or delivered after it, the actors
   * drain what was delivered, and the outcome covers those records, marked `partial`. Checked
   * between records; an abort after the replay has ended changes nothing.
   */
  readonly signal?: AbortSignal | undefined;
  /** Called with each record of the replay (not of the instrument pre-scan) before it is delivered: progress, a test's abort. */
  readonly onRecord?: ((record: MarketRecord) => void) | undefined;
  /** Counts the bytes the replay reads of the `files` input against their sizes (`read-meter.ts`; progress). */
  readonly meter?: ReadMeter | undefined;
}

/** What a backtest produced, before formatting. */
export interface BacktestOutcome {
  readonly inputs: readonly { readonly name: string; readonly format: string }[];
  readonly strategy: { readonly name: string; readonly params: Record<string, unknown> };
  /** The bar spec in effect: the config's, or a bar file's own interval when its bars are used as they are (`barInput`). */
  readonly barSpec: string;
  /** What was done with bars read from the input: built from records, used as they are, or resampled (`bar-input.ts`). */
  readonly barInput: BarInput;
  readonly events: Record<MarketRecordType, number>;
  readonly dataIssues: { readonly malformed: number; readonly unknownTypes: number; readonly issues: readonly SourceIssue[]; readonly failure: string | null };
  readonly records: number;
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
  readonly instruments: readonly Instrument[];
  readonly bars: BarsStats;
  readonly books: BooksStats;
  readonly strategyStats: StrategyStats;
  readonly planner: PlannerStats;
  readonly risk: RiskStats;
  readonly execution: ExecutionSnapshot;
  /** The venue's account (balances, terms, refusals); `undefined` for a venue that keeps none. */
  readonly account: AccountSnapshot | undefined;
  readonly actors: readonly ActorSnapshot[];
  /** Equity and positions sampled every `config.report.equityInterval` of engine time (`metrics/equity-recorder.ts`). */
  readonly equityCurve: EquityCurve;
  /** Price candles per instrument, for report.html's charts (`report-html/candle-recorder.ts`: at most 2,000 each, 1 s or coarser). */
  readonly candles: readonly PriceCandles[];
  readonly wallSeconds: number;
  /** Actors restarted during the run (a strategy that threw and was restarted), with their last error (`restart-log.ts`). */
  readonly restarts: readonly ActorRestarts[];
  /** True when `signal` stopped the replay before the end of its input: every figure covers the `records` replayed, no more. Absent or false: the whole input. */
  readonly partial?: boolean | undefined;
}

/** What a failed backtest leaves: who failed, with what, and how far the replay got. */
export interface BacktestFailure {
  /** Path of the actor that failed first (or of the supervisor that gave up). */
  readonly actor: string;
  readonly error: { readonly code: string | null; readonly message: string };
  /** `file:line` where the error was thrown, in user or strategy code when the stack shows it (`error-origin.ts`). */
  readonly where: string | null;
  readonly gaveUp: ActorFailure['gaveUp'] | null;
  /** Records replayed before the run stopped. */
  readonly records: number;
  /** Engine time when the run stopped; the failure happened at or before it. */
  readonly engineTime: number;
  /** Actors restarted before the failure (each by its own failures), with their last error. */
  readonly restarts: readonly ActorRestarts[];
}

/** The `BacktestFailure` an error thrown by `runBacktest` carries, when the run failed that way. */
export function backtestFailureOf(error: unknown): BacktestFailure | undefined {
  return isTickflowError(error, 'ACTOR_FAILED') ? (error.context['backtest'] as BacktestFailure | undefined) : undefined;
}

/**
 * Runs one backtest to the end of its input, or until `request.signal` is aborted (the outcome is
 * then `partial`). Rejects with `ACTOR_FAILED` (see `backtestFailureOf`) when the actor system
 * fails on the way.
 */
export async function runBacktest(request: BacktestRequest): Promise<BacktestOutcome> {
  const { config } = request;
  const components = resolveBacktestComponents(request, config, request.sets);
  const params = components.params;
  const barSpec = parseBarSpec(config.bars.spec, config.bars.lateness === undefined ? { timeBase: config.bars.timeBase } : { timeBase: config.bars.timeBase, lateness: config.bars.lateness });

  const scan = await prescan(request);
  // Bar files feed bars directly (or resampled into the spec); otherwise the strategy takes the bars the bars actor builds.
  const barsOnly = scan.types.size > 0 && [...scan.types].every((t) => t === 'trade_bar');
  const barInput = decideBarInput(barSpec, barsOnly, scan.bars);
  const resolved = resolveInstruments(config.instruments, scan.trackers);
  const instruments = resolved.instruments;
  for (const { path, symbol } of resolved.unused) request.logger?.warn({ path, symbol }, 'configured instrument not in the data; unused by this run');
  const quotePrecision = Math.max(2, ...[...instruments.values()].map((i) => i.quotePrecision));

  const started = process.hrtime.bigint();
  const clock = new SimulatedClock(scan.firstTs ?? 0);
  const restartLog = createRestartLog();
  const system = createActorSystem({
    clock,
    onActorFailure: restartLog.listener,
    seed: config.seed,
    supervision: BACKTEST_ROOT_SUPERVISION,
    ...(request.logger === undefined ? {} : { logger: request.logger }),
  });
  const { venue, execution, risk, planner, strategy, bars, books } = spawnTradingPipeline(system, {
    config,
    instruments,
    quotePrecision,
    strategy: components.strategy,
    params,
    interval: barInput.mode === 'as-is' ? undefined : barSpec.text,
    barsFrom: barInput.mode === 'resampled' ? 'bars' : 'records',
    keepFills: true,
    riskChecks: components.riskChecks,
    indicators: components.indicators,
  });
  // A bus tap, not an actor: it changes nothing the trading actors see or the report counts.
  const equity = createEquityRecorder(system, { instruments, quotePrecision, initialCash: config.cash, intervalUs: config.report.equityInterval });
  const candles = createCandleRecorder(system);
  request.onSystem?.(system);

  const source = await openInput(request, undefined, request.meter);
  // The replay stops by itself once the system no longer accepts records (it failed); the asks
  // below then reject, and the failure is reported in their place.
  const result = await replay(system, source, { speed: config.replay.speed, pacer: wallPacer, signal: request.signal, ...(request.onRecord === undefined ? {} : { onRecord: request.onRecord }) });
  await source.close();
  settleRestarts(system);
  const ask = async <R>(ref: ActorRef<any>, message: unknown): Promise<R> => {
    const reply = ref.ask<R>(message, { timeout: 60_000_000 });
    system.runUntilIdle();
    return reply;
  };
  let barsStats: BarsStats;
  let booksStats: BooksStats;
  let strategyStats: StrategyStats;
  let plannerStats: PlannerStats;
  let riskStats: RiskStats;
  let executionSnapshot: ExecutionSnapshot;
  let venueStats: PaperVenueStats;
  try {
    // The flush can close a last bar, and so still make an actor fail.
    await ask(bars, { type: 'bars_flush' });
    system.runUntilIdle();
    settleRestarts(system);
    barsStats = await ask<BarsStats>(bars, { type: 'bars_stats' });
    booksStats = await ask<BooksStats>(books, BOOKS_STATS);
    strategyStats = await ask<StrategyStats>(strategy, STRATEGY_STATS);
    plannerStats = await ask<PlannerStats>(planner, { type: 'planner_stats' });
    riskStats = await ask<RiskStats>(risk, { type: 'risk_stats' });
    executionSnapshot = await ask<ExecutionSnapshot>(execution, { type: 'exec_snapshot' });
    venueStats = await ask<PaperVenueStats>(venue, { type: 'venue_stats' });
  } catch (error) {
    // An ask to an actor of a failed system rejects; the failure is the news, not the ask.
    await throwIfFailed(system, result.records, restartLog);
    throw error;
  }
  // A failure after the last answer still fails the run.
  await throwIfFailed(system, result.records, restartLog);
  const actors = system.inspect();
  const equityCurve = equity.finish(system.clock.now());
  const priceCandles = candles.finish();
  await system.stop();
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const stats = source.stats;
  return {
    inputs: inputList(source),
    strategy: { name: components.strategyName, params },
    barSpec: barInput.spec,
    barInput,
    // Stopped early, the source has counted records it read ahead and never delivered.
    events: { ...(result.aborted ? result.delivered : stats.byType) },
    dataIssues: { malformed: stats.malformed, unknownTypes: stats.unknownTypes, issues: stats.issues, failure: result.failure?.message ?? null },
    records: result.records,
    firstTs: result.firstTs,
    lastTs: result.lastTs,
    instruments: [...instruments.values()],
    bars: barsStats,
    books: booksStats,
    strategyStats,
    planner: plannerStats,
    risk: riskStats,
    execution: executionSnapshot,
    account: venueStats.account,
    actors,
    equityCurve,
    candles: priceCandles,
    wallSeconds,
    restarts: restartLog.restarts(actors),
    ...(result.aborted ? { partial: true } : {}),
  };
}

// More rounds than any supervisor's intensity allows restarts: past it, the system has failed.
const MAX_SETTLE_ROUNDS = 64;

/**
 * Lets restarts waiting for their backoff happen once the input has ended: while an actor is
 * restarting, engine time moves on to the next timer (its restart, or a timer due before it). Without this, a market actor that
 * failed near the end would wait for a timer that no record drives, and the asks for its
 * figures would never be answered. Timers of other actors due in that time fire too, as they
 * would have had the input gone on; the run stays deterministic.
 */
function settleRestarts(system: ActorSystem): void {
  for (let round = 0; round < MAX_SETTLE_ROUNDS && system.isAccepting; round++) {
    if (!system.inspect().some((a) => a.status === 'restarting')) return;
    const next = system.nextTimerDue();
    system.advanceTo(next === Infinity ? system.clock.now() + MARKET_BACKOFF.maxUs : next);
  }
}

// Already resolved, so racing it against `terminated` never waits.
const STILL_RUNNING: Promise<undefined> = Promise.resolve(undefined);

/** The system's termination if it has ended, else `undefined`; never waits for it. */
function terminationNow(system: ActorSystem): Promise<Termination | undefined> {
  // When both are resolved, `race` settles with the first one listed: `terminated` wins.
  return Promise.race([system.terminated, STILL_RUNNING]);
}

/** Throws the run's `ACTOR_FAILED` when the system has failed; returns while it runs. */
async function throwIfFailed(system: ActorSystem, records: number, restartLog: RestartLog): Promise<void> {
  const ended = await terminationNow(system);
  if (ended === undefined) return;
  if (ended.kind === 'stopped') throw new TickflowError('SYSTEM_STOPPED', 'the backtest\'s actor system stopped before the run ended');
  const failure = actorFailureOf(ended.error);
  const error = failure.error;
  const backtest: BacktestFailure = {
    actor: failure.actor,
    error: { code: isTickflowError(error) ? error.code : null, message: errorMessage(error) },
    where: failure.where ?? null,
    gaveUp: failure.gaveUp ?? null,
    records,
    engineTime: system.clock.now(),
    restarts: restartLog.restarts(),
  };
  throw new TickflowError('ACTOR_FAILED', `backtest failed: ${formatActorFailure(failure)}`, { actor: failure.actor, backtest }, { cause: ended.error });
}

/** The request's input as one source (the files merged, or the simulated market), restricted to its `window` when it has one. */
export async function openInput(request: Pick<BacktestRequest, 'input' | 'config' | 'window'>, chunkSize?: number, meter?: ReadMeter): Promise<RecordSource> {
  const input = request.input;
  const source =
    input.kind === 'simulated'
      ? createSimulatedMarket({ seed: request.config.seed, records: request.config.simulated.records, symbol: request.config.simulated.symbol, chunkSize: chunkSize ?? request.config.replay.chunkSize })
      : await openDataArgs(input.data, { format: input.format, symbol: input.symbol, chunkSize: chunkSize ?? request.config.replay.chunkSize, meter });
  return request.window === undefined ? source : createTimeWindowSource(source, request.window);
}

interface Prescan {
  /** The instruments seen, by `instrumentKey(exchange, symbol)`. */
  readonly trackers: Map<string, SeenInstrument>;
  readonly types: Set<MarketRecordType>;
  /** Intervals and grid of the bars seen (`decideBarInput`). */
  readonly bars: BarShapes;
  readonly firstTs: number | undefined;
}

/** Reads the first records to infer instruments and to see what kinds of records the input has. */
async function prescan(request: BacktestRequest): Promise<Prescan> {
  const source = await openInput(request, 4096);
  const trackers = new Map<string, SeenInstrument>();
  const types = new Set<MarketRecordType>();
  const bars = new BarShapes();
  let firstTs: number | undefined;
  let seen = 0;
  try {
    while (seen < INFERENCE_SAMPLE) {
      const chunk = await source.next();
      if (chunk === null) break;
      for (const record of chunk) {
        firstTs ??= record.tsRecv;
        types.add(record.type);
        if (record.type === 'trade_bar') bars.observe(record);
        const key = instrumentKey(record.exchange, record.symbol);
        let entry = trackers.get(key);
        if (entry === undefined) {
          entry = { exchange: record.exchange, symbol: record.symbol, tracker: createPrecisionTracker() };
          trackers.set(key, entry);
        }
        // Trades, quotes and bars carry the prices and sizes orders use; book levels add cost, not precision.
        if (record.type !== 'book_change' && record.type !== 'depth_snapshot') entry.tracker.observeRecord(record);
      }
      seen += chunk.length;
    }
  } catch (error) {
    // An input that fails before its first record (none in the format, only a header) would
    // replay nothing: a data error now, not an all-zero report. A later failure is reported by
    // the replay itself; the scan keeps what it saw.
    if (seen === 0 && isTickflowError(error)) throw error;
  } finally {
    await source.close();
  }
  return { trackers, types, bars, firstTs };
}

function inputList(source: RecordSource): { name: string; format: string }[] {
  const inner = (source as { sources?: readonly RecordSource[] }).sources;
  const list = inner ?? [source];
  return list.map((s) => ({ name: s.name, format: s.stats.format }));
}
