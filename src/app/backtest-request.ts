/**
 * `createBacktestRequest`: the `BacktestRequest` of a library user, from a strategy and only what
 * differs from the defaults. The request `runBacktest` takes is built for the CLI (a whole
 * validated config, `--set` strings); this is the short way in from code.
 */
import type { z } from 'zod';
import type { ParamsSchema, StrategyDefinition } from '../../actors/strategies/define-strategy.js';
import type { ActorSystem } from '../runtime/actor-system.js';
import type { Logger } from '../runtime/logger.js';
import type { BacktestComponents } from './backtest-components.js';
import type { BacktestInput, BacktestRequest } from './backtest.js';
import { createConfig, type TickflowConfigInput } from './create-config.js';

/** What a library user gives for one backtest: the strategy, and what is not the default. */
export interface BacktestOptions<Schema extends ParamsSchema = ParamsSchema> extends Omit<BacktestComponents, 'strategy'> {
  /** A value made with `defineStrategy`, or a built-in strategy's name (`ema-cross`). */
  readonly strategy: string | StrategyDefinition<Schema>;
  /** The strategy's params; its schema's defaults fill the rest. Over `config.strategy.params`. */
  readonly params?: z.input<Schema>;
  /** Files to replay (`path[@SYMBOL]`, any format `tickflow backtest --data` reads); absent: the built-in simulated market (`config.simulated`). */
  readonly data?: string | readonly string[];
  /** The files' format when detection is not wanted (`--format`). */
  readonly format?: string;
  /** The symbol of files that carry none (`--symbol`). */
  readonly symbol?: string;
  /** Config keys that differ from the defaults, as a YAML file would hold them (see `createConfig`). */
  readonly config?: TickflowConfigInput;
  /** Params as `--set key=value` strings, applied last. */
  readonly sets?: readonly string[];
  readonly logger?: Logger;
  /** Called once the pipeline is spawned and before the replay starts (to observe the bus). */
  readonly onSystem?: (system: ActorSystem) => void;
}

/**
 * The request for `runBacktest`: `options.config` completed by `createConfig` (no file, no
 * environment), the strategy's name and `params` written into its `strategy` section, the input the
 * files or the simulated market. Throws `CONFIG_INVALID` for a bad config; the strategy and its
 * params are checked by `runBacktest`.
 */
export function createBacktestRequest<Schema extends ParamsSchema>(options: BacktestOptions<Schema>): BacktestRequest {
  const given = options.config ?? {};
  const strategyName = typeof options.strategy === 'string' ? options.strategy : options.strategy.name;
  const params = { ...given.strategy?.params, ...(options.params as Record<string, unknown> | undefined) };
  const config = createConfig({ ...given, strategy: { name: strategyName, params } });
  const data = options.data === undefined ? [] : typeof options.data === 'string' ? [options.data] : [...options.data];
  const input: BacktestInput = data.length === 0 ? { kind: 'simulated' } : { kind: 'files', data, format: options.format, symbol: options.symbol };
  return {
    input,
    config,
    sets: options.sets ?? [],
    strategy: options.strategy as BacktestComponents['strategy'],
    riskChecks: options.riskChecks,
    indicators: options.indicators,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.onSystem === undefined ? {} : { onSystem: options.onSystem }),
  };
}
