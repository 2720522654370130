/**
 * What a backtest runs beside the market: its strategy, its pre-trade checks and any indicator
 * actors. The CLI names a built-in strategy in the config; a library user can instead hand over
 * values (a `defineStrategy` definition, `RiskCheck`s, indicator configs). Values are used as
 * given, with no registry in between: a user's strategy needs no edit of `strategies.ts`, and
 * nothing global changes, so two runs in one process cannot see each other's strategies.
 *
 * The values come from outside (a plain-JavaScript caller can pass anything), so they are checked
 * here, once, before anything is spawned (STYLE.md, rule 7); a bad one is `CONFIG_INVALID` naming
 * what is wrong.
 */
import type { IndicatorActorConfig } from '../../actors/indicators/indicator-actor.js';
import { RiskConfig } from '../../actors/risk/risk-config.js';
import type { RiskCheck } from '../../actors/risk/risk-check.js';
import type { ParamsSchema, StrategyDefinition } from '../../actors/strategies/define-strategy.js';
import { getStrategy, listStrategies } from '../../actors/strategies/strategies.js';
import { parseStrategyParams } from '../../actors/strategies/strategy-params.js';
import { TickflowError } from '../runtime/errors.js';
import type { TickflowConfig } from './config.js';

/**
 * A strategy definition of any params schema. `StrategyDefinition<S>` is not assignable to
 * `StrategyDefinition` (its spawn config is typed by `S`, a contravariant position), and the run
 * validates params by the definition's own schema, so the schema's type does not matter here.
 */
export type AnyStrategyDefinition = StrategyDefinition<any>;

/** The parts of a backtest a library user may give as values. */
export interface BacktestComponents {
  /**
   * The strategy: a built-in's name or a value made with `defineStrategy`; absent,
   * `config.strategy.name`. Either way its params are `config.strategy.params` with the request's
   * `sets` applied, validated by the strategy's schema (defaults fill the rest).
   */
  readonly strategy?: string | AnyStrategyDefinition | undefined;
  /**
   * The pre-trade checks, in order, in place of the built-in list (`riskChecks`); extend that list
   * to add one: `[...riskChecks, mine]`. A check reads its limits from `config.risk` (its
   * `configKeys`, which must be keys of the risk config; a check whose keys are all unset is off) or
   * reads none and always runs. It denies with one of `RISK_REASONS`. Absent: the built-in list.
   */
  readonly riskChecks?: readonly RiskCheck[] | undefined;
  /**
   * Indicator actors (`indicatorActor` configs) run beside the strategy on the same bars, each
   * publishing its values on `ind.<exchange>.<symbol>.<name>`: observe them from `onSystem`
   * (`observeTopic(system, 'ind')`). Names are unique. Absent: none.
   */
  readonly indicators?: readonly IndicatorActorConfig[] | undefined;
}

/** The components of one run, checked. */
export interface ResolvedComponents {
  readonly strategy: StrategyDefinition;
  /** The strategy's name as reports show it (the definition's own). */
  readonly strategyName: string;
  /** Validated params of the strategy. */
  readonly params: Record<string, unknown>;
  /** `undefined`: the built-in checks. */
  readonly riskChecks: readonly RiskCheck[] | undefined;
  readonly indicators: readonly IndicatorActorConfig[];
}

const RISK_CONFIG_KEYS: ReadonlySet<string> = new Set(Object.keys(RiskConfig.shape));

/**
 * Checks `components` and resolves the strategy (by name through the built-in registry, or the
 * definition as given) and its params. Throws `CONFIG_INVALID`: for an unknown strategy name
 * (naming the valid ones), a strategy value that is not a definition, bad params (see
 * `parseStrategyParams`), a malformed risk check or one reading an unknown risk key, an indicator
 * without a name or with a name given twice.
 */
export function resolveBacktestComponents(components: BacktestComponents, config: TickflowConfig, sets: readonly string[] = []): ResolvedComponents {
  const chosen = components.strategy ?? config.strategy.name;
  const strategy = typeof chosen === 'string' ? getStrategy(chosen) : checkedDefinition(chosen);
  const params = parseStrategyParams(strategy.name, strategy.params, sets, config.strategy.params);
  return {
    strategy,
    strategyName: strategy.name,
    params,
    riskChecks: components.riskChecks === undefined ? undefined : checkedRiskChecks(components.riskChecks),
    indicators: components.indicators === undefined ? [] : checkedIndicators(components.indicators),
  };
}

function checkedDefinition(value: unknown): StrategyDefinition {
  const d = value as Partial<StrategyDefinition> | null;
  const looksDefined =
    typeof d === 'object' &&
    d !== null &&
    typeof d.name === 'string' &&
    typeof d.receive === 'function' &&
    typeof (d.params as ParamsSchema | undefined)?.safeParse === 'function' &&
    Array.isArray(d.inputs);
  if (!looksDefined) {
    const valid = listStrategies().map((s) => s.name);
    throw new TickflowError('CONFIG_INVALID', `strategy must be a built-in strategy's name (${valid.join(', ')}) or a value made with defineStrategy`, { valid });
  }
  return d as StrategyDefinition;
}

function checkedRiskChecks(checks: readonly RiskCheck[]): readonly RiskCheck[] {
  if (!Array.isArray(checks)) throw new TickflowError('CONFIG_INVALID', 'riskChecks must be an array of risk checks (extend the built-in riskChecks)', {});
  checks.forEach((check: Partial<RiskCheck> | null, i) => {
    const at = `riskChecks[${i}]`;
    if (typeof check !== 'object' || check === null || typeof check.name !== 'string' || typeof check.check !== 'function' || !Array.isArray(check.configKeys)) {
      throw new TickflowError('CONFIG_INVALID', `${at}: a risk check is { name, configKeys, check(order, context, config) }`, { index: i });
    }
    const unknown = check.configKeys.filter((k) => !RISK_CONFIG_KEYS.has(k));
    if (unknown.length > 0) {
      const message = `${at} (${check.name}): configKeys ${unknown.join(', ')} are not keys of the risk config; valid: ${[...RISK_CONFIG_KEYS].join(', ')}`;
      throw new TickflowError('CONFIG_INVALID', message, { index: i, check: check.name, keys: unknown });
    }
  });
  return checks;
}

function checkedIndicators(indicators: readonly IndicatorActorConfig[]): readonly IndicatorActorConfig[] {
  if (!Array.isArray(indicators)) throw new TickflowError('CONFIG_INVALID', 'indicators must be an array of indicator actor configs', {});
  const names = new Set<string>();
  indicators.forEach((indicator: Partial<IndicatorActorConfig> | null, i) => {
    const name = indicator?.name;
    if (typeof name !== 'string') throw new TickflowError('CONFIG_INVALID', `indicators[${i}]: an indicator needs a name (one topic segment, e.g. "ema20")`, { index: i });
    if (names.has(name)) throw new TickflowError('CONFIG_INVALID', `indicators[${i}]: the name "${name}" is given twice`, { index: i, name });
    names.add(name);
  });
  return indicators;
}
