import { describe, expect, it } from 'vitest';
import { marketLots } from '../../../../../actors/execution/venues/paper/paper-depth.js';
import { createPaperVenue, type PaperVenue } from '../../../../../actors/execution/venues/paper/paper-venue.js';
import type { VenueEvent, VenueFilled } from '../../../../../actors/execution/venues/venue-events.js';
import { createInstrument, type Instrument } from '../../../../../src/model/instrument.js';
import { instrumentKey } from '../../../../../src/model/instrument-key.js';
import { MAX_GRID_UNITS } from '../../../../../src/model/money.js';
import type { NewOrder, OrderSide } from '../../../../../src/model/order.js';
import type { BookChange, BookLevel, BookTicker, DepthSnapshot, Trade } from '../../../../../src/model/records.js';

// Prices 0.01, sizes 0.001 (1 lot = 0.001), money in cents.
const BTC = createInstrument({ symbol: 'BTC', exchange: 'x', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });
const instruments = new Map<string, Instrument>([[instrumentKey('x', 'BTC'), BTC]]);

function venue(partialFills = true): PaperVenue {
  return createPaperVenue({ latencyUs: 50, partialFills, takerFee: '0', makerFee: '0' }, { instruments });
}

const quote = (tsRecv: number, bid: number, bidAmount: number, ask: number, askAmount: number): BookTicker => ({
  type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, bidPrice: bid, bidAmount, askPrice: ask, askAmount,
});
const trade = (tsRecv: number, price: number, amount: number, side: 'buy' | 'sell' | 'unknown'): Trade => ({
  type: 'trade', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, id: String(tsRecv), price, amount, side,
});
const levels = (pairs: readonly (readonly [number, number])[]): BookLevel[] => pairs.map(([price, amount]) => ({ price, amount }));
const snapshot = (tsRecv: number, id: number, bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): DepthSnapshot => ({
  type: 'depth_snapshot', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, lastUpdateId: id, bids: levels(bids), asks: levels(asks),
});
const change = (tsRecv: number, id: number, bids: readonly (readonly [number, number])[], asks: readonly (readonly [number, number])[]): BookChange => ({
  type: 'book_change', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, isSnapshot: false,
  firstUpdateId: id, lastUpdateId: id, prevUpdateId: -1, bids: levels(bids), asks: levels(asks),
});
const market = (id: string, side: OrderSide, quantity: number, ts: number): NewOrder => ({ clientOrderId: id, exchange: 'x', symbol: 'BTC', side, type: 'market', quantity, ts });
const limit = (id: string, side: OrderSide, quantity: number, price: number, ts: number): NewOrder => ({
  clientOrderId: id, exchange: 'x', symbol: 'BTC', side, type: 'limit', quantity, limitPrice: price, ts,
});

function fills(events: readonly VenueEvent[]): string[] {
  return events.filter((e): e is VenueFilled => e.kind === 'fill').map((e) => `${e.ts} ${e.clientOrderId} ${e.fill.quantity}@${e.fill.price} ${e.fill.liquidity}`);
}

describe('paper venue depth rules: liquidity is consumed', () => {
  it('does not offer again what an order took while the data shows the same size', () => {
    const v = venue();
    v.submit(market('a', 'buy', 5000, 0));
    const out = [quote(60, 99, 9, 100, 1), quote(70, 99, 9, 100, 1), quote(80, 99, 8, 100, 1)].flatMap((q) => fills(v.onMarket(q)));
    expect(out).toEqual(['60 a 1000@10000 taker']);
    expect(v.leaves('a')).toBe(4000);
  });

  it('offers only the increase when the level refills: taken <- min(taken, shown), available = shown - taken', () => {
    const v = venue();
    v.submit(market('a', 'buy', 5000, 0));
    const out = [
      quote(60, 99, 9, 100, 1), // takes 1.000: taken 1.000
      quote(70, 99, 9, 100, 0.6), // shrinks: taken <- 0.6, available 0
      quote(80, 99, 9, 100, 1.5), // refills by 0.9: available 0.9
    ].flatMap((q) => fills(v.onMarket(q)));
    expect(out).toEqual(['60 a 1000@10000 taker', '80 a 900@10000 taker']);
  });

  it('forgets what was taken once the level disappears, and offers it in full when it comes back', () => {
    const v = venue();
    v.submit(market('a', 'buy', 5000, 0));
    const out = [quote(60, 99, 9, 100, 1), quote(70, 99, 9, 100.5, 1), quote(80, 99, 9, 100, 1)].flatMap((q) => fills(v.onMarket(q)));
    // 100.00 went away (a better-priced touch shows nothing there), then came back with 1.000.
    expect(out).toEqual(['60 a 1000@10000 taker', '70 a 1000@10050 taker', '80 a 1000@10000 taker']);
  });

  it('shares consumption between orders: a later order does not take what an earlier one took', () => {
    const v = venue();
    v.submit(market('a', 'buy', 700, 0));
    v.onMarket(quote(60, 99, 9, 100, 1));
    v.submit(market('b', 'buy', 700, 100));
    expect(fills(v.onMarket(quote(160, 99, 9, 100, 1)))).toEqual(['160 b 300@10000 taker']);
  });
});

describe('paper venue depth rules: market orders walk the L2 book', () => {
  it('fills across levels of a valid book, one fill per level at its price, the quote first', () => {
    const v = venue();
    v.onMarket(snapshot(10, 100, [[99, 5]], [[100, 1], [100.5, 2], [101, 3]]));
    v.onMarket(quote(20, 99, 5, 100, 0.5)); // fresher touch: 0.5 at 100.00
    v.submit(market('a', 'buy', 4000, 30));
    const out = fills(v.onMarket(change(90, 101, [[98, 1]], [])));
    expect(out).toEqual(['90 a 500@10000 taker', '90 a 2000@10050 taker', '90 a 1500@10100 taker']);
  });

  it('takes the touch only without a valid book, and the rest waits for the next update', () => {
    const v = venue();
    v.submit(market('a', 'sell', 3000, 0));
    expect(fills(v.onMarket(quote(60, 99, 1, 100, 5)))).toEqual(['60 a 1000@9900 taker']);
    expect(fills(v.onMarket(quote(70, 98.9, 4, 100, 5)))).toEqual(['70 a 2000@9890 taker']);
  });

  it('walks a marketable limit only to its limit; the rest rests at the limit', () => {
    const v = venue();
    v.onMarket(snapshot(10, 100, [[99, 5]], [[100, 1], [100.5, 2], [101, 3]]));
    v.submit(limit('a', 'buy', 4000, 10050, 20));
    expect(fills(v.onMarket(change(90, 101, [[98, 1]], [])))).toEqual(['90 a 1000@10000 taker', '90 a 2000@10050 taker']);
    expect(v.leaves('a')).toBe(1000);
  });

  it('consumes deeper levels too: the same book does not fill twice', () => {
    const v = venue();
    v.onMarket(snapshot(10, 100, [[99, 5]], [[100, 1], [100.5, 1]]));
    v.submit(market('a', 'buy', 5000, 20));
    expect(fills(v.onMarket(change(90, 101, [[98, 1]], [])))).toEqual(['90 a 1000@10000 taker', '90 a 1000@10050 taker']);
    expect(fills(v.onMarket(change(95, 102, [[97, 1]], [[101, 1]])))).toEqual(['95 a 1000@10100 taker']);
  });
});

describe('paper venue depth rules: limit orders have a queue position', () => {
  it('joins behind the displayed size and fills only from trades beyond the queue ahead', () => {
    const v = venue();
    v.onMarket(quote(10, 99, 2, 100, 1));
    v.submit(limit('a', 'buy', 1000, 9900, 20));
    expect(fills(v.onMarket(quote(80, 99, 2, 100, 1)))).toEqual([]); // joins: 2.000 ahead
    expect(fills(v.onMarket(trade(90, 99, 1.5, 'sell')))).toEqual([]); // 0.5 ahead
    expect(fills(v.onMarket(trade(95, 99, 1, 'buy')))).toEqual([]); // a buyer lifting asks does not move the bid queue
    expect(fills(v.onMarket(trade(100, 99, 0.8, 'sell')))).toEqual(['100 a 300@9900 maker']); // 0.5 ahead, 0.3 beyond
  });

  it('moves up on a displayed-size decrease only when the level shrinks below the queue ahead', () => {
    const v = venue();
    v.onMarket(quote(10, 99, 3, 100, 1));
    v.submit(limit('a', 'buy', 1000, 9900, 20));
    v.onMarket(quote(80, 99, 3, 100, 1)); // 3.000 ahead
    v.onMarket(quote(90, 99, 4, 100, 1)); // joiners behind: still 3.000
    v.onMarket(quote(95, 99, 1, 100, 1)); // cancels assumed behind us, but at most 1.000 can be ahead now
    expect(fills(v.onMarket(trade(100, 99, 1.2, 'sell')))).toEqual(['100 a 200@9900 maker']);
  });

  it('fills on a trade through its price, up to the trade’s amount', () => {
    const v = venue();
    v.onMarket(quote(10, 99, 50, 100, 1));
    v.submit(limit('a', 'buy', 1000, 9900, 20));
    v.onMarket(quote(80, 99, 50, 100, 1));
    expect(fills(v.onMarket(trade(90, 99, 10, 'sell')))).toEqual([]);
    expect(fills(v.onMarket(trade(95, 98.99, 0.4, 'sell')))).toEqual(['95 a 400@9900 maker']);
  });

  it('takes the queue from the L2 book below the touch, and waits for the data when the price is not covered', () => {
    const v = venue();
    v.onMarket(snapshot(10, 100, [[99, 5], [98, 2]], [[100, 1]]));
    v.onMarket(quote(15, 99, 5, 100, 1));
    v.submit(limit('a', 'buy', 1000, 9800, 20)); // 2.000 ahead, from the book
    v.submit(limit('b', 'buy', 1000, 9700, 20)); // below the book's levels: unknown
    v.onMarket(quote(80, 99, 5, 100, 1));
    expect(fills(v.onMarket(trade(90, 98, 2.5, 'sell')))).toEqual(['90 a 500@9800 maker']);
    expect(fills(v.onMarket(trade(95, 97, 5, 'sell')))).toEqual(['95 a 500@9800 maker']); // through a's price; at b's, b's queue is unknown
  });

  it('fills a resting order with nothing ahead when the opposite side comes to its limit, at the limit', () => {
    const v = venue();
    v.onMarket(quote(10, 98, 1, 100, 1));
    v.submit(limit('a', 'buy', 2000, 9900, 20));
    v.onMarket(quote(80, 98, 1, 100, 1)); // inside the spread: nothing ahead
    expect(fills(v.onMarket(quote(90, 98, 1, 98.9, 0.5)))).toEqual(['90 a 500@9900 maker']);
    expect(fills(v.onMarket(quote(95, 98, 1, 98.9, 0.5)))).toEqual([]); // consumed
  });
});

describe('paper venue depth rules: market sizes beyond the grid', () => {
  // Sizes 1e-8: 10^9 coins shown is 10^17 lots, past 2^53.
  const FINE = createInstrument({ symbol: 'FINE', exchange: 'x', priceIncrement: '0.01', sizeIncrement: '0.00000001', quotePrecision: 10 });

  it('reads a market size exactly below 2^53 lots and saturates at MAX_GRID_UNITS above', () => {
    expect(marketLots(FINE, 12.34567891, 'down')).toBe(1_234_567_891);
    expect(marketLots(FINE, 1e9, 'down')).toBe(MAX_GRID_UNITS);
    expect(marketLots(FINE, 1e9, 'ceil')).toBe(MAX_GRID_UNITS);
    expect(marketLots(FINE, Infinity, 'down')).toBe(MAX_GRID_UNITS);
    // Between 2^52 and 2^53 units (the exact path), rounded onto an increment of 7 lots.
    const SEVEN = createInstrument({ symbol: 'S', priceIncrement: '1', sizeIncrement: '7' });
    expect(marketLots(SEVEN, 6e15, 'down')).toBe(5_999_999_999_999_999);
    expect(marketLots(SEVEN, 6e15, 'ceil')).toBe(6_000_000_000_000_006);
  });

  it('offers a level shown beyond 2^53 lots as more than any order wants, and queues behind it', () => {
    const v = createPaperVenue({ latencyUs: 50, takerFee: '0', makerFee: '0' }, { instruments: new Map([[instrumentKey('x', 'FINE'), FINE]]) });
    const on = (q: BookTicker): BookTicker => ({ ...q, symbol: 'FINE' });
    const t = (r: Trade): Trade => ({ ...r, symbol: 'FINE' });
    v.submit({ ...market('a', 'buy', 5_000_000_000, 0), symbol: 'FINE' });
    v.submit({ ...limit('b', 'sell', 1_000, 10100, 0), symbol: 'FINE' });
    expect(fills(v.onMarket(on(quote(60, 99, 1e9, 100, 1e9))))).toEqual(['60 a 5000000000@10000 taker']);
    v.onMarket(on(quote(70, 99, 1e9, 101, 1e9))); // b joins behind 10^9 at 101.00
    expect(fills(v.onMarket(t(trade(80, 101, 1e9 - 1, 'buy'))))).toEqual([]);
    expect(fills(v.onMarket(t(trade(90, 101.01, 1, 'buy'))))).toEqual(['90 b 1000@10100 maker']);
  });
});
