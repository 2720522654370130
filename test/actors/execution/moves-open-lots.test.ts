/**
 * `movesOpenLots`, the filter on the planner's and risk's `exec.order` subscriptions: a version
 * it drops must change nothing either keeps (the lots still to fill, whether a cancel is pending,
 * whether the order ended), through every life an order can have.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { movesOpenLots, notMadeByFill, orderUpdate, plannerOrderFilter } from '../../../actors/execution/execution-messages.js';
import { applyOrderEvent, createLiveOrder, createOrder, LiveOrder } from '../../../src/model/order.js';
import { isTerminalStatus } from '../../../src/model/order-transitions.js';
import { btc, buy, orderLifeArb } from '../../support/order-lives.js';

describe('movesOpenLots', () => {
  it('drops only versions that leave the lots to fill, the pending cancel and the end as they were', () => {
    let dropped = 0;
    fc.assert(
      fc.property(orderLifeArb, (events) => {
        let order = createOrder(buy, btc);
        let everPendingCancel = false;
        for (const event of events) {
          const result = applyOrderEvent(order, event);
          if (!result.ok) continue;
          const next = result.order;
          if (!movesOpenLots(orderUpdate(LiveOrder.of(next)))) {
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
    expect(movesOpenLots(orderUpdate(LiveOrder.of(createOrder(buy, btc))))).toBe(false);
    const submitted = applyOrderEvent(createOrder(buy, btc), { type: 'submit', ts: 1 });
    if (!submitted.ok) throw new Error(submitted.reason);
    const accepted = applyOrderEvent(submitted.order, { type: 'accept', ts: 2 });
    if (!accepted.ok) throw new Error(accepted.reason);
    const filled = applyOrderEvent(accepted.order, { type: 'fill', ts: 3, quantity: 1000, price: 100 });
    if (!filled.ok) throw new Error(filled.reason);
    expect([submitted, accepted, filled].map((r) => movesOpenLots(orderUpdate(LiveOrder.of(r.order))))).toEqual([false, false, true]);
  });

  it('leaves out of exec.order exactly the changes a fill made (they come with the fill report), through every life', () => {
    let byFill = 0;
    fc.assert(
      fc.property(orderLifeArb, (events) => {
        const live = createLiveOrder(buy, btc);
        expect(notMadeByFill(orderUpdate(live))).toBe(true);
        for (const event of events) {
          if (live.apply(event) !== undefined) continue;
          const update = orderUpdate(live);
          expect(update.event).toBe(event.type);
          expect(notMadeByFill(update)).toBe(event.type !== 'fill');
          expect(plannerOrderFilter(update)).toBe(event.type !== 'fill' && movesOpenLots(update));
          if (event.type === 'fill') byFill++;
        }
      }),
      { numRuns: 500 },
    );
    expect(byFill).toBeGreaterThan(0);
    expect(notMadeByFill({ type: 'fill_report' })).toBe(true);
  });
});
