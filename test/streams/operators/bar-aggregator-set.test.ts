import { describe, expect, it } from 'vitest';
import type { BookTicker, Trade } from '../../../src/model/records.js';
import { NO_BARS, NO_DEADLINE } from '../../../streams/operators/bar-aggregator.js';
import { createBarAggregatorSet } from '../../../streams/operators/bar-aggregator-set.js';
import { parseBarSpec } from '../../../streams/operators/bar-spec.js';

const T0 = 1_723_075_200_000_000;
const S = 1_000_000;

function trade(symbol: string, tsRecv: number, price: number, exchange = 'binance'): Trade {
  return { type: 'trade', exchange, symbol, ts: tsRecv, tsRecv, id: '1', price, amount: 1, side: 'buy' };
}

function quote(symbol: string, tsRecv: number): BookTicker {
  return { type: 'book_ticker', exchange: 'binance', symbol, ts: tsRecv, tsRecv, bidPrice: 1, bidAmount: 1, askPrice: 2, askAmount: 1 };
}

describe('BarAggregatorSet', () => {
  it('keeps one aggregator per exchange and symbol, stamping each bar with its instrument', () => {
    const set = createBarAggregatorSet(parseBarSpec('2t'));
    const out = [
      ...set.onRecord(trade('BTCUSDT', T0 + 1, 100)),
      ...set.onRecord(trade('ETHUSDT', T0 + 2, 10)),
      ...set.onRecord(trade('BTCUSDT', T0 + 3, 101, 'okx')),
      ...set.onRecord(trade('BTCUSDT', T0 + 4, 102)),
      ...set.onRecord(trade('ETHUSDT', T0 + 5, 11)),
    ];
    expect(out.map((b) => [b.exchange, b.symbol, b.open, b.close])).toEqual([
      ['binance', 'BTCUSDT', 100, 102],
      ['binance', 'ETHUSDT', 10, 11],
    ]);
    expect(set.aggregators().map((a) => `${a.exchange}:${a.symbol}`)).toEqual(['binance:BTCUSDT', 'binance:ETHUSDT', 'okx:BTCUSDT']);
    expect(set.flush().map((b) => [b.exchange, b.symbol, b.close])).toEqual([['okx', 'BTCUSDT', 101]]);
  });

  it("closes a quiet instrument's time bar when another instrument's record passes its end", () => {
    const set = createBarAggregatorSet(parseBarSpec('1s'));
    set.onRecord(trade('BTCUSDT', T0 + 100_000, 100));
    set.onRecord(trade('ETHUSDT', T0 + 200_000, 10));
    expect(set.nextDeadline()).toBe(T0 + S);
    // A quote only moves time: it builds nothing and creates no aggregator.
    expect(set.onRecord(quote('SOLUSDT', T0 + 900_000))).toBe(NO_BARS);
    const closed = set.onRecord(trade('BTCUSDT', T0 + 1_300_000, 101));
    // Same tsRecv: in the order the instruments were first seen.
    expect(closed.map((b) => [b.symbol, b.close, b.tsRecv])).toEqual([
      ['BTCUSDT', 100, T0 + S],
      ['ETHUSDT', 10, T0 + S],
    ]);
    expect(set.get('binance', 'SOLUSDT')).toBeUndefined();
    expect(set.ignored).toBe(1);
    expect(set.nextDeadline()).toBe(T0 + 2 * S);
  });

  it('closes every due bar on the clock, sorted by the engine time they became known', () => {
    const set = createBarAggregatorSet(parseBarSpec('1s', { timeBase: 'venue', lateness: '1s' }));
    set.onRecord({ ...trade('ETHUSDT', T0 + 100_000, 10), ts: T0 + 1_500_000 }); // [1 s, 2 s): due at 3 s
    set.onRecord({ ...trade('BTCUSDT', T0 + 200_000, 100), ts: T0 + 300_000 }); // [0, 1 s): due at 2 s
    expect(set.nextDeadline()).toBe(T0 + 2 * S);
    expect(set.onTime(T0 + 2 * S - 1)).toBe(NO_BARS);
    expect(set.onTime(T0 + 2 * S).map((b) => b.symbol)).toEqual(['BTCUSDT']);
    // The deadline moves on to the instrument still waiting, with no record to remind it.
    expect(set.nextDeadline()).toBe(T0 + 3 * S);
    set.onRecord({ ...trade('BTCUSDT', T0 + 2_100_000, 101), ts: T0 + 2_050_000 }); // [2 s, 3 s): due at 4 s
    set.onRecord({ ...trade('SOLUSDT', T0 + 2_200_000, 5), ts: T0 + 1_900_000 }); // [1 s, 2 s): due at 3 s
    expect(set.onTime(T0 + 5 * S).map((b) => [b.symbol, b.tsRecv])).toEqual([
      ['ETHUSDT', T0 + 3 * S],
      ['SOLUSDT', T0 + 3 * S],
      ['BTCUSDT', T0 + 4 * S],
    ]);
    expect(set.nextDeadline()).toBe(NO_DEADLINE);
    expect(set.emitted).toBe(4);
  });

  it('counts late records over every instrument', () => {
    const set = createBarAggregatorSet(parseBarSpec('1s', { timeBase: 'venue' }));
    set.onRecord({ ...trade('BTCUSDT', T0 + 2 * S, 1), ts: T0 + 100 });
    set.onRecord({ ...trade('ETHUSDT', T0 + 2 * S, 1), ts: T0 + 200 });
    expect(set.late).toBe(2);
    expect(set.flush()).toBe(NO_BARS);
  });
});
