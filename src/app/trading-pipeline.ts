/**
 * Spawns the trading actors in their start order (venue, execution, risk, planner, strategy,
 * bars; stop is the reverse) and wires each to the next. One place for the daemon, the backtest
 * and the benchmarks, so they run the very same pipeline.
 */
import { barsActor, type BarsMessage } from '../../actors/bars/bars-actor.js';
import { executionActor, type ExecutionMessage } from '../../actors/execution/execution-actor.js';
import { paperVenueActor, type PaperVenueMessage } from '../../actors/execution/paper-venue-actor.js';
import { plannerActor, type PlannerMessage } from '../../actors/execution/planner-actor.js';
import { riskActor, type RiskMessage } from '../../actors/risk/risk-actor.js';
import type { StrategyDefinition } from '../../actors/strategies/define-strategy.js';
import type { Instrument } from '../model/instrument.js';
import type { ActorRef } from '../runtime/actor.js';
import type { ActorSystem } from '../runtime/actor-system.js';
import type { MailboxConfig } from '../runtime/mailbox.js';
import type { TickflowConfig } from './config.js';

/** Refs to the spawned pipeline. */
export interface TradingPipeline {
  readonly venue: ActorRef<PaperVenueMessage>;
  readonly execution: ActorRef<ExecutionMessage>;
  readonly risk: ActorRef<RiskMessage>;
  readonly planner: ActorRef<PlannerMessage>;
  readonly strategy: ActorRef<unknown>;
  readonly bars: ActorRef<BarsMessage>;
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
  /** Keep every fill in execution for reports (backtests). */
  readonly keepFills: boolean;
}

/** Spawns the pipeline into `system`; every mailbox is `backpressure` at `config.mailboxCapacity`. */
export function spawnTradingPipeline(system: ActorSystem, spec: PipelineSpec): TradingPipeline {
  const { config, instruments, quotePrecision } = spec;
  const mailbox: Partial<MailboxConfig> = { capacity: config.mailboxCapacity, overflow: 'backpressure' };
  const venue = system.spawn(paperVenueActor, { config: { venue: config.execution.venue, instruments, quotePrecision }, mailbox });
  const execution = system.spawn(executionActor, {
    config: {
      instruments,
      quotePrecision,
      initialCash: config.cash,
      approval: config.execution.approval,
      approvalTimeoutUs: config.execution.approvalTimeoutUs,
      venue: venue as ActorRef<never>,
      venueTopic: 'venue.paper',
      keepFills: spec.keepFills,
    },
    mailbox,
  });
  const risk = system.spawn(riskActor, {
    config: { risk: config.risk, instruments, quotePrecision, initialCash: config.cash, execution: execution as ActorRef<never> },
    mailbox,
  });
  const planner = system.spawn(plannerActor, { config: { instruments, risk: risk as ActorRef<never> }, mailbox });
  const strategy = system.spawn(spec.strategy, {
    name: 'strategy',
    config: spec.interval === undefined ? { params: spec.params } : { params: spec.params, interval: spec.interval },
    mailbox,
  });
  const bars = system.spawn(barsActor, {
    config:
      config.bars.lateness === undefined
        ? { spec: config.bars.spec, timeBase: config.bars.timeBase }
        : { spec: config.bars.spec, timeBase: config.bars.timeBase, lateness: config.bars.lateness },
    mailbox,
  });
  return { venue, execution, risk, planner, strategy, bars };
}
