import { describe, expect, it } from 'vitest';
import type { BookTicker, Side, Trade, TradeBar } from '../../../src/model/records.js';
import { createBarAggregator, NO_BARS, NO_DEADLINE, type BarAggregator } from '../../../streams/operators/bar-aggregator.js';
import { parseBarSpec, type BarSpecOptions } from '../../../streams/operators/bar-spec.js';

// 2024-08-08T00:00:00Z in µs: a day boundary, so every interval below starts on a round offset.
const T0 = 1_723_075_200_000_000;
const S = 1_000_000;

let nextId = 1;
function trade(tsRecv: number, price: number, amount: number, side: Side, ts = tsRecv): Trade {
  return { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts, tsRecv, id: String(nextId++), price, amount, side };
}

function quote(tsRecv: number, bidPrice: number, askPrice: number, ts = tsRecv): BookTicker {
  return { type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts, tsRecv, bidPrice, bidAmount: 1, askPrice, askAmount: 1 };
}

function aggregator(spec: string, options?: BarSpecOptions): BarAggregator {
  return createBarAggregator(parseBarSpec(spec, options), 'binance', 'BTCUSDT');
}

function bar(fields: Omit<TradeBar, 'type' | 'exchange' | 'symbol'>): TradeBar {
  return { type: 'trade_bar', exchange: 'binance', symbol: 'BTCUSDT', ...fields };
}

describe('BarAggregator: time bars on engine time', () => {
  it('builds 1s bars aligned to second boundaries, closing each on the first record past its end', () => {
    const agg = aggregator('1s');
    expect(agg.onTrade(trade(T0 + 100_000, 100, 1, 'buy'))).toBe(NO_BARS);
    expect(agg.onTrade(trade(T0 + 400_000, 102, 2, 'sell'))).toBe(NO_BARS);
    expect(agg.onTrade(trade(T0 + 900_000, 99, 1, 'buy'))).toBe(NO_BARS);
    // Exactly on the boundary: belongs to [1 s, 2 s) and closes [0, 1 s).
    expect(agg.onTrade(trade(T0 + 1_000_000, 101, 0.5, 'unknown'))).toEqual([
      bar({
        ts: T0 + S, tsRecv: T0 + S, interval: '1s',
        open: 100, high: 102, low: 99, close: 99,
        volume: 4, buyVolume: 2, sellVolume: 2, trades: 3, vwap: 100.75, // (100·1 + 102·2 + 99·1) / 4
        openTs: T0, closeTs: T0 + S,
      }),
    ]);
    // [2 s, 3 s) has no trade: no bar for it.
    expect(agg.onTrade(trade(T0 + 3_200_000, 103, 1, 'buy'))).toEqual([
      bar({
        ts: T0 + 2 * S, tsRecv: T0 + 2 * S, interval: '1s',
        open: 101, high: 101, low: 101, close: 101,
        volume: 0.5, buyVolume: 0, sellVolume: 0, trades: 1, vwap: 101,
        openTs: T0 + S, closeTs: T0 + 2 * S,
      }),
    ]);
    expect(agg.flush()).toEqual([
      bar({
        ts: T0 + 4 * S, tsRecv: T0 + 4 * S, interval: '1s',
        open: 103, high: 103, low: 103, close: 103,
        volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: 103,
        openTs: T0 + 3 * S, closeTs: T0 + 4 * S,
      }),
    ]);
    expect(agg.flush()).toBe(NO_BARS);
    expect(agg.emitted).toBe(3);
  });

  it('builds 1m bars and closes the last one on the clock at its boundary, with no following trade', () => {
    const agg = aggregator('1m');
    agg.onTrade(trade(T0 + 10 * S, 50, 2, 'buy'));
    agg.onTrade(trade(T0 + 30 * S, 52, 1, 'sell'));
    agg.onTrade(trade(T0 + 60 * S - 1, 51, 1, 'buy'));
    expect(agg.nextDeadline()).toBe(T0 + 60 * S);
    expect(agg.onTime(T0 + 60 * S - 1)).toBe(NO_BARS);
    const first = agg.onTime(T0 + 60 * S);
    expect(first).toEqual([
      bar({
        ts: T0 + 60 * S, tsRecv: T0 + 60 * S, interval: '1m',
        open: 50, high: 52, low: 50, close: 51,
        volume: 4, buyVolume: 3, sellVolume: 1, trades: 3, vwap: 50.75, // (50·2 + 52 + 51) / 4
        openTs: T0, closeTs: T0 + 60 * S,
      }),
    ]);
    expect(agg.nextDeadline()).toBe(NO_DEADLINE);
    agg.onTrade(trade(T0 + 60 * S, 53, 3, 'sell'));
    // The clock runs through [2 min, 3 min) with no trade: the 1-2 min bar closes, no bar for 2-3 min.
    expect(agg.onTime(T0 + 185 * S)).toEqual([
      bar({
        ts: T0 + 120 * S, tsRecv: T0 + 120 * S, interval: '1m',
        open: 53, high: 53, low: 53, close: 53,
        volume: 3, buyVolume: 0, sellVolume: 3, trades: 1, vwap: 53,
        openTs: T0 + 60 * S, closeTs: T0 + 120 * S,
      }),
    ]);
    agg.onTrade(trade(T0 + 185 * S, 49, 1, 'buy'));
    expect(agg.nextDeadline()).toBe(T0 + 240 * S);
    expect(agg.onTime(T0 + 240 * S)).toEqual([
      bar({
        ts: T0 + 240 * S, tsRecv: T0 + 240 * S, interval: '1m',
        open: 49, high: 49, low: 49, close: 49,
        volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: 49,
        openTs: T0 + 180 * S, closeTs: T0 + 240 * S,
      }),
    ]);
    expect(agg.flush()).toBe(NO_BARS);
    expect(agg.late).toBe(0);
  });

  it('produces no bar for a run of empty intervals, on the clock or by a later trade', () => {
    const agg = aggregator('1s');
    expect(agg.onTime(T0 + 10 * S)).toBe(NO_BARS);
    agg.onTrade(trade(T0 + 10 * S, 1, 1, 'buy'));
    const closed = agg.onTrade(trade(T0 + 20 * S, 2, 1, 'buy'));
    expect(closed.map((b) => b.openTs)).toEqual([T0 + 10 * S]);
    expect(agg.onTime(T0 + 30 * S).map((b) => b.openTs)).toEqual([T0 + 20 * S]);
    expect(agg.onTime(T0 + 40 * S)).toBe(NO_BARS);
    expect(agg.emitted).toBe(2);
  });

  it('carries a trade whose bar the clock already closed into the current bar, as its open, and counts it', () => {
    const agg = aggregator('1s');
    agg.onTrade(trade(T0 + 100_000, 10, 1, 'buy'));
    // A live timer fired at 1.2 s while two trades received before it still waited in the mailbox.
    expect(agg.onTime(T0 + 1_200_000).map((b) => [b.trades, b.close])).toEqual([[1, 10]]);
    expect(agg.onTrade(trade(T0 + 900_000, 11, 2, 'sell'))).toBe(NO_BARS);
    agg.onTrade(trade(T0 + 1_300_000, 13, 1, 'buy'));
    agg.onTrade(trade(T0 + 950_000, 12, 1, 'buy'));
    expect(agg.carried).toBe(2);
    expect(agg.late).toBe(0);
    expect(agg.flush()).toEqual([
      bar({
        ts: T0 + 2 * S, tsRecv: T0 + 2 * S, interval: '1s',
        open: 11, high: 13, low: 11, close: 13,
        volume: 4, buyVolume: 2, sellVolume: 2, trades: 3, vwap: 11.75, // (22 + 13 + 12) / 4
        openTs: T0 + S, closeTs: T0 + 2 * S,
      }),
    ]);
  });

  it('ignores quotes for trade bars, counting them, but lets their time close a bar', () => {
    const agg = aggregator('1s');
    agg.onTrade(trade(T0 + 100_000, 10, 1, 'buy'));
    expect(agg.onQuote(quote(T0 + 500_000, 9, 11))).toBe(NO_BARS);
    expect(agg.onQuote(quote(T0 + S, 9, 11)).map((b) => b.close)).toEqual([10]);
    expect(agg.ignored).toBe(2);
  });
});

describe('BarAggregator: open and close order', () => {
  it('keeps arrival order among equal times: the open is the first trade, the close the last', () => {
    const agg = aggregator('1s');
    agg.onTrade(trade(T0 + 5, 20, 1, 'buy'));
    agg.onTrade(trade(T0 + 5, 21, 1, 'buy'));
    agg.onTrade(trade(T0 + 7, 19, 1, 'buy'));
    agg.onTrade(trade(T0 + 7, 22, 1, 'buy'));
    expect(agg.flush().map((b) => [b.open, b.close])).toEqual([[20, 22]]);
  });
});

describe('BarAggregator: time bars on venue time with lateness', () => {
  it('places trades by ts, waits the lateness past the end, and drops and counts later trades', () => {
    const agg = aggregator('1s', { timeBase: 'venue', lateness: '500ms' });
    agg.onTrade(trade(T0 + 350_000, 10, 1, 'buy', T0 + 300_000)); // [0, 1 s)
    agg.onTrade(trade(T0 + 1_250_000, 12, 1, 'sell', T0 + 1_200_000)); // [1 s, 2 s)
    expect(agg.nextDeadline()).toBe(T0 + 1_500_000);
    // Arrive after [0, 1 s) ended in venue time but within the lateness: still counted in it.
    expect(agg.onTrade(trade(T0 + 1_300_000, 9, 2, 'buy', T0 + 900_000))).toBe(NO_BARS);
    expect(agg.onTrade(trade(T0 + 1_400_000, 11, 1, 'sell', T0 + 100_000))).toBe(NO_BARS); // earliest ts: the open
    // Engine time reaches 1 s + 500 ms: [0, 1 s) closes, known at that engine time.
    expect(agg.onTrade(trade(T0 + 1_500_000, 13, 1, 'buy', T0 + 1_600_000))).toEqual([
      bar({
        ts: T0 + S, tsRecv: T0 + 1_500_000, interval: '1s',
        open: 11, high: 11, low: 9, close: 9,
        volume: 4, buyVolume: 3, sellVolume: 1, trades: 3, vwap: 9.75, // (10 + 9·2 + 11) / 4
        openTs: T0, closeTs: T0 + S,
      }),
    ]);
    // Too late for [0, 1 s), even at the very engine instant it closed: dropped and counted, the
    // delivered bar is not reopened.
    expect(agg.onTrade(trade(T0 + 1_500_000, 8, 5, 'sell', T0 + 950_000))).toBe(NO_BARS);
    expect(agg.late).toBe(1);
    agg.onTrade(trade(T0 + 2_200_000, 14, 1, 'sell', T0 + 2_100_000)); // [2 s, 3 s)
    expect(agg.nextDeadline()).toBe(T0 + 2_500_000);
    expect(agg.onTime(T0 + 2_499_999)).toBe(NO_BARS);
    expect(agg.onTime(T0 + 2_500_000)).toEqual([
      bar({
        ts: T0 + 2 * S, tsRecv: T0 + 2_500_000, interval: '1s',
        open: 12, high: 13, low: 12, close: 13,
        volume: 2, buyVolume: 1, sellVolume: 1, trades: 2, vwap: 12.5,
        openTs: T0 + S, closeTs: T0 + 2 * S,
      }),
    ]);
    expect(agg.flush()).toEqual([
      bar({
        ts: T0 + 3 * S, tsRecv: T0 + 3_500_000, interval: '1s',
        open: 14, high: 14, low: 14, close: 14,
        volume: 1, buyVolume: 0, sellVolume: 1, trades: 1, vwap: 14,
        openTs: T0 + 2 * S, closeTs: T0 + 3 * S,
      }),
    ]);
    expect(agg.late).toBe(1);
  });

  it('puts the same trades in different bars on engine time (tsRecv)', () => {
    const agg = aggregator('1s');
    agg.onTrade(trade(T0 + 350_000, 10, 1, 'buy', T0 + 300_000));
    const closed = agg.onTrade(trade(T0 + 1_300_000, 9, 2, 'buy', T0 + 900_000));
    expect(closed.map((b) => [b.openTs, b.trades, b.close])).toEqual([[T0, 1, 10]]);
    expect(agg.late).toBe(0);
  });

  it('closes several venue-time bars at once, oldest first, when the clock jumps', () => {
    const agg = aggregator('1s', { timeBase: 'venue', lateness: '2s' });
    agg.onTrade(trade(T0 + 100_000, 1, 1, 'buy', T0 + 200_000));
    agg.onTrade(trade(T0 + 1_100_000, 2, 1, 'buy', T0 + 1_200_000));
    agg.onTrade(trade(T0 + 1_200_000, 3, 1, 'buy', T0 + 3_200_000)); // ahead of the others in venue time
    expect(agg.onTime(T0 + 10 * S).map((b) => [b.openTs, b.close, b.tsRecv])).toEqual([
      [T0, 1, T0 + 3 * S],
      [T0 + S, 2, T0 + 4 * S],
      [T0 + 3 * S, 3, T0 + 6 * S],
    ]);
  });
});

describe('BarAggregator: tick bars', () => {
  it('closes every 3 trades, stamped with the first and closing trade times, and flushes the rest', () => {
    const agg = aggregator('3t');
    const ms = 1_000;
    const prices: [number, number, Side][] = [
      [10, 1, 'buy'], [11, 2, 'sell'], [9, 1, 'buy'],
      [12, 1, 'buy'], [13, 1, 'sell'], [14, 1, 'unknown'],
      [15, 2, 'buy'],
    ];
    const out: TradeBar[] = [];
    prices.forEach(([p, a, side], i) => out.push(...agg.onTrade(trade(T0 + (i + 1) * ms, p, a, side, T0 + (i + 1) * ms - 500))));
    expect(out).toEqual([
      bar({
        ts: T0 + 3 * ms - 500, tsRecv: T0 + 3 * ms, interval: '3t',
        open: 10, high: 11, low: 9, close: 9,
        volume: 4, buyVolume: 2, sellVolume: 2, trades: 3, vwap: 10.25, // (10 + 22 + 9) / 4
        openTs: T0 + ms, closeTs: T0 + 3 * ms,
      }),
      bar({
        ts: T0 + 6 * ms - 500, tsRecv: T0 + 6 * ms, interval: '3t',
        open: 12, high: 14, low: 12, close: 14,
        volume: 3, buyVolume: 1, sellVolume: 1, trades: 3, vwap: 13,
        openTs: T0 + 4 * ms, closeTs: T0 + 6 * ms,
      }),
    ]);
    expect(agg.nextDeadline()).toBe(NO_DEADLINE);
    expect(agg.onTime(T0 + 3600 * S)).toBe(NO_BARS);
    expect(agg.flush()).toEqual([
      bar({
        ts: T0 + 7 * ms - 500, tsRecv: T0 + 7 * ms, interval: '3t',
        open: 15, high: 15, low: 15, close: 15,
        volume: 2, buyVolume: 2, sellVolume: 0, trades: 1, vwap: 15,
        openTs: T0 + 7 * ms, closeTs: T0 + 7 * ms,
      }),
    ]);
  });
});

describe('BarAggregator: volume bars', () => {
  it('closes on the trade that reaches the threshold, keeping the overshoot in that bar', () => {
    const agg = aggregator('5v');
    expect(agg.onTrade(trade(T0 + 1, 100, 2, 'buy'))).toBe(NO_BARS);
    expect(agg.onTrade(trade(T0 + 2, 101, 2, 'sell'))).toBe(NO_BARS);
    const [first] = agg.onTrade(trade(T0 + 3, 102, 3, 'buy')); // 7 >= 5: closes with all 3
    expect(first).toMatchObject({
      ts: T0 + 3, tsRecv: T0 + 3, interval: '5v',
      open: 100, high: 102, low: 100, close: 102,
      volume: 7, buyVolume: 5, sellVolume: 2, trades: 3,
      openTs: T0 + 1, closeTs: T0 + 3,
    });
    expect(first?.vwap).toBeCloseTo(101.14285714285714, 12); // (200 + 202 + 306) / 7
    // The next bar starts from zero: exactly 5 closes it.
    expect(agg.onTrade(trade(T0 + 4, 99, 5, 'sell'))).toEqual([
      bar({
        ts: T0 + 4, tsRecv: T0 + 4, interval: '5v',
        open: 99, high: 99, low: 99, close: 99,
        volume: 5, buyVolume: 0, sellVolume: 5, trades: 1, vwap: 99,
        openTs: T0 + 4, closeTs: T0 + 4,
      }),
    ]);
    agg.onTrade(trade(T0 + 5, 98, 1, 'buy'));
    expect(agg.flush()).toEqual([
      bar({
        ts: T0 + 5, tsRecv: T0 + 5, interval: '5v',
        open: 98, high: 98, low: 98, close: 98,
        volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: 98,
        openTs: T0 + 5, closeTs: T0 + 5,
      }),
    ]);
  });

  it('closes a 1v bar on the tenth trade of 0.1 despite the float sum 0.9999999999999999', () => {
    const agg = aggregator('1v');
    const closedAt: number[] = [];
    for (let i = 1; i <= 10; i++) if (agg.onTrade(trade(T0 + i, 50, 0.1, 'buy')).length > 0) closedAt.push(i);
    expect(closedAt).toEqual([10]);
  });
});

describe('BarAggregator: quote bars', () => {
  const quotes = [
    quote(T0 + 200_000, 100, 102), // mid 101
    quote(T0 + 500_000, 103, 105), // mid 104
    quote(T0 + 800_000, 98, 100), // mid 99
    quote(T0 + 1_100_000, 100, 101), // mid 100.5
  ];

  it.each([
    ['mid', [101, 104, 99, 99], 100.5],
    ['bid', [100, 103, 98, 98], 100],
    ['ask', [102, 105, 100, 100], 101],
  ] as const)('builds 1s:%s bars on that price with no volume, counting quotes', (source, [o, h, l, c], next) => {
    const spec = `1s:${source}`;
    const agg = aggregator(spec);
    const out: TradeBar[] = [];
    for (const q of quotes) out.push(...agg.onQuote(q));
    expect(agg.onTrade(trade(T0 + 1_200_000, 1, 1, 'buy'))).toBe(NO_BARS); // ignored
    out.push(...agg.flush());
    expect(out).toEqual([
      bar({
        ts: T0 + S, tsRecv: T0 + S, interval: spec,
        open: o, high: h, low: l, close: c,
        volume: 0, buyVolume: 0, sellVolume: 0, trades: 3, vwap: c,
        openTs: T0, closeTs: T0 + S,
      }),
      bar({
        ts: T0 + 2 * S, tsRecv: T0 + 2 * S, interval: spec,
        open: next, high: next, low: next, close: next,
        volume: 0, buyVolume: 0, sellVolume: 0, trades: 1, vwap: next,
        openTs: T0 + S, closeTs: T0 + 2 * S,
      }),
    ]);
    expect(agg.ignored).toBe(1);
  });

  it('skips and counts a quote with an empty side', () => {
    const agg = aggregator('1s:mid');
    agg.onQuote(quote(T0 + 1, 0, 101));
    expect(agg.ignored).toBe(1);
    expect(agg.flush()).toBe(NO_BARS);
  });
});
