/**
 * A sweep's results as rows, one per combination, and their order. Ordering, decided here: best
 * first by the chosen metric on the first side (the whole input, or in-sample under `--split`, the
 * figures a user would pick parameters by; out-of-sample is shown beside, not sorted on), as the
 * metric says which way is better (`SweepMetric.better`); rows without a value for it (undefined,
 * failed, refused) last; ties broken by the parameters, axis by axis in ascending order, then by
 * the combination's number. The order is total, so it does not depend on the order runs finished.
 */
import type { Combination, ParamAxis } from './sweep-grid.js';
import { numericValue, type SweepMetric, type SweepScores } from './sweep-metrics.js';
import type { ParamValue } from './sweep-param-check.js';
import type { SweepPlan } from './sweep-plan.js';
import type { SweepRun } from './sweep-task.js';

/** A combination's result on one side. */
export interface SideResult {
  readonly scores: SweepScores | null;
  readonly error: string | null;
}

/** One combination's results, a `SideResult` per side of the plan. */
export interface SweepRow {
  readonly index: number;
  readonly values: Combination;
  readonly results: readonly SideResult[];
}

/** The rows of `plan` with the runs' results (`runs[i]` is task `i`'s), in plan order. */
export function sweepRows(plan: SweepPlan, runs: readonly (SweepRun | undefined)[]): SweepRow[] {
  return plan.combinations.map((c) => ({
    index: c.index,
    values: c.values,
    results:
      c.invalid !== null
        ? plan.sides.map(() => ({ scores: null, error: c.invalid }))
        : c.taskIds.map((id) => {
            const run = runs[id];
            return run === undefined ? { scores: null, error: 'not run' } : { scores: run.scores, error: run.error };
          }),
  }));
}

/** `rows` sorted (see the module comment); a new array. */
export function sortRows(rows: readonly SweepRow[], metric: SweepMetric): SweepRow[] {
  const sign = metric.better === 'higher' ? -1 : 1;
  const keyed = rows.map((row) => ({ row, value: numericValue(row.results[0]?.scores?.[metric.name]) }));
  keyed.sort((a, b) => {
    if (a.value !== b.value) {
      if (a.value === null) return 1;
      if (b.value === null) return -1;
      return sign * (a.value - b.value);
    }
    return compareCombinations(a.row.values, b.row.values) || a.row.index - b.row.index;
  });
  return keyed.map((k) => k.row);
}

/** Combinations compared axis by axis (`compareParams`). */
export function compareCombinations(a: Combination, b: Combination): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareParams(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** Numbers by value, booleans false first, anything else by UTF-16 code units (never the locale's order). */
export function compareParams(a: ParamValue, b: ParamValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** An axis's values in display order: ascending by `compareParams` (a grid may list them in any order). */
export function sortedAxisValues(axis: ParamAxis): ParamValue[] {
  return [...axis.values].sort(compareParams);
}
