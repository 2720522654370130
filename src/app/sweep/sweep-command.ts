/**
 * `tickflow sweep`: the same backtest over a grid of strategy parameters, on worker threads.
 *
 * The command reads the backtest's flags exactly as `tickflow backtest` does (the CLI hands its own
 * reading over as `ports.setup`), adds the swept parameters (`--grid`, `--range`, `sweep-grid.ts`),
 * optionally a seeded random sample of them (`--random N --seed S`, `sweep-random.ts`) and a split
 * into in-sample and out-of-sample windows (`--split`, `sweep-split.ts`), and runs every backtest on
 * `--workers` threads (default one per core, `os.availableParallelism()`; 0 runs them in this
 * thread). It writes `sweep.csv` and `sweep.html` (`sweep-csv.ts`, `sweep-html.ts`), sorted best
 * first by `--metric` (`sweep-results.ts`). The output is the same bytes whatever the number of
 * workers: every run is deterministic and results are placed by task, not by arrival.
 *
 * Errors, in the order they are found, all before the first run: a bad flag or axis (an unknown
 * parameter, a value the strategy's schema refuses, a combination list the strategy refuses
 * whole) exits 64; an unknown strategy or invalid config 78; missing input 66, unreadable data
 * 65; an `--out` that cannot be written 73. Then a run that fails is a row with its error, not a
 * failed sweep (exit 0, the count said); only a sweep where no run went through exits 70.
 * SIGINT (Ctrl-C) stops the workers at once and exits 130 (SIGTERM 143), writing nothing.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { getStrategy } from '../../../actors/strategies/strategies.js';
import { writeFileAtomic } from '../../io/fs/atomic-write.js';
import { TickflowError } from '../../runtime/errors.js';
import { openInput } from '../backtest.js';
import { flagValue, parseArgs, type FlagSpec, type ParsedArgs } from '../cli-args.js';
import { checkOutDir } from '../out-dir.js';
import { SWEEP_CSV, sweepCsv } from './sweep-csv.js';
import { combinationCount, describeCombination, parseAxes, type ParamAxis } from './sweep-grid.js';
import { SWEEP_HTML, sweepHtml } from './sweep-html.js';
import { createInProcessLane, createWorkerLane, sweepWorkerScript } from './sweep-lanes.js';
import { SWEEP_METRICS, sweepMetricNamed, type SweepMetric } from './sweep-metrics.js';
import { planSweep, WHOLE_INPUT, type SweepPlan, type SweepSide } from './sweep-plan.js';
import { runSweepTasks } from './sweep-pool.js';
import { MAX_RANDOM, sampleCombinations } from './sweep-random.js';
import { sortRows, sweepRows, type SweepRow } from './sweep-results.js';
import { scanSpan, splitPoint, splitSides } from './sweep-split.js';
import type { SweepSetup } from './sweep-task.js';

/** The sweep's own flags. */
export const SWEEP_FLAGS: readonly FlagSpec[] = [
  { name: 'grid', takesValue: true, repeatable: true, help: 'a swept parameter and its values: key=v1,v2,... (fast=5,8,13)' },
  { name: 'range', takesValue: true, repeatable: true, help: 'a swept parameter over a range, both ends included: key=lo..hi[:step] (fast=5..50, k=0.5..3:0.25)' },
  { name: 'random', takesValue: true, help: `run N combinations drawn at random from the grid instead of every one (at most ${MAX_RANDOM})` },
  { name: 'seed', takesValue: true, help: "seed of --random (default: the config's seed, 42)" },
  { name: 'workers', takesValue: true, help: 'worker threads (default: one per core); 0 runs every backtest in this thread' },
  { name: 'metric', takesValue: true, help: `sort by this, best first (default sharpe): ${SWEEP_METRICS.map((m) => m.name).join(', ')}` },
  { name: 'split', takesValue: true, help: 'in-sample share of the input by engine time, e.g. 0.7: each combination is also scored on the rest' },
  { name: 'out', takesValue: true, help: 'output directory for sweep.csv and sweep.html' },
];

/** The backtest flags (`tickflow backtest`'s, by these names) a sweep takes too, with the same meaning. */
export const SWEEP_SHARED_FLAGS: readonly string[] = ['data', 'format', 'symbol', 'strategy', 'set', 'bar', 'cash', 'config', 'simulated'];

/** Most combinations an exhaustive sweep may hold; past it, `--random` samples them. */
export const MAX_COMBINATIONS = 100_000;

/** What the command is given besides its arguments. */
export interface SweepPorts {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** The backtest's reading of the shared flags: input, config (file, environment, flags), `--set` items. */
  readonly setup: (parsed: ParsedArgs) => SweepSetup;
  /** Aborted to stop, its `reason` the signal's name; absent: SIGINT and SIGTERM are listened to while the sweep runs. */
  readonly signal?: AbortSignal | undefined;
  /** The worker entry (default `sweepWorkerScript()`). */
  readonly workerScript?: URL | null | undefined;
  /** Workers when `--workers` is absent (default `os.availableParallelism()`). */
  readonly cores?: number | undefined;
  /** A line on stderr per finished run (default: when stderr is a terminal). */
  readonly progress?: boolean | undefined;
}

/** Runs `tickflow sweep` with `args` parsed against `flags` (the shared backtest flags and `SWEEP_FLAGS`); returns the exit code. */
export async function runSweepCommand(args: readonly string[], flags: readonly FlagSpec[], ports: SweepPorts): Promise<number> {
  const parsed = parseArgs('sweep', args, flags);
  const grid = parsed.values.get('grid') ?? [];
  const range = parsed.values.get('range') ?? [];
  if (grid.length + range.length === 0) throw usage('give the parameters to sweep: --grid key=v1,v2,... or --range key=lo..hi[:step] (see `tickflow strategies`)');
  const outDir = flagValue(parsed, 'out');
  if (outDir === undefined) throw usage('--out <dir> is required (sweep.csv and sweep.html go there)');
  const metricName = flagValue(parsed, 'metric') ?? 'sharpe';
  const metric = sweepMetricNamed(metricName);
  if (metric === undefined) throw usage(`--metric ${metricName}: not a metric; one of ${SWEEP_METRICS.map((m) => m.name).join(', ')}`);
  const workers = intFlag(parsed, 'workers', 0, 1024) ?? ports.cores ?? availableParallelism();
  const random = intFlag(parsed, 'random', 1, MAX_RANDOM);
  const seedFlag = intFlag(parsed, 'seed', -(2 ** 31), 2 ** 32 - 1);
  if (seedFlag !== undefined && random === undefined) throw usage('--seed is the seed of --random; give --random N too');
  const fraction = fractionFlag(parsed, 'split');

  const given = ports.setup(parsed);
  // As fast as the work allows whatever the config's `replay.speed` says: pacing a replay to the
  // wall clock changes nothing a backtest computes, only how long a sweep of many takes.
  const setup: SweepSetup = { ...given, config: { ...given.config, replay: { ...given.config.replay, speed: 'max' } } };
  const strategy = setup.config.strategy.name;
  const schema = getStrategy(strategy).params;
  const axes = parseAxes(strategy, schema, { grid, range });
  for (const item of setup.sets) {
    const key = item.slice(0, item.indexOf('=')).trim();
    if (axes.some((a) => a.key === key)) throw usage(`--set ${item}: ${key} is swept too; give it once, with --set or with --grid/--range`);
  }
  const total = combinationCount(axes);
  if (random === undefined && total > MAX_COMBINATIONS) throw usage(`${total} combinations, more than ${MAX_COMBINATIONS}; sample them with --random N`);
  const seed = seedFlag ?? setup.config.seed;
  const indices = random === undefined ? Array.from({ length: total }, (_, i) => i) : sampleCombinations(axes, random, seed);
  const planOf = (sides: readonly SweepSide[]): SweepPlan => planSweep({ strategy, schema, axes, indices, sides, sets: setup.sets, baseParams: setup.config.strategy.params });
  const draft = planOf(WHOLE_INPUT);
  if (draft.tasks.length === 0) throw usage(`no combination can run: ${describeCombination(axes, draft.combinations[0]!.values)} is ${draft.combinations[0]!.invalid}, and every other one too`);
  const script = workers === 0 ? null : ports.workerScript === undefined ? sweepWorkerScript() : ports.workerScript;
  if (workers > 0 && script === null) {
    throw new TickflowError('IO_UNAVAILABLE', 'tickflow sweep: the worker script sweep-worker.js is not beside the sweep (running from TypeScript sources?); run the built CLI, or give --workers 0 to run every backtest in this thread', {});
  }
  const job: SweepJob = { ports, setup, outDir, metric, workers, script, fraction, draft, planOf, facts: { total, random, seed, metricName: metric.name, fraction } };
  // From here on, Ctrl-C ends the sweep with 130, even before the first run starts.
  return withSignals(ports.signal, (signal) => executeSweep(job, signal));
}

/** A checked sweep, ready to run. */
interface SweepJob {
  readonly ports: SweepPorts;
  readonly setup: SweepSetup;
  readonly outDir: string;
  readonly metric: SweepMetric;
  readonly workers: number;
  readonly script: URL | null;
  readonly fraction: number | undefined;
  /** The plan on the whole input; with `--split`, `planOf` makes the plan once the split is known. */
  readonly draft: SweepPlan;
  readonly planOf: (sides: readonly SweepSide[]) => SweepPlan;
  readonly facts: SweepFacts;
}

async function executeSweep(job: SweepJob, signal: AbortSignal): Promise<number> {
  const { ports, setup, outDir, metric } = job;
  checkOutDir(outDir);
  let plan = job.draft;
  if (job.fraction === undefined) await (await openInput(setup)).close();
  else plan = job.planOf(splitSides(splitPoint(await scanSpan(setup), job.fraction)));

  const lanes = job.script === null ? [createInProcessLane(setup)] : Array.from({ length: Math.min(job.workers, plan.tasks.length) }, () => createWorkerLane(job.script!, setup));
  const started = performance.now();
  const progress = ports.progress ?? process.stderr.isTTY === true;
  const outcome = await runSweepTasks(plan.tasks, lanes, {
    signal,
    onRun: progress ? (run, done, n) => ports.err(`sweep: ${done}/${n} done${run.error === null ? '' : ` (${run.error})`}`) : undefined,
  });
  if (outcome.interrupted) {
    const arrived = outcome.runs.filter((r) => r !== undefined).length;
    const reason = String(signal.reason ?? 'SIGINT');
    ports.err(`tickflow sweep: interrupted (${reason}) after ${arrived} of ${plan.tasks.length} backtests; nothing written`);
    return reason === 'SIGTERM' ? 143 : 130;
  }
  const seconds = (performance.now() - started) / 1000;

  const { axes, sides } = plan;
  const strategy = setup.config.strategy.name;
  const rows = sortRows(sweepRows(plan, outcome.runs), metric);
  writeFileAtomic(join(outDir, SWEEP_CSV), sweepCsv(axes, sides, rows));
  writeFileAtomic(join(outDir, SWEEP_HTML), sweepHtml({ title: `${strategy} sweep`, facts: describeSweep(setup, plan, job.facts), axes, sides, metric, rows }));

  const refused = plan.combinations.filter((c) => c.invalid !== null).length;
  const failed = outcome.runs.filter((r) => r !== undefined && r.scores === null).length;
  const where = job.script === null ? 'this thread' : `${lanes.length} worker thread${lanes.length === 1 ? '' : 's'}`;
  ports.out(`sweep: ${plan.combinations.length} combinations of ${strategy} (${axes.map((a) => a.key).join(' × ')}), ${plan.tasks.length} backtests on ${where} in ${seconds.toFixed(1)} s`);
  ports.out(bestLine(rows, axes, sides, metric.name));
  if (refused > 0) ports.out(`refused: ${refused} combination${refused === 1 ? '' : 's'} the strategy does not accept (see the error column)`);
  if (failed > 0) ports.out(`failed: ${failed} of ${plan.tasks.length} backtests (see the error column)`);
  ports.out(`csv: ${join(outDir, SWEEP_CSV)}`);
  ports.out(`page: ${join(outDir, SWEEP_HTML)}`);
  if (failed === plan.tasks.length) {
    ports.err('tickflow sweep: no backtest went through; the errors are in sweep.csv');
    return 70;
  }
  return 0;
}

/** Runs `body` with an abort signal: `given`, or one aborted by SIGINT or SIGTERM (its reason the signal's name) while it runs. */
async function withSignals<T>(given: AbortSignal | undefined, body: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (given !== undefined) return body(given);
  const controller = new AbortController();
  const onInt = () => controller.abort('SIGINT');
  const onTerm = () => controller.abort('SIGTERM');
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  try {
    return await body(controller.signal);
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

function bestLine(rows: readonly SweepRow[], axes: readonly ParamAxis[], sides: readonly SweepSide[], metric: string): string {
  const best = rows[0];
  const value = best?.results[0]?.scores?.[metric] ?? null;
  if (best === undefined || value === null) {
    return `best: none; no run has a ${metric} (Sharpe, Sortino, CAGR and Calmar need a day of data), rows are in parameter order; try --metric total_return`;
  }
  if (sides.length === 1) return `best ${metric}: ${describeCombination(axes, best.values)}: ${value}`;
  const bySide = sides.map((s, i) => `${s.label} ${best.results[i]?.scores?.[metric] ?? 'n/a'}`);
  return `best ${metric} in-sample: ${describeCombination(axes, best.values)}: ${bySide.join(', ')}`;
}

/** What the page says of the sweep beside its plan. */
interface SweepFacts {
  readonly total: number;
  readonly random: number | undefined;
  readonly seed: number;
  readonly metricName: string;
  readonly fraction: number | undefined;
}

function describeSweep(setup: SweepSetup, plan: SweepPlan, o: SweepFacts): [string, string][] {
  const fixed = setup.sets.length === 0 ? '' : `, with ${setup.sets.join(' ')}`;
  const data = setup.input.kind === 'simulated' ? `the simulated market (seed ${setup.config.seed})` : setup.input.data.join(', ');
  const n = plan.combinations.length;
  const facts: [string, string][] = [
    ['strategy', `${setup.config.strategy.name}${fixed}`],
    ['data', data],
    ['bars', setup.config.bars.spec],
    ...plan.axes.map((a): [string, string] => [a.key, axisText(a)]),
    ['combinations', o.random === undefined || n === o.total ? `${n} (the whole grid)` : `${n} of ${o.total}, drawn at random with seed ${o.seed}`],
    ['sorted by', `${o.metricName}, best first${plan.sides.length > 1 ? ', in-sample' : ''}`],
  ];
  if (o.fraction !== undefined) facts.push(['split', `${o.fraction} of the engine time in-sample; each side a fresh backtest of its window`]);
  for (const side of plan.sides) if (side.detail !== '') facts.push([side.label, side.detail]);
  return facts;
}

function axisText(axis: ParamAxis): string {
  const v = axis.values.map(String);
  return v.length <= 12 ? v.join(', ') : `${v.slice(0, 5).join(', ')}, ..., ${v.slice(-3).join(', ')} (${v.length} values)`;
}

function intFlag(parsed: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const text = flagValue(parsed, name);
  if (text === undefined) return undefined;
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw usage(`--${name} ${text}: expected an integer from ${min} to ${max}`);
  return n;
}

function fractionFlag(parsed: ParsedArgs, name: string): number | undefined {
  const text = flagValue(parsed, name);
  if (text === undefined) return undefined;
  const f = /^\s*0?\.\d+\s*$/.test(text) ? Number(text) : NaN;
  if (!(f > 0 && f < 1)) throw usage(`--${name} ${text}: expected the in-sample share, a decimal between 0 and 1 such as 0.7`);
  return f;
}

function usage(message: string): TickflowError {
  return new TickflowError('CLI_USAGE', `tickflow sweep: ${message}`, {});
}
