import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createInstrument } from '../../src/model/instrument.js';
import {
  applyOrderEvent,
  createOrder,
  orderView,
  remainingQuantity,
  validateNewOrder,
  type NewOrder,
  type Order,
  type OrderEvent,
} from '../../src/model/order.js';
import {
  ORDER_EVENT_TYPES,
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  isTerminalStatus,
  type OrderEventType,
} from '../../src/model/order-transitions.js';

const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 4 });

const limitBuy: NewOrder = {
  clientOrderId: 'o-1',
  exchange: 'binance',
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  quantity: 3000, // 3.000
  limitPrice: 5000000, // 50000.00
  ts: 100,
};

function step(order: Order, event: OrderEvent): Order {
  const result = applyOrderEvent(order, event);
  if (!result.ok) throw new Error(`refused: ${result.reason}`);
  return result.order;
}

function ev(type: Exclude<OrderEventType, 'fill'>, ts: number, reason?: string): OrderEvent {
  return { type, ts, reason };
}

describe('the transition table', () => {
  it('lists every status, and terminal statuses accept no event', () => {
    expect(Object.keys(ORDER_TRANSITIONS).sort()).toEqual([...ORDER_STATUSES].sort());
    for (const status of ORDER_STATUSES) {
      const events = Object.keys(ORDER_TRANSITIONS[status]);
      expect(events.length === 0, status).toBe(isTerminalStatus(status));
      for (const e of events) expect(ORDER_EVENT_TYPES).toContain(e);
    }
  });

  it('lets nothing reach the venue from PENDING_APPROVAL without approve', () => {
    expect(ORDER_TRANSITIONS.PENDING_APPROVAL.submit).toBeUndefined();
    expect(ORDER_TRANSITIONS.PENDING_APPROVAL.fill).toBeUndefined();
    expect(ORDER_TRANSITIONS.PENDING_APPROVAL.approve).toBe('SUBMITTED');
  });

  it('rejects an order the venue refuses after a cancel was requested', () => {
    const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });
    let o = createOrder(limitBuy, btc);
    o = step(o, ev('submit', 101));
    o = step(o, ev('requestCancel', 102));
    o = step(o, ev('reject', 103, 'NO_QUOTES'));
    expect(o.status).toBe('REJECTED');
  });
});

describe('validateNewOrder', () => {
  it('accepts a well-formed order and names what is wrong otherwise', () => {
    expect(validateNewOrder(limitBuy, btc)).toBeUndefined();
    expect(validateNewOrder({ ...limitBuy, quantity: 0 }, btc)).toMatch(/quantity must be positive/);
    expect(validateNewOrder({ ...limitBuy, limitPrice: undefined }, btc)).toMatch(/needs a limitPrice/);
    expect(validateNewOrder({ ...limitBuy, type: 'market' }, btc)).toMatch(/market order has no limitPrice/);
    expect(validateNewOrder({ ...limitBuy, symbol: 'ETHUSDT' }, btc)).toMatch(/does not match/);
    const lots5 = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.05', sizeIncrement: '0.005' });
    expect(validateNewOrder({ ...limitBuy, quantity: 3001 }, lots5)).toMatch(/not a multiple of 0.005/);
    expect(validateNewOrder({ ...limitBuy, limitPrice: 5000001 }, lots5)).toMatch(/not a multiple of 0.05/);
  });

  it('refuses lots and ticks that are not whole numbers below 2^53 (the grid is exact only there)', () => {
    expect(validateNewOrder({ ...limitBuy, quantity: 1.5 }, btc)).toMatch(/quantity must be a whole number of lots below 2\^53, got 1.5/);
    expect(validateNewOrder({ ...limitBuy, quantity: 2 ** 53 }, btc)).toMatch(/quantity must be a whole number of lots/);
    expect(validateNewOrder({ ...limitBuy, quantity: Number.NaN }, btc)).toMatch(/quantity must be a whole number of lots/);
    expect(validateNewOrder({ ...limitBuy, limitPrice: 5000000.5 }, btc)).toMatch(/limitPrice must be a whole number of ticks/);
  });
});

describe('applyOrderEvent', () => {
  it('walks submit, accept, two partial fills and a full fill, averaging the price exactly', () => {
    let o = createOrder(limitBuy, btc);
    expect(o.status).toBe('INITIALIZED');
    o = step(o, ev('submit', 110));
    o = step(o, ev('accept', 120));
    o = step(o, { type: 'fill', ts: 130, quantity: 1000, price: 4999999 }); // 1.000 @ 49999.99
    expect(o.status).toBe('PARTIALLY_FILLED');
    expect(remainingQuantity(o)).toBe(2000);
    o = step(o, { type: 'fill', ts: 140, quantity: 1500, price: 5000000 }); // 1.500 @ 50000.00
    o = step(o, { type: 'fill', ts: 150, quantity: 500, price: 4999998 }); // 0.500 @ 49999.98
    expect(o.status).toBe('FILLED');
    expect(o.filledQuantity).toBe(3000);
    expect(o.fillCount).toBe(3);
    // (49999.99 + 1.5 × 50000 + 0.5 × 49999.98) / 3 = 149999.98 / 3 = 49999.99333… -> 49999.9933
    expect(o.fillNotional).toBe(14999998000n);
    expect(o.avgFillPrice).toBe(499999933n);
    expect(o.timestamps).toEqual({ INITIALIZED: 100, SUBMITTED: 110, ACCEPTED: 120, PARTIALLY_FILLED: 140, FILLED: 150 });
    expect(o.updatedTs).toBe(150);
    expect(orderView(o)).toMatchObject({ quantity: '3.000', limitPrice: '50000.00', filledQuantity: '3.000', avgFillPrice: '49999.9933' });
  });

  it('rounds the average fill price half-even at the quote precision', () => {
    const coarse = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '1', quotePrecision: 2 });
    let o = createOrder({ ...limitBuy, quantity: 2 }, coarse);
    o = step(o, ev('submit', 1));
    o = step(o, { type: 'fill', ts: 2, quantity: 1, price: 500 }); // 5.00
    o = step(o, { type: 'fill', ts: 3, quantity: 1, price: 501 }); // 5.01 -> avg 5.005 -> 5.00
    expect(o.avgFillPrice).toBe(500n);
  });

  it('sums a fill notional exactly past 2^53 (ticks × lots as a bigint product)', () => {
    const fine = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00000001' });
    const big = { ...limitBuy, quantity: 100_000_000_000, limitPrice: 9_999_999_999 };
    let o = step(createOrder(big, fine), ev('submit', 1));
    o = step(o, { type: 'fill', ts: 2, quantity: 99_999_999_999, price: 9_999_999_999 });
    o = step(o, { type: 'fill', ts: 3, quantity: 1, price: 9_999_999_997 });
    expect(o.filledQuantity).toBe(100_000_000_000);
    expect(o.fillNotional).toBe(99_999_999_999n * 9_999_999_999n + 9_999_999_997n);
  });

  it('parks an order in PENDING_APPROVAL until approved, and refuses submit meanwhile', () => {
    let o = createOrder(limitBuy, btc);
    o = step(o, ev('awaitApproval', 1));
    const early = applyOrderEvent(o, ev('submit', 2));
    expect(early.ok).toBe(false);
    if (!early.ok) {
      expect(early.code).toBe('ILLEGAL_TRANSITION');
      expect(early.reason).toBe('submit is not allowed in PENDING_APPROVAL');
      expect(early.order).toBe(o);
    }
    o = step(o, ev('approve', 3));
    expect(o.status).toBe('SUBMITTED');
  });

  it('ends an unapproved order by operator rejection or expiry, keeping the reason', () => {
    const waiting = step(createOrder(limitBuy, btc), ev('awaitApproval', 1));
    const rejected = step(waiting, ev('reject', 2, 'operator declined'));
    expect(rejected.status).toBe('REJECTED');
    expect(rejected.reason).toBe('operator declined');
    expect(step(waiting, ev('expire', 2, 'approval timeout')).status).toBe('EXPIRED');
  });

  it('records the reason of a risk denial', () => {
    const denied = step(createOrder(limitBuy, btc), ev('deny', 1, 'MAX_ORDER_NOTIONAL'));
    expect(denied.status).toBe('DENIED');
    expect(denied.reason).toBe('MAX_ORDER_NOTIONAL');
    expect(applyOrderEvent(denied, ev('submit', 2)).ok).toBe(false);
  });

  it('returns a refused cancel to ACCEPTED or PARTIALLY_FILLED depending on fills', () => {
    let o = step(step(createOrder(limitBuy, btc), ev('submit', 1)), ev('accept', 2));
    o = step(o, ev('requestCancel', 3));
    expect(step(o, ev('cancelReject', 4)).status).toBe('ACCEPTED');
    o = step(o, { type: 'fill', ts: 5, quantity: 1000, price: 5000000 }); // a fill races the cancel
    o = step(o, ev('requestCancel', 6));
    expect(step(o, ev('cancelReject', 7)).status).toBe('PARTIALLY_FILLED');
    expect(step(o, ev('cancel', 7)).status).toBe('CANCELED');
  });

  it('refuses an overfill and a non-positive fill without changing the order', () => {
    const o = step(createOrder(limitBuy, btc), ev('submit', 1));
    const over = applyOrderEvent(o, { type: 'fill', ts: 2, quantity: 3001, price: 1 });
    expect(over.ok ? 'ok' : over.code).toBe('OVERFILL');
    const zero = applyOrderEvent(o, { type: 'fill', ts: 2, quantity: 0, price: 1 });
    expect(zero.ok ? 'ok' : zero.code).toBe('INVALID_FILL');
    const part = applyOrderEvent(o, { type: 'fill', ts: 2, quantity: 0.5, price: 1 });
    expect(part.ok ? 'ok' : part.code).toBe('INVALID_FILL');
    expect(o.filledQuantity).toBe(0);
  });
});

// Random event sequences over a single order: every accepted transition is in the table (with its
// quantity rule), every refusal is exactly a missing entry or an invalid fill, and the order never
// changes on a refusal.
const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.record({
    type: fc.constantFrom(...ORDER_EVENT_TYPES.filter((e): e is Exclude<OrderEventType, 'fill'> => e !== 'fill')),
    ts: fc.nat(1_000_000),
    reason: fc.option(fc.constantFrom('a', 'b'), { nil: undefined }),
  }),
  fc.record({
    type: fc.constant('fill' as const),
    ts: fc.nat(1_000_000),
    quantity: fc.integer({ min: -1, max: 3500 }),
    price: fc.integer({ min: 1, max: 10_000_000 }),
  }),
);

describe('order state machine (property)', () => {
  it('never takes a transition outside the table', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        let o = createOrder(limitBuy, btc);
        for (const e of events) {
          const entry = ORDER_TRANSITIONS[o.status][e.type];
          const remaining = o.quantity - o.filledQuantity;
          const badFill = e.type !== 'fill' ? undefined : e.quantity <= 0 ? 'INVALID_FILL' : e.quantity > remaining ? 'OVERFILL' : undefined;
          const fillValid = badFill === undefined;
          const result = applyOrderEvent(o, e);
          expect(result.ok).toBe(entry !== undefined && fillValid);
          if (!result.ok) {
            expect(result.order).toBe(o);
            expect(result.code).toBe(entry === undefined ? 'ILLEGAL_TRANSITION' : badFill);
            continue;
          }
          const next = result.order;
          if (entry === 'BY_FILL') {
            expect(next.status).toBe(next.filledQuantity === next.quantity ? 'FILLED' : 'PARTIALLY_FILLED');
          } else if (entry === 'RESUME') {
            expect(next.status).toBe(o.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'ACCEPTED');
          } else {
            expect(next.status).toBe(entry);
          }
          expect(isTerminalStatus(o.status)).toBe(false);
          expect(next.filledQuantity <= next.quantity).toBe(true);
          expect(next.filledQuantity >= o.filledQuantity).toBe(true);
          o = next;
        }
      }),
      { numRuns: 1000 },
    );
  });
});
