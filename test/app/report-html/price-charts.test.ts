import { describe, expect, it } from 'vitest';
import type { PriceCandles } from '../../../src/app/report-html/candle-recorder.js';
import { priceCharts } from '../../../src/app/report-html/price-charts.js';
import type { Fill } from '../../../src/model/fill.js';
import type { Instrument } from '../../../src/model/instrument.js';

const S = 1_000_000;
const T0 = Date.UTC(2024, 0, 1) * 1000;
const candle = (t: number, price: number) => ({ t, open: price, high: price, low: price, close: price });
const prices: PriceCandles[] = [{ key: 'sim:SIMUSDT', source: 'trades', resolutionUs: 15 * S, candles: [candle(T0, 100), candle(T0 + 15 * S, 101), candle(T0 + 60 * S, 99)] }];
const instrument = { exchange: 'sim', symbol: 'SIMUSDT', pricePrecision: 2 } as Instrument;

function fill(ts: number, side: 'buy' | 'sell', symbol = 'SIMUSDT'): Fill {
  return { clientOrderId: `o${ts}`, exchange: 'sim', symbol, side, quantity: 1, price: 10_000, fee: 0n, liquidity: 'taker', ts };
}

describe('priceCharts', () => {
  it('puts each fill on its candle, one marker per candle and side counting the fills', () => {
    const fills = [fill(T0 + 1, 'sell'), fill(T0 + 2, 'buy'), fill(T0 + 14 * S, 'buy'), fill(T0 + 16 * S, 'sell'), fill(T0 + 5, 'buy', 'OTHER')];
    const [chart] = priceCharts(prices, fills, [instrument]);
    expect(chart).toMatchObject({ key: 'sim:SIMUSDT', resolution: '15s', precision: 2, fills: 4 });
    expect(chart!.candles[1]).toEqual([T0 / S + 15, 101, 101, 101, 101]);
    expect(chart!.markers).toEqual([
      [T0 / S, 'buy', 2],
      [T0 / S, 'sell', 1],
      [T0 / S + 15, 'sell', 1],
    ]);
  });

  it('puts a fill in an interval with no candle on the last candle before it, or the first', () => {
    const [chart] = priceCharts(prices, [fill(T0 - 30 * S, 'buy'), fill(T0 + 40 * S, 'buy'), fill(T0 + 3_600 * S, 'sell')], [instrument]);
    expect(chart!.markers).toEqual([
      [T0 / S, 'buy', 1],
      [T0 / S + 15, 'buy', 1],
      [T0 / S + 60, 'sell', 1],
    ]);
  });

  it('shows quote mids with one decimal more than the instrument\'s prices', () => {
    const [chart] = priceCharts([{ ...prices[0]!, source: 'quotes' }], [], [instrument]);
    expect(chart!.precision).toBe(3);
  });
});
