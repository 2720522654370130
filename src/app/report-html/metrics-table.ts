/**
 * The metrics table of the HTML report: `report.json`'s `metrics`, one row per value, so what the
 * page shows is what the file says, character for character.
 *
 * Nested objects become dotted names (`maxDrawdown.fraction`); the round trips and the
 * per-instrument figures have tables of their own. A value is shown as JSON writes it (a string
 * without its quotes, a number in its shortest form), and `null` as `n/a`. A third column reads the
 * value for people: times in ISO 8601 (UTC), durations, fractions as percentages.
 */
import { formatDuration } from '../../model/duration.js';
import { isoTime } from '../../model/iso-time.js';
import { metricNumber } from '../metrics/metric-number.js';
import type { PageTable } from './page-table.js';

/** How `null` is shown. */
export const NO_VALUE = 'n/a';

/** Metrics that are fractions, shown as percentages in the reading column. */
const FRACTIONS = new Set(['totalReturn', 'cagr', 'maxDrawdown.fraction', 'winRate', 'exposure', 'feeShare']);

/** Keys of `metrics` shown in tables of their own. */
const OWN_TABLES = new Set(['roundTrips', 'instruments']);

/** `[name, value as report.json has it, reading]`. */
export type MetricRow = readonly [name: string, value: string, reading: string];

/** The rows of `metrics` (report.json's object), in its key order. */
export function metricsTable(metrics: Record<string, unknown>): MetricRow[] {
  const rows: MetricRow[] = [];
  const walk = (object: Record<string, unknown>, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      const name = prefix + key;
      if (prefix === '' && OWN_TABLES.has(key)) continue;
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) walk(value as Record<string, unknown>, `${name}.`);
      else rows.push([name, shown(value), reading(name, value)]);
    }
  };
  walk(metrics, '');
  return rows;
}

/** `metrics.instruments` as a table: one row per instrument, its figures as columns. */
export function instrumentsTable(metrics: Record<string, unknown>): PageTable {
  const byKey = (metrics['instruments'] ?? {}) as Record<string, Record<string, unknown>>;
  const keys = Object.keys(byKey);
  const columns = ['instrument', ...Object.keys(byKey[keys[0]!] ?? {})];
  const rows = keys.map((k) => [k, ...columns.slice(1).map((c) => shown(byKey[k]![c]))]);
  return { columns, rows, total: rows.length, file: 'report.json' };
}

/** A value as the table shows it. */
export function shown(value: unknown): string {
  if (value === null || value === undefined) return NO_VALUE;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

function reading(name: string, value: unknown): string {
  if (typeof value !== 'number') return '';
  if (name.endsWith('Ts') && Number.isSafeInteger(value)) return isoTime(value);
  if (name.endsWith('Us') && Number.isSafeInteger(value) && value >= 0) return readableDuration(value);
  if (FRACTIONS.has(name)) return `${metricNumber(value * 100)}%`;
  return '';
}

/** A duration to the second past one (`2h5m`), as the summary prints them; µs below. */
export function readableDuration(us: number): string {
  return formatDuration(us >= 1_000_000 ? Math.round(us / 1_000_000) * 1_000_000 : us);
}
