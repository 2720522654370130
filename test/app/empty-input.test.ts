/**
 * Inputs that hold nothing to replay are data errors (exit 65) naming the file and why, and no
 * report is written: an all-zero report of nothing would pass for a run that traded nothing.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, useCliScratch } from '../support/cli-scratch.js';
import { waveJournalLines } from '../support/wave-journal.js';

const tmp = useCliScratch('empty');

async function backtest(data: readonly string[], ...flags: string[]) {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const run = await runCli(['backtest', ...data.flatMap((d) => ['--data', d]), '--strategy', 'ema-cross', '--out', out, ...flags]);
  return { ...run, report: existsSync(join(out, 'report.json')) };
}

function file(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

describe('a backtest of an input with nothing to replay', () => {
  it.each([
    ['a 0-byte file', 'empty.ndjson', '', [], /empty\.ndjson holds no data: a 0-byte file/],
    ['a 0-byte .gz', 'zero.csv.gz', '', [], /zero\.csv\.gz holds no data: a 0-byte file/],
    ['a .gz of nothing', 'nothing.csv.gz', gzipSync(''), [], /nothing\.csv\.gz holds no data: its gzip content is empty/],
    ['a header alone', 'header.csv', 'timestamp,open,high,low,close,volume\n', [], /header\.csv holds no record: its 1 line is blank, a header/],
    ['lines in no known format, format given', 'garbage.txt', 'hello\nworld\n', ['--format', 'journal'], /garbage\.txt has no line in the journal format: of its 2 lines, 2 malformed/],
    ['a capture of unknown streams only', 'klines.binance', '1723161253937085768 {"stream":"btcusdt@kline_1m","data":{"e":"kline"}}\n', ['--format', 'binance'], /klines\.binance has no line in the binance format/],
  ] as const)('fails %s with exit 65, naming the file and why, and writes no report', async (_what, name, content, flags, message) => {
    const run = await backtest([file(name, content)], ...flags);
    expect(run.err).toMatch(message);
    expect(run.code).toBe(65);
    expect(run.report).toBe(false);
    expect(run.out).toBe('');
  });

  it('fails when one of several inputs is empty, naming that one', async () => {
    const good = file('wave.ndjson', waveJournalLines().join('\n') + '\n');
    const run = await backtest([good, file('empty-second.ndjson', '')]);
    expect(run.code).toBe(65);
    expect(run.err).toContain('empty-second.ndjson holds no data');
  });
});
