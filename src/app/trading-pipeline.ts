/**
 * The engine's supervision tree (DESIGN.md, The engine's supervision tree): one place for the
 * daemon, the backtest and the benchmarks, so they run the very same actors under the very same
 * policies (`pipeline-supervision.ts`).
 *
 * ```
 * root                      the system's; a backtest uses BACKTEST_ROOT_SUPERVISION (escalate: the run fails)
 * └─ pipeline               PIPELINE_SUPERVISION: a failed subtree escalates
 *    │  (later: `io`, the gateway and persistence writers, first: sinks subscribe before
 *    │   anything publishes and stop after everything has published)
 *    ├─ trading             TRADING_SUPERVISION: any failure escalates (no restart with empty books)
 *    │  ├─ venue            paper venue (a live adapter later)
 *    │  ├─ execution        order registry and portfolio
 *    │  ├─ risk             pre-trade checks, trading state, kill switch
 *    │  └─ planner          targets to orders
 *    └─ market              MARKET_SUPERVISION: one-for-one restart with backoff, 10 in 60 s, then escalate
 *       ├─ books            L2 books per (exchange, symbol); conflated top-N on md.<exch>.<sym>.book
 *       ├─ strategy         reads the books through those snapshots (`api.book(symbol)`)
 *       ├─ indicator-<name> indicator actors a caller asked for (`PipelineSpec.indicators`), if any
 *       └─ bars
 *    └─ feeds               live runs only: one feed actor per exchange socket (`actors/feeds/`),
 *                           MARKET_SUPERVISION; last, so sources start once every consumer is up
 * ```
 *
 * Children start in the order drawn and stop in reverse: receivers exist before anyone sends to
 * them (venue before execution before risk before planner, trading before the strategy that
 * feeds it), and on a stop the producers go first. Every pipeline actor, supervisors included,
 * has a `backpressure` mailbox of `config.mailboxCapacity`.
 *
 * `trading` spawns its children in its `onStart` rather than listing them as static children:
 * each one's config holds the ref of the one before it, which exists only once that one is
 * spawned. Nothing restarts `trading` (its parent escalates), so its children and their refs
 * live as long as the system. `market`'s children need no refs and are plain static children, so
 * a bad strategy or bars config still throws `CONFIG_INVALID` from `spawnTradingPipeline`.
 */
import { barsActor, type BarsMessage } from '../../actors/bars/bars-actor.js';
import { indicatorActor, type IndicatorActorConfig } from '../../actors/indicators/indicator-actor.js';
import type { FeedHandle } from '../../actors/feeds/feed-handle.js';
import type { FeedAdmission } from '../../actors/feeds/feed-ports.js';
import { feedsSupervisor } from '../../actors/feeds/feeds-supervisor.js';
import { bookActor, type BooksMessage } from '../../actors/books/book-actor.js';
import { executionActor, type ExecutionMessage } from '../../actors/execution/orders/execution-actor.js';
import type { ExecutionJournal, RiskJournal } from '../../actors/execution/orders/execution-journal.js';
import type { RecoveredTrading } from '../model/trading-recovery.js';
import { venueTopic, type VenueCommand } from '../../actors/execution/venues/venue.js';
import { venueNamed } from '../../actors/execution/venues/venues.js';
import { plannerActor, type PlannerMessage } from '../../actors/execution/planner/planner-actor.js';
import { riskActor, type RiskMessage } from '../../actors/risk/risk-actor.js';
import type { RiskCheck } from '../../actors/risk/risk-check.js';
import type { StrategyDefinition } from '../../actors/strategies/define-strategy.js';
import type { Instrument } from '../model/instrument.js';
import { defineActor, defineSupervisor, type ActorContext, type ActorDefinition, type ActorRef } from '../runtime/actor.js';
import type { ActorSystem } from '../runtime/actor-system.js';
import { TickflowError } from '../runtime/errors.js';
import type { MailboxConfig } from '../runtime/mailbox.js';
import type { TickflowConfig } from './config.js';
import { MARKET_SUPERVISION, PIPELINE_SUPERVISION, TRADING_SUPERVISION } from './pipeline-supervision.js';

/** Paths of the pipeline's actors, for lookups, reports and tests. */
export const PIPELINE_PATHS = {
  pipeline: 'pipeline',
  trading: 'pipeline/trading',
  venue: 'pipeline/trading/venue',
  execution: 'pipeline/trading/execution',
  risk: 'pipeline/trading/risk',
  planner: 'pipeline/trading/planner',
  market: 'pipeline/market',
  books: 'pipeline/market/books',
  strategy: 'pipeline/market/strategy',
  bars: 'pipeline/market/bars',
} as const;

/** Refs to the spawned pipeline. */
export interface TradingPipeline {
  readonly venue: ActorRef<VenueCommand>;
  readonly execution: ActorRef<ExecutionMessage>;
  readonly risk: ActorRef<RiskMessage>;
  readonly planner: ActorRef<PlannerMessage>;
  readonly strategy: ActorRef<unknown>;
  readonly bars: ActorRef<BarsMessage>;
  readonly books: ActorRef<BooksMessage>;
}

/** What the pipeline is built from. */
export interface PipelineSpec {
  readonly config: TickflowConfig;
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly quotePrecision: number;
  readonly strategy: StrategyDefinition;
  readonly params: Record<string, unknown>;
  /** Only bars of this interval reach the strategy (undefined: every bar, as from bar files). */
  readonly interval: string | undefined;
  /** What the bars actor builds from (absent: `records`): `bars` resamples a bar file's bars into the spec. */
  readonly barsFrom?: 'records' | 'bars' | undefined;
  /** Keep every fill in execution for reports (backtests). */
  readonly keepFills: boolean;
  /** The risk actor's pre-trade checks, in order (absent: the built-in `riskChecks`). */
  readonly riskChecks?: readonly RiskCheck[] | undefined;
  /** Indicator actors run beside the strategy, on the bars it gets (absent: none). */
  readonly indicators?: readonly IndicatorActorConfig[] | undefined;
  /**
   * Live feeds (absent in a backtest, whose replay driver feeds the system): their handles, which
   * outlive feed-actor restarts, and the admission port they offer records through (the system).
   */
  readonly feeds?: { readonly handles: readonly FeedHandle[]; readonly admission: FeedAdmission };
  /**
   * A daemon's persistence: the write-ahead log's ports (execution journals every order version
   * and fill before acting on it, risk every trading-state change) and what the restart restored
   * from it (execution, risk, planner and venue each rebuild their books from it before trading).
   */
  readonly persistence?: { readonly execution: ExecutionJournal; readonly risk: RiskJournal; readonly recovered: RecoveredTrading };
}

/**
 * Spawns the tree above into `system` as its top-level actor `pipeline` and returns refs to the
 * workers. The caller chooses the root's policy: a backtest passes `BACKTEST_ROOT_SUPERVISION` to
 * `createActorSystem`, so a failure in `trading` (or `market` giving up) terminates the system
 * instead of the root restarting the whole pipeline with empty books.
 */
export function spawnTradingPipeline(system: ActorSystem, spec: PipelineSpec): TradingPipeline {
  const mailbox: Partial<MailboxConfig> = { capacity: spec.config.mailboxCapacity, overflow: 'backpressure' };
  const pipeline = defineSupervisor({
    name: 'pipeline',
    supervision: PIPELINE_SUPERVISION,
    children: [
      { actor: tradingSupervisor(spec, mailbox), mailbox },
      { actor: marketSupervisor(spec, mailbox), mailbox },
      ...(spec.feeds === undefined
        ? []
        : [{ actor: feedsSupervisor({ feeds: spec.feeds.handles, admission: spec.feeds.admission, supervision: MARKET_SUPERVISION, mailbox }), mailbox }]),
    ],
  });
  system.spawn(pipeline, { mailbox });
  const ref = <M>(path: string): ActorRef<M> => {
    const found = system.lookup<M>(path);
    if (found === undefined) throw new TickflowError('ACTOR_FAILED', `${path} did not start: its supervisor failed while starting it`, { actor: path });
    return found;
  };
  return {
    venue: ref(PIPELINE_PATHS.venue),
    execution: ref(PIPELINE_PATHS.execution),
    risk: ref(PIPELINE_PATHS.risk),
    planner: ref(PIPELINE_PATHS.planner),
    strategy: ref(PIPELINE_PATHS.strategy),
    bars: ref(PIPELINE_PATHS.bars),
    books: ref(PIPELINE_PATHS.books),
  };
}

/** `trading`: venue, execution, risk, planner, each wired to the one before it. */
function tradingSupervisor(spec: PipelineSpec, mailbox: Partial<MailboxConfig>): ActorDefinition<void, undefined, never> {
  const { config, instruments, quotePrecision } = spec;
  return defineActor<void, undefined, never>({
    name: 'trading',
    supervision: TRADING_SUPERVISION,
    init: () => undefined,
    receive: (state) => state,
    onStart(state, ctx) {
      const { type: venueType, ...venueConfig } = config.execution.venue;
      const persistence = spec.persistence;
      const recovered = persistence === undefined ? {} : { recovered: persistence.recovered };
      const venue = venueNamed(venueType).spawn(ctx as ActorContext<never>, venueConfig, { instruments, quotePrecision, initialCash: config.cash, mailbox, ...recovered });
      const execution = ctx.spawn(executionActor, {
        name: 'execution',
        config: {
          instruments,
          quotePrecision,
          initialCash: config.cash,
          approval: config.execution.approval,
          approvalTimeoutUs: config.execution.approvalTimeoutUs,
          venue: venue as ActorRef<never>,
          venueTopic: venueTopic(venueType),
          keepFills: spec.keepFills,
          ...recovered,
          ...(persistence === undefined ? {} : { journal: persistence.execution }),
        },
        mailbox,
      });
      const risk = ctx.spawn(riskActor, {
        name: 'risk',
        // The strategy's interval is the bars actor's spec when it builds bars (undefined when they come from a file).
        config: {
          risk: config.risk,
          builtBarInterval: spec.interval,
          instruments,
          quotePrecision,
          initialCash: config.cash,
          execution: execution as ActorRef<never>,
          checks: spec.riskChecks,
          ...recovered,
          ...(persistence === undefined ? {} : { journal: persistence.risk }),
        },
        mailbox,
      });
      ctx.spawn(plannerActor, { name: 'planner', config: { instruments, risk: risk as ActorRef<never>, ...recovered }, mailbox });
      return state;
    },
  });
}

/**
 * `market`: the books, the strategy, the indicator actors, then the bars actor that feeds them.
 * Books start before the strategy so a strategy never runs without the actor whose snapshots it
 * reads; the bars' consumers start before the bars.
 */
function marketSupervisor(spec: PipelineSpec, mailbox: Partial<MailboxConfig>): ActorDefinition<void, undefined, never> {
  const bars = spec.config.bars;
  return defineSupervisor({
    name: 'market',
    supervision: MARKET_SUPERVISION,
    children: [
      { actor: bookActor, name: 'books', config: { depth: spec.config.books.depth, publishEveryUs: spec.config.books.publishEvery }, mailbox },
      {
        actor: spec.strategy,
        name: 'strategy',
        config: spec.interval === undefined ? { params: spec.params } : { params: spec.params, interval: spec.interval },
        mailbox,
      },
      ...(spec.indicators ?? []).map((config) => ({ actor: indicatorActor, name: `indicator-${config.name}`, config, mailbox })),
      {
        actor: barsActor,
        name: 'bars',
        config: {
          spec: bars.spec,
          timeBase: bars.timeBase,
          grace: bars.grace,
          from: spec.barsFrom ?? 'records',
          ...(bars.lateness === undefined ? {} : { lateness: bars.lateness }),
        },
        mailbox,
      },
    ],
  });
}
