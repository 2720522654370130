/**
 * `tickflow backtest` itself, end to end from `.gz` files: the built command line
 * (`dist/src/app/cli.js`, so run after `npm run build`) spawned as a user runs it, on 11 time-shifted
 * copies of the Binance spot captures (BTCUSDT `_20240808` + `_20240809`, ETHUSDT `_20240808`;
 * 1.47 M records in two `.gz` files, one per symbol; see `shifted-captures.ts`), written to a
 * temporary folder that is removed at the end. `--quick`: 3 copies, 3 rounds.
 *
 * The run: `backtest --data btcusdt_x11.gz@BTCUSDT --data ethusdt_x11.gz@ETHUSDT --strategy ema-cross
 * --set longOnly=true --bar 1s`: the default strategy on the shortest common bar, long only
 * because Binance spot's default account is a cash account, which refuses ema-cross's short sales.
 * Every round checks the run's `report.json`: all records replayed, no malformed or unknown lines,
 * every book valid with no gap and nothing left unsynced (as with one copy, the original files).
 *
 * Baseline: reading the same files with the engine's own opener, in this process (the command line
 * has no read-only mode): `openDataArgs` on the same `--data` arguments (probe, inline gunzip,
 * line splitting, the `binance` decoder, the merge by receive time, the command line's chunk size),
 * drained and counted. No actors: what the backtest costs beyond getting its records.
 *
 * Contenders alternate in rounds (`interleave`, no warm-up round for the command line: every run is
 * a fresh process, as a user gets; the baseline warms up once before). Rows, medians over the rounds
 * (each row also carries its range, `valueRange` and `baselineRange`):
 * - `tickflow backtest, 11x spot .gz`: records/s from the run's `stats.json` (its own wall clock, from
 *   the actors' start to the report; the start-up, module loading and the instrument pre-scan are
 *   outside it), beside the baseline's records/s by wall clock.
 * - `..., process wall`: records over the child's wall time from spawn to exit (everything a user
 *   waits for), beside the same baseline.
 * - `..., CPU`: records per CPU second, the child's user + system time over all its threads
 *   (`process.resourceUsage()` at its exit, reported through a `--import` hook), beside the
 *   baseline's (`process.cpuUsage()` of this process around it, zlib's pool threads included).
 *   CPU over wall above 1 means the second core helped. The child's main thread's own run time is
 *   printed beside it: the run's wall time cannot be shorter, and with a core to spare comes close.
 *
 * With `TICKFLOW_BENCH_CPU_PROF=<dir>`, one more run (unmeasured) goes with `node --cpu-prof` and
 * leaves its profile in `<dir>`. Without the captures (`TICKFLOW_DATA_DIR`, default `../shared/data`)
 * it prints a skip message and exits 0; without the build it fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parseConfig } from '../src/app/config.js';
import { openDataArgs } from '../streams/open-source.js';
import { interleave, median, quick, report, row, type BenchRow } from './harness.js';
import { loadCapture, SPOT_CAPTURES, writeShiftedCaptures, type ShiftedCaptures } from './shifted-captures.js';

const COPIES = quick ? 3 : 11;
const ROUNDS = quick ? 3 : 5;
const RUN_FLAGS = ['--strategy', 'ema-cross', '--set', 'longOnly=true', '--bar', '1s'];
const NAME = `tickflow backtest, ${COPIES}x spot .gz`;

const dataDir = resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data');
const missing = SPOT_CAPTURES.flatMap((c) => c.files.map((f) => resolve(dataDir, f))).filter((f) => !existsSync(f));
if (missing.length > 0) {
  console.log(`skipping backtest-cli bench: ${missing.join(', ')} not found (set TICKFLOW_DATA_DIR to the shared data folder)`);
  process.exit(0);
}

/** The built command line, beside this file's build (`dist/bench/` → `dist/src/app/cli.js`). */
const CLI = fileURLToPath(new URL('../src/app/cli.js', import.meta.url));

/**
 * Preloaded into the child: as it exits, writes its resource usage (every thread) and its main
 * thread's own run time (Linux `/proc/thread-self/schedstat`; null elsewhere) to a file.
 */
const USAGE_HOOK =
  'data:text/javascript,' +
  encodeURIComponent(
    'import { readFileSync, writeFileSync } from "node:fs"; process.on("exit", () => { const u = process.resourceUsage(); let main = null; ' +
      'try { main = Number(readFileSync("/proc/thread-self/schedstat", "latin1").split(" ")[0]) / 1e9; } catch {} ' +
      'writeFileSync(process.env.TICKFLOW_BENCH_USAGE, JSON.stringify({ cpuSeconds: (u.userCPUTime + u.systemCPUTime) / 1e6, mainThreadSeconds: main, maxRssKb: u.maxRSS })); });',
  );

/** What one command-line run gave: its stats, the report's checked counters and the child's usage. */
interface CliRun {
  readonly recordsPerSecond: number;
  readonly statsWallSeconds: number;
  readonly cpuSeconds: number;
  /** The main thread's run time (NaN where the kernel does not say). */
  readonly mainThreadSeconds: number;
  readonly maxRssMb: number;
  readonly summary: string;
  readonly report: RunReport;
}

/** The fields of `report.json` the check reads. */
interface RunReport {
  readonly records: number;
  readonly dataIssues: { readonly malformed: number; readonly unknownTypes: number; readonly failure: string | null };
  readonly books: Record<string, { readonly valid: boolean; readonly applied: number; readonly dropped: number; readonly gaps: number; readonly unsynced: number }>;
  readonly bars: number;
  readonly signals: number;
  readonly fills: number;
}

function runCli(data: ShiftedCaptures, dir: string, nodeFlags: readonly string[] = []): Promise<CliRun> {
  const out = join(dir, 'out');
  const usageFile = join(dir, 'usage.json');
  rmSync(usageFile, { force: true });
  const args = [...nodeFlags, '--import', USAGE_HOOK, CLI, 'backtest', ...data.dataArgs.flatMap((a) => ['--data', a]), ...RUN_FLAGS, '--out', out];
  const child = spawn(process.execPath, args, { env: { ...process.env, TICKFLOW_BENCH_USAGE: usageFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) return fail(new Error(`tickflow backtest exited ${code}: ${stderr.trim().slice(-2000)}`));
      const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { wallSeconds: number; recordsPerSecond: number };
      const usage = JSON.parse(readFileSync(usageFile, 'utf8')) as { cpuSeconds: number; mainThreadSeconds: number | null; maxRssKb: number };
      done({
        recordsPerSecond: stats.recordsPerSecond,
        statsWallSeconds: stats.wallSeconds,
        cpuSeconds: usage.cpuSeconds,
        mainThreadSeconds: usage.mainThreadSeconds ?? NaN,
        maxRssMb: usage.maxRssKb / 1024,
        summary: stdout,
        report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as RunReport,
      });
    });
  });
}

/** Throws unless the run replayed every record with no data issue and every book whole. */
function checkRun(run: CliRun, expected: number): void {
  const r = run.report;
  const problems: string[] = [];
  if (r.records !== expected) problems.push(`${r.records} records, expected ${expected}`);
  if (r.dataIssues.malformed + r.dataIssues.unknownTypes > 0 || r.dataIssues.failure !== null) problems.push(`data issues ${JSON.stringify(r.dataIssues)}`);
  for (const [key, b] of Object.entries(r.books)) if (!b.valid || b.gaps > 0 || b.unsynced > 0) problems.push(`book ${key} ${JSON.stringify(b)}`);
  if (problems.length > 0) throw new Error(`the backtest did not see a clean market: ${problems.join('; ')}`);
}

/** The baseline: the same files through `openDataArgs`, drained and counted. */
async function readOnly(data: ShiftedCaptures, chunkSize: number): Promise<number> {
  const source = await openDataArgs(data.dataArgs, { chunkSize });
  let records = 0;
  try {
    for (let chunk = await source.next(); chunk !== null; chunk = await source.next()) records += chunk.length;
  } finally {
    await source.close();
  }
  if (source.stats.malformed + source.stats.unknownTypes > 0) throw new Error(`baseline: ${source.stats.malformed} malformed, ${source.stats.unknownTypes} unknown lines`);
  return records;
}

async function prepare(dir: string): Promise<ShiftedCaptures> {
  const captures = SPOT_CAPTURES.map((c) => loadCapture(c.symbol, c.files.map((f) => gunzipSync(readFileSync(resolve(dataDir, f))).toString('latin1'))));
  const t0 = process.hrtime.bigint();
  const data = await writeShiftedCaptures(dir, captures, COPIES);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const ids = captures.map((c) => `${c.symbol} trade ids +${c.tradeIdSpan.toLocaleString('en-US')}, update ids +${c.updateIdSpan.toLocaleString('en-US')}`).join('; ');
  console.log(
    `${COPIES} copies × ${data.linesPerCopy.toLocaleString('en-US')} records = ${(COPIES * data.linesPerCopy).toLocaleString('en-US')} records in ${data.dataArgs.length} .gz files ` +
      `(${(data.compressedBytes / 1e6).toFixed(1)} MB, written in ${seconds.toFixed(1)} s); each copy ${data.shiftSeconds} s later, ${ids}`,
  );
  return data;
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const rangeOf = (xs: readonly number[]): [number, number] => [Math.round(Math.min(...xs)), Math.round(Math.max(...xs))];

async function main(dir: string): Promise<void> {
  if (!existsSync(CLI)) throw new Error(`${CLI} not found: run \`npm run build\` first (this benchmark spawns the built command line)`);
  const data = await prepare(dir);
  const records = COPIES * data.linesPerCopy;
  const chunkSize = parseConfig({}, 'backtest-cli bench').replay.chunkSize;
  console.log(`command: tickflow backtest ${data.dataArgs.map((a) => `--data ${a}`).join(' ')} ${RUN_FLAGS.join(' ')} --out <tmp>`);
  if ((await readOnly(data, chunkSize)) !== records) throw new Error('baseline warm-up: record count differs');

  const runs: CliRun[] = [];
  const timings = await interleave(
    [
      {
        name: 'cli',
        run: () => runCli(data, dir),
        check: (r) => {
          checkRun(r as CliRun, records);
          runs.push(r as CliRun);
        },
      },
      {
        name: 'read',
        run: () => readOnly(data, chunkSize),
        check: (n) => {
          if (n !== records) throw new Error(`baseline read ${String(n)} records, expected ${records}`);
        },
      },
    ],
    ROUNDS,
    0,
  );
  const [cli, read] = timings as [(typeof timings)[0], (typeof timings)[0]];
  for (let i = 0; i < ROUNDS; i++) {
    const r = runs[i]!;
    const c = cli.samples[i]!;
    const b = read.samples[i]!;
    console.log(
      `round ${i + 1}: backtest ${fmt(r.recordsPerSecond)} records/s by its stats (${r.statsWallSeconds.toFixed(2)} s), process ${c.wallSeconds.toFixed(2)} s wall, ` +
        `${r.cpuSeconds.toFixed(2)} s CPU (${(r.cpuSeconds / c.wallSeconds).toFixed(2)} cores; main thread ${r.mainThreadSeconds.toFixed(2)} s), max RSS ${r.maxRssMb.toFixed(0)} MB; ` +
        `read only ${b.wallSeconds.toFixed(2)} s wall, ${b.cpuSeconds.toFixed(2)} s CPU`,
    );
  }
  const first = runs[0]!;
  const keep = /^(records|data issues|strategy|bars|book |orders|fills)/;
  console.log(first.summary.split('\n').filter((l) => keep.test(l)).join('\n'));
  const cliCpu = runs.map((r) => r.cpuSeconds);
  const cliMain = runs.map((r) => r.mainThreadSeconds);
  const readCpu = read.samples.map((s) => s.cpuSeconds);
  const spread = (xs: readonly number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;
  console.log(
    `${records.toLocaleString('en-US')} records a run; CPU seconds, median (range): backtest ${spread(cliCpu)}, its main thread ${spread(cliMain)} ` +
      `(${fmt(records / median(cliMain))} records per main-thread second: the wall rate's ceiling with a core to spare), read only ${spread(readCpu)}`,
  );

  const perSecond = (seconds: readonly number[]) => seconds.map((s) => records / s);
  const readWall = perSecond(read.samples.map((s) => s.wallSeconds));
  const withRanges = (r: BenchRow, values: readonly number[], baselines: readonly number[]) => ({ ...r, valueRange: rangeOf(values), baselineRange: rangeOf(baselines), rounds: ROUNDS });
  const statsRates = runs.map((r) => r.recordsPerSecond);
  const processWall = perSecond(cli.samples.map((s) => s.wallSeconds));
  const cpuRates = perSecond(cliCpu);
  const readCpuRates = perSecond(readCpu);
  report([
    withRanges(row(NAME, 'records/s', median(statsRates), median(readWall)), statsRates, readWall),
    withRanges(row(`${NAME}, process wall`, 'records/s', median(processWall), median(readWall)), processWall, readWall),
    withRanges(row(`${NAME}, CPU`, 'records/s', median(cpuRates), median(readCpuRates)), cpuRates, readCpuRates),
  ]);
  for (const [label, values, baselines] of [
    ['stats', statsRates, readWall],
    ['process wall', processWall, readWall],
    ['CPU', cpuRates, readCpuRates],
  ] as const) {
    const [lo, hi] = rangeOf(values);
    const [blo, bhi] = rangeOf(baselines);
    console.log(`range over ${ROUNDS} rounds, ${label}: ${fmt(lo)}–${fmt(hi)} records/s, baseline ${fmt(blo)}–${fmt(bhi)}`);
  }

  const profileDir = process.env.TICKFLOW_BENCH_CPU_PROF;
  if (profileDir !== undefined && profileDir !== '') {
    const run = await runCli(data, dir, ['--cpu-prof', '--cpu-prof-dir', resolve(profileDir)]);
    console.log(`profiled run: ${fmt(run.recordsPerSecond)} records/s by its stats; profile in ${resolve(profileDir)}`);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tickflow-backtest-cli-'));
try {
  await main(dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
