/**
 * A strategy that never leaves warm-up: the summary says so, and why no trade is no decision, and
 * report.json records how far each instrument got.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli, useCliScratch } from '../support/cli-scratch.js';
import { dataPath } from '../support/data.js';
import { writeWaveJournal } from '../support/wave-journal.js';

const tmp = useCliScratch('warm-up');
let journal = '';
beforeAll(() => {
  journal = writeWaveJournal(tmp);
});

async function backtest(data: string, bar: string, ...sets: string[]) {
  const out = join(tmp, `${bar}-${sets.join('-')}-${Math.random().toString(36).slice(2)}`);
  const run = await runCli(['backtest', '--data', data, '--strategy', 'ema-cross', '--bar', bar, '--out', out, ...sets.flatMap((s) => ['--set', s])]);
  const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { warmUp: unknown; signals: number };
  return { ...run, report };
}

describe('a strategy that never leaves warm-up', () => {
  it('is said in the summary and recorded in report.json (ten 1-minute bars for 30-bar EMAs)', async () => {
    const run = await backtest(journal, '1m');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^warm-up +ema-cross never left warm-up: it needs 30 bars per instrument, sim:SIMUSDT got 10, so it could not decide at all/m);
    expect(run.report.signals).toBe(0);
    expect(run.report.warmUp).toEqual({ needed: 30, unit: 'bars', complete: false, instruments: { 'sim:SIMUSDT': { inputs: 10, warm: false } } });
  });

  it('is not mentioned once the strategy warmed up (sixty 10 s bars)', async () => {
    const run = await backtest(journal, '10s');
    expect(run.out).not.toMatch(/^warm-up/m);
    expect(run.report.warmUp).toEqual({ needed: 30, unit: 'bars', complete: true, instruments: { 'sim:SIMUSDT': { inputs: 60, warm: true } } });
  });

  it('follows the params: shorter EMAs warm up on the same ten bars', async () => {
    const run = await backtest(journal, '1m', 'fast=3', 'slow=8');
    expect(run.out).not.toMatch(/^warm-up/m);
    expect(run.report.warmUp).toMatchObject({ needed: 8, complete: true });
  });
});

const spot = dataPath('binance-spot/btcusdt_20240808.gz');

describe.skipIf(!spot)('on the six-minute Binance capture', () => {
  it('says ema-cross with 30-bar EMAs on 1-minute bars never left warm-up', async () => {
    const run = await backtest(spot!, '1m');
    expect(run.code).toBe(0);
    // 23:54:13 to 00:00:00: six 1-minute bars close, the last one by the final flush.
    expect(run.out).toMatch(/^warm-up +ema-cross never left warm-up: it needs 30 bars per instrument, binance:BTCUSDT got [67],/m);
    expect(run.report.warmUp).toMatchObject({ needed: 30, complete: false, instruments: { 'binance:BTCUSDT': { warm: false } } });
  });
});
