/**
 * Properties every streaming indicator must hold, checked with fast-check on random series:
 *
 * - streaming equals batch: after each input, `update` returns what a direct, from-scratch
 *   computation of the definition over all inputs so far gives (written here independently, in
 *   the plainest form: slices, two-pass means, loops from the start);
 * - `replace` equals recomputing: after any mix of `update` and `replace`, the value equals that of
 *   a fresh indicator fed the revised inputs with `update` only (bit for bit for the recursive
 *   indicators, whose `replace` restores the previous state; within rounding for the windowed
 *   ones, whose `replace` adjusts running sums);
 * - `reset` gives a fresh indicator, and the first value comes after exactly `warmUp` inputs.
 *
 * Series are random walks, tick grids and runs of equal values (flat windows are where RSI,
 * z-score and variance have edge cases).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATR } from '../../../actors/indicators/atr.js';
import { BollingerBands, type BollingerBandsValue } from '../../../actors/indicators/bollinger-bands.js';
import { EMA, type EmaSeed } from '../../../actors/indicators/ema.js';
import { MACD, type MacdValue } from '../../../actors/indicators/macd.js';
import { OBV } from '../../../actors/indicators/obv.js';
import { RollingStdDev } from '../../../actors/indicators/rolling-std-dev.js';
import { RollingVWAP } from '../../../actors/indicators/rolling-vwap.js';
import { RSI } from '../../../actors/indicators/rsi.js';
import { SMA } from '../../../actors/indicators/sma.js';
import type { StreamingIndicator } from '../../../actors/indicators/streaming-indicator.js';
import { VWAP } from '../../../actors/indicators/vwap.js';
import { WMA } from '../../../actors/indicators/wma.js';
import { ZScore } from '../../../actors/indicators/z-score.js';
import { isTickflowError } from '../../../src/runtime/errors.js';

interface Bar {
  readonly openTs: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

type Out = number | MacdValue | BollingerBandsValue;

// ---------------------------------------------------------------- batch definitions

const mean = (xs: readonly number[]): number => xs.reduce((s, v) => s + v, 0) / xs.length;
const window = <T>(xs: readonly T[], t: number, n: number): T[] => xs.slice(t - n + 1, t + 1);
const pstd = (xs: readonly number[]): number => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length);
};

function smaBatch(x: readonly number[], n: number): (number | undefined)[] {
  return x.map((_, t) => (t < n - 1 ? undefined : mean(window(x, t, n))));
}

function emaBatch(x: readonly number[], n: number, seed: EmaSeed): (number | undefined)[] {
  const a = 2 / (n + 1);
  let e = 0;
  return x.map((v, t) => {
    if (seed === 'first') e = t === 0 ? v : e + a * (v - e);
    else if (t === n - 1) e = mean(x.slice(0, n));
    else if (t >= n) e = e + a * (v - e);
    return t < n - 1 ? undefined : e;
  });
}

function wmaBatch(x: readonly number[], n: number): (number | undefined)[] {
  return x.map((_, t) => (t < n - 1 ? undefined : window(x, t, n).reduce((s, v, i) => s + (i + 1) * v, 0) / ((n * (n + 1)) / 2)));
}

function rsiBatch(x: readonly number[], n: number): (number | undefined)[] {
  let g = 0;
  let l = 0;
  return x.map((v, t) => {
    if (t === 0) return undefined;
    const d = v - x[t - 1]!;
    const up = Math.max(d, 0);
    const down = Math.max(-d, 0);
    if (t < n) {
      g += up;
      l += down;
      return undefined;
    }
    if (t === n) {
      g = (g + up) / n;
      l = (l + down) / n;
    } else {
      g = ((n - 1) * g + up) / n;
      l = ((n - 1) * l + down) / n;
    }
    return g + l === 0 ? 50 : (100 * g) / (g + l);
  });
}

function macdBatch(x: readonly number[], fast: number, slow: number, signal: number, seed: EmaSeed): (MacdValue | undefined)[] {
  const f = emaBatch(x, fast, seed);
  const s = emaBatch(x, slow, seed);
  const start = Math.max(fast, slow) - 1;
  const line = x.map((_, t) => (t < start ? 0 : f[t]! - s[t]!));
  const sig = emaBatch(line.slice(start), signal, seed);
  return x.map((_, t) => {
    const sg = t < start ? undefined : sig[t - start];
    return sg === undefined ? undefined : { macd: line[t]!, signal: sg, histogram: line[t]! - sg };
  });
}

function bbBatch(x: readonly number[], n: number, k: number): (BollingerBandsValue | undefined)[] {
  return x.map((_, t) => {
    if (t < n - 1) return undefined;
    const w = window(x, t, n);
    const m = mean(w);
    const sd = pstd(w);
    return { middle: m, upper: m + k * sd, lower: m - k * sd };
  });
}

function stdBatch(x: readonly number[], n: number): (number | undefined)[] {
  return x.map((_, t) => (t < n - 1 ? undefined : pstd(window(x, t, n))));
}

function zBatch(x: readonly number[], n: number): (number | undefined)[] {
  return x.map((v, t) => {
    if (t < n - 1) return undefined;
    const w = window(x, t, n);
    if (w.every((u) => u === w[0])) return 0;
    return (v - mean(w)) / pstd(w);
  });
}

function atrBatch(b: readonly Bar[], n: number): (number | undefined)[] {
  const tr = b.map((v, t) =>
    t === 0 ? v.high - v.low : Math.max(v.high - v.low, Math.abs(v.high - b[t - 1]!.close), Math.abs(v.low - b[t - 1]!.close)),
  );
  let atr = 0;
  return tr.map((r, t) => {
    if (t < n - 1) return undefined;
    atr = t === n - 1 ? mean(tr.slice(0, n)) : ((n - 1) * atr + r) / n;
    return atr;
  });
}

function obvBatch(b: readonly Bar[]): (number | undefined)[] {
  let obv = 0;
  return b.map((v, t) => {
    if (t === 0) return undefined;
    const prev = b[t - 1]!.close;
    obv += v.close > prev ? v.volume : v.close < prev ? -v.volume : 0;
    return obv;
  });
}

const tp = (v: Bar): number => (v.high + v.low + v.close) / 3;
const utcDay = (v: Bar): string => new Date(v.openTs / 1000).toISOString().slice(0, 10);

function vwapBatch(b: readonly Bar[], byDay: boolean): (number | undefined)[] {
  return b.map((v, t) => {
    const session = b.slice(0, t + 1).filter((u) => !byDay || utcDay(u) === utcDay(v));
    const vol = session.reduce((s, u) => s + u.volume, 0);
    return vol > 0 ? session.reduce((s, u) => s + tp(u) * u.volume, 0) / vol : undefined;
  });
}

function rollingVwapBatch(b: readonly Bar[], n: number): (number | undefined)[] {
  return b.map((_, t) => {
    if (t < n - 1) return undefined;
    const w = window(b, t, n);
    const vol = w.reduce((s, u) => s + u.volume, 0);
    return vol > 0 ? w.reduce((s, u) => s + tp(u) * u.volume, 0) / vol : undefined;
  });
}

// ---------------------------------------------------------------- generators

/** Prices: random walks, tick grids with ties, and runs of equal values. */
const prices: fc.Arbitrary<number[]> = fc.oneof(
  fc
    .tuple(fc.double({ min: 1, max: 100_000, noNaN: true }), fc.array(fc.integer({ min: -300, max: 300 }), { maxLength: 120 }))
    // Steps in basis points: realistic moves (a step of 1e-16 would make z-scores meaningless).
    .map(([p0, steps]) => steps.reduce((ps, bp) => (ps.push(ps[ps.length - 1]! * (1 + bp / 10_000)), ps), [p0])),
  fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 120 }).map((steps) => {
    let p = 60_000;
    return steps.map((s) => (p += 0.5 * s));
  }),
  fc
    .array(fc.tuple(fc.integer({ min: 0, max: 8 }), fc.integer({ min: 1, max: 40 })), { maxLength: 8 })
    .map((runs) => runs.flatMap(([level, len]) => new Array<number>(len).fill(60_000 + 0.5 * level))),
);

const HOUR_US = 3_600_000_000;

/** Bars along a tick grid, with zero volumes and gaps that cross UTC days. */
const bars: fc.Arbitrary<Bar[]> = fc
  .array(
    fc.tuple(
      fc.integer({ min: -3, max: 3 }),
      fc.integer({ min: 0, max: 20 }),
      fc.integer({ min: 0, max: 20 }),
      // Volumes to 3 decimals, with zeros, spanning seven orders of magnitude.
      fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1_000_000 }).map((v) => v / 1000), fc.integer({ min: 1, max: 10_000 })),
      fc.integer({ min: 0, max: 9 }),
    ),
    { maxLength: 100 },
  )
  .map((rows) => {
    let close = 60_000;
    let ts = Date.UTC(2024, 0, 1, 20) * 1000;
    return rows.map(([step, up, down, volume, hours]) => {
      close += 0.5 * step;
      ts += hours * HOUR_US;
      return { openTs: ts, high: close + 0.5 * up, low: close - 0.5 * down, close, volume };
    });
  });

const period = fc.integer({ min: 1, max: 25 });

// ---------------------------------------------------------------- the table

interface Case<In> {
  readonly name: string;
  readonly inputs: fc.Arbitrary<In[]>;
  readonly params: fc.Arbitrary<number[]>;
  readonly make: (p: number[]) => StreamingIndicator<In, Out>;
  readonly batch: (xs: In[], p: number[]) => (Out | undefined)[];
  /** Scale of an output's absolute error: the price level, or 1 for bounded outputs. */
  readonly scale: (xs: In[]) => number;
  /** `replace` restores saved state rather than adjusting running sums, so it is bit-exact. */
  readonly exactReplace: boolean;
}

const priceScale = (xs: number[]): number => Math.max(1, ...xs.map(Math.abs));
const barScale = (xs: Bar[]): number => Math.max(1, ...xs.map((b) => Math.abs(b.high)));
const seeds: EmaSeed[] = ['sma', 'first'];

const cases: Case<number>[] = [
  { name: 'SMA', inputs: prices, params: fc.tuple(period), make: ([n]) => new SMA(n!), batch: (x, [n]) => smaBatch(x, n!), scale: priceScale, exactReplace: false },
  {
    name: 'EMA',
    inputs: prices,
    params: fc.tuple(period, fc.integer({ min: 0, max: 1 })),
    make: ([n, s]) => new EMA(n!, { seed: seeds[s!]! }),
    batch: (x, [n, s]) => emaBatch(x, n!, seeds[s!]!),
    scale: priceScale,
    exactReplace: true,
  },
  { name: 'WMA', inputs: prices, params: fc.tuple(period), make: ([n]) => new WMA(n!), batch: (x, [n]) => wmaBatch(x, n!), scale: priceScale, exactReplace: false },
  { name: 'RSI', inputs: prices, params: fc.tuple(period), make: ([n]) => new RSI(n!), batch: (x, [n]) => rsiBatch(x, n!), scale: () => 100, exactReplace: true },
  {
    name: 'MACD',
    inputs: prices,
    params: fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 26 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 1 })),
    make: ([f, s, g, seed]) => new MACD(f!, s!, g!, { seed: seeds[seed!]! }),
    batch: (x, [f, s, g, seed]) => macdBatch(x, f!, s!, g!, seeds[seed!]!),
    scale: priceScale,
    exactReplace: true,
  },
  {
    name: 'BollingerBands',
    inputs: prices,
    params: fc.tuple(period, fc.integer({ min: 1, max: 3 })),
    make: ([n, k]) => new BollingerBands(n!, k!),
    batch: (x, [n, k]) => bbBatch(x, n!, k!),
    scale: priceScale,
    exactReplace: false,
  },
  { name: 'RollingStdDev', inputs: prices, params: fc.tuple(period), make: ([n]) => new RollingStdDev(n!), batch: (x, [n]) => stdBatch(x, n!), scale: priceScale, exactReplace: false },
  {
    name: 'ZScore',
    inputs: prices,
    params: fc.tuple(period),
    make: ([n]) => new ZScore(n!),
    batch: (x, [n]) => zBatch(x, n!),
    // z is a ratio whose rounding error grows with price/σ; on these grids σ ≥ ~0.1 at 60,000.
    scale: (x) => priceScale(x) * 1e-3,
    exactReplace: false,
  },
];

const barCases: Case<Bar>[] = [
  { name: 'ATR', inputs: bars, params: fc.tuple(period), make: ([n]) => new ATR(n!), batch: (b, [n]) => atrBatch(b, n!), scale: barScale, exactReplace: true },
  { name: 'OBV', inputs: bars, params: fc.constant([]), make: () => new OBV(), batch: (b) => obvBatch(b), scale: () => 1e5, exactReplace: true },
  { name: 'VWAP (manual session)', inputs: bars, params: fc.constant([]), make: () => new VWAP(), batch: (b) => vwapBatch(b, false), scale: barScale, exactReplace: true },
  {
    name: "VWAP (session 'utc-day')",
    inputs: bars,
    params: fc.constant([]),
    make: () => new VWAP({ session: 'utc-day' }),
    batch: (b) => vwapBatch(b, true),
    scale: barScale,
    exactReplace: true,
  },
  { name: 'RollingVWAP', inputs: bars, params: fc.tuple(period), make: ([n]) => new RollingVWAP(n!), batch: (b, [n]) => rollingVwapBatch(b, n!), scale: barScale, exactReplace: false },
];

// ---------------------------------------------------------------- checks

function numbers(o: Out | undefined): number[] | undefined {
  if (o === undefined) return undefined;
  if (typeof o === 'number') return [o];
  return 'macd' in o ? [o.macd, o.signal, o.histogram] : [o.middle, o.upper, o.lower];
}

/** `a` and `b` are both undefined, or agree field by field within `1e-9 × scale`. */
function close(a: Out | undefined, b: Out | undefined, scale: number): boolean {
  const x = numbers(a);
  const y = numbers(b);
  if (x === undefined || y === undefined) return x === y;
  return x.every((v, i) => Math.abs(v - y[i]!) <= 1e-9 * scale);
}

function describeCase<In>(c: Case<In>): void {
  describe(c.name, () => {
    it('returns after each input what the batch definition gives over all inputs so far', () => {
      fc.assert(
        fc.property(c.inputs, c.params, (xs, p) => {
          const ind = c.make(p);
          const want = c.batch(xs, p);
          const scale = c.scale(xs);
          xs.forEach((x, i) => {
            const got = ind.update(x);
            if (!close(got, want[i], scale)) throw new Error(`input ${i}: got ${JSON.stringify(got)}, want ${JSON.stringify(want[i])}`);
            expect(ind.value).toBe(got);
          });
        }),
      );
    });

    it('after any mix of update and replace, equals a fresh indicator fed the revised inputs', () => {
      const ops = c.inputs.chain((xs) => fc.tuple(fc.constant(xs), fc.array(fc.boolean(), { minLength: xs.length, maxLength: xs.length })));
      fc.assert(
        fc.property(ops, c.params, ([xs, replaceFlags], p) => {
          const ind = c.make(p);
          const revised: In[] = [];
          xs.forEach((x, i) => {
            const isReplace = replaceFlags[i]! && revised.length > 0;
            const got = isReplace ? ind.replace(x) : ind.update(x);
            if (isReplace) revised[revised.length - 1] = x;
            else revised.push(x);
            const fresh = c.make(p);
            let want: Out | undefined;
            for (const r of revised) want = fresh.update(r);
            if (c.exactReplace ? JSON.stringify(got) !== JSON.stringify(want) : !close(got, want, c.scale(xs))) {
              throw new Error(`op ${i} (${isReplace ? 'replace' : 'update'}): got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
            }
          });
        }),
      );
    });

    it('replace before any input acts as update', () => {
      fc.assert(
        fc.property(c.inputs.filter((xs) => xs.length > 0), c.params, (xs, p) => {
          const a = c.make(p);
          const b = c.make(p);
          expect(a.replace(xs[0]!)).toEqual(b.update(xs[0]!));
          for (const x of xs.slice(1)) expect(a.update(x)).toEqual(b.update(x));
        }),
      );
    });

    it('reset gives a fresh indicator, and the first value comes after exactly warmUp inputs', () => {
      fc.assert(
        fc.property(c.inputs, c.params, (xs, p) => {
          const used = c.make(p);
          for (const x of xs) used.update(x);
          used.reset();
          expect(used.value).toBeUndefined();
          const fresh = c.make(p);
          const got = xs.map((x) => used.update(x));
          expect(got).toEqual(xs.map((x) => fresh.update(x)));
          const first = got.findIndex((v) => v !== undefined);
          // Volume-weighted values also wait for volume, so they may come later than warmUp.
          if (first >= 0) expect(first + 1).toBeGreaterThanOrEqual(fresh.warmUp);
          if (!c.name.includes('VWAP') && xs.length >= fresh.warmUp) expect(first + 1).toBe(fresh.warmUp);
        }),
      );
    });
  });
}

describe('streaming indicators', () => {
  for (const c of cases) describeCase(c);
  for (const c of barCases) describeCase(c);

  it('reject a period that is not a positive integer with CONFIG_INVALID', () => {
    const bad = [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY];
    const makers: ((n: number) => unknown)[] = [
      (n) => new SMA(n),
      (n) => new EMA(n),
      (n) => new WMA(n),
      (n) => new RSI(n),
      (n) => new MACD(n, 26, 9),
      (n) => new MACD(12, n, 9),
      (n) => new MACD(12, 26, n),
      (n) => new BollingerBands(n, 2),
      (n) => new ATR(n),
      (n) => new RollingVWAP(n),
      (n) => new RollingStdDev(n),
      (n) => new ZScore(n),
    ];
    for (const make of makers) {
      for (const n of bad) {
        let caught: unknown;
        try {
          make(n);
        } catch (e) {
          caught = e;
        }
        expect(isTickflowError(caught, 'CONFIG_INVALID'), `${make.toString()} with ${n}`).toBe(true);
      }
    }
    expect(() => new BollingerBands(20, Number.NaN)).toThrow(/k must be a finite number/);
  });
});

describe('RollingVWAP after a huge bar leaves a window of tiny ones', () => {
  it('recomputes its sums, keeping the result within the properties\' tolerance (a counterexample the property found)', () => {
    // Period 5; bars of 8,948, 1, 7,907 and 9,988 leave a window whose only volume is 0.003.
    const flat = (price: number, volume: number): Bar => ({ openTs: 1_704_139_200_000_000, high: price, low: price, close: price, volume });
    const xs: Bar[] = [flat(60000.5, 8948), flat(60001.5, 1), flat(60000.5, 7907), flat(60002, 9988), flat(60000.5, 0), { openTs: 1_704_139_200_000_000, high: 60009, low: 59999, close: 60001, volume: 0.003 }, flat(60001, 0), flat(60001, 0), flat(60001, 0)];
    const ind = new RollingVWAP(5);
    const want = rollingVwapBatch(xs, 5);
    const got = xs.map((x) => ind.update(x));
    expect(got.at(-1)).toBeCloseTo(60003, 9);
    got.forEach((g, i) => expect(close(g, want[i], barScale(xs)), `input ${i}`).toBe(true));
  });

  it('recomputes after a bar revised up to a huge volume (1e9) and back, whatever the volume at the last recomputation', () => {
    const at = (price: number, volume: number): Bar => ({ openTs: 1_704_139_200_000_000, high: price + 4, low: price - 6, close: price, volume });
    const ind = new RollingVWAP(5);
    for (let i = 0; i < 5; i++) ind.update(at(60000 + i, 0.003)); // recomputed here, on a window of 0.015
    ind.update(at(60010, 0.003));
    ind.replace(at(60010.5, 1e9));
    const got = ind.replace(at(60011, 0.003));
    const xs = [...[1, 2, 3, 4].map((i) => at(60000 + i, 0.003)), at(60011, 0.003)];
    expect(close(got, rollingVwapBatch(xs, 5).at(-1), barScale(xs))).toBe(true);
  });
});

describe('RollingStdDev after an input revised up to a huge value and back', () => {
  it('recomputes its sums: σ stays within 1e-9 of the exact value, relative', () => {
    const sigma = (xs: readonly number[]): number => {
      const m = xs.reduce((a, b) => a + b, 0) / xs.length;
      return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    };
    const ind = new RollingStdDev(5);
    const xs = [60000, 60000.01, 60000.02, 60000.03, 60000.04];
    for (const x of xs) ind.update(x); // recomputed here, on a spread of 1e-3
    ind.update(60000.05);
    ind.replace(1e6);
    const got = ind.replace(60000.06)!;
    const want = sigma([...xs.slice(1), 60000.06]);
    expect(Math.abs(got - want) / want).toBeLessThan(1e-9);
  });
});
