/**
 * The parameter space of a sweep: one axis per swept strategy parameter, from `--grid key=v1,v2,...`
 * (the values listed) or `--range key=lo..hi[:step]` (every step from `lo` to `hi`, both included;
 * the step is 1 by default for an integer parameter and must be given for a decimal one). Each
 * value is checked against the strategy's own schema for that parameter (`sweep-param-check.ts`),
 * so a bad axis is a usage error before any run starts.
 *
 * Order, decided here: combinations are numbered like nested loops over the axes in the order the
 * flags gave them, the last axis varying fastest; combination `i` is `combinationAt(axes, i)`. The
 * numbering is what makes a sweep reproducible (random samples are indices into it) and breaks
 * ties in the result table.
 */
import { TickflowError } from '../../runtime/errors.js';
import type { ParamsSchema } from '../../../actors/strategies/define-strategy.js';
import { checkParamValue, paramKind, type ParamValue } from './sweep-param-check.js';

/** One swept parameter and its values, in the order tried, each once. */
export interface ParamAxis {
  readonly key: string;
  readonly values: readonly ParamValue[];
}

/** One combination: a value per axis, in axis order. */
export type Combination = readonly ParamValue[];

/** Values one axis may hold; more is surely a mistaken range (`1..1e9`), and is refused. */
export const MAX_AXIS_VALUES = 100_000;

/** What `--grid` and `--range` gave, each in command-line order. */
export interface AxisArgs {
  readonly grid: readonly string[];
  readonly range: readonly string[];
}

/**
 * The axes of a sweep of `strategy` from `--grid` and `--range` items: the grid axes first, then
 * the range axes, each in the order given. Throws `CLI_USAGE` naming the item: a malformed item, a
 * parameter the strategy does not have (listing those it has), a key swept twice, a value given
 * twice, a value the parameter's schema refuses, a bad range.
 */
export function parseAxes(strategy: string, schema: ParamsSchema, args: AxisArgs): ParamAxis[] {
  const items = [...args.grid.map((item) => ['grid', item] as const), ...args.range.map((item) => ['range', item] as const)];
  const axes: ParamAxis[] = [];
  for (const [kind, item] of items) {
    const flag = `--${kind} ${item}`;
    const eq = item.indexOf('=');
    if (eq <= 0 || eq === item.length - 1) {
      throw usage(`${flag}: expected key=${kind === 'grid' ? 'v1,v2,...' : 'lo..hi[:step]'}`, { item });
    }
    const key = item.slice(0, eq).trim();
    if (axes.some((a) => a.key === key)) throw usage(`${flag}: ${key} is swept twice; give each parameter one --grid or --range`, { item, key });
    const raw = kind === 'grid' ? gridValues(flag, item.slice(eq + 1)) : rangeValues(flag, item.slice(eq + 1), paramKind(strategy, schema, key, flag));
    const values: ParamValue[] = [];
    const seen = new Set<string>();
    for (const text of raw) {
      const value = checkParamValue(strategy, schema, key, text, flag);
      const id = `${typeof value}:${String(value)}`;
      if (seen.has(id)) throw usage(`${flag}: ${key}=${String(value)} is given twice; each value is tried once`, { item, key, value });
      seen.add(id);
      values.push(value);
    }
    axes.push({ key, values });
  }
  return axes;
}

/** Number of combinations: the product of the axes' lengths (1 with no axis). */
export function combinationCount(axes: readonly ParamAxis[]): number {
  let n = 1;
  for (const axis of axes) n *= axis.values.length;
  return n;
}

/** Combination number `index` (see the module comment for the order). */
export function combinationAt(axes: readonly ParamAxis[], index: number): Combination {
  const values: ParamValue[] = new Array(axes.length);
  let rest = index;
  for (let a = axes.length - 1; a >= 0; a--) {
    const n = axes[a]!.values.length;
    values[a] = axes[a]!.values[rest % n]!;
    rest = Math.floor(rest / n);
  }
  return values;
}

/** Every combination, in order. */
export function expandGrid(axes: readonly ParamAxis[]): Combination[] {
  const total = combinationCount(axes);
  const out: Combination[] = new Array(total);
  for (let i = 0; i < total; i++) out[i] = combinationAt(axes, i);
  return out;
}

/** A combination as `--set` items (`key=value`), which the backtest coerces by the schema again. */
export function combinationSets(axes: readonly ParamAxis[], combination: Combination): string[] {
  return axes.map((axis, i) => `${axis.key}=${String(combination[i])}`);
}

/** A combination as `key=value key=value`, for messages. */
export function describeCombination(axes: readonly ParamAxis[], combination: Combination): string {
  return combinationSets(axes, combination).join(' ');
}

function gridValues(flag: string, text: string): string[] {
  const values = text.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) throw usage(`${flag}: an empty value; separate values with single commas`, { flag });
  return values;
}

const RANGE = /^\s*(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)\s*(?::\s*(\d+(?:\.\d+)?)\s*)?$/;

/**
 * The values of `lo..hi[:step]`, as decimal text. Computed on integers scaled by the most decimals
 * among the three numbers, so `0.1..0.3:0.1` gives `0.1, 0.2, 0.3` and never `0.30000000000000004`.
 */
function rangeValues(flag: string, text: string, kind: 'integer' | 'number'): string[] {
  const match = RANGE.exec(text);
  if (match === null) throw usage(`${flag}: expected lo..hi or lo..hi:step with decimal numbers (fast=5..50, k=0.5..3:0.25)`, { flag });
  const [, lo, hi, step] = match as unknown as [string, string, string, string | undefined];
  if (step === undefined && kind === 'number') throw usage(`${flag}: a decimal parameter needs a step (lo..hi:step)`, { flag });
  const stepText = step ?? '1';
  const scale = Math.max(...[lo, hi, stepText].map((n) => n.split('.')[1]?.length ?? 0));
  const toScaled = (n: string) => BigInt(n.replace('.', '') + '0'.repeat(scale - (n.split('.')[1]?.length ?? 0)));
  const [a, b, s] = [toScaled(lo), toScaled(hi), toScaled(stepText)];
  if (s <= 0n) throw usage(`${flag}: the step must be positive`, { flag });
  if (b < a) throw usage(`${flag}: lo ${lo} is above hi ${hi}`, { flag });
  const count = (b - a) / s + 1n;
  if (count > BigInt(MAX_AXIS_VALUES)) throw usage(`${flag}: ${count} values, more than ${MAX_AXIS_VALUES}; give a larger step`, { flag });
  const values: string[] = [];
  for (let v = a; v <= b; v += s) values.push(scaledText(v, scale));
  return values;
}

function scaledText(v: bigint, scale: number): string {
  if (scale === 0) return v.toString();
  const negative = v < 0n;
  const digits = (negative ? -v : v).toString().padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

function usage(message: string, context: Record<string, unknown>): TickflowError {
  return new TickflowError('CLI_USAGE', `tickflow sweep: ${message}`, context);
}
