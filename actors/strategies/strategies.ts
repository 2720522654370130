/**
 * The registry of built-in strategies, by the name the config and the CLI use. Adding a strategy is
 * one file in this folder plus one line here.
 */
import { TickflowError } from '../../src/runtime/errors.js';
import { benchEveryTrade } from './bench-every-trade.js';
import type { StrategyDefinition } from './define-strategy.js';
import { emaCross } from './ema-cross.js';
import { meanReversion } from './mean-reversion.js';
import { describeParams, parseStrategyParams, type ParamInfo } from './strategy-params.js';

/** Built-in strategies by name. */
export const strategies = {
  'ema-cross': emaCross,
  'mean-reversion': meanReversion,
  'bench-every-trade': benchEveryTrade,
} as const satisfies Record<string, StrategyDefinition>;

/** The name of a built-in strategy. */
export type StrategyName = keyof typeof strategies;

/** A strategy as CLI help lists it. */
export interface StrategyInfo {
  readonly name: string;
  readonly description: string;
  readonly inputs: readonly string[];
  readonly params: readonly ParamInfo[];
}

/**
 * Every built-in strategy offered to users, with its parameters (key, type, default,
 * description), in registry order. Internal ones (`StrategySpec.internal`: the benchmarks' load
 * generator) are left out, though `getStrategy` still finds them by name.
 */
export function listStrategies(): StrategyInfo[] {
  return Object.entries(strategies as Record<string, StrategyDefinition>)
    .filter(([, d]) => !d.internal)
    .map(([name, d]) => ({ name, description: d.description, inputs: d.inputs, params: describeParams(d.params) }));
}

/** The strategy named `name`; `CONFIG_INVALID` naming the listed ones when there is none. */
export function getStrategy(name: string): StrategyDefinition {
  if (!Object.hasOwn(strategies, name)) {
    const valid = listStrategies().map((s) => s.name);
    throw new TickflowError('CONFIG_INVALID', `unknown strategy "${name}"; valid: ${valid.join(', ')}`, { strategy: name, valid });
  }
  return strategies[name as StrategyName];
}

/**
 * Validated params of strategy `name` from the config's `base` params and `--set key=value`
 * overrides (see `parseStrategyParams` for coercion and errors). Pass the result as the `params`
 * of the strategy's spawn config.
 */
export function resolveStrategyParams(
  name: string,
  sets: readonly string[] = [],
  base: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  return parseStrategyParams(name, getStrategy(name).params, sets, base);
}
