/**
 * Paper trading on a live Binance feed, composed in code: the backtest's pipeline
 * (`spawnTradingPipeline`: books, bars, strategy, planner, risk, execution, paper venue) in an
 * actor system on the **live** clock, with `createBinanceFeed` behind a supervised feed actor
 * (`pipeline/feeds/<name>`, `actors/feeds/`) that offers its records under admission control (a
 * refused offer waits for room, and meanwhile the feed's buffer fills and pauses the socket). A
 * crash of the feed actor restarts it with backoff on the same feed: the socket, the trade-id and
 * depth continuity and the counters survive it. With `fallbacks` the feed actor reads a
 * fallback feed instead (`createBinanceFallbackFeed`: the socket as the primary, then secondary
 * endpoints, then REST polling of the book ticker), which fails over and back by itself, never
 * rejects, and delivers each trade id once across its sources. The
 * feed stamps `tsRecv` from the system's own clock, so engine time is receive time, as in a replay
 * of what was received. The `tickflow run` daemon (with its HTTP, gateway and persistence) is
 * built on this.
 *
 * Tracing: with `tracing`, one record in `every` is offered with a trace (`traced-admission.ts`)
 * and the system reports its hops to `sink` (`src/runtime/trace.ts`); without it nothing traces.
 *
 * Instruments must be configured (`instruments:` in the config): a live run has no recording to
 * infer price and size grids from before it trades. A feed symbol without one is a
 * `CONFIG_INVALID` naming it.
 *
 * Failure: the root escalates (as in a backtest), so an actor failure the pipeline cannot absorb
 * ends the system; `stop()` then rejects with `ACTOR_FAILED` naming the actor.
 */
import type { BarsMessage } from '../../actors/bars/bars-actor.js';
import { getStrategy, resolveStrategyParams } from '../../actors/strategies/strategies.js';
import { createFeedHandle, type FeedHandle } from '../../actors/feeds/feed-handle.js';
import type { FeedStats } from '../../actors/feeds/feed-stats.js';
import { createBinanceFeed, type BinanceFeed } from '../../streams/live/binance-feed.js';
import { createBinanceFallbackFeed, type BinanceFallbacks } from '../../streams/live/binance-fallback-feed.js';
import { resolveBinanceFeedOptions, type BinanceFeedOptions } from '../../streams/live/binance-feed-options.js';
import type { FallbackFeed } from '../../streams/live/fallback-feed.js';
import { liveFeedTimers } from '../../streams/live/feed-timers.js';
import type { RecordSource } from '../../streams/record-source.js';
import { createPrecisionTracker } from '../model/instrument.js';
import { instrumentKey } from '../model/instrument-key.js';
import type { ActorSystem } from '../runtime/actor-system.js';
import { createActorSystem } from '../runtime/actor-system.js';
import { LiveClock } from '../runtime/clock.js';
import { TickflowError } from '../runtime/errors.js';
import type { Logger } from '../runtime/logger.js';
import type { TraceSink } from '../runtime/trace.js';
import { actorFailureOf, formatActorFailure } from './actor-failure.js';
import type { TickflowConfig } from './config.js';
import { BACKTEST_ROOT_SUPERVISION } from './pipeline-supervision.js';
import { resolveInstruments, type SeenInstrument } from './resolve-instruments.js';
import { TracedAdmission } from './traced-admission.js';
import { PIPELINE_PATHS, spawnTradingPipeline, type PipelineSpec, type TradingPipeline } from './trading-pipeline.js';
import { parseBarSpec } from '../../streams/operators/bar-spec.js';

/** What a live paper run is built from. */
export interface LiveTradingRequest {
  readonly config: TickflowConfig;
  /** `key=value` strategy parameters over the config's. */
  readonly sets?: readonly string[];
  /** The feed, without clock and timers (the system's clock and Node's timers are used). */
  readonly feed: Omit<BinanceFeedOptions, 'clock' | 'timers'>;
  /** What backs `feed` (see `BinanceFallbacks`); absent, the run reads the one socket feed. */
  readonly fallbacks?: BinanceFallbacks;
  readonly logger?: Logger;
  /** Called once the pipeline is spawned and before the feed connects (to observe the bus). */
  readonly onSystem?: (system: ActorSystem) => void;
  /** Trace one record in `every` (≥ 1) through the pipeline, reporting hops to `sink`; absent: no tracing. */
  readonly tracing?: { readonly every: number; readonly sink: TraceSink };
  /** The journal's ports and what the restart restored (`PipelineSpec.persistence`); absent: nothing is kept. */
  readonly persistence?: PipelineSpec['persistence'];
}

/** A running live paper-trading system. */
export interface LiveTrading {
  readonly system: ActorSystem;
  readonly pipeline: TradingPipeline;
  /**
   * The feed now in use (a new one only if the previous one failed and was recreated). Without
   * `fallbacks` only: with them the sockets come and go inside the fallback feed (see `fallback`).
   */
  readonly feed: BinanceFeed;
  /** With `fallbacks`: the fallback feed now in use (its stats: active source, failovers, each source's metrics). */
  readonly fallback: FallbackFeed;
  /** The source the feed actor reads now (the socket feed or the fallback feed), null before it is opened. */
  readonly source: RecordSource | null;
  /** The feed actor's handle: counters of records offered, refusals, restarts. */
  readonly handle: FeedHandle;
  /**
   * Stops intake (closes the feed; the chunk in flight is still offered), lets the pipeline finish
   * what it holds, flushes the forming bars, and stops the system. Resolves with the feed
   * handle's final counters; rejects with `ACTOR_FAILED` if the system failed while running.
   */
  stop(): Promise<FeedStats>;
}

/** Name of the feed actor (`pipeline/feeds/<name>`). */
export const LIVE_FEED_NAME = 'binance';

/** Starts paper trading on the live feed (see the module comment). */
export function startLiveTrading(request: LiveTradingRequest): LiveTrading {
  const { config } = request;
  const strategy = getStrategy(config.strategy.name);
  const params = resolveStrategyParams(config.strategy.name, request.sets ?? [], config.strategy.params);
  const barSpec = parseBarSpec(config.bars.spec, config.bars.lateness === undefined ? { timeBase: config.bars.timeBase } : { timeBase: config.bars.timeBase, lateness: config.bars.lateness });
  const clock = new LiveClock();
  const feedOptions: BinanceFeedOptions = { ...request.feed, clock, timers: liveFeedTimers({ setTimeout, clearTimeout }) };
  // Checked first, so a bad feed config throws before anything runs.
  const resolved = resolveBinanceFeedOptions(feedOptions);
  const instruments = configuredInstruments(config, resolved.exchange, resolved.symbols);
  const quotePrecision = Math.max(2, ...[...instruments.values()].map((i) => i.quotePrecision));
  let feed: BinanceFeed | undefined;
  let fallback: FallbackFeed | undefined;
  const { fallbacks } = request;
  // Created now, so bad fallbacks throw before anything runs; it opens no source before its first `next()`.
  let firstFallback = fallbacks === undefined ? undefined : createBinanceFallbackFeed({ ...feedOptions, fallbacks });
  const open = (): RecordSource => {
    if (fallbacks === undefined) return (feed = createBinanceFeed(feedOptions));
    fallback = firstFallback ?? createBinanceFallbackFeed({ ...feedOptions, fallbacks });
    firstFallback = undefined;
    return fallback;
  };
  // The feed connects when the feed actor first pumps; its records wait in its buffer until then.
  const handle = createFeedHandle({ name: LIVE_FEED_NAME, open });
  const { tracing } = request;
  const system = createActorSystem({
    clock,
    seed: config.seed,
    supervision: BACKTEST_ROOT_SUPERVISION,
    ...(request.logger === undefined ? {} : { logger: request.logger }),
    ...(tracing === undefined ? {} : { traceSink: tracing.sink }),
  });
  const admission = tracing === undefined ? system : new TracedAdmission(system, tracing.every, tracing.sink, `${PIPELINE_PATHS.pipeline}/feeds/${LIVE_FEED_NAME}`);
  const pipeline = spawnTradingPipeline(system, {
    config,
    instruments,
    quotePrecision,
    strategy,
    params,
    interval: barSpec.text,
    // A daemon runs for weeks: execution keeps no fill list and only the latest closed orders
    // (its bounded retention), so memory stays flat; fills reach consumers on `exec.fill`.
    keepFills: false,
    feeds: { handles: [handle], admission },
    ...(request.persistence === undefined ? {} : { persistence: request.persistence }),
  });
  request.onSystem?.(system);
  let stopping: Promise<FeedStats> | null = null;
  const stop = async (): Promise<FeedStats> => {
    await handle.close();
    await failIfTerminated(system);
    // End of input: close the forming bars, as a backtest does at the end of its recording.
    await pipeline.bars.ask<number>({ type: 'bars_flush' } satisfies BarsMessage, { timeout: 5_000_000 });
    await system.stop();
    await failIfTerminated(system);
    return handle.stats();
  };
  return {
    system,
    pipeline,
    get feed(): BinanceFeed {
      if (fallbacks !== undefined) throw new TickflowError('IO_UNAVAILABLE', 'this live run reads a fallback feed: its sockets are inside it (read `fallback`)');
      if (feed === undefined) throw new TickflowError('IO_UNAVAILABLE', 'the live feed has not been opened yet (the feed actor opens it when it starts)');
      return feed;
    },
    get fallback(): FallbackFeed {
      if (fallbacks === undefined) throw new TickflowError('IO_UNAVAILABLE', 'this live run has no fallbacks: it reads one socket feed (read `feed`)');
      if (fallback === undefined) throw new TickflowError('IO_UNAVAILABLE', 'the fallback feed has not been opened yet (the feed actor opens it when it starts)');
      return fallback;
    },
    get source(): RecordSource | null {
      return handle.source;
    },
    handle,
    stop: () => (stopping ??= stop()),
  };
}

/** The configured instruments of the feed's symbols; every symbol must have one. */
function configuredInstruments(config: TickflowConfig, exchange: string, symbols: readonly string[]) {
  const seen = new Map<string, SeenInstrument>();
  for (const symbol of symbols) seen.set(instrumentKey(exchange, symbol), { exchange, symbol, tracker: createPrecisionTracker() });
  const { instruments } = resolveInstruments(config.instruments, seen);
  for (const symbol of symbols) {
    const instrument = instruments.get(instrumentKey(exchange, symbol));
    if (instrument === undefined || instrument.source !== 'config') {
      throw new TickflowError('CONFIG_INVALID', `invalid config:\n  instruments: live trading needs an instrument for ${symbol} on ${exchange} ({ symbol: ${symbol}, priceIncrement, sizeIncrement }): there is no recording to infer its grid from`, { paths: ['instruments'] });
    }
  }
  return instruments;
}

// Already resolved, so racing it against `terminated` never waits.
const RUNNING: Promise<undefined> = Promise.resolve(undefined);

async function failIfTerminated(system: ActorSystem): Promise<void> {
  const ended = await Promise.race([system.terminated, RUNNING]);
  if (ended === undefined || ended.kind === 'stopped') return;
  const failure = actorFailureOf(ended.error);
  throw new TickflowError('ACTOR_FAILED', `live trading failed: ${formatActorFailure(failure)}`, { actor: failure.actor }, { cause: ended.error });
}
