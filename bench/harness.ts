/**
 * Shared plumbing for benchmarks: every benchmark reports rows of `{ name, unit, value, baseline,
 * ratio }` measured beside a baseline in the same process, prints them as a table and merges them
 * into `bench/results/latest.json` (rows with the same name are replaced). `ratio` is value over
 * baseline; for latencies (lower is better) it is still value over baseline, so read it with the unit.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** One measured figure beside its baseline. */
export interface BenchRow {
  readonly name: string;
  readonly unit: string;
  readonly value: number;
  readonly baseline: number;
  readonly ratio: number;
}

/** True when the run was asked to be short (`npm run bench -- --quick`). */
export const quick: boolean = process.argv.includes('--quick') || process.env.TICKFLOW_BENCH_QUICK === '1';

/** Builds a row, computing the ratio. */
export function row(name: string, unit: string, value: number, baseline: number): BenchRow {
  const ratio = baseline === 0 ? 0 : value / baseline;
  return { name, unit, value: round(value), baseline: round(baseline), ratio: Math.round(ratio * 1000) / 1000 };
}

function round(x: number): number {
  return Math.abs(x) >= 100 ? Math.round(x) : Math.round(x * 1000) / 1000;
}

/** Where results go; `TICKFLOW_BENCH_OUT` overrides for tests of the harness itself. */
export function resultsPath(): string {
  return resolve(process.env.TICKFLOW_BENCH_OUT ?? 'bench/results/latest.json');
}

/** Prints the rows as a table and merges them into `latest.json`. */
export function report(rows: readonly BenchRow[]): void {
  printTable(rows);
  const path = resultsPath();
  let existing: BenchRow[] = [];
  try {
    existing = JSON.parse(readFileSync(path, 'utf8')) as BenchRow[];
  } catch {
    existing = [];
  }
  const names = new Set(rows.map((r) => r.name));
  const merged = existing.filter((r) => !names.has(r.name)).concat(rows);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(merged, null, 2) + '\n');
}

/** Prints rows as a fixed-width table. */
export function printTable(rows: readonly BenchRow[]): void {
  const header = ['name', 'unit', 'value', 'baseline', 'ratio'];
  const cells = rows.map((r) => [r.name, r.unit, fmt(r.value), fmt(r.baseline), r.ratio.toFixed(3)]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((s, i) => (i === 0 || i === 1 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join('  ');
  console.log(line(header));
  for (const c of cells) console.log(line(c));
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(x);
}

/** Runs `fn` and returns elapsed wall-clock seconds (monotonic). */
export function timeIt(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/** Async variant of `timeIt`. */
export async function timeItAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}
