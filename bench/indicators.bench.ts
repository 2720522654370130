/**
 * Streaming indicators: updates per second for EMA(14), RSI(14), MACD(12, 26, 9) and
 * BollingerBands(20, 2) on one million prices (100,000 with `--quick`), beside npm
 * `trading-signals` 8.x fed the same values in the same process. The prices are a seeded random
 * walk on a 0.1 tick around 60,000 (BTC-like), identical on every run. Each side runs a short
 * warm-up (so both are JIT-compiled) and then three timed passes, alternating with the other side,
 * of which the fastest counts. Ratio above 1 means ours is faster.
 */
import { BollingerBands as TsBollingerBands, EMA as TsEMA, MACD as TsMACD, RSI as TsRSI } from 'trading-signals';
import { BollingerBands } from '../actors/indicators/bollinger-bands.js';
import { EMA } from '../actors/indicators/ema.js';
import { MACD } from '../actors/indicators/macd.js';
import { RSI } from '../actors/indicators/rsi.js';
import { quick, report, row, timeIt, type BenchRow } from './harness.js';

const COUNT = quick ? 100_000 : 1_000_000;
const PASSES = 3;

/** mulberry32: a tiny seeded generator, so the series is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function prices(count: number): Float64Array {
  const rnd = seeded(20240808);
  const out = new Float64Array(count);
  let ticks = 600_000;
  for (let i = 0; i < count; i++) {
    ticks += Math.round((rnd() + rnd() + rnd() - 1.5) * 60);
    if (ticks < 1) ticks = 1;
    out[i] = ticks / 10;
  }
  return out;
}

/** Feeds every value to a fresh indicator; returns a checksum so the work cannot be elided. */
type Run = (values: Float64Array) => number;

/**
 * Best throughput of each side, in millions of updates per second, over `PASSES` timed passes
 * after a warm-up. The passes alternate between the two sides so a burst of load on the machine
 * does not fall on one side only.
 */
function throughputs(mine: Run, baseline: Run, values: Float64Array): [number, number] {
  const warm = values.subarray(0, Math.min(values.length, 50_000));
  mine(warm);
  baseline(warm);
  const best = [Infinity, Infinity];
  let sink = 0;
  for (let p = 0; p < PASSES; p++) {
    [mine, baseline].forEach((run, side) => {
      const seconds = timeIt(() => {
        sink += run(values);
      });
      best[side] = Math.min(best[side]!, seconds);
    });
  }
  if (Number.isNaN(sink)) throw new Error('checksum is NaN');
  return [values.length / best[0]! / 1e6, values.length / best[1]! / 1e6];
}

const ours: Record<string, Run> = {
  ema: (v) => {
    const ind = new EMA(14);
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.update(v[i]!) ?? 0;
    return acc;
  },
  rsi: (v) => {
    const ind = new RSI(14);
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.update(v[i]!) ?? 0;
    return acc;
  },
  macd: (v) => {
    const ind = new MACD(12, 26, 9);
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.update(v[i]!)?.histogram ?? 0;
    return acc;
  },
  bollinger: (v) => {
    const ind = new BollingerBands(20, 2);
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.update(v[i]!)?.upper ?? 0;
    return acc;
  },
};

const theirs: Record<string, Run> = {
  ema: (v) => {
    const ind = new TsEMA(14);
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.add(v[i]!) ?? 0;
    return acc;
  },
  rsi: (v) => {
    const ind = new TsRSI(14);
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.add(v[i]!) ?? 0;
    return acc;
  },
  macd: (v) => {
    const ind = new TsMACD(new TsEMA(12), new TsEMA(26), new TsEMA(9));
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.add(v[i]!)?.histogram ?? 0;
    return acc;
  },
  bollinger: (v) => {
    const ind = new TsBollingerBands(20, 2);
    let acc = 0;
    for (let i = 0; i < v.length; i++) acc += ind.add(v[i]!)?.upper ?? 0;
    return acc;
  },
};

const names: Record<string, string> = {
  ema: 'indicator EMA(14) updates',
  rsi: 'indicator RSI(14) updates',
  macd: 'indicator MACD(12,26,9) updates',
  bollinger: 'indicator Bollinger(20,2) updates',
};

const values = prices(COUNT);
const rows: BenchRow[] = [];
for (const key of Object.keys(names)) {
  const [mine, baseline] = throughputs(ours[key]!, theirs[key]!, values);
  rows.push(row(names[key]!, 'M updates/s', mine, baseline));
}
console.log(`${COUNT.toLocaleString('en-US')} prices per pass; baseline: trading-signals 8.x on the same values`);
report(rows);
