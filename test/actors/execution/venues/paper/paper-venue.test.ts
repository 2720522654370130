import { describe, expect, it } from 'vitest';
import { OrderRegistry } from '../../../../../actors/execution/orders/order-registry.js';
import { createPaperVenue, type PaperVenue } from '../../../../../actors/execution/venues/paper/paper-venue.js';
import { parsePaperVenueConfig, type PaperVenueConfigInput } from '../../../../../actors/execution/venues/paper/paper-venue-config.js';
import { NO_VENUE_EVENTS, type VenueEvent, type VenueFilled } from '../../../../../actors/execution/venues/venue-events.js';
import { createInstrument, type Instrument } from '../../../../../src/model/instrument.js';
import type { NewOrder, OrderSide } from '../../../../../src/model/order.js';
import type { BookTicker, Trade, TradeBar } from '../../../../../src/model/records.js';
import { isTickflowError } from '../../../../../src/runtime/errors.js';

// Prices 0.01, sizes 0.001, money in cents (so notionals and fees round).
const BTC = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });
const instruments = new Map<string, Instrument>([['x:BTC', BTC]]);

function venue(config: PaperVenueConfigInput = {}, quotePrecision?: number): PaperVenue {
  return createPaperVenue({ latencyUs: 50, ...config }, { instruments, quotePrecision });
}

function quote(tsRecv: number, bid: number, bidAmount: number, ask: number, askAmount: number, symbol = 'BTC'): BookTicker {
  return { type: 'book_ticker', exchange: 'x', symbol, ts: tsRecv, tsRecv, bidPrice: bid, bidAmount, askPrice: ask, askAmount };
}

function trade(tsRecv: number, price: number, amount: number): Trade {
  return { type: 'trade', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, id: String(tsRecv), price, amount, side: 'buy' };
}

function bar(openTs: number, closeTs: number, open: number, high: number, low: number, close: number, volume = 1000): TradeBar {
  return {
    type: 'trade_bar', exchange: 'x', symbol: 'BTC', ts: closeTs, tsRecv: closeTs, interval: '1m',
    open, high, low, close, volume, buyVolume: 0, sellVolume: 0, trades: 1, vwap: close, openTs, closeTs,
  };
}

function market(id: string, side: OrderSide, quantity: number, ts: number, symbol = 'BTC'): NewOrder {
  return { clientOrderId: id, exchange: 'x', symbol, side, type: 'market', quantity, ts };
}

function limit(id: string, side: OrderSide, quantity: number, price: number, ts: number): NewOrder {
  return { clientOrderId: id, exchange: 'x', symbol: 'BTC', side, type: 'limit', quantity, limitPrice: price, ts };
}

function fills(events: readonly VenueEvent[]): VenueFilled[] {
  return events.filter((e): e is VenueFilled => e.kind === 'fill');
}

function brief(events: readonly VenueEvent[]): string[] {
  return events.map((e) =>
    e.kind === 'fill' ? `${e.ts} fill ${e.clientOrderId} ${e.fill.quantity}@${e.fill.price} ${e.fill.liquidity}` : `${e.ts} ${e.kind} ${e.clientOrderId}${e.code ? ` ${e.code}` : ''}`,
  );
}

describe('PaperVenue: market orders', () => {
  it('fills a buy at the ask of the first quote after the latency, not at quotes before arrival', () => {
    const v = venue();
    expect(v.onMarket(quote(100, 99.9, 5, 100, 5))).toBe(NO_VENUE_EVENTS); // standing before submission
    expect(v.submit(market('a', 'buy', 1000, 200))).toBe(250);
    expect(v.nextDeadline()).toBe(250);
    expect(v.onMarket(quote(220, 100.9, 5, 101, 5))).toBe(NO_VENUE_EVENTS); // after submission, before arrival
    expect(brief(v.onMarket(quote(250, 101.9, 5, 102, 5)))).toEqual(['250 accepted a', '250 fill a 1000@10200 taker']);
    expect(v.nextDeadline()).toBeUndefined();
  });

  it('does not fill at the quote standing when the order arrives, only at the next update', () => {
    const v = venue();
    v.onMarket(quote(100, 99.9, 5, 100, 5));
    v.submit(market('a', 'sell', 2000, 200));
    expect(brief(v.onTime(250))).toEqual(['250 accepted a']);
    expect(v.onTime(400)).toBe(NO_VENUE_EVENTS);
    expect(brief(v.onMarket(quote(500, 98.5, 5, 98.6, 5)))).toEqual(['500 fill a 2000@9850 taker']); // a sell takes the bid
  });

  it('fills against displayed size, the rest at later updates, adding up to the quantity', () => {
    const v = venue();
    v.submit(market('a', 'buy', 2500, 0));
    const all = [
      ...v.onMarket(quote(60, 99, 9, 100, 1)),
      ...v.onMarket(quote(70, 99, 9, 100.5, 0.7)),
      ...v.onMarket(quote(80, 99, 9, 100.5, 0)), // empty ask: nothing
      ...v.onMarket(quote(90, 99, 9, 101, 5)),
      ...v.onMarket(quote(95, 99, 9, 101, 5)),
    ];
    expect(brief(all)).toEqual(['50 accepted a', '60 fill a 1000@10000 taker', '70 fill a 700@10050 taker', '90 fill a 800@10100 taker']);
    expect(fills(all).map((f) => f.leavesQuantity)).toEqual([1500, 800, 0]);
    expect(fills(all).reduce((s, f) => s + f.fill.quantity, 0)).toBe(2500);
    expect(v.workingCount()).toBe(0);
  });

  it('takes a quote that carries no sizes at all (a quote file) as unlimited size at its prices', () => {
    const v = venue();
    v.submit(market('a', 'buy', 2500, 0));
    v.submit(market('b', 'sell', 1000, 0));
    const out = fills(v.onMarket(quote(60, 99, 0, 100, 0)));
    expect(out.map((f) => `${f.clientOrderId} ${f.fill.quantity}@${f.fill.price}`)).toEqual(['a 2500@10000', 'b 1000@9900']);
  });

  it('shares one update’s displayed size among orders in arrival order', () => {
    const v = venue();
    v.submit(market('a', 'buy', 1000, 0));
    v.submit(market('b', 'buy', 1000, 0));
    v.submit(market('c', 'sell', 1000, 0));
    const out = fills(v.onMarket(quote(60, 99, 0.4, 100, 1.5)));
    expect(out.map((f) => `${f.clientOrderId} ${f.fill.quantity}`)).toEqual(['a 1000', 'b 500', 'c 400']);
  });

  it('fills the whole quantity at the touch when partial fills are off', () => {
    const v = venue({ partialFills: false });
    v.submit(market('a', 'buy', 7000, 0));
    expect(brief(v.onMarket(quote(60, 99, 1, 100, 0.001)))).toEqual(['50 accepted a', '60 fill a 7000@10000 taker']);
  });

  it('rejects a market order with no quotes yet when told to', () => {
    const v = venue({ marketWithoutQuotes: 'reject' });
    v.submit(market('a', 'buy', 1000, 0));
    v.onMarket(trade(10, 100, 1));
    expect(brief(v.onTime(50))).toEqual(['50 rejected a NO_QUOTES']);
    v.onMarket(quote(60, 99, 1, 100, 1));
    v.submit(market('b', 'buy', 1000, 70));
    expect(brief(v.onMarket(quote(120, 99, 1, 100, 1)))).toEqual(['120 accepted b', '120 fill b 1000@10000 taker']);
  });
});

describe('PaperVenue: limit orders', () => {
  it('fills a resting buy only when the ask reaches the limit, at the limit, as maker', () => {
    const v = venue();
    v.submit(limit('a', 'buy', 1000, 9900, 0));
    const none = [...v.onMarket(quote(60, 98, 1, 100, 1)), ...v.onMarket(quote(70, 98, 1, 99.5, 1)), ...v.onMarket(quote(80, 98.9, 1, 99.01, 1))];
    expect(brief(none)).toEqual(['50 accepted a']);
    expect(brief(v.onMarket(quote(90, 98.5, 1, 98.6, 0.4)))).toEqual(['90 fill a 400@9900 maker']);
    expect(brief(v.onMarket(quote(95, 98.9, 1, 99, 5)))).toEqual(['95 fill a 600@9900 maker']);
  });

  it('fills a sell limit when the bid reaches it', () => {
    const v = venue();
    v.submit(limit('a', 'sell', 1000, 10100, 0));
    expect(fills(v.onMarket(quote(60, 100.99, 1, 101.5, 1)))).toEqual([]);
    expect(brief(v.onMarket(quote(70, 101, 1, 101.5, 1)))).toEqual(['70 fill a 1000@10100 maker']);
  });

  it('fills a limit marketable at its first update at the touch, as taker', () => {
    const v = venue();
    v.submit(limit('a', 'buy', 2000, 10100, 0));
    expect(brief(v.onMarket(quote(60, 99, 1, 100, 1.5)))).toEqual(['50 accepted a', '60 fill a 1500@10000 taker']);
    // The rest now rests at 101.00: the next crossing fills it at its limit as maker.
    expect(brief(v.onMarket(quote(70, 99, 1, 100.5, 3)))).toEqual(['70 fill a 500@10100 maker']);
  });
});

describe('PaperVenue: fees', () => {
  it('charges the taker rate on market fills and the maker rate on resting fills, half-even at the quote precision', () => {
    const v = venue({ makerFee: '0.0002', takerFee: '0.0004' });
    v.submit(market('t', 'buy', 3125, 0));
    v.submit(limit('m', 'sell', 3125, 10001, 0));
    const out = fills([...v.onMarket(quote(60, 100, 9, 100.01, 9)), ...v.onMarket(quote(70, 100.02, 9, 100.03, 9))]);
    // 3.125 × 100.01 = 312.53125 → 312.53; × 0.0004 = 0.125012 → 0.13; × 0.0002 = 0.062506 → 0.06.
    expect(out.map((f) => [f.clientOrderId, f.fill.liquidity, f.fill.price, f.fill.fee])).toEqual([
      ['t', 'taker', 10001, 13n],
      ['m', 'maker', 10001, 6n],
    ]);
  });

  it('rounds a fee tie to the even cent', () => {
    const v = venue({ takerFee: '0.0004' });
    v.submit(market('a', 'buy', 125, 0)); // 12.50 × 0.0004 = 0.005 → 0.00
    v.submit(market('b', 'buy', 375, 0)); // 37.50 × 0.0004 = 0.015 → 0.02
    expect(fills(v.onMarket(quote(60, 99, 9, 100, 9))).map((f) => f.fill.fee)).toEqual([0n, 2n]);
  });

  it('pays a negative maker rate as a rebate, and counts at a given quote precision', () => {
    const v = venue({ makerFee: '-0.0001', takerFee: '0.0004' }, 8);
    v.submit(limit('m', 'buy', 3125, 10001, 0));
    v.submit(market('t', 'buy', 3125, 0));
    v.onMarket(quote(60, 99, 9, 100.5, 9)); // t fills at 100.50; m rests
    const [m] = fills(v.onMarket(quote(70, 99, 9, 100, 9)));
    expect(m?.fill.fee).toBe(-3125312n); // 312.53125 × -0.0001 = -0.031253125, a tie: to the even -0.03125312
  });
});

describe('PaperVenue: cancels', () => {
  it('cancels a resting order before it fills; later crossings do not fill it', () => {
    const v = venue();
    v.submit(limit('a', 'buy', 1000, 9900, 0));
    v.onMarket(quote(60, 98, 1, 100, 1));
    expect(v.cancel('a', 100)).toBe(150);
    expect(fills(v.onMarket(quote(120, 98, 1, 100, 1)))).toEqual([]);
    expect(brief(v.onMarket(quote(150, 98, 1, 98.5, 1)))).toEqual(['150 canceled a']);
    expect(v.workingCount()).toBe(0);
  });

  it('keeps fills made before the cancel arrives and cancels the rest', () => {
    const v = venue();
    v.submit(limit('a', 'buy', 3000, 9900, 0));
    v.onMarket(quote(60, 98, 1, 100, 1));
    v.cancel('a', 100);
    const out = [...v.onMarket(quote(130, 98, 1, 99, 1)), ...v.onMarket(quote(150, 98, 1, 99, 1)), ...v.onMarket(quote(160, 98, 1, 99, 1))];
    expect(brief(out)).toEqual(['130 fill a 1000@9900 maker', '150 canceled a']);
    expect(out.at(-1)?.leavesQuantity).toBe(0);
  });

  it('lets a fill that beats the cancel to the venue stand', () => {
    const v = venue();
    v.submit(limit('a', 'buy', 1000, 9900, 0));
    v.onMarket(quote(60, 98, 1, 100, 1));
    v.cancel('a', 100);
    expect(brief([...v.onMarket(quote(120, 98, 1, 99, 1)), ...v.onTime(150)])).toEqual([
      '120 fill a 1000@9900 maker',
      '150 cancelRejected a ALREADY_FILLED',
    ]);
    v.cancel('zz', 200);
    expect(brief(v.onTime(250))).toEqual(['250 cancelRejected zz UNKNOWN_ORDER']);
  });

  it('cancels an order whose cancel arrives with it, before it can fill', () => {
    const v = venue();
    v.submit(market('a', 'buy', 1000, 0));
    v.cancel('a', 0);
    expect(brief(v.onMarket(quote(50, 98, 1, 99, 1)))).toEqual(['50 accepted a', '50 canceled a']);
  });
});

describe('PaperVenue: trade-only and bar-only data', () => {
  it('fills a market order at the next trade, up to its amount', () => {
    const v = venue();
    v.onMarket(trade(10, 100, 5));
    v.submit(market('a', 'buy', 1500, 20));
    expect(brief([...v.onMarket(trade(60, 100.5, 5)), ...v.onMarket(trade(70, 101, 1)), ...v.onMarket(trade(80, 102, 1))])).toEqual([
      '70 accepted a',
      '70 fill a 1000@10100 taker',
      '80 fill a 500@10200 taker',
    ]);
  });

  it('fills a resting limit on a trade strictly through it, or at it when crossing on touch', () => {
    for (const [limitCross, expected] of [
      ['through', ['90 fill a 1000@9900 maker']],
      ['touch', ['80 fill a 1000@9900 maker']],
    ] as const) {
      const v = venue({ limitCross });
      v.submit(limit('a', 'buy', 1000, 9900, 0));
      v.onMarket(trade(60, 100, 1));
      expect(brief([...v.onMarket(trade(80, 99, 1)), ...v.onMarket(trade(90, 98.99, 1))])).toEqual([...expected]);
    }
  });

  it('ignores trades for pricing once the symbol has quotes', () => {
    const v = venue();
    v.onMarket(quote(10, 99, 1, 100, 1));
    v.submit(market('a', 'buy', 1000, 20));
    expect(brief(v.onMarket(trade(80, 50, 1)))).toEqual(['70 accepted a']);
    expect(brief(v.onMarket(quote(90, 99, 1, 100.5, 1)))).toEqual(['90 fill a 1000@10050 taker']);
  });

  it('fills a market order at the next bar’s open, in full within the volume cap, never at the bar that caused it', () => {
    const v = venue({ latencyUs: 0, barSlippageBps: 0 });
    const minute = 60_000_000;
    const causing = bar(0, minute, 100, 101, 99, 100.7);
    v.submit(market('a', 'buy', 9000, minute)); // decided on `causing` at its close
    const out = [...v.onMarket(causing), ...v.onMarket(bar(minute, 2 * minute, 100.2, 102, 100, 101))];
    expect(brief(out)).toEqual([`${minute} accepted a`, `${2 * minute} fill a 9000@10020 taker`]);
    expect(fills(out)[0]?.priceTs).toBe(minute);
  });

  it('fills a resting limit on a bar whose low goes through it, at the limit', () => {
    const v = venue();
    const minute = 60_000_000;
    v.submit(limit('a', 'buy', 1000, 9900, minute));
    const out = [
      ...v.onMarket(bar(minute, 2 * minute, 100, 101, 99, 100)), // low touches only
      ...v.onMarket(bar(2 * minute, 3 * minute, 100, 101, 98.5, 99.5)),
    ];
    expect(brief(out)).toEqual([`${minute + 50} accepted a`, `${3 * minute} fill a 1000@9900 maker`]);
  });

  it('fills at most barVolumeShare of each bar’s volume at its open; the rest waits for the following bars', () => {
    const v = venue({ barVolumeShare: 0.25, barSlippageBps: 0 });
    const minute = 60_000_000;
    v.submit(market('a', 'buy', 2500, minute));
    const out = [
      ...v.onMarket(bar(minute, 2 * minute, 100.2, 102, 100, 101, 4)), // cap 0.25 x 4 = 1.000
      ...v.onMarket(bar(2 * minute, 3 * minute, 100.5, 102, 100, 101, 4.003)), // cap 1.00075, down to the lot: 1.000
      ...v.onMarket(bar(3 * minute, 4 * minute, 101, 102, 100, 101, 10)),
    ];
    expect(brief(out)).toEqual([
      `${minute + 50} accepted a`,
      `${2 * minute} fill a 1000@10020 taker`,
      `${3 * minute} fill a 1000@10050 taker`,
      `${4 * minute} fill a 500@10100 taker`,
    ]);
    expect(fills(out).map((f) => f.leavesQuantity)).toEqual([1500, 500, 0]);
  });

  it('rounds the cap down to the size increment, not a lot below it for a float error', () => {
    const v = venue({ barVolumeShare: 0.1, barSlippageBps: 0 });
    const minute = 60_000_000;
    v.submit(market('a', 'buy', 1000, minute));
    // 0.7 x 0.1 is 0.06999999999999999 in floats; the cap is 0.070.
    expect(brief(fills(v.onMarket(bar(minute, 2 * minute, 100, 101, 99, 100, 0.7))))).toEqual([`${2 * minute} fill a 70@10000 taker`]);
  });

  it('shares one bar’s cap among the orders of a side in priority order, resting limits included', () => {
    const v = venue({ barVolumeShare: 0.5, barSlippageBps: 0 });
    const minute = 60_000_000;
    v.submit(limit('rest', 'buy', 1000, 9900, 0));
    v.onMarket(bar(0, minute, 100, 101, 99.5, 100, 100)); // 'rest' is not marketable at this open: it rests
    v.submit(market('mkt', 'buy', 1000, minute));
    v.submit(market('sell', 'sell', 1000, minute));
    // Cap 0.5 x 3 = 1.500 per side: 'rest' (earlier) takes 1.000, 'mkt' the other 0.500; the sell side has its own 1.500.
    expect(brief(v.onMarket(bar(minute, 2 * minute, 100, 101, 98, 100, 3)))).toEqual([
      `${minute + 50} accepted mkt`,
      `${minute + 50} accepted sell`,
      `${2 * minute} fill rest 1000@9900 maker`,
      `${2 * minute} fill mkt 500@10000 taker`,
      `${2 * minute} fill sell 1000@10000 taker`,
    ]);
  });

  it('prices a fill at the open moved barSlippageBps against the order, rounded against it to the tick, never past a limit', () => {
    const v = venue({ barSlippageBps: 1 });
    const minute = 60_000_000;
    v.submit(market('buy', 'buy', 1000, minute));
    v.submit(market('sell', 'sell', 1000, minute));
    v.submit(limit('lim', 'buy', 1000, 10002, minute));
    // open 100.01 = 10001 ticks; slippage ceil(10001 x 1 / 10000) = 2 ticks: buy 10003, sell 9999; the limit caps at 10002.
    expect(brief(fills(v.onMarket(bar(minute, 2 * minute, 100.01, 101, 99, 100, 1000))))).toEqual([
      `${2 * minute} fill buy 1000@10003 taker`,
      `${2 * minute} fill sell 1000@9999 taker`,
      `${2 * minute} fill lim 1000@10002 taker`,
    ]);
  });

  it('carries what a trade has left between orders whose instruments differ in size precision (an inferred instrument refined)', () => {
    for (const [first, second, expected] of [
      // 1.5 traded: 'a' takes 1.000 of it; 0.500 is 5000 lots at 4 decimals, 50 at 2.
      ['0.001', '0.0001', ['60 fill a 1000@10000 taker', '60 fill b 5000@10000 taker']],
      ['0.001', '0.01', ['60 fill a 1000@10000 taker', '60 fill b 50@10000 taker']],
    ] as const) {
      let size: string = first;
      const lookup = (key: string): Instrument | undefined => (key === 'x:BTC' ? createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: size, quotePrecision: 2 }) : undefined);
      const v = createPaperVenue({ latencyUs: 50 }, { instruments: lookup });
      v.submit(market('a', 'buy', 1000, 0));
      size = second;
      v.submit(market('b', 'buy', 10_000, 0));
      expect(brief(fills(v.onMarket(trade(60, 100, 1.5))))).toEqual(expected);
    }
  });

  it('slips exactly when open × bps passes 2^53 (ticks near the top of the grid)', () => {
    const v = venue({ barSlippageBps: 1000 });
    const minute = 60_000_000;
    v.submit(market('buy', 'buy', 1000, minute));
    v.submit(market('sell', 'sell', 1000, minute));
    // open 100000000000.01 = 10^13 + 1 ticks; × 1000 bps passes 2^53: slip ceil((10^16 + 1000) / 10^4) = 10^12 + 1.
    expect(brief(fills(v.onMarket(bar(minute, 2 * minute, 100_000_000_000.01, 100_000_000_001, 99_999_999_999, 100_000_000_000, 1000))))).toEqual([
      `${2 * minute} fill buy 1000@11000000000002 taker`,
      `${2 * minute} fill sell 1000@9000000000000 taker`,
    ]);
  });

  it('does not cap a bar that shows no volume, nor any bar with partialFills off', () => {
    const minute = 60_000_000;
    for (const [config, volume] of [[{}, 0], [{ partialFills: false }, 1]] as const) {
      const v = venue({ ...config, barSlippageBps: 0 });
      v.submit(market('a', 'buy', 5000, minute));
      expect(brief(fills(v.onMarket(bar(minute, 2 * minute, 100, 101, 99, 100, volume))))).toEqual([`${2 * minute} fill a 5000@10000 taker`]);
    }
  });
});

describe('PaperVenue: requests', () => {
  it('rejects unknown symbols and invalid orders when they arrive', () => {
    const v = venue();
    v.submit(market('a', 'buy', 1000, 0, 'ETH'));
    v.submit(market('b', 'buy', 0, 0));
    v.submit(limit('c', 'buy', 1000, 0, 10));
    expect(v.onTime(49)).toBe(NO_VENUE_EVENTS);
    expect(brief(v.onTime(60))).toEqual(['50 rejected a UNKNOWN_INSTRUMENT', '50 rejected b INVALID_ORDER', '60 rejected c INVALID_ORDER']);
  });

  it('ignores and counts a second submission of an id it still holds', () => {
    const v = venue();
    v.submit(market('a', 'buy', 1000, 0));
    expect(v.submit(market('a', 'sell', 5000, 10))).toBeUndefined();
    expect(v.counters.duplicates).toBe(1);
    expect(brief(v.onMarket(quote(60, 99, 9, 100, 9)))).toEqual(['50 accepted a', '60 fill a 1000@10000 taker']);
  });

  it('orders arrivals by time even when requests come out of order', () => {
    const v = venue();
    v.submit(market('late', 'buy', 1000, 30));
    v.submit(market('early', 'buy', 1000, 10));
    expect(v.nextDeadline()).toBe(60);
    expect(brief(v.onTime(100))).toEqual(['60 accepted early', '80 accepted late']);
  });

  it('produces events the order registry accepts, ending FILLED', () => {
    const v = venue();
    const reg = new OrderRegistry();
    reg.create(market('a', 'buy', 2500, 0), BTC);
    reg.apply('a', { type: 'submit', ts: 0 });
    v.submit(market('a', 'buy', 2500, 0));
    // The ask level refills (1, then 2, then 3.5): what was taken is not offered again, the increase is.
    for (const q of [quote(60, 99, 9, 100, 1), quote(70, 99, 9, 100, 2), quote(80, 99, 9, 100, 3.5)]) {
      for (const e of v.onMarket(q)) expect(reg.apply(e.clientOrderId, e.event)).toBeUndefined();
    }
    expect(reg.get('a')).toMatchObject({ status: 'FILLED', filledQuantity: 2500, fillCount: 3 });
  });

  it('fills in the documented defaults', () => {
    expect(parsePaperVenueConfig({})).toEqual({
      latencyUs: 1000,
      makerFee: '0.0002',
      takerFee: '0.0004',
      partialFills: true,
      marketWithoutQuotes: 'nextPrice',
      limitCross: 'through',
      barVolumeShare: 0.1,
      barSlippageBps: 1,
      reportLatencyUs: 0,
      accounts: {},
    });
  });

  it('refuses an invalid config naming the bad path', () => {
    try {
      venue({ takerFee: 'abc', latencyUs: -1, barVolumeShare: 0, reportLatencyUs: -1 });
      expect.unreachable();
    } catch (error) {
      expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
      expect(String(error)).toMatch(/takerFee/);
      expect(String(error)).toMatch(/latencyUs/);
      expect(String(error)).toMatch(/barVolumeShare/);
      expect(String(error)).toMatch(/reportLatencyUs/);
    }
  });
});

describe('PaperVenue: instruments keyed by exchange and symbol', () => {
  it('serves two exchanges and fills each order only on its own exchange’s data', () => {
    const spot = createInstrument({ symbol: 'BTC', exchange: 'spot', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });
    const perp = createInstrument({ symbol: 'BTC', exchange: 'perp', priceIncrement: '0.1', sizeIncrement: '0.001', quotePrecision: 2 });
    const v = createPaperVenue({ latencyUs: 50 }, { instruments: new Map([['spot:BTC', spot], ['perp:BTC', perp]]) });
    const on = (exchange: string, q: BookTicker): BookTicker => ({ ...q, exchange });
    v.submit({ ...market('s', 'buy', 1000, 0), exchange: 'spot' });
    v.submit({ ...market('p', 'buy', 1000, 0), exchange: 'perp' });
    v.onMarket(on('spot', quote(40, 99, 9, 100, 9)));
    v.onMarket(on('perp', quote(40, 109, 9, 110, 9)));
    expect(v.onTime(50).map((e) => [e.kind, e.exchange])).toEqual([['accepted', 'spot'], ['accepted', 'perp']]);
    expect(v.workingCount('spot:BTC')).toBe(1);
    expect(v.workingCount('perp:BTC')).toBe(1);
    // A perp quote fills the perp order only, at the perp ask.
    const perpFills = fills(v.onMarket(on('perp', quote(60, 109.5, 9, 110.5, 9))));
    expect(perpFills.map((e) => [e.clientOrderId, e.exchange, e.fill.exchange, e.fill.price])).toEqual([['p', 'perp', 'perp', 1105]]);
    const spotFills = fills(v.onMarket(on('spot', quote(70, 99.5, 9, 100.5, 9))));
    expect(spotFills.map((e) => [e.clientOrderId, e.exchange, e.fill.exchange, e.fill.price])).toEqual([['s', 'spot', 'spot', 10050]]);
  });

  it('rejects an order for a symbol on an exchange it has no instrument for', () => {
    const v = venue();
    v.submit({ ...market('a', 'buy', 1000, 0), exchange: 'other' });
    const events = v.onTime(50);
    expect(events.map((e) => [e.kind, e.code, e.exchange])).toEqual([['rejected', 'UNKNOWN_INSTRUMENT', 'other']]);
    expect(events[0]!.reason).toContain('other:BTC');
  });
});
