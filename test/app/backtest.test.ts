import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBacktest, type BacktestOutcome } from '../../src/app/backtest.js';
import { main } from '../../src/app/cli.js';
import { parseConfig } from '../../src/app/config.js';
import { buildReport } from '../../src/app/report.js';
import { dataPath } from '../support/data.js';

// ---------------------------------------------------------------------------------------------
// The independent reference: its own reading of the files, its own bars, its own EMAs and its own
// crossing rule, sharing no code with the engine. ema-cross (issue 5): per closed bar, EMA(10) and
// EMA(30) of the close, each seeded with the simple mean of its first N closes; once both exist,
// the target is +1 while fast > slow, -1 while fast < slow, unchanged when equal; starting from 0,
// every change of target is one signal.
// ---------------------------------------------------------------------------------------------

function referenceSignals(closes: readonly number[], fast = 10, slow = 30): number {
  const ema = (period: number) => {
    const alpha = 2 / (period + 1);
    let seen = 0;
    let sum = 0;
    let value = 0;
    return (x: number): number | undefined => {
      seen++;
      if (seen < period) {
        sum += x;
        return undefined;
      }
      if (seen === period) {
        value = (sum + x) / period;
        return value;
      }
      value = value + alpha * (x - value);
      return value;
    };
  };
  const f = ema(fast);
  const s = ema(slow);
  let target = 0;
  let signals = 0;
  for (const close of closes) {
    const a = f(close);
    const b = s(close);
    if (a === undefined || b === undefined) continue;
    const next = a > b ? 1 : a < b ? -1 : target;
    if (next !== target) {
      target = next;
      signals++;
    }
  }
  return signals;
}

/** Closes of a `timestamp,open,high,low,close,volume` bars file, in file order. */
function closesOfBarsCsv(path: string): number[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const closes: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line !== '') closes.push(Number(line.split(',')[4]));
  }
  return closes;
}

/**
 * 1 s bars of the trades in a Binance capture (`<receive ns> <json>` a line): a trade belongs to
 * the second its receive time falls in (the first 10 of its 19 digits), and a bar's close is the
 * last trade price in that second. Seconds without a trade have no bar.
 */
function oneSecondClosesOfBinance(path: string): number[] {
  const text = gunzipSync(readFileSync(path)).toString('utf8');
  const closeBySecond = new Map<string, number>();
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space !== 19) continue;
    const message = JSON.parse(line.slice(space + 1)) as { stream?: string; data?: { p?: string } };
    if (message.stream === undefined || !message.stream.endsWith('@trade')) continue;
    closeBySecond.set(line.slice(0, 10), Number(message.data!.p));
  }
  return [...closeBySecond.keys()].sort().map((second) => closeBySecond.get(second)!);
}

// ---------------------------------------------------------------------------------------------

const BARS_FILE = dataPath('nautilus/btc-perp-20211231-20220201_1m.csv');
const BINANCE_FILE = dataPath('binance-spot/btcusdt_20240808.gz');

// Computed once by the reference above and pinned, so a change in the engine, the data reading
// or the reference itself shows up as a changed number.
const PINNED_BARS_FILE_SIGNALS = 1705;
const PINNED_BINANCE_1S_SIGNALS = 8;
const PINNED_BINANCE_1S_BARS = 341;

interface Variant {
  readonly mailboxCapacity?: number;
  readonly chunkSize?: number;
  readonly approval?: 'auto' | 'manual';
}

async function backtest(file: string, bar: string | undefined, variant: Variant = {}): Promise<BacktestOutcome> {
  const config = parseConfig(
    {
      strategy: { name: 'ema-cross' },
      ...(bar === undefined ? {} : { bars: { spec: bar } }),
      ...(variant.mailboxCapacity === undefined ? {} : { mailboxCapacity: variant.mailboxCapacity }),
      ...(variant.chunkSize === undefined ? {} : { replay: { chunkSize: variant.chunkSize } }),
      // The file is a perpetual's bars: a margin account, so ema-cross may go short.
      execution: { venue: { accounts: { csv: { type: 'margin' } } }, ...(variant.approval === undefined ? {} : { approval: variant.approval }) },
    },
    'test',
  );
  return runBacktest({ input: { kind: 'files', data: [file] }, config, sets: [] });
}

/** report.json as the CLI writes it. */
function reportText(outcome: BacktestOutcome): string {
  return JSON.stringify(buildReport(outcome), null, 2) + '\n';
}

function sumOf(counts: unknown): number {
  return Object.values(counts as Record<string, number>).reduce((a, b) => a + b, 0);
}

const tmp = mkdtempSync(join(tmpdir(), 'tickflow-backtest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.skipIf(!BARS_FILE)('backtest end to end: ema-cross on the 1m bars file', () => {
  const file = BARS_FILE!;
  let first: BacktestOutcome;
  beforeAll(async () => {
    first = await backtest(file, undefined);
  });

  it('counts as many signals as the independent reference, pinned', () => {
    const closes = closesOfBarsCsv(file);
    expect(closes).toHaveLength(45_031);
    expect(referenceSignals(closes)).toBe(PINNED_BARS_FILE_SIGNALS);
    const report = buildReport(first);
    expect(report['records']).toBe(45_031);
    expect(report['signals']).toBe(PINNED_BARS_FILE_SIGNALS);
    // Bars come from the file: none are built.
    expect(report['bars']).toBe(0);
    expect(first.strategyStats.bars).toBe(45_031);
  });

  it('drops, fails and dead-letters nothing, and every signal became a filled order', () => {
    const report = buildReport(first);
    expect(Object.keys(report['dropped'] as object).length).toBeGreaterThan(0);
    expect(sumOf(report['dropped'])).toBe(0);
    expect(sumOf(report['failed'])).toBe(0);
    expect(sumOf(report['deadLettered'])).toBe(0);
    expect(report['illegalTransitions']).toBe(0);
    expect((report['orders'] as Record<string, number>)['FILLED']).toBe(PINNED_BARS_FILE_SIGNALS);
  });

  it('writes a byte-identical report on a second run, and with tiny mailboxes and read chunks', async () => {
    const again = await backtest(file, undefined);
    const small = await backtest(file, undefined, { mailboxCapacity: 3, chunkSize: 7 });
    expect(small.actors.map((a) => a.capacity)).toEqual(first.actors.map(() => 3));
    expect(reportText(again)).toBe(reportText(first));
    expect(reportText(small)).toBe(reportText(first));
  });

  it('writes the same report.json through the CLI, with capacities and chunk size from a config file', async () => {
    const config = join(tmp, 'small.yaml');
    writeFileSync(config, 'mailboxCapacity: 5\nreplay:\n  chunkSize: 13\nlog:\n  level: silent\nexecution:\n  venue:\n    accounts:\n      csv: { type: margin }\n');
    const out = join(tmp, 'cli-bars');
    const lines: string[] = [];
    const code = await main(['backtest', '--data', file, '--strategy', 'ema-cross', '--config', config, '--out', out], (l) => lines.push(l), (l) => lines.push(l));
    expect(code).toBe(0);
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(reportText(first));
    expect(lines.join('\n')).toMatch(/bars \/ signals\s+0 \/ 1705/);
    // The human files: one row per order and per fill, after the header.
    expect(readFileSync(join(out, 'orders.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(PINNED_BARS_FILE_SIGNALS + 1);
    expect(readFileSync(join(out, 'fills.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(first.execution.fillCount + 1);
    const stats = JSON.parse(readFileSync(join(out, 'stats.json'), 'utf8')) as { records: number };
    expect(stats.records).toBe(45_031);
  });

  it('with manual approval and no operator, nothing reaches the venue: orders expire, nothing fills', async () => {
    const manual = await backtest(file, undefined, { approval: 'manual' });
    const report = buildReport(manual);
    const orders = report['orders'] as Record<string, number>;
    expect(report['signals']).toBe(PINNED_BARS_FILE_SIGNALS);
    expect(report['fills']).toBe(0);
    expect(orders['SUBMITTED']! + orders['ACCEPTED']! + orders['FILLED']! + orders['PARTIALLY_FILLED']!).toBe(0);
    expect(orders['EXPIRED']).toBeGreaterThan(0);
    expect(orders['EXPIRED']! + orders['PENDING_APPROVAL']!).toBe(sumOf(orders));
    expect(report['finalCash']).toBe(report['initialCash']);
  });
});

describe.skipIf(!BINANCE_FILE)('backtest end to end: ema-cross on 1 s bars built from the Binance spot capture', () => {
  const file = BINANCE_FILE!;
  let first: BacktestOutcome;
  beforeAll(async () => {
    first = await backtest(file, '1s');
  });

  it('builds the bars and counts the signals of the independent reference, pinned', () => {
    const closes = oneSecondClosesOfBinance(file);
    expect(closes).toHaveLength(PINNED_BINANCE_1S_BARS);
    expect(referenceSignals(closes)).toBe(PINNED_BINANCE_1S_SIGNALS);
    const report = buildReport(first);
    expect(report['records']).toBe(41_249);
    expect((report['events'] as Record<string, number>)['trade']).toBe(9_757);
    expect(report['bars']).toBe(PINNED_BINANCE_1S_BARS);
    expect(report['signals']).toBe(PINNED_BINANCE_1S_SIGNALS);
    expect(report['lateTrades']).toBe(0);
  });

  it('drops, fails and dead-letters nothing', () => {
    const report = buildReport(first);
    expect(sumOf(report['dropped'])).toBe(0);
    expect(sumOf(report['failed'])).toBe(0);
    expect(sumOf(report['deadLettered'])).toBe(0);
    expect(report['illegalTransitions']).toBe(0);
  });

  it('writes a byte-identical report on a second run, and with tiny mailboxes and read chunks', async () => {
    const again = await backtest(file, '1s');
    const small = await backtest(file, '1s', { mailboxCapacity: 3, chunkSize: 7 });
    expect(small.actors.map((a) => a.capacity)).toEqual(first.actors.map(() => 3));
    expect(reportText(again)).toBe(reportText(first));
    expect(reportText(small)).toBe(reportText(first));
  });
});
