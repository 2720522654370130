/**
 * Random lives of one order, for properties over every path through the transition table: any
 * event type at any time, fills of any size up to the order's whole quantity (so overfills and
 * refusals come up too).
 */
import fc from 'fast-check';
import { createInstrument } from '../../src/model/instrument.js';
import type { NewOrder, OrderEvent } from '../../src/model/order.js';
import { ORDER_EVENT_TYPES, type OrderEventType } from '../../src/model/order-transitions.js';

export const btc = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.001' });

/** A limit buy of 3 BTC named as strategy `s` would name it. */
export const buy: NewOrder = { clientOrderId: 's-BTC-1', exchange: 'x', symbol: 'BTC', side: 'buy', type: 'limit', quantity: 3000, limitPrice: 100, ts: 0 };

export const orderEventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.record({ type: fc.constantFrom(...ORDER_EVENT_TYPES.filter((e): e is Exclude<OrderEventType, 'fill'> => e !== 'fill')), ts: fc.nat(1_000), reason: fc.option(fc.constantFrom('too late', 'venue said no'), { nil: undefined }) }),
  fc.record({ type: fc.constant('fill' as const), ts: fc.nat(1_000), quantity: fc.integer({ min: 1, max: 3000 }), price: fc.integer({ min: 90, max: 110 }) }),
);

/** Events for one order, half of them starting with its submission and acceptance (so more lives reach fills and cancels). */
export const orderLifeArb: fc.Arbitrary<OrderEvent[]> = fc
  .tuple(fc.boolean(), fc.array(orderEventArb, { maxLength: 30 }))
  .map(([working, rest]) => (working ? [{ type: 'submit', ts: 1 } as const, { type: 'accept', ts: 2 } as const, ...rest] : rest));
