/**
 * `sweep.csv`: one row per combination, in the order of `sortRows`, with its rank, its parameters
 * (one column per swept parameter, named after it), every figure of `SWEEP_METRICS` per side (the
 * side's prefix before the name: `sharpe`, or `is_sharpe` and `oos_sharpe` under `--split`), and
 * last each side's error (empty when the run went through). An undefined figure is an empty cell.
 * RFC 4180 quoting, `\n` line ends; nothing from the wall clock or the number of workers, so the
 * same sweep writes the same bytes.
 */
import type { ParamAxis } from './sweep-grid.js';
import { SWEEP_METRICS, type MetricValue } from './sweep-metrics.js';
import type { SweepSide } from './sweep-plan.js';
import type { SweepRow } from './sweep-results.js';

/** Name of the file. */
export const SWEEP_CSV = 'sweep.csv';

/** The file's text for `rows` already sorted. */
export function sweepCsv(axes: readonly ParamAxis[], sides: readonly SweepSide[], rows: readonly SweepRow[]): string {
  const header = [
    'rank',
    ...axes.map((a) => a.key),
    ...sides.flatMap((s) => SWEEP_METRICS.map((m) => `${s.prefix}${m.name}`)),
    ...sides.map((s) => `${s.prefix}error`),
  ];
  const lines = [header.map(cell).join(',')];
  rows.forEach((row, i) => {
    const fields: (MetricValue | boolean)[] = [
      i + 1,
      ...row.values,
      ...row.results.flatMap((r) => SWEEP_METRICS.map((m) => r.scores?.[m.name] ?? null)),
      ...row.results.map((r) => r.error),
    ];
    lines.push(fields.map(cell).join(','));
  });
  return `${lines.join('\n')}\n`;
}

function cell(value: MetricValue | boolean): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
