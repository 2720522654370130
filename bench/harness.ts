/**
 * Shared plumbing for benchmarks: every benchmark reports rows of `{ name, unit, value, baseline,
 * ratio }` measured beside a baseline in the same process, prints them as a table and merges them
 * into `bench/results/latest.json` (rows with the same name are replaced). `ratio` is value over
 * baseline; for latencies (lower is better) it is still value over baseline, so read it with the unit.
 * `interleave` times several contenders in alternating rounds (CPU and wall medians) for benchmarks
 * whose ratios must survive a noisy, shared machine.
 */
import type { Session } from 'node:inspector/promises';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
// Every contender runs as the command line does (see `v8-tuning.ts`: without it, which of two
// speeds a process gets is a coin flip made in its first collections).
import '../src/app/v8-tuning.js';

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

/** One contender of `interleave`: a named run, and optionally a check of each run's result. */
export interface Contender {
  readonly name: string;
  /** One complete run of the workload; timed from the call until its promise (if any) settles. */
  readonly run: () => unknown | Promise<unknown>;
  /** Called with the run's result after the clocks stop, every round (warm-up included); throw to fail. */
  readonly check?: (result: unknown) => void;
}

/** The cost of one run: process CPU time (user + system) and monotonic wall time, in seconds. */
export interface Sample {
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
}

/** Every measured round of one contender, in round order, with the medians over them. */
export interface ContenderTimings {
  readonly name: string;
  readonly samples: readonly Sample[];
  readonly medianCpuSeconds: number;
  readonly medianWallSeconds: number;
}

/**
 * Times contenders in interleaved rounds within this process, for comparisons on a shared, noisy
 * machine: round r runs every contender once, in the given order, so a slow spell of the machine
 * hits all of them rather than one. `warmup` unmeasured rounds come first (JIT, heap growth), then
 * `rounds` measured ones; each run records process CPU time (`process.cpuUsage()`, user + system,
 * so it includes GC and other helper threads of the process) and wall time (`process.hrtime`).
 * No collection is forced between runs even under `--expose-gc`: measured here, a forced full GC
 * made the next run of an allocation-free loop about twice as slow, distorting exactly what is
 * compared; a contender may instead pay for some of the previous one's garbage. A `check`
 * that throws, or a run that rejects, aborts the whole measurement. Returns one entry per
 * contender, in the given order; medians of an even count are the mean of the middle two.
 */
export async function interleave(contenders: readonly Contender[], rounds: number, warmup: number): Promise<ContenderTimings[]> {
  const samples: Sample[][] = contenders.map(() => []);
  for (let r = 0; r < warmup + rounds; r++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[i]!;
      const cpu0 = process.cpuUsage();
      const wall0 = process.hrtime.bigint();
      let result = contender.run();
      if (result instanceof Promise) result = await result;
      const wall = Number(process.hrtime.bigint() - wall0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      contender.check?.(result);
      if (r >= warmup) samples[i]!.push({ cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: wall });
    }
  }
  return contenders.map((c, i) => ({
    name: c.name,
    samples: samples[i]!,
    medianCpuSeconds: median(samples[i]!.map((s) => s.cpuSeconds)),
    medianWallSeconds: median(samples[i]!.map((s) => s.wallSeconds)),
  }));
}

/** The median of `xs` (the mean of the middle two for an even count; NaN when empty). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Bytes allocated while `run` runs, by V8's sampling heap profiler (objects already collected by
 * minor and major GC included), every `intervalBytes` on average: an estimate whose error shrinks
 * with the run's length, not affected by when the collector runs. `session` is a connected
 * `node:inspector/promises` session.
 */
export async function sampledAllocation(session: Session, run: () => unknown, intervalBytes: number): Promise<number> {
  await session.post('HeapProfiler.startSampling', { samplingInterval: intervalBytes, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  await run();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as { profile: { head: SampledNode } };
  return totalSampled(profile.head);
}

interface SampledNode {
  readonly selfSize: number;
  readonly children: readonly SampledNode[];
}

function totalSampled(node: SampledNode): number {
  let sum = node.selfSize;
  for (const child of node.children) sum += totalSampled(child);
  return sum;
}
