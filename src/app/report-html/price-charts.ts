/**
 * The price charts' data, one per instrument: its candles (`candle-recorder.ts`) as compact rows,
 * and the run's fills on them as markers.
 *
 * Markers. A fill is placed on the candle of its interval (engine time), or the last candle before
 * it when its interval has none (a fill after the last record, or in a gap). Fills on one candle
 * and side are one marker with their count, so markers never outnumber twice the candles, however
 * many fills the run made (`MAX_CANDLES` bounds both).
 */
import type { Fill } from '../../model/fill.js';
import type { Instrument } from '../../model/instrument.js';
import { instrumentKey } from '../../model/instrument-key.js';
import { formatDuration } from '../../model/duration.js';
import type { PriceCandles, CandleSource } from './candle-recorder.js';

/** `[time (s), open, high, low, close]`. */
export type CandleRow = readonly [time: number, open: number, high: number, low: number, close: number];

/** `[time (s) of the candle, side, fills]`. */
export type MarkerRow = readonly [time: number, side: 'buy' | 'sell', fills: number];

/** One instrument's chart. */
export interface PriceChart {
  readonly key: string;
  readonly source: CandleSource;
  /** The candles' interval (`15s`). */
  readonly resolution: string;
  /** Decimals shown on the price axis. */
  readonly precision: number;
  readonly candles: readonly CandleRow[];
  readonly markers: readonly MarkerRow[];
  /** Fills of this instrument (all of them are on the markers). */
  readonly fills: number;
}

/** A chart per instrument with candles, in key order. */
export function priceCharts(prices: readonly PriceCandles[], fills: readonly Fill[], instruments: readonly Instrument[]): PriceChart[] {
  const decimals = new Map<string, number>();
  for (const i of instruments) if (i.exchange !== undefined) decimals.set(instrumentKey(i.exchange, i.symbol), i.pricePrecision);
  const byKey = new Map<string, Fill[]>();
  for (const f of fills) {
    const key = instrumentKey(f.exchange, f.symbol);
    let list = byKey.get(key);
    if (list === undefined) byKey.set(key, (list = []));
    list.push(f);
  }
  return prices.map((p) => {
    const own = byKey.get(p.key) ?? [];
    // A quote's mid can fall halfway between two ticks: one decimal more shows it.
    const precision = (decimals.get(p.key) ?? 2) + (p.source === 'quotes' ? 1 : 0);
    return {
      key: p.key,
      source: p.source,
      resolution: formatDuration(p.resolutionUs),
      precision,
      candles: p.candles.map((c): CandleRow => [c.t / 1_000_000, c.open, c.high, c.low, c.close]),
      markers: markers(p, own),
      fills: own.length,
    };
  });
}

/** The fills (in time order) as markers on the candles of `p` (see the module comment). */
function markers(p: PriceCandles, fills: readonly Fill[]): MarkerRow[] {
  const out: [number, 'buy' | 'sell', number][] = [];
  const candles = p.candles;
  let c = 0;
  for (const f of fills) {
    const t = f.ts - (((f.ts % p.resolutionUs) + p.resolutionUs) % p.resolutionUs);
    // Fills come in time order, so the candle only moves forward.
    while (c + 1 < candles.length && candles[c + 1]!.t <= t) c++;
    const time = candles[c]!.t / 1_000_000;
    // This candle's markers, if any, are the last one or two (one per side).
    const n = out.length;
    const same = n > 0 && out[n - 1]![0] === time && out[n - 1]![1] === f.side ? out[n - 1] : n > 1 && out[n - 2]![0] === time && out[n - 2]![1] === f.side ? out[n - 2] : undefined;
    if (same !== undefined) same[2]++;
    else out.push([time, f.side, 1]);
  }
  // Buys before sells on one candle: one order whatever the fills' order within it.
  return out.sort((a, b) => a[0] - b[0] || (a[1] === b[1] ? 0 : a[1] === 'buy' ? -1 : 1));
}
