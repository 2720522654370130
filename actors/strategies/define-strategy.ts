/**
 * `defineStrategy`: the helper that turns a few lines of signal logic into a strategy actor.
 *
 * A strategy is an actor that owns the indicator instances it uses (no join across actors), is fed
 * closed bars (`md.<exchange>.<symbol>.trade_bar`) and/or trades (`md.<exchange>.<symbol>.trade`),
 * and emits a `TargetPosition` per instrument on `signal.<exchange>.<symbol>`. Turning a target
 * into orders is the order planner's job. The helper does the plumbing: config validation at
 * spawn, subscriptions, per-instrument state, change detection, signal counting and inspection.
 */
import { z } from 'zod';
import type { Fill } from '../../src/model/fill.js';
import type { Order } from '../../src/model/order.js';
import type { Trade, TradeBar } from '../../src/model/records.js';
import { defineActor, type ActorDefinition, type ConfigSchema } from '../../src/runtime/actor.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { StrategyApi, StrategyConfig, StrategyMessage } from './strategy-api.js';
import { StrategyRunner, type ParamRules, type StrategyHandlers } from './strategy-runner.js';

/** A strategy's parameter schema: a zod object whose fields carry their defaults. */
export type ParamsSchema = z.ZodObject;

/**
 * What a user writes. `init(params)` makes the state of one instrument (its indicators), called
 * when the instrument's first record arrives and again after a restart. Handlers return the next
 * state, or nothing to keep the (possibly mutated) current one.
 */
export interface StrategySpec<Schema extends ParamsSchema, S> {
  readonly name: string;
  /** One line, for CLI help. */
  readonly description?: string;
  /**
   * Not for users (a benchmark's load generator): usable by name, but left out of
   * `listStrategies` and so of `tickflow strategies` and every list of valid names.
   */
  readonly internal?: boolean;
  readonly params: Schema;
  /**
   * The params `init` reads: what each instrument's state (its indicators) is built from, such as
   * periods and seeding. A reconfigure (`strategy_reconfigure`) that changes one is refused: states
   * already built would not follow it, and rebuilding them would throw their warm-up away; a
   * restart applies it. The other params are read through `api.params` and take effect at the next
   * handler call. Absent: every param, the safe reading for a strategy that does not say.
   */
  readonly initParams?: readonly (keyof z.output<Schema> & string)[];
  /**
   * How many inputs (closed bars for `onBar`, trades for `onTrade`) one instrument needs, with
   * these params, before the strategy can decide: its indicators' warm-up (`EMA.warmUp`, ...).
   * Stated, the strategy's stats say which instruments never got that far (`StrategyStats.warmUp`),
   * and a backtest of too short a recording says so instead of reporting a strategy that simply
   * never traded. Absent, nothing is said.
   */
  readonly warmUp?: (params: z.output<Schema>) => number;
  init(params: z.output<Schema>): S;
  onBar?(state: S, bar: TradeBar, api: StrategyApi<z.output<Schema>>): S | void;
  onTrade?(state: S, trade: Trade, api: StrategyApi<z.output<Schema>>): S | void;
  /** A fill of one of this strategy's orders; `api.position` already includes it. */
  onFill?(state: S, fill: Fill, api: StrategyApi<z.output<Schema>>): S | void;
  /** A change of one of this strategy's orders (acknowledged, filled, cancelled, rejected…); `api.openOrders` already reflects it. */
  onOrder?(state: S, order: Order, api: StrategyApi<z.output<Schema>>): S | void;
}

/** A strategy's config as given at spawn (`params` fields may be omitted: defaults apply). */
export interface StrategyConfigInput<Schema extends ParamsSchema = ParamsSchema> {
  readonly params?: z.input<Schema>;
  /** Symbols to trade; all symbols when absent. */
  readonly symbols?: readonly string[];
  /** Exchange to trade; all exchanges when absent. */
  readonly exchange?: string;
  /** First segment(s) of market-data topics (default `md`). */
  readonly topicPrefix?: string;
  /** Only bars of this interval (`1m`, `100t`); every interval when absent. */
  readonly interval?: string;
}

/** A strategy actor definition, with the metadata the registry and CLI read. */
export interface StrategyDefinition<Schema extends ParamsSchema = ParamsSchema>
  extends ActorDefinition<StrategyConfigInput<Schema> | undefined, StrategyRunner, StrategyMessage> {
  readonly params: Schema;
  readonly description: string;
  /** Left out of the lists users see (`StrategySpec.internal`). */
  readonly internal: boolean;
  /** The params `init` reads (`StrategySpec.initParams`, every param when the spec says none): a change of one needs a restart. */
  readonly initParams: readonly string[];
  /** Record types it is fed. */
  readonly inputs: readonly ('trade_bar' | 'trade')[];
}

// Exchanges and symbols become topic segments, so they may not contain dots.
const segment = z.string().regex(/^[^.\s]+$/, 'must be one topic segment (no dots or spaces)');

/**
 * Defines a strategy actor from a spec. Config (`{ params, symbols?, exchange?, topicPrefix?,
 * interval? }`) is validated at spawn: params by the spec's schema (unknown keys rejected,
 * defaults applied), the rest as documented on `StrategyConfigInput`; a bad config throws
 * `CONFIG_INVALID` listing every bad path.
 *
 * Subscriptions: with `exchange` and `symbols`, exactly `<prefix>.<exchange>.<symbol>.trade_bar`
 * (and/or `.trade`); otherwise `<prefix>.<exchange>` or `<prefix>`, filtered by record type and
 * symbol. Bars on `trade_bar` topics are closed bars (the bars actor publishes a bar when it
 * closes), so `onBar` sees closed bars only. Also `exec.fill` and `exec.order` (every instrument's:
 * see `StrategyApi`), for `api.position`, `api.openOrders`, `onFill` and `onOrder`; the handlers
 * get this strategy's own fills and orders only, with the state of the order's instrument (`init`
 * runs for it if no record of it came before).
 *
 * Restart: kept are the last published target of each instrument and the counters; indicator
 * state is not: `init` runs again per instrument, so the strategy re-warms from fresh indicators
 * and emits nothing until warm (the planner keeps holding the last target meanwhile). Once warm, a
 * decision equal to the target published before the failure is no signal and a different one is
 * one. (Were targets reset, a re-warmed 0 after a published +size would equal the initial 0, emit
 * nothing, and leave the position open.) A new actor (a fresh spawn) starts from scratch.
 *
 * Reconfigure (`strategy_reconfigure`, see `strategy-api.ts`): params are validated by the same
 * schema as at spawn and swapped between two messages; indicator state is kept, so a change of a
 * param `init` reads (`initParams`) is refused with a detail naming it (a restart applies it). The
 * params in force survive a restart of the actor.
 */
export function defineStrategy<Schema extends ParamsSchema, S>(spec: StrategySpec<Schema, S>): StrategyDefinition<Schema> {
  const inputs: ('trade_bar' | 'trade')[] = [];
  if (spec.onBar !== undefined) inputs.push('trade_bar');
  if (spec.onTrade !== undefined) inputs.push('trade');
  if (inputs.length === 0) throw new TickflowError('CONFIG_INVALID', `strategy ${spec.name} has neither onBar nor onTrade`, { strategy: spec.name });
  const schema = z
    .object({
      params: spec.params.strict().prefault({}),
      symbols: z.array(segment).min(1).optional(),
      exchange: segment.optional(),
      topicPrefix: z.string().min(1).default('md'),
      interval: z.string().min(1).optional(),
    })
    .strict()
    .prefault({});
  const handlers = spec as StrategyHandlers;
  const initParams: readonly string[] = spec.initParams ?? Object.keys(spec.params.shape);
  const paramsSchema = spec.params.strict();
  const rules: ParamRules = {
    initParams,
    parse(input) {
      const result = paramsSchema.safeParse(input ?? {});
      if (result.success) return { ok: true, params: result.data };
      return { ok: false, detail: `invalid parameters for strategy ${spec.name}:\n${z.prettifyError(result.error)}` };
    },
  };
  const actor = defineActor<StrategyConfigInput<Schema> | undefined, StrategyRunner, StrategyMessage>({
    name: spec.name,
    config: validated(spec.name, schema),
    // The kernel types a definition's config once, as what spawn is given; `parse` above has
    // already turned it into the validated `StrategyConfig`.
    init: (config, ctx) => new StrategyRunner(handlers, config as unknown as StrategyConfig, ctx, rules),
    onStart(runner, ctx) {
      for (const prefix of runner.subscriptions(inputs)) ctx.subscribe(prefix);
      for (const [topic, accept] of runner.execSubscriptions()) ctx.subscribe(topic, accept);
      return runner;
    },
    receive(runner, message) {
      runner.receive(message);
      return runner;
    },
    beforeRestart(runner, _error, ctx) {
      runner.carryOver(ctx.self);
    },
  });
  return { ...actor, params: spec.params, description: spec.description ?? '', internal: spec.internal === true, initParams, inputs };
}

/** Wraps a zod schema as a kernel `ConfigSchema` whose failures are `CONFIG_INVALID` naming every bad path. */
function validated<C>(actor: string, schema: z.ZodType): ConfigSchema<C> {
  return {
    parse(input: unknown): C {
      const result = schema.safeParse(input);
      if (!result.success) {
        throw new TickflowError('CONFIG_INVALID', `invalid config for strategy ${actor}:\n${z.prettifyError(result.error)}`, {
          actor,
          issues: result.error.issues,
        });
      }
      return result.data as C;
    },
  };
}
