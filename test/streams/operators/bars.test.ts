import fc from 'fast-check';
import { concat, firstValueFrom, from, Subject, throwError, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { BookTicker, Side, Trade, TradeBar } from '../../../src/model/records.js';
import { TickflowError } from '../../../src/runtime/errors.js';
import { createBarAggregator } from '../../../streams/operators/bar-aggregator.js';
import { createBarAggregatorSet } from '../../../streams/operators/bar-aggregator-set.js';
import { parseBarSpec, type BarSpecOptions } from '../../../streams/operators/bar-spec.js';
import { bars } from '../../../streams/operators/bars.js';

const T0 = 1_723_075_200_000_000;
const S = 1_000_000;

function trade(symbol: string, tsRecv: number, price: number, amount: number, side: Side, ts = tsRecv): Trade {
  return { type: 'trade', exchange: 'binance', symbol, ts, tsRecv, id: String(tsRecv), price, amount, side };
}

function quote(symbol: string, tsRecv: number, bidPrice: number, askPrice: number): BookTicker {
  return { type: 'book_ticker', exchange: 'binance', symbol, ts: tsRecv + 7, tsRecv, bidPrice, bidAmount: 1, askPrice, askAmount: 1 };
}

// A small mixed slice: two symbols, trades and quotes, an empty second, venue times ahead and behind.
const slice: (Trade | BookTicker)[] = [
  trade('BTCUSDT', T0 + 100_000, 100, 1, 'buy', T0 + 50_000),
  quote('BTCUSDT', T0 + 150_000, 99, 101),
  trade('ETHUSDT', T0 + 300_000, 10, 2, 'sell', T0 + 900_000),
  trade('BTCUSDT', T0 + 700_000, 102, 0.5, 'sell', T0 + 1_100_000),
  quote('BTCUSDT', T0 + 1_200_000, 101, 103),
  trade('BTCUSDT', T0 + 1_400_000, 101, 1, 'buy', T0 + 980_000),
  trade('ETHUSDT', T0 + 3_500_000, 11, 1, 'unknown', T0 + 3_450_000),
  quote('ETHUSDT', T0 + 3_600_000, 10.5, 11.5),
  trade('BTCUSDT', T0 + 4_000_000, 99, 3, 'sell', T0 + 4_100_000),
];

function viaAggregator(spec: string, options?: BarSpecOptions): TradeBar[] {
  const set = createBarAggregatorSet(parseBarSpec(spec, options));
  const out: TradeBar[] = [];
  for (const r of slice) out.push(...set.onRecord(r));
  out.push(...set.flush());
  return out;
}

describe('bars operator', () => {
  it.each([
    ['1s', {}],
    ['1m', {}],
    ['2t', {}],
    ['1v', {}],
    ['1s:mid', {}],
    ['1s', { timeBase: 'venue', lateness: '300ms' }],
  ] as [string, BarSpecOptions][])('yields the same bars as the aggregator for %s %j', async (spec, options) => {
    const expected = viaAggregator(spec, options);
    expect(expected.length).toBeGreaterThan(0);
    expect(await firstValueFrom(from(slice).pipe(bars(spec, options), toArray()))).toEqual(expected);
  });

  it.each(['1s', '3t', '10v', '2s:mid'])('yields the bars of a lone BarAggregator for random single-instrument data (%s)', (text) => {
    const spec = parseBarSpec(text);
    const recordArb = fc.record({
      gapUs: fc.integer({ min: 0, max: 700_000 }),
      isQuote: fc.boolean(),
      price: fc.integer({ min: 1, max: 500 }),
      amount: fc.integer({ min: 1, max: 6 }),
      side: fc.constantFrom<Side>('buy', 'sell', 'unknown'),
    });
    fc.assert(
      fc.property(fc.array(recordArb, { maxLength: 120 }), (rows) => {
        let t = T0;
        const records = rows.map((r) => {
          t += r.gapUs;
          return r.isQuote ? quote('BTCUSDT', t, r.price, r.price + r.amount) : trade('BTCUSDT', t, r.price, r.amount, r.side);
        });
        const agg = createBarAggregator(spec, 'binance', 'BTCUSDT');
        const expected: TradeBar[] = [];
        for (const r of records) expected.push(...agg.onRecord(r));
        expected.push(...agg.flush());
        let actual: TradeBar[] = [];
        from(records).pipe(bars(spec), toArray()).subscribe((out) => (actual = out));
        expect(actual).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('yields hand-computed 1s bars for the slice', async () => {
    const out = await firstValueFrom(from(slice).pipe(bars('1s'), toArray()));
    expect(out.map((b) => [b.symbol, b.openTs - T0, b.open, b.high, b.low, b.close, b.volume, b.buyVolume, b.sellVolume, b.trades])).toEqual([
      ['BTCUSDT', 0, 100, 102, 100, 102, 1.5, 1, 0.5, 2],
      ['ETHUSDT', 0, 10, 10, 10, 10, 2, 0, 2, 1],
      ['BTCUSDT', S, 101, 101, 101, 101, 1, 1, 0, 1],
      ['ETHUSDT', 3 * S, 11, 11, 11, 11, 1, 0, 0, 1],
      ['BTCUSDT', 4 * S, 99, 99, 99, 99, 3, 0, 3, 1],
    ]);
    expect(out[0]?.vwap).toBeCloseTo(100.66666666666667, 12); // (100 + 102 · 0.5) / 1.5
  });

  it('closes a time bar when a later record passes its end, before the source completes', () => {
    const source = new Subject<Trade | BookTicker>();
    const seen: TradeBar[] = [];
    let completed = false;
    source.pipe(bars('1s')).subscribe({ next: (b) => seen.push(b), complete: () => (completed = true) });
    source.next(trade('BTCUSDT', T0 + 100_000, 100, 1, 'buy'));
    expect(seen).toEqual([]);
    source.next(quote('BTCUSDT', T0 + S, 99, 101));
    expect(seen.map((b) => [b.openTs, b.close])).toEqual([[T0, 100]]);
    source.next(trade('BTCUSDT', T0 + 1_500_000, 101, 1, 'buy'));
    source.complete();
    expect(seen.map((b) => [b.openTs, b.close])).toEqual([
      [T0, 100],
      [T0 + S, 101],
    ]);
    expect(completed).toBe(true);
  });

  it('keeps separate state per subscription', async () => {
    const op = from(slice).pipe(bars('2t'));
    const first = await firstValueFrom(op.pipe(toArray()));
    expect(await firstValueFrom(op.pipe(toArray()))).toEqual(first);
  });

  it('passes a source error on and discards the forming bars', async () => {
    const seen: TradeBar[] = [];
    const failing = concat(from(slice.slice(0, 2)), throwError(() => new Error('feed lost')));
    await expect(
      new Promise((resolve, reject) => failing.pipe(bars('1s')).subscribe({ next: (b) => seen.push(b), error: reject, complete: () => resolve(undefined) })),
    ).rejects.toThrow('feed lost');
    expect(seen).toEqual([]);
  });

  it('throws CONFIG_INVALID when the pipeline is built with a bad spec', () => {
    expect(() => bars('1 minute')).toThrow(TickflowError);
    expect(() => bars('1 minute')).toThrow(/invalid bar spec "1 minute"/);
  });
});
