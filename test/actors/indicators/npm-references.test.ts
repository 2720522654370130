/**
 * Cross-checks against the npm libraries `trading-signals` (8.x) and `technicalindicators` (3.x) on
 * real series: BTC perpetual 1-minute bars (45,031) and S&P 500 daily bars (5,104, with volume).
 * Where definitions match, values agree within 1e-9 relative: relative to the value for price-level
 * outputs (averages, bands, VWAP), to the close for outputs that are differences of prices (MACD,
 * ATR), and to `1 + |z|` for the z-score. Where a library defines an indicator differently, the
 * test names the difference and checks it instead.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ti from 'technicalindicators';
import * as ts from 'trading-signals';
import { ATR } from '../../../actors/indicators/atr.js';
import { BollingerBands } from '../../../actors/indicators/bollinger-bands.js';
import { EMA } from '../../../actors/indicators/ema.js';
import { MACD } from '../../../actors/indicators/macd.js';
import { OBV } from '../../../actors/indicators/obv.js';
import { RollingStdDev } from '../../../actors/indicators/rolling-std-dev.js';
import { RollingVWAP } from '../../../actors/indicators/rolling-vwap.js';
import { RSI } from '../../../actors/indicators/rsi.js';
import { SMA } from '../../../actors/indicators/sma.js';
import { VWAP } from '../../../actors/indicators/vwap.js';
import { WMA } from '../../../actors/indicators/wma.js';
import { ZScore } from '../../../actors/indicators/z-score.js';
import { dataPath } from '../../support/data.js';

interface Bar {
  readonly openTs: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

const TOL = 1e-9;

/** Reads a CSV with a header; `ts` parses the time column to µs since the epoch (UTC). */
function readBars(path: string, cols: { ts: string; high: string; low: string; close: string; volume: string }): Bar[] {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0]!.split(',');
  const at = (name: string): number => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`column ${name} missing in ${path}`);
    return i;
  };
  const [t, h, l, c, v] = [at(cols.ts), at(cols.high), at(cols.low), at(cols.close), at(cols.volume)];
  return lines.slice(1).map((line) => {
    const f = line.split(',');
    const iso = f[t]!.includes(' ') ? f[t]!.replace(' ', 'T').slice(0, 23) + 'Z' : f[t]! + 'T00:00:00Z';
    return { openTs: Date.parse(iso) * 1000, high: Number(f[h]), low: Number(f[l]), close: Number(f[c]), volume: Number(f[v]) };
  });
}

/**
 * Largest `|ours − theirs| / scale` over the indices where `ours` is defined, with the index where it
 * happens (for the failure message). Throws when definedness differs, which is itself a mismatch.
 */
function worst(
  ours: readonly (number | undefined)[],
  theirs: readonly (number | null | undefined)[],
  scale: (i: number) => number,
  from = 0,
): { err: number; at: number; checked: number } {
  let err = 0;
  let at = -1;
  let checked = 0;
  for (let i = from; i < ours.length; i++) {
    const a = ours[i];
    const b = theirs[i];
    if (a === undefined && (b === undefined || b === null)) continue;
    if (a === undefined || b === undefined || b === null) throw new Error(`defined at different inputs: index ${i}: ours ${a}, theirs ${b}`);
    const e = Math.abs(a - b) / scale(i);
    checked++;
    if (e > err || Number.isNaN(e)) {
      err = Number.isNaN(e) ? Infinity : e;
      at = i;
    }
  }
  return { err, at, checked };
}

/** technicalindicators' batch results omit the warm-up; re-aligns them to input indices. */
function align<T>(n: number, result: readonly T[]): (T | undefined)[] {
  return new Array<T | undefined>(n - result.length).fill(undefined).concat(result);
}

function series(name: string, path: string | undefined, load: (p: string) => Bar[]): void {
  describe.skipIf(!path)(`${name}`, () => {
    let cache: Bar[] | undefined;
    const bars = (): Bar[] => (cache ??= load(path!));
    const closes = (): number[] => bars().map((b) => b.close);
    const byClose = (i: number): number => bars()[i]!.close;
    const byValue = (values: readonly (number | null | undefined)[]) => (i: number) => Math.max(Math.abs(values[i] ?? 0), 1e-300);

    it('SMA(14) agrees with trading-signals SMA and technicalindicators SMA', () => {
      const x = closes();
      const sma = new SMA(14);
      const ours = x.map((v) => sma.update(v));
      const tsSma = new ts.SMA(14);
      const theirs = x.map((v) => tsSma.add(v));
      expect(worst(ours, theirs, byValue(theirs)).err).toBeLessThanOrEqual(TOL);
      const tiVals = align(x.length, ti.SMA.calculate({ period: 14, values: x }));
      expect(worst(ours, tiVals, byValue(tiVals)).err).toBeLessThanOrEqual(TOL);
    });

    it('EMA(14) seeded with the SMA agrees with technicalindicators EMA, which seeds the same way', () => {
      const x = closes();
      const ema = new EMA(14);
      const ours = x.map((v) => ema.update(v));
      const tiVals = align(x.length, ti.EMA.calculate({ period: 14, values: x }));
      const r = worst(ours, tiVals, byValue(tiVals));
      expect(r.checked).toBe(x.length - 13);
      expect(r.err).toBeLessThanOrEqual(TOL);
    });

    it('EMA(14) seeded from the first input agrees with trading-signals EMA, which seeds that way', () => {
      const x = closes();
      const ema = new EMA(14, { seed: 'first' });
      const ours = x.map((v) => ema.update(v));
      const tsEma = new ts.EMA(14);
      // trading-signals returns its running value from the first input but calls it stable only
      // after 14; ours returns undefined until then.
      const theirs = x.map((v) => {
        const r = tsEma.add(v);
        return tsEma.isStable ? r : undefined;
      });
      expect(worst(ours, theirs, byValue(theirs)).err).toBeLessThanOrEqual(TOL);
    });

    it('the two EMA seeds differ by a term that decays by (1 − α) per input (trading-signals vs our default)', () => {
      const x = closes();
      const ours = new EMA(14);
      const theirs = new ts.EMA(14);
      const decay = 1 - 2 / 15;
      let d0 = 0;
      let worstErr = 0;
      for (let i = 0; i < 400; i++) {
        const a = ours.update(x[i]!);
        const b = theirs.add(x[i]!);
        if (a === undefined || b === null) continue;
        const d = a - b;
        if (i === 13) d0 = d;
        worstErr = Math.max(worstErr, Math.abs(d - d0 * decay ** (i - 13)) / x[i]!);
      }
      expect(Math.abs(d0)).toBeGreaterThan(1e-6 * x[13]!);
      expect(worstErr).toBeLessThanOrEqual(TOL);
    });

    it('WMA(14) agrees with trading-signals WMA and technicalindicators WMA', () => {
      const x = closes();
      const wma = new WMA(14);
      const ours = x.map((v) => wma.update(v));
      const tsWma = new ts.WMA(14);
      const theirs = x.map((v) => tsWma.add(v));
      expect(worst(ours, theirs, byValue(theirs)).err).toBeLessThanOrEqual(TOL);
      const tiVals = align(x.length, ti.WMA.calculate({ period: 14, values: x }));
      expect(worst(ours, tiVals, byValue(tiVals)).err).toBeLessThanOrEqual(TOL);
    });

    it('RSI(14) agrees with trading-signals RSI (Wilder smoothing) except on flat windows, where ours is 50 and theirs 100', () => {
      const x = closes();
      const rsi = new RSI(14);
      const ours = x.map((v) => rsi.update(v));
      const tsRsi = new ts.RSI(14);
      const theirs = x.map((v) => tsRsi.add(v));
      let flat = 0;
      const comparable = theirs.map((b, i) => {
        if (ours[i] === 50 && b === 100) {
          flat++;
          return undefined;
        }
        return b;
      });
      const oursComparable = ours.map((a, i) => (comparable[i] === undefined ? undefined : a));
      const r = worst(oursComparable, comparable, () => 100);
      expect(r.checked).toBe(x.length - 14 - flat);
      expect(r.err).toBeLessThanOrEqual(TOL);
    });

    it('RSI(14) agrees with technicalindicators RSI to its rounding: it rounds to 2 decimals', () => {
      const x = closes();
      const rsi = new RSI(14);
      const ours = x.map((v) => rsi.update(v));
      const tiVals = align(x.length, ti.RSI.calculate({ period: 14, values: x }));
      // Unrounded ours against their rounded value: at most half a unit of the second decimal.
      const r = worst(ours, tiVals, () => 1);
      expect(r.err).toBeLessThanOrEqual(0.005 + 1e-9);
      // The difference is their rounding: every value of theirs has at most 2 decimals, and ours,
      // rounded the same way, is never more than one unit of the second decimal away.
      expect(tiVals.every((v) => v === undefined || Math.abs(v * 100 - Math.round(v * 100)) < 1e-6)).toBe(true);
      const rounded = ours.map((v) => (v === undefined ? undefined : Math.round(v * 100) / 100));
      expect(worst(rounded, tiVals, () => 1).err).toBeLessThanOrEqual(0.01 + 1e-9);
    });

    it('MACD(12, 26, 9) seeded from the first input agrees with trading-signals MACD from the signal warm-up on', () => {
      const x = closes();
      const macd = new MACD(12, 26, 9, { seed: 'first' });
      const ours = x.map((v) => macd.update(v));
      const tsMacd = new ts.MACD(new ts.EMA(12), new ts.EMA(26), new ts.EMA(9));
      // trading-signals emits from input 26 with a signal that started from the first MACD value on
      // that same input; ours emits from input 34, when that signal EMA has had 9 inputs.
      const theirs = x.map((v) => tsMacd.add(v));
      expect(ours.findIndex((v) => v !== undefined)).toBe(33);
      expect(theirs.findIndex((v) => v !== null)).toBe(25);
      const pick = (k: 'macd' | 'signal' | 'histogram') => [
        ours.map((v) => v?.[k]),
        theirs.map((v, i) => (i < 33 ? undefined : v?.[k])),
      ] as const;
      for (const k of ['macd', 'signal', 'histogram'] as const) {
        const [a, b] = pick(k);
        expect(worst(a, b, byClose).err, k).toBeLessThanOrEqual(TOL);
      }
    });

    it('MACD(12, 26, 9) seeded with the SMA agrees with technicalindicators MACD on EMAs', () => {
      const x = closes();
      const macd = new MACD(12, 26, 9);
      const ours = x.map((v) => macd.update(v));
      const tiVals = align(
        x.length,
        ti.MACD.calculate({ values: x, fastPeriod: 12, slowPeriod: 26, signalPeriod: 9, SimpleMAOscillator: false, SimpleMASignal: false }),
      );
      // technicalindicators emits the line from input 26 with `signal: undefined` until input 34.
      expect(tiVals.findIndex((v) => v !== undefined)).toBe(25);
      expect(tiVals[32]?.signal).toBeUndefined();
      // Their line is keyed `MACD`.
      for (const [k, theirKey] of [['macd', 'MACD'], ['signal', 'signal'], ['histogram', 'histogram']] as const) {
        const a = ours.map((v) => v?.[k]);
        const b = tiVals.map((v, i) => (i < 33 ? undefined : v?.[theirKey]));
        expect(worst(a, b, byClose).err, k).toBeLessThanOrEqual(TOL);
      }
    });

    it('BollingerBands(20, 2) agree with trading-signals and technicalindicators (population std dev)', () => {
      const x = closes();
      const bb = new BollingerBands(20, 2);
      const ours = x.map((v) => bb.update(v));
      const tsBb = new ts.BollingerBands(20, 2);
      const theirs = x.map((v) => tsBb.add(v));
      const tiVals = align(x.length, ti.BollingerBands.calculate({ period: 20, stdDev: 2, values: x }));
      for (const k of ['middle', 'upper', 'lower'] as const) {
        const a = ours.map((v) => v?.[k]);
        const b = theirs.map((v) => v?.[k]);
        expect(worst(a, b, byValue(b)).err, `trading-signals ${k}`).toBeLessThanOrEqual(TOL);
        const c = tiVals.map((v) => v?.[k]);
        expect(worst(a, c, byValue(c)).err, `technicalindicators ${k}`).toBeLessThanOrEqual(TOL);
      }
    });

    it('RollingStdDev(20) agrees with technicalindicators SD and trading-signals getStandardDeviation, relative to σ', () => {
      const x = closes();
      const sd = new RollingStdDev(20);
      const ours = x.map((v) => sd.update(v));
      const tiVals = align(x.length, ti.SD.calculate({ period: 20, values: x }));
      expect(worst(ours, tiVals, byValue(tiVals)).err).toBeLessThanOrEqual(TOL);
      const tsVals = x.map((_, i) => (i < 19 ? undefined : ts.getStandardDeviation(x.slice(i - 19, i + 1))));
      expect(worst(ours, tsVals, byValue(tsVals)).err).toBeLessThanOrEqual(TOL);
    });

    it("ZScore(20) agrees with trading-signals getZScore of the window (which throws where σ = 0; ours is 0 there)", () => {
      const x = closes();
      const z = new ZScore(20);
      const ours = x.map((v) => z.update(v));
      const theirs = x.map((_, i) => {
        if (i < 19) return undefined;
        const w = x.slice(i - 19, i + 1);
        if (w.every((v) => v === w[0])) {
          expect(ours[i]).toBe(0);
          expect(() => ts.getZScore(w)).toThrow();
          return 0;
        }
        return ts.getZScore(w);
      });
      expect(worst(ours, theirs, (i) => 1 + Math.abs(theirs[i] ?? 0)).err).toBeLessThanOrEqual(TOL);
    });

    it('ATR(14) agrees with trading-signals ATR (first true range = high − low)', () => {
      const b = bars();
      const atr = new ATR(14);
      const ours = b.map((v) => atr.update(v));
      const tsAtr = new ts.ATR(14);
      const theirs = b.map((v) => tsAtr.add({ high: v.high, low: v.low, close: v.close }));
      const r = worst(ours, theirs, byClose);
      expect(r.checked).toBe(b.length - 13);
      expect(r.err).toBeLessThanOrEqual(TOL);
    });

    it('ATR(14) differs from technicalindicators ATR only by its seed: it skips the first bar, so the gap decays by 13/14 per bar', () => {
      const b = bars();
      const atr = new ATR(14);
      const ours = b.map((v) => atr.update(v));
      const tiVals = align(
        b.length,
        ti.ATR.calculate({ period: 14, high: b.map((v) => v.high), low: b.map((v) => v.low), close: b.map((v) => v.close) }),
      );
      // Their first value comes one bar later than ours (after 15 bars: 14 ranges need 15 closes).
      expect(ours.findIndex((v) => v !== undefined)).toBe(13);
      expect(tiVals.findIndex((v) => v !== undefined)).toBe(14);
      const d0 = ours[14]! - tiVals[14]!;
      let err = 0;
      for (let i = 14; i < b.length; i++) {
        const d = ours[i]! - tiVals[i]!;
        err = Math.max(err, Math.abs(d - d0 * (13 / 14) ** (i - 14)) / b[i]!.close);
      }
      expect(err).toBeLessThanOrEqual(TOL);
    });

    it('OBV agrees exactly with technicalindicators OBV and trading-signals OBV(2) (first value on the second bar)', () => {
      const b = bars();
      const obv = new OBV();
      const ours = b.map((v) => obv.update(v));
      const tiVals = align(b.length, ti.OBV.calculate({ close: b.map((v) => v.close), volume: b.map((v) => v.volume) }));
      const tsObv = new ts.OBV(2);
      const theirs = b.map((v) => tsObv.add({ open: v.close, high: v.high, low: v.low, close: v.close, volume: v.volume }));
      expect(ours[0]).toBeUndefined();
      expect(ours.slice(1)).toEqual(tiVals.slice(1));
      expect(ours.slice(1)).toEqual(theirs.slice(1));
    });

    it('VWAP over one manual session agrees with trading-signals and technicalindicators VWAP (cumulative, typical price)', () => {
      const b = bars();
      const vwap = new VWAP();
      const ours = b.map((v) => vwap.update(v));
      const tsVwap = new ts.VWAP();
      const theirs = b.map((v) => tsVwap.add(v));
      expect(worst(ours, theirs, byValue(theirs)).err).toBeLessThanOrEqual(TOL);
      const tiVals = align(
        b.length,
        ti.VWAP.calculate({ high: b.map((v) => v.high), low: b.map((v) => v.low), close: b.map((v) => v.close), volume: b.map((v) => v.volume) }),
      );
      expect(worst(ours, tiVals, byValue(tiVals)).err).toBeLessThanOrEqual(TOL);
    });

    it("VWAP with session 'utc-day' agrees with a new trading-signals VWAP started on each UTC day", () => {
      const b = bars();
      const vwap = new VWAP({ session: 'utc-day' });
      const ours = b.map((v) => vwap.update(v));
      let tsVwap = new ts.VWAP();
      let day = '';
      let sessions = 0;
      const theirs = b.map((v) => {
        const d = new Date(v.openTs / 1000).toISOString().slice(0, 10);
        if (d !== day) {
          tsVwap = new ts.VWAP();
          day = d;
          sessions++;
        }
        return tsVwap.add(v);
      });
      expect(sessions).toBeGreaterThan(1);
      expect(worst(ours, theirs, byValue(theirs)).err).toBeLessThanOrEqual(TOL);
    });

    it('RollingVWAP(20) agrees with trading-signals VWMA(20) fed the typical price as close (VWMA weights the close)', () => {
      const b = bars();
      const rv = new RollingVWAP(20);
      const ours = b.map((v) => rv.update(v));
      const vwma = new ts.VWMA(20);
      const theirs = b.map((v) => {
        const tp = (v.high + v.low + v.close) / 3;
        return vwma.add({ high: v.high, low: v.low, close: tp, volume: v.volume });
      });
      expect(worst(ours, theirs, byValue(theirs)).err).toBeLessThanOrEqual(TOL);
    });
  });
}

series(
  'BTC perpetual 1-minute bars (nautilus)',
  dataPath('nautilus/btc-perp-20211231-20220201_1m.csv'),
  (p) => readBars(p, { ts: 'timestamp', high: 'high', low: 'low', close: 'close', volume: 'volume' }),
);
series(
  'S&P 500 daily bars (vega)',
  dataPath('vega/sp500-2000.csv'),
  (p) => readBars(p, { ts: 'date', high: 'high', low: 'low', close: 'close', volume: 'volume' }),
);

describe('edge cases the references define differently', () => {
  it('on a flat series RSI is 50 here, 100 in trading-signals and technicalindicators', () => {
    const x = new Array<number>(30).fill(60_000);
    const rsi = new RSI(14);
    const tsRsi = new ts.RSI(14);
    let ours: number | undefined;
    let theirs: number | null = null;
    for (const v of x) {
      ours = rsi.update(v);
      theirs = tsRsi.add(v);
    }
    expect(ours).toBe(50);
    expect(theirs).toBe(100);
    expect(ti.RSI.calculate({ period: 14, values: x }).at(-1)).toBe(100);
  });

  it('a zero-volume bar leaves VWAP unchanged here, where trading-signals returns null', () => {
    const vwap = new VWAP();
    const tsVwap = new ts.VWAP();
    const bar = { high: 101, low: 99, close: 100, volume: 5 };
    const quiet = { high: 120, low: 80, close: 110, volume: 0 };
    expect(vwap.update(bar)).toBe(tsVwap.add(bar));
    expect(vwap.update(quiet)).toBe(100);
    expect(tsVwap.add(quiet)).toBeNull();
  });
});
