/**
 * `tickflow sweep` on one and on two worker threads: the built command line
 * (`dist/src/app/cli.js`, so run after `npm run build`) spawned as a user runs it, on the Binance
 * spot capture `binance-spot/btcusdt_20240808.gz` (41,249 lines, six minutes), a 3 × 3 grid of
 * `ema-cross` (`--grid fast=5,8,13 --grid slow=21,34,55 --set longOnly=true --bar 1s`), nine
 * backtests per sweep. `--quick`: 3 rounds instead of 5.
 *
 * Baseline: the same sweep with `--workers 1`. Contenders alternate in rounds (`interleave`, one
 * warm-up round), each a fresh process timed from spawn to exit (everything a user waits for: start-
 * up, the input check, every worker's module loading and JIT warm-up, the runs, the writes). Rows,
 * medians over the rounds: `..., 2 workers` in wall seconds beside the baseline's (ratio below 1:
 * faster; the speed-up is its inverse), and the same for the sweep's own time (what its summary
 * line prints, from the first run's start to the last result). Every round checks that both wrote
 * the same `sweep.csv`, byte for byte.
 *
 * Without the capture (`TICKFLOW_DATA_DIR`, default `../shared/data`) it prints a skip message and
 * exits 0; without the build it fails.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { interleave, median, quick, report, row } from './harness.js';

const ROUNDS = quick ? 3 : 5;
const CAPTURE = resolve(process.env.TICKFLOW_DATA_DIR ?? '../shared/data', 'binance-spot/btcusdt_20240808.gz');
const GRID = ['--strategy', 'ema-cross', '--set', 'longOnly=true', '--bar', '1s', '--grid', 'fast=5,8,13', '--grid', 'slow=21,34,55', '--metric', 'total_return'];
const NAME = 'tickflow sweep 3x3, spot .gz';

if (!existsSync(CAPTURE)) {
  console.log(`skipping sweep bench: ${CAPTURE} not found (set TICKFLOW_DATA_DIR to the shared data folder)`);
  process.exit(0);
}

/** The built command line, beside this file's build (`dist/bench/` → `dist/src/app/cli.js`). */
const CLI = fileURLToPath(new URL('../src/app/cli.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'tickflow-sweep-bench-'));

/** One sweep: its `sweep.csv` and the time its summary line states. */
interface SweepRun {
  readonly csv: string;
  readonly sweepSeconds: number;
}

function sweep(workers: number): Promise<SweepRun> {
  const out = join(tmp, `workers-${workers}`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, 'sweep', '--data', CAPTURE, ...GRID, '--workers', String(workers), '--out', out], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code) => {
      const seconds = /backtests on .* in ([\d.]+) s/.exec(stdout)?.[1];
      if (code !== 0 || seconds === undefined) fail(new Error(`tickflow sweep --workers ${workers} exited ${code}: ${stderr}${stdout}`));
      else done({ csv: readFileSync(join(out, 'sweep.csv'), 'utf8'), sweepSeconds: Number(seconds) });
    });
  });
}

const sweepSeconds: number[][] = [[], []];
let lastCsv: string | undefined;
const check = (i: number) => (result: unknown) => {
  const run = result as SweepRun;
  if (lastCsv !== undefined && run.csv !== lastCsv) throw new Error('sweep.csv differs between 1 and 2 workers');
  lastCsv = run.csv;
  sweepSeconds[i]!.push(run.sweepSeconds);
};

try {
  const [one, two] = await interleave(
    [
      { name: '1 worker', run: () => sweep(1), check: check(0) },
      { name: '2 workers', run: () => sweep(2), check: check(1) },
    ],
    ROUNDS,
    1,
  );
  // The warm-up round's summaries are in `sweepSeconds` too: drop them.
  const own = sweepSeconds.map((xs) => median(xs.slice(1)));
  const rows = [row(`${NAME}, 2 workers, process wall`, 's', two!.medianWallSeconds, one!.medianWallSeconds), row(`${NAME}, 2 workers, sweep time`, 's', own[1]!, own[0]!)];
  report(rows);
  console.log(`speed-up from 1 to 2 workers: ${(one!.medianWallSeconds / two!.medianWallSeconds).toFixed(2)}x by process wall, ${(own[0]! / own[1]!).toFixed(2)}x by the sweep's own time (medians of ${ROUNDS})`);
  console.log(`rounds (wall s), 1 worker: ${one!.samples.map((s) => s.wallSeconds.toFixed(2)).join(' ')}; 2 workers: ${two!.samples.map((s) => s.wallSeconds.toFixed(2)).join(' ')}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
