import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineStrategy, type StrategyDefinition } from '../../../actors/strategies/define-strategy.js';
import { strategies } from '../../../actors/strategies/strategies.js';
import { runBacktest } from '../../../src/app/backtest.js';
import { createBacktestRequest } from '../../../src/app/backtest-request.js';
import { main } from '../../../src/app/cli.js';
import { createConfig } from '../../../src/app/create-config.js';
import { scoresOf, SWEEP_METRICS } from '../../../src/app/sweep/sweep-metrics.js';
import { scanSpan, splitPoint } from '../../../src/app/sweep/sweep-split.js';
import { writeWaveBars } from '../../support/sweep-bars.js';
import { waveJournalLines } from '../../support/wave-journal.js';

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-sweep-'));
const bars = join(tmp, 'bars.csv');
const data = `${bars}@BTCUSDT`;
const journal = join(tmp, 'wave.ndjson');
/** Flags of the runs of `fragile`: ten minutes of trades in 1 s bars. */
const fragileRun = ['--data', journal, '--bar', '1s', '--strategy', 'test-sweep-fragile', '--workers', '0'];
let opens: number[] = [];
let runs = 0;

/**
 * With period 13 it throws on every third bar of each life: on 1 s bars, past the market
 * supervisor's 10 restarts a minute, so that run fails; with any other period it trades.
 */
const fragile = defineStrategy({
  name: 'test-sweep-fragile',
  params: z.object({ period: z.number().int().positive().default(5) }),
  init: () => ({ bars: 0 }),
  onBar(s, bar, api) {
    if (++s.bars === 3 && api.params.period === 13) throw new Error('thirteen is unlucky');
    api.target(bar.symbol, s.bars % (2 * api.params.period) < api.params.period ? 1 : 0);
  },
});
const registry = strategies as unknown as Record<string, StrategyDefinition>;

beforeAll(() => {
  vi.stubEnv('TICKFLOW_LOG__LEVEL', 'silent');
  opens = writeWaveBars(bars);
  writeFileSync(journal, waveJournalLines().join('\n') + '\n');
  registry[fragile.name] = fragile;
});
afterAll(() => {
  delete registry[fragile.name];
  vi.unstubAllEnvs();
  rmSync(tmp, { recursive: true, force: true });
});

/** `tickflow sweep` in this process (`--workers 0`: the unit tests run TypeScript, which a worker thread cannot load). */
async function sweep(args: readonly string[], base = ['--data', data, '--bar', '5m', '--strategy', 'ema-cross', '--set', 'longOnly=true', '--workers', '0']) {
  const dir = join(tmp, `out-${++runs}`);
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['sweep', ...base, ...args, '--out', dir], (l) => out.push(l), (l) => err.push(l));
  const csv = () => readFileSync(join(dir, 'sweep.csv'), 'utf8');
  const table = () => {
    const [header, ...lines] = csv().trimEnd().split('\n');
    const columns = header!.split(',');
    return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i]!, cell])));
  };
  return { code, out: out.join('\n'), err: err.join('\n'), dir, csv, table };
}

const metricColumns = (row: Record<string, string>, prefix: string) => Object.fromEntries(SWEEP_METRICS.map((m) => [m.name, row[`${prefix}${m.name}`]]));
const asCells = (scores: Record<string, unknown>) => Object.fromEntries(SWEEP_METRICS.map((m) => [m.name, scores[m.name] === null ? '' : String(scores[m.name])]));

/** The figures of an ordinary backtest of `file` with the sweep's fixed settings and `params`. */
async function backtestScores(file: string, params: Record<string, unknown>) {
  const outcome = await runBacktest(createBacktestRequest({ strategy: 'ema-cross', data: `${file}@BTCUSDT`, params: { longOnly: true, ...params }, config: { bars: { spec: '5m' }, log: { level: 'silent' } } }));
  return asCells(scoresOf(outcome));
}

describe('tickflow sweep: bad grids are usage errors before any run', () => {
  it.each([
    [['--grid', 'fats=5,8'], /--grid fats=5,8: unknown parameter "fats" for strategy ema-cross; valid: fast, slow/],
    [['--grid', 'fast=5,abc'], /--grid fast=5,abc: fast=abc is refused by ema-cross/],
    [['--grid', 'fast=0,5'], /fast=0 is refused by ema-cross: .*/],
    [['--range', 'size=1..3'], /--range size=1..3: a decimal parameter needs a step/],
    [['--grid', 'fast=40,50', '--grid', 'slow=21,34'], /no combination can run: fast=40 slow=21 is refused by ema-cross: fast must be less than slow \(fast\), and every other one too/],
    [['--grid', 'fast=5', '--set', 'fast=8'], /--set fast=8: fast is swept too/],
    [['--grid', 'fast=5', '--metric', 'sharp'], /--metric sharp: not a metric; one of total_return, cagr, sharpe/],
    [['--grid', 'fast=5', '--seed', '3'], /--seed is the seed of --random/],
    [['--grid', 'fast=5', '--split', '1.5'], /--split 1.5: expected the in-sample share/],
    [[], /give the parameters to sweep/],
  ])('%j exits 64 naming what is wrong, and writes nothing', async (args, message) => {
    const run = await sweep(args as string[]);
    expect(run.code).toBe(64);
    expect(run.err).toMatch(message);
    expect(existsSync(run.dir)).toBe(false);
  });
});

describe('tickflow sweep', () => {
  it('runs every combination as the ordinary backtest and sorts them best first, refused ones last with their reason', async () => {
    const run = await sweep(['--grid', 'fast=5,8,34', '--grid', 'slow=21,34,55', '--metric', 'sharpe']);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^sweep: 9 combinations of ema-cross \(fast × slow\), 7 backtests on this thread/);
    expect(run.out).toMatch(/refused: 2 combinations/);
    const rows = run.table();
    expect(rows.map((r) => r['rank'])).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(new Set(rows.map((r) => `${r['fast']}/${r['slow']}`)).size).toBe(9);
    const sharpes = rows.slice(0, 7).map((r) => Number(r['sharpe']));
    expect(sharpes.every((s) => Number.isFinite(s))).toBe(true);
    expect([...sharpes].sort((a, b) => b - a)).toEqual(sharpes);
    expect(rows.slice(7).map((r) => `${r['fast']}/${r['slow']} ${r['sharpe']}`)).toEqual(['34/21 ', '34/34 ']);
    expect(rows[8]!['error']).toBe('refused by ema-cross: fast must be less than slow (fast)');
    // A row is exactly what a plain backtest of its parameters reports.
    const best = rows[0]!;
    expect(metricColumns(best, '')).toEqual(await backtestScores(bars, { fast: Number(best['fast']), slow: Number(best['slow']) }));
    const html = readFileSync(join(run.dir, 'sweep.html'), 'utf8');
    expect(html.match(/<rect /g)).toHaveLength(9);
  });

  it('with --split, scores each combination on the earlier and the later window, each as a backtest of only those records', async () => {
    const run = await sweep(['--grid', 'fast=5,8', '--grid', 'slow=21,34', '--split', '0.7', '--metric', 'total_return']);
    expect(run.code).toBe(0);
    const rows = run.table();
    expect(Object.keys(rows[0]!)).toEqual(expect.arrayContaining(['is_sharpe', 'oos_sharpe', 'is_total_return', 'oos_total_return', 'is_error', 'oos_error']));
    expect(Object.keys(rows[0]!)).not.toContain('sharpe');

    // Cut the file at the split time (engine time: a bar arrives at its close) and back-test each part.
    const span = await scanSpan({ input: { kind: 'files', data: [data] }, config: createConfig(), sets: [] });
    const closeOffsetUs = span.firstUs - opens[0]! * 1000;
    const at = splitPoint(span, 0.7).atUs;
    const [header, ...lines] = readFileSync(bars, 'utf8').trimEnd().split('\n');
    const early = join(tmp, 'early.csv');
    const late = join(tmp, 'late.csv');
    writeFileSync(early, [header, ...lines.filter((_, i) => opens[i]! * 1000 + closeOffsetUs < at)].join('\n') + '\n');
    writeFileSync(late, [header, ...lines.filter((_, i) => opens[i]! * 1000 + closeOffsetUs >= at)].join('\n') + '\n');
    expect(lines.length).toBe(opens.length);

    for (const row of rows) {
      const params = { fast: Number(row['fast']), slow: Number(row['slow']) };
      expect(metricColumns(row, 'is_')).toEqual(await backtestScores(early, params));
      expect(metricColumns(row, 'oos_')).toEqual(await backtestScores(late, params));
    }
    expect(rows.some((r) => r['is_total_return'] !== r['oos_total_return'])).toBe(true);
    const html = readFileSync(join(run.dir, 'sweep.html'), 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toMatch(/in-sample<\/strong><br><small>first 70%: from 2024-01-01T00:05:00.000000Z until /);
    expect(html).toMatch(/out-of-sample<\/strong><br><small>last 30%: from .* to 2024-01-05T00:00:00.000000Z/);
  });

  it('draws the same random sample for the same seed, and writes the same file', async () => {
    const args = ['--range', 'fast=3..12', '--range', 'slow=20..60:5', '--random', '4', '--seed', '11', '--metric', 'total_return'];
    const a = await sweep(args);
    const b = await sweep(args);
    expect(a.code).toBe(0);
    expect(a.csv()).toBe(b.csv());
    expect(a.table()).toHaveLength(4);
    expect(a.out).toMatch(/sweep: 4 combinations/);
    const c = await sweep(args.map((x) => (x === '11' ? '12' : x)));
    expect(c.table().map((r) => `${r['fast']}/${r['slow']}`).sort()).not.toEqual(a.table().map((r) => `${r['fast']}/${r['slow']}`).sort());
  });

  it('records a combination whose backtest fails with its error, scores the others, and exits 0', async () => {
    const run = await sweep(['--grid', 'period=5,13,8', '--metric', 'total_return'], fragileRun);
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/failed: 1 of 3 backtests \(see the error column\)/);
    const rows = run.table();
    expect(rows.map((r) => r['period'])).toEqual(expect.arrayContaining(['5', '8', '13']));
    const failed = rows[2]!;
    expect(failed['period']).toBe('13');
    expect(failed['error']).toMatch(/thirteen is unlucky/);
    expect(failed['total_return']).toBe('');
    expect(rows.slice(0, 2).every((r) => r['error'] === '' && r['total_return'] !== '')).toBe(true);
  });

  it('exits 70 when no backtest went through, still writing the errors', async () => {
    const run = await sweep(['--grid', 'period=13'], fragileRun);
    expect(run.code).toBe(70);
    expect(run.err).toMatch(/no backtest went through/);
    expect(run.table()[0]!['error']).toMatch(/thirteen is unlucky/);
  });

  it('needs the built CLI for worker threads, and says so', async () => {
    const run = await sweep(['--grid', 'fast=5,8'], ['--data', data, '--strategy', 'ema-cross', '--workers', '2']);
    expect(run.code).toBe(70);
    expect(run.err).toMatch(/worker script sweep-worker.js is not beside the sweep .*--workers 0/);
    expect(existsSync(run.dir)).toBe(false);
  });
});
