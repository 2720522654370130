import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accountTermsOf, DEFAULT_ACCOUNT_TYPES } from '../../../../../actors/execution/venues/paper/paper-account.js';
import { createPaperVenue, type PaperVenue } from '../../../../../actors/execution/venues/paper/paper-venue.js';
import { parsePaperVenueConfig, type PaperVenueConfigInput } from '../../../../../actors/execution/venues/paper/paper-venue-config.js';
import type { VenueEvent } from '../../../../../actors/execution/venues/venue-events.js';
import { createInstrument, type Instrument } from '../../../../../src/model/instrument.js';
import type { NewOrder, OrderSide } from '../../../../../src/model/order.js';
import type { BookTicker } from '../../../../../src/model/records.js';
import { isTickflowError } from '../../../../../src/runtime/errors.js';

// BTCUSDT on exchange `x`: prices 0.01, sizes 0.001, money in cents; no fees unless a test sets them.
const BTC = createInstrument({ symbol: 'BTCUSDT', exchange: 'x', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });
const instruments = new Map<string, Instrument>([['x:BTCUSDT', BTC]]);

function venue(accounts: PaperVenueConfigInput['accounts'], cash = '1000', config: PaperVenueConfigInput = {}): PaperVenue {
  return createPaperVenue({ latencyUs: 10, takerFee: '0', makerFee: '0', accounts, ...config }, { instruments, quotePrecision: 2, initialCash: cash });
}

function quote(ts: number, bid: number, ask: number, amount = 100): BookTicker {
  return { type: 'book_ticker', exchange: 'x', symbol: 'BTCUSDT', ts, tsRecv: ts, bidPrice: bid, bidAmount: amount, askPrice: ask, askAmount: amount };
}

function market(id: string, side: OrderSide, lots: number, ts: number): NewOrder {
  return { clientOrderId: id, exchange: 'x', symbol: 'BTCUSDT', side, type: 'market', quantity: lots, ts };
}

function brief(events: readonly VenueEvent[]): string[] {
  return events.map((e) => (e.kind === 'fill' ? `fill ${e.clientOrderId} ${e.fill.quantity}@${e.fill.price}` : `${e.kind} ${e.clientOrderId}${e.code ? ` ${e.code}` : ''}`));
}

// Submits at `ts` and delivers the arrival and one quote after it.
function trade(v: PaperVenue, order: NewOrder, bid: number, ask: number): string[] {
  v.submit(order);
  return brief([...v.onTime(order.ts + 10), ...v.onMarket(quote(order.ts + 20, bid, ask))]);
}

describe('paper account: cash terms', () => {
  it('refuses a sell of what the account does not hold (NO_SHORT_SALE), and a buy beyond the balance (INSUFFICIENT_BALANCE)', () => {
    const v = venue({ x: { type: 'cash' } });
    v.onMarket(quote(0, 99, 100));
    expect(trade(v, market('s', 'sell', 1000, 100), 99, 100)).toEqual(['rejected s NO_SHORT_SALE']);
    expect(trade(v, market('b', 'buy', 11_000, 200), 99, 100)).toEqual(['rejected b INSUFFICIENT_BALANCE']); // 11 × 99.5 > 1000
    expect(trade(v, market('ok', 'buy', 9_000, 300), 99, 100)).toEqual(['accepted ok', 'fill ok 9000@10000']);
    expect(v.accountSnapshot()!.balances).toEqual({ USDT: '100.00', BTC: '9.000' });
    expect(v.accountSnapshot()!.refused).toEqual({ INSUFFICIENT_BALANCE: 1, INSUFFICIENT_MARGIN: 0, NO_SHORT_SALE: 1 });
  });

  it('counts open sells against the holding, and always lets a position be closed', () => {
    const v = venue({ x: { type: 'cash' } });
    v.onMarket(quote(0, 99, 100));
    trade(v, market('b', 'buy', 9_000, 100), 99, 100);
    // The price halves: equity is under what the position needs, yet selling it out is allowed.
    v.onMarket(quote(150, 49, 50));
    v.submit({ ...market('s1', 'sell', 6_000, 200), type: 'limit', limitPrice: 9_000 });
    v.submit(market('s2', 'sell', 4_000, 200)); // 6 open + 4 > 9 held
    expect(brief(v.onTime(210))).toEqual(['accepted s1', 'rejected s2 NO_SHORT_SALE']);
  });

  it('lets a cash account with borrowing sell short, against margin at leverage 1', () => {
    const v = venue({ x: { type: 'cash', borrowing: true } });
    v.onMarket(quote(0, 99, 100));
    expect(trade(v, market('s', 'sell', 5_000, 100), 99, 100)).toEqual(['accepted s', 'fill s 5000@9900']);
    expect(trade(v, market('s2', 'sell', 6_000, 200), 99, 100)).toEqual(['rejected s2 INSUFFICIENT_BALANCE']); // 11 short > 1000 of equity
  });

  it('cuts a buy that walks past the balance to what the balance pays for, and cancels the rest', () => {
    const v = venue({ x: { type: 'cash' } }, '1000', { takerFee: '0.001' });
    v.onMarket(quote(0, 99, 100, 100));
    v.submit(market('b', 'buy', 9_900, 100)); // reserved at mid 99.5 with its fee: 986.0
    v.onTime(110);
    // The ask jumps: 9.9 at 110 would cost 1089.
    const events = brief(v.onMarket(quote(120, 109, 110)));
    // 9.081 × 110 = 998.91, fee 1.00: 999.91; one lot more would cost 1000.02.
    expect(events).toEqual(['fill b 9081@11000', 'canceled b INSUFFICIENT_BALANCE']);
    const a = v.accountSnapshot()!;
    expect(a.balances).toEqual({ USDT: '0.09', BTC: '9.081' });
    expect(a.cutFills).toBe(1);
  });

  it('never lets the balance or a holding go below zero (property)', () => {
    const step = fc.record({ side: fc.constantFrom<OrderSide>('buy', 'sell'), lots: fc.integer({ min: 1, max: 20_000 }), mid: fc.integer({ min: 50, max: 150 }), spread: fc.integer({ min: 1, max: 500 }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), (steps) => {
        const v = venue({ x: { type: 'cash' } }, '1000', { takerFee: '0.001' });
        let ts = 0;
        for (const [i, s] of steps.entries()) {
          v.onMarket(quote(ts, s.mid, s.mid + s.spread / 100, 5));
          v.submit(market(`o${i}`, s.side, s.lots, ts + 1));
          ts += 100;
          v.onMarket(quote(ts, s.mid + s.spread / 50, s.mid + s.spread / 20, 3));
          const { balances } = v.accountSnapshot()!;
          for (const amount of Object.values(balances)) expect(amount.startsWith('-'), JSON.stringify(balances)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('paper account: margin terms', () => {
  it('takes positions either way up to equity × leverage, and refuses beyond (INSUFFICIENT_MARGIN)', () => {
    const v = venue({ x: { type: 'margin', leverage: 5 } });
    v.onMarket(quote(0, 99, 101));
    expect(trade(v, market('s', 'sell', 30_000, 100), 99, 101)).toEqual(['accepted s', 'fill s 30000@9900']); // 3000 / 5 = 600
    expect(trade(v, market('s2', 'sell', 30_000, 200), 99, 101)).toEqual(['rejected s2 INSUFFICIENT_MARGIN']); // 6000 / 5 > 1000 - 60
    expect(trade(v, market('b', 'buy', 60_000, 300), 99, 101)).toEqual(['accepted b', 'fill b 60000@10100']); // to +30: reduces, then 3000 long
    expect(v.accountSnapshot()!.terms).toEqual({ x: { type: 'margin', leverage: 5, borrowing: false, source: 'config' } });
  });

  it('lets an account under water close its position, though it can add nothing', () => {
    const v = venue({ x: { type: 'margin', leverage: 5 } });
    v.onMarket(quote(0, 99, 101));
    trade(v, market('b', 'buy', 40_000, 100), 99, 101); // 40 at 101: 808 of margin
    v.onMarket(quote(150, 79, 81)); // equity 1000 - 4040 + 3200 = 160 < 640 needed
    expect(trade(v, market('more', 'buy', 1_000, 200), 79, 81)).toEqual(['rejected more INSUFFICIENT_MARGIN']);
    expect(trade(v, market('out', 'sell', 40_000, 300), 79, 81)).toEqual(['accepted out', 'fill out 40000@7900']);
  });

  it('reports a margin account balance as its equity at the marks (wallet plus unrealized PnL)', () => {
    const v = venue({ x: { type: 'margin' } });
    v.onMarket(quote(0, 99, 101));
    trade(v, market('b', 'buy', 5_000, 100), 99, 101); // 5 at 101
    v.onMarket(quote(200, 109, 111)); // mark 110
    expect(v.accountSnapshot()!.balances).toEqual({ USDT: '1045.00' }); // 1000 - 505 + 550
  });
});

describe('paper account: terms', () => {
  it('gives known exchanges their kind and any other a cash account', () => {
    expect(DEFAULT_ACCOUNT_TYPES).toMatchObject({ binance: 'cash', 'binance-futures': 'margin' });
    expect(accountTermsOf('binance', {})).toEqual({ type: 'cash', leverage: 1, borrowing: false, source: 'default' });
    expect(accountTermsOf('binance-futures', {}).type).toBe('margin');
    expect(accountTermsOf('csv', {}).type).toBe('cash');
    expect(accountTermsOf('csv', { csv: { type: 'margin', leverage: 3, borrowing: false } })).toMatchObject({ type: 'margin', leverage: 3, source: 'config' });
  });

  it('refuses leverage on a cash account and borrowing on a margin account, naming the path', () => {
    for (const accounts of [{ x: { type: 'cash', leverage: 2 } }, { x: { type: 'margin', borrowing: true } }, { x: { type: 'margin', leverage: 0 } }] as const) {
      try {
        parsePaperVenueConfig({ accounts });
        expect.unreachable();
      } catch (e) {
        expect(isTickflowError(e, 'CONFIG_INVALID')).toBe(true);
        expect(String(e)).toMatch(/accounts\.x\.(leverage|borrowing)/);
      }
    }
  });

  it('keeps no account and refuses nothing for money without a starting balance', () => {
    const v = createPaperVenue({ latencyUs: 10 }, { instruments, quotePrecision: 2 });
    v.onMarket(quote(0, 99, 100));
    expect(trade(v, market('s', 'sell', 1_000_000, 100), 99, 100)[0]).toBe('accepted s');
    expect(v.accountSnapshot()).toBeUndefined();
  });
});
