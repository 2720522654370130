/**
 * Execution keeps one live order per client order id and publishes a change per event
 * (`orderUpdate`). Through every life an order can have: the live order moves exactly as the pure
 * `applyOrderEvent` chain does, one version per applied event; each published change stays as it
 * was published (the bus is immutable, the live order is not); a strategy's view folds the changes
 * back into the whole order; and the gateway's form of a change (`wireOrderUpdate`) is the whole
 * order with the times the change knows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { orderUpdate, type OrderUpdate } from '../../../actors/execution/execution-messages.js';
import { ExecutionView } from '../../../actors/strategies/execution-view.js';
import { wireOrderUpdate } from '../../../src/app/bus-forwarder.js';
import { applyOrderEvent, createLiveOrder, createOrder, orderOfChange, snapshotOf, type Order } from '../../../src/model/order.js';
import { btc, buy, orderLifeArb } from '../../support/order-lives.js';

/** The order without its status times (the wire form carries only the times a change knows). */
const timeless = (o: Order) => ({ ...o, timestamps: undefined });

describe('live orders and their published changes', () => {
  it('move as the pure chain, publish immutable changes and fold back to the whole order', () => {
    let applied = 0;
    let fills = 0;
    fc.assert(
      fc.property(orderLifeArb, (events) => {
        const live = createLiveOrder(buy, btc);
        const view = new ExecutionView('s');
        const published: Array<{ readonly update: OrderUpdate; readonly copy: OrderUpdate }> = [];
        const publish = () => {
          const update = orderUpdate(live);
          published.push({ update, copy: structuredClone(update) });
          const times = view.applyOrder(update);
          expect(orderOfChange(update, times)).toEqual(snapshotOf(live));
          const wire = wireOrderUpdate(update);
          expect(wire.version).toBe(live.version);
          expect(timeless(wire.order)).toEqual(timeless(snapshotOf(live)));
          expect(wire.order.timestamps[live.status]).toBe(live.updatedTs);
        };
        publish();
        let reference: Order = createOrder(buy, btc);
        for (const event of events) {
          const before = snapshotOf(reference);
          const pure = applyOrderEvent(reference, event);
          expect(snapshotOf(reference)).toEqual(before); // the pure form leaves its input alone
          const version = live.version;
          const refusal = live.apply(event);
          if (!pure.ok) {
            expect(refusal).toEqual({ code: pure.code, reason: pure.reason });
            expect(live.version).toBe(version);
            continue;
          }
          expect(refusal).toBeUndefined();
          applied++;
          if (event.type === 'fill') fills++;
          reference = pure.order;
          expect(live.version).toBe(version + 1);
          expect(snapshotOf(live)).toEqual(snapshotOf(reference));
          publish();
        }
        for (const { update, copy } of published) expect(update).toEqual(copy);
        expect(published.map((p) => p.update.version)).toEqual(published.map((_, i) => i + 1));
      }),
      { numRuns: 1_000 },
    );
    expect(applied).toBeGreaterThan(1_000); // lives do get past their creation,
    expect(fills).toBeGreaterThan(100); // and fill
  });

  it('shares the terms between the live order and every change, copying nothing per change', () => {
    const live = createLiveOrder(buy, btc);
    const first = orderUpdate(live);
    live.apply({ type: 'submit', ts: 1 });
    const second = orderUpdate(live);
    expect(second.order).toBe(first.order);
    expect(second.order).toBe(live.terms);
    expect([first.status, second.status]).toEqual(['INITIALIZED', 'SUBMITTED']);
  });
});
