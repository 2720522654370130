/**
 * `movesOpenLots`, the filter on the planner's and risk's `exec.order` subscriptions: a version
 * it drops must change nothing either keeps (the lots still to fill, whether a cancel is pending,
 * whether the order ended), through every life an order can have.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { movesOpenLots, type OrderUpdate } from '../../../actors/execution/execution-messages.js';
import { createInstrument } from '../../../src/model/instrument.js';
import { applyOrderEvent, createOrder, type NewOrder, type OrderEvent } from '../../../src/model/order.js';
import { ORDER_EVENT_TYPES, isTerminalStatus, type OrderEventType } from '../../../src/model/order-transitions.js';

const btc = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.001' });
const buy: NewOrder = { clientOrderId: 's-BTC-1', exchange: 'x', symbol: 'BTC', side: 'buy', type: 'limit', quantity: 3000n, limitPrice: 100n, ts: 0 };

const eventArb: fc.Arbitrary<OrderEvent> = fc.oneof(
  fc.record({ type: fc.constantFrom(...ORDER_EVENT_TYPES.filter((e): e is Exclude<OrderEventType, 'fill'> => e !== 'fill')), ts: fc.nat(1_000) }),
  fc.record({ type: fc.constant('fill' as const), ts: fc.nat(1_000), quantity: fc.bigInt({ min: 1n, max: 3000n }), price: fc.constant(100n) }),
);

describe('movesOpenLots', () => {
  it('drops only versions that leave the lots to fill, the pending cancel and the end as they were', () => {
    let dropped = 0;
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        let order = createOrder(buy, btc);
        let everPendingCancel = false;
        for (const event of events) {
          const result = applyOrderEvent(order, event);
          if (!result.ok) continue;
          const next = result.order;
          if (!movesOpenLots({ type: 'order_update', order: next } satisfies OrderUpdate)) {
            dropped++;
            expect(next.filledQuantity).toBe(order.filledQuantity);
            expect(isTerminalStatus(next.status)).toBe(false);
            expect(next.status).not.toBe('PENDING_CANCEL');
            expect(everPendingCancel).toBe(false); // a refused cancel's version always passes
          }
          everPendingCancel ||= next.status === 'PENDING_CANCEL';
          order = next;
        }
      }),
      { numRuns: 2_000 },
    );
    expect(dropped).toBeGreaterThan(0); // the filter does drop something
  });

  it('passes every message that is not an order update', () => {
    expect(movesOpenLots({ type: 'fill_report' })).toBe(true);
    expect(movesOpenLots({ type: 'target' })).toBe(true);
  });

  it('drops the created, submitted and accepted versions of an order that has not filled, and passes its fill', () => {
    expect(movesOpenLots({ type: 'order_update', order: createOrder(buy, btc) })).toBe(false);
    const submitted = applyOrderEvent(createOrder(buy, btc), { type: 'submit', ts: 1 });
    if (!submitted.ok) throw new Error(submitted.reason);
    const accepted = applyOrderEvent(submitted.order, { type: 'accept', ts: 2 });
    if (!accepted.ok) throw new Error(accepted.reason);
    const filled = applyOrderEvent(accepted.order, { type: 'fill', ts: 3, quantity: 1000n, price: 100n });
    if (!filled.ok) throw new Error(filled.reason);
    expect([submitted, accepted, filled].map((r) => movesOpenLots({ type: 'order_update', order: r.order }))).toEqual([false, false, true]);
  });
});
