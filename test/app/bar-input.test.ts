/**
 * `--bar` on an input of bars: used as they are, resampled into a coarser time spec (exact OHLCV,
 * aligned to the spec's boundaries), or refused with exit 64; the summary says which.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValueFrom, toArray } from 'rxjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BarShapes, DEFAULT_BAR_SPEC, decideBarInput } from '../../src/app/bar-input.js';
import { runBacktest } from '../../src/app/backtest.js';
import { parseConfig } from '../../src/app/config.js';
import type { TradeBar } from '../../src/model/records.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import { parseBarSpec } from '../../streams/operators/bar-spec.js';
import { observeTopic } from '../../streams/observe-topic.js';
import { runCli, useCliScratch } from '../support/cli-scratch.js';
import { dataPath } from '../support/data.js';

const tmp = useCliScratch('bar-input');
let minuteBars = '';
beforeAll(() => {
  // Three hours of 1-minute bars from 10:00 UTC, closes on a slow wave.
  const t0 = Date.UTC(2024, 0, 2, 10, 0, 0);
  const rows = ['timestamp,open,high,low,close,volume'];
  for (let i = 0; i < 180; i++) {
    const close = Math.round((100 + 5 * Math.sin(i / 9)) * 100) / 100;
    rows.push(`${new Date(t0 + i * 60_000).toISOString()},${close},${close + 0.5},${close - 0.5},${close},1.1`);
  }
  minuteBars = join(tmp, 'minutes.csv');
  writeFileSync(minuteBars, rows.join('\n') + '\n');
});
async function backtest(data: string, ...flags: string[]) {
  const out = join(tmp, `out-${Math.random().toString(36).slice(2)}`);
  const run = await runCli(['backtest', '--data', `${data}@BTC`, '--strategy', 'ema-cross', '--set', 'fast=1', '--set', 'slow=2', '--out', out, ...flags]);
  const report = () => JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as Record<string, any>;
  return { ...run, report };
}

describe('--bar on a file of 1-minute bars', () => {
  it('resamples to a coarser spec, and the strategy gets the coarse bars', async () => {
    const run = await backtest(minuteBars, '--bar', '1h');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^bar input +180 1m bars from the input resampled to 3 1h bars \(exact OHLCV, aligned to 1h boundaries\)$/m);
    expect(run.out).toMatch(/on 1h bars$/m);
    const report = run.report();
    expect(report['bar']).toBe('1h');
    expect(report['barInput']).toEqual({ mode: 'resampled', source: '1m', bars: 180 });
    expect(report['records']).toBe(180);
    expect(report['bars']).toBe(3);
    // The strategy was handed the three hourly bars, not the minutes.
    expect(report['warmUp']).toMatchObject({ instruments: { 'csv:BTC': { inputs: 3 } } });
  });

  it('uses the bars as they are on their own spec, and says so', async () => {
    const run = await backtest(minuteBars, '--bar', '1m');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^bar input +180 1m bars from the input, used as they are$/m);
    expect(run.report()['barInput']).toEqual({ mode: 'as-is', source: '1m', bars: 180 });
    expect(run.report()['warmUp']).toMatchObject({ instruments: { 'csv:BTC': { inputs: 180 } } });
  });

  it.each([
    ['30s', /finer than the bars, which cannot be split/],
    ['90s', /not a whole multiple of 1m/],
    ['100t', /tick bars are built from trades, and the input holds bars only/],
    ['1m:mid', /quote bars are built from quotes/],
  ])('refuses --bar %s with exit 64, saying why and what would work', async (spec, why) => {
    const run = await backtest(minuteBars, '--bar', spec);
    expect(run.code).toBe(64);
    expect(run.err).toMatch(new RegExp(`--bar ${spec.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} cannot be applied to this input's 1m bars`));
    expect(run.err).toMatch(why);
    expect(run.err).toMatch(/give --bar 1m \(the bars as they are\) or a multiple such as 5m, 15m, 1h/);
  });
});

describe('decideBarInput', () => {
  const shapes = (...bars: [openTs: number, closeTs: number][]) => {
    const s = new BarShapes();
    for (const [openTs, closeTs] of bars) s.observe({ openTs, closeTs } as TradeBar);
    return s;
  };
  const minute = 60_000_000;
  const day = 1440 * minute;

  it('knows the config\'s default spec', () => {
    expect(parseConfig({}, 'test').bars.spec).toBe(DEFAULT_BAR_SPEC);
  });

  it('builds bars from records when the input is not bars alone', () => {
    expect(decideBarInput(parseBarSpec('1h'), false, shapes([0, minute]))).toEqual({ mode: 'built', spec: '1h' });
  });

  it('keeps a daily file as it is under the default spec, saying the default is finer', () => {
    expect(decideBarInput(parseBarSpec('1m'), true, shapes([0, day], [day, 2 * day]))).toEqual({ mode: 'as-is', spec: '1d', source: '1d', defaultSpecFiner: true });
  });

  it('refuses bars off their own grid, which would straddle the new boundaries', () => {
    const error = (() => {
      try {
        decideBarInput(parseBarSpec('1h'), true, shapes([30_000_000, 30_000_000 + minute]));
      } catch (e) {
        return e;
      }
    })();
    expect(isTickflowError(error, 'CLI_USAGE')).toBe(true);
    expect((error as Error).message).toMatch(/1 of the bars read do not start on a multiple of their own interval/);
  });
});

const perp = dataPath('nautilus/btc-perp-20211231-20220201_1m.csv');

describe.skipIf(!perp)('the BTC perpetual 1-minute file at --bar 1h', () => {
  it('gives the hourly OHLCV an independent reading of the file computes', async () => {
    // The reference: rows grouped by the UTC hour of their open, decimals summed as scaled integers.
    const hours = new Map<number, { open: string; high: number; low: number; close: string; volume: bigint }>();
    for (const line of readFileSync(perp!, 'utf8').split('\n').slice(1)) {
      if (line.trim() === '') continue;
      const [time, open, high, low, close, volume] = line.split(',') as [string, string, string, string, string, string];
      const hour = Math.floor(Date.parse(`${time.slice(0, 19)}Z`) / 3_600_000);
      const [whole, frac = ''] = volume.split('.');
      const units = BigInt(whole!) * 10n ** 12n + BigInt(frac.padEnd(12, '0'));
      const h = hours.get(hour);
      if (h === undefined) hours.set(hour, { open, high: Number(high), low: Number(low), close, volume: units });
      else {
        h.high = Math.max(h.high, Number(high));
        h.low = Math.min(h.low, Number(low));
        h.close = close;
        h.volume += units;
      }
    }
    const config = parseConfig({ log: { level: 'silent' }, strategy: { name: 'ema-cross' }, bars: { spec: '1h' }, execution: { venue: { accounts: { csv: { type: 'margin' } } } } }, 'test');
    let observed: Promise<TradeBar[]> = Promise.resolve([]);
    const outcome = await runBacktest({
      input: { kind: 'files', data: [`${perp!}@BTCPERP`] },
      config,
      sets: [],
      onSystem: (system) => {
        observed = firstValueFrom(observeTopic<TradeBar>(system, 'md.csv.BTCPERP.trade_bar', { capacity: 1_000_000 }).pipe(toArray()));
      },
    });
    const hourly = (await observed).filter((b) => b.interval === '1h');
    expect(outcome.barInput).toEqual({ mode: 'resampled', spec: '1h', source: '1m' });
    expect(hourly).toHaveLength(hours.size);
    expect(outcome.bars.emitted).toBe(hours.size);
    for (const bar of hourly) {
      const h = hours.get(bar.openTs / 3_600_000_000)!;
      expect(bar.closeTs - bar.openTs).toBe(3_600_000_000);
      expect([bar.open, bar.high, bar.low, bar.close]).toEqual([Number(h.open), h.high, h.low, Number(h.close)]);
      expect(bar.volume).toBe(Number(`${h.volume / 10n ** 12n}.${String(h.volume % 10n ** 12n).padStart(12, '0')}`));
    }
  });
});
