/**
 * The plan of a sweep: which combinations run (the whole grid, or a seeded sample of it), which are
 * refused before running, and the backtests to run, one per combination and side (the whole input,
 * or the in-sample and out-of-sample windows of `--split`, `sweep-split.ts`).
 *
 * A combination whose values each pass their parameter's schema may still break a rule across
 * parameters (`ema-cross`: fast < slow). It is checked here with the strategy's whole schema, as
 * the run itself would (`parseStrategyParams`, after the sweep's `--set` items and the config's
 * params), and kept in the results with the reason instead of running: a grid of periods often
 * holds a few such corners, and the table says which.
 */
import type { ParamsSchema } from '../../../actors/strategies/define-strategy.js';
import { parseStrategyParams } from '../../../actors/strategies/strategy-params.js';
import type { TimeWindow } from '../../../streams/time-window-source.js';
import { isTickflowError } from '../../runtime/errors.js';
import { combinationAt, combinationSets, type Combination, type ParamAxis } from './sweep-grid.js';
import { oneLine, type SweepTask } from './sweep-task.js';

/** One side of the results: what part of the input a run replays. */
export interface SweepSide {
  /** Prefix of the side's columns in `sweep.csv`: empty for the whole input, `is_` and `oos_` for a split. */
  readonly prefix: string;
  /** `whole input`, `in-sample` or `out-of-sample`. */
  readonly label: string;
  /** What part of the input, for people (the window's share and times); empty for the whole input. */
  readonly detail: string;
  readonly window?: TimeWindow | undefined;
}

/** The one side of a sweep without `--split`. */
export const WHOLE_INPUT: readonly SweepSide[] = [{ prefix: '', label: 'whole input', detail: '' }];

/** One combination of the plan. */
export interface PlannedCombination {
  /** Its number in the grid (`combinationAt`). */
  readonly index: number;
  readonly values: Combination;
  /** Why the strategy refuses it, or `null` when it runs. */
  readonly invalid: string | null;
  /** Its tasks' ids, one per side; empty when refused. */
  readonly taskIds: readonly number[];
}

/** What a sweep will run. */
export interface SweepPlan {
  readonly axes: readonly ParamAxis[];
  readonly sides: readonly SweepSide[];
  readonly combinations: readonly PlannedCombination[];
  /** In combination order, sides within each; `tasks[i].id === i`. */
  readonly tasks: readonly SweepTask[];
}

/** What `planSweep` needs. */
export interface PlanOptions {
  readonly strategy: string;
  readonly schema: ParamsSchema;
  readonly axes: readonly ParamAxis[];
  /** Combination numbers to run, in order (all of them, or `sampleCombinations`). */
  readonly indices: readonly number[];
  readonly sides: readonly SweepSide[];
  /** The sweep's `--set` items and the config's params, as every run applies them. */
  readonly sets: readonly string[];
  readonly baseParams: Readonly<Record<string, unknown>>;
}

/** Plans a sweep (see the module comment). */
export function planSweep(options: PlanOptions): SweepPlan {
  const { axes, sides } = options;
  const tasks: SweepTask[] = [];
  const combinations = options.indices.map((index): PlannedCombination => {
    const values = combinationAt(axes, index);
    const sets = combinationSets(axes, values);
    const invalid = refusal(options, sets);
    const taskIds: number[] = [];
    if (invalid === null) {
      for (const side of sides) {
        taskIds.push(tasks.length);
        tasks.push({ id: tasks.length, sets, window: side.window });
      }
    }
    return { index, values, invalid, taskIds };
  });
  return { axes, sides, combinations, tasks };
}

function refusal(options: PlanOptions, sets: readonly string[]): string | null {
  try {
    parseStrategyParams(options.strategy, options.schema, [...options.sets, ...sets], options.baseParams);
    return null;
  } catch (error) {
    if (!isTickflowError(error, 'CONFIG_INVALID')) throw error;
    const issues = error.context['issues'] as readonly { readonly message: string; readonly path: readonly PropertyKey[] }[] | undefined;
    if (issues === undefined) return oneLine(error.message);
    return `refused by ${options.strategy}: ${issues.map((i) => `${i.message}${i.path.length === 0 ? '' : ` (${i.path.map(String).join('.')})`}`).join('; ')}`;
  }
}
