/**
 * Cross-check against QuantConnect LEAN's `spy_with_indicators.txt`: 499 daily closes with SMA14,
 * EMA14, "MACD 12 26", RSI 14 and RSI 14 Wilder computed by an outside tool. The file prints SMA and
 * EMA with 2 decimals, MACD with 4 to 7 significant digits and RSI with 5 decimals on a 0–100 scale,
 * so the tolerances are 4e-7 × close (SMA, EMA, MACD; the 2-decimal rounding alone is up to
 * 3.7e-7 × close at these prices) and 1e-6 relative to the RSI value (the 5-decimal rounding is at
 * most 5e-6 / RSI, under 1e-6 for every RSI above 5).
 *
 * What the file turned out to use: EMAs seeded with the SMA of their first N inputs (seeding from
 * the first input misses by up to 3.4e-3 × close); its "MACD 12 26" column is the MACD line alone
 * (EMA12 − EMA26, from input 26 on) and the file has no signal or histogram column, so the signal
 * period cannot be read from it (LEAN's own default, 9, is what we use where it matters).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EMA } from '../../../actors/indicators/ema.js';
import { MACD } from '../../../actors/indicators/macd.js';
import { RSI } from '../../../actors/indicators/rsi.js';
import { SMA } from '../../../actors/indicators/sma.js';
import { dataPath } from '../../support/data.js';

interface Row {
  readonly close: number;
  readonly sma14: number | undefined;
  readonly ema14: number | undefined;
  readonly macd: number | undefined;
  readonly rsiWilder: number | undefined;
}

function readRows(path: string): Row[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const at = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`column ${name} missing in ${path}`);
    return i;
  };
  const cols = { close: at('Close'), sma: at('SMA14'), ema: at('EMA14'), macd: at('MACD 12 26'), rsi: at('RSI 14 Wilder') };
  const opt = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    return { close: Number(f[cols.close]), sma14: opt(f[cols.sma]), ema14: opt(f[cols.ema]), macd: opt(f[cols.macd]), rsiWilder: opt(f[cols.rsi]) };
  });
}

/**
 * Feeds every close to `compute` and compares with the file's column: ours must be `undefined`
 * exactly where the file is empty, and otherwise within `tol(row)`. Returns the largest error in
 * units of the tolerance and the number of values compared.
 */
function compare(rows: readonly Row[], column: (r: Row) => number | undefined, compute: (close: number) => number | undefined, tol: (r: Row) => number) {
  let worst = 0;
  let compared = 0;
  rows.forEach((r, i) => {
    const ours = compute(r.close);
    const theirs = column(r);
    if (theirs === undefined) {
      expect(ours, `row ${i}: the file has no value yet`).toBeUndefined();
      return;
    }
    expect(ours, `row ${i}: the file has a value`).toBeDefined();
    worst = Math.max(worst, Math.abs(ours! - theirs) / tol(r));
    compared++;
  });
  return { worst, compared };
}

const path = dataPath('lean/spy_with_indicators.txt');

describe.skipIf(!path)('LEAN spy_with_indicators.txt', () => {
  let cache: Row[] | undefined;
  const rows = (): Row[] => (cache ??= readRows(path!));
  const priceTol = (r: Row): number => 4e-7 * r.close;

  it('SMA(14) matches the SMA14 column from input 14 on', () => {
    const sma = new SMA(14);
    const r = compare(rows(), (row) => row.sma14, (c) => sma.update(c), priceTol);
    expect(r.compared).toBe(rows().length - 13);
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('EMA(14) seeded with the SMA matches the EMA14 column from input 14 on', () => {
    const ema = new EMA(14);
    const r = compare(rows(), (row) => row.ema14, (c) => ema.update(c), priceTol);
    expect(r.compared).toBe(rows().length - 13);
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('EMA(14) seeded from the first input does not match: the file seeds with the SMA', () => {
    const ema = new EMA(14, { seed: 'first' });
    const r = compare(rows(), (row) => row.ema14, (c) => ema.update(c), priceTol);
    expect(r.worst).toBeGreaterThan(100);
  });

  it('the MACD line (12, 26) matches the "MACD 12 26" column from input 26 on', () => {
    const macd = new MACD(12, 26, 9);
    const r = compare(
      rows(),
      (row) => row.macd,
      (c) => {
        macd.update(c);
        return macd.line;
      },
      priceTol,
    );
    expect(r.compared).toBe(rows().length - 25);
    expect(r.worst).toBeLessThanOrEqual(1);
  });

  it('MACD(12, 26, 9) returns its first value at input 34, and its macd field is the file column', () => {
    const macd = new MACD(12, 26, 9);
    expect(macd.warmUp).toBe(34);
    let worst = 0;
    rows().forEach((row, i) => {
      const v = macd.update(row.close);
      if (i < 33) {
        expect(v).toBeUndefined();
        return;
      }
      expect(v).toBeDefined();
      expect(v!.histogram).toBe(v!.macd - v!.signal);
      worst = Math.max(worst, Math.abs(v!.macd - row.macd!) / priceTol(row));
    });
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('RSI(14) with Wilder smoothing matches the "RSI 14 Wilder" column (0–100 scale) from input 15 on', () => {
    const rsi = new RSI(14);
    const r = compare(rows(), (row) => row.rsiWilder, (c) => rsi.update(c), (row) => 1e-6 * row.rsiWilder!);
    expect(r.compared).toBe(rows().length - 14);
    expect(r.worst).toBeLessThanOrEqual(1);
  });
});
