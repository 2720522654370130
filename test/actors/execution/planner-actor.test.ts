import { describe, expect, it } from 'vitest';
import type { OrderUpdate } from '../../../actors/execution/execution-messages.js';
import { plannerActor } from '../../../actors/execution/planner-actor.js';
import { createInstrument } from '../../../src/model/instrument.js';
import { applyOrderEvent, createOrder, type NewOrder, type Order, type OrderEvent } from '../../../src/model/order.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import type { ActorRef } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { recordingActor, type Received } from '../../support/recording-actor.js';

const BTC = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.001' });

function target(ts: number, qty: number): TargetPosition {
  return { type: 'target', exchange: 'x', symbol: 'BTC', ts, strategy: 's', target: qty, orderType: 'market', limitPrice: undefined };
}

function step(order: Order, event: OrderEvent): Order {
  const r = applyOrderEvent(order, event);
  if (!r.ok) throw new Error(r.reason);
  return r.order;
}

describe('planner actor', () => {
  it('leaves orders it cancels out of planning until they end, or the venue refuses the cancel', () => {
    const clock = new SimulatedClock(1_000);
    const system = createActorSystem({ clock });
    const sent: Received<{ type: string; order?: NewOrder; clientOrderId?: string }>[] = [];
    const risk = system.spawn(recordingActor(sent));
    const planner = system.spawn(plannerActor, { config: { instruments: new Map([['BTC', BTC]]), risk: risk as ActorRef<never> } });
    const update = (order: Order) => planner.tell({ type: 'order_update', order } satisfies OrderUpdate);

    planner.tell(target(1_000, 1));
    system.runUntilIdle();
    const buy = sent[0]!.message.order!;
    let order = step(createOrder(buy, BTC), { type: 'submit', ts: 1_001 });
    const stale = step(order, { type: 'accept', ts: 1_002 }); // published before the cancel reaches execution
    update(order);
    clock.advanceTo(2_000);
    planner.tell(target(2_000, -1)); // flip: cancel the buy, sell 1
    system.runUntilIdle();
    expect(sent.slice(1).map((r) => r.message.type)).toEqual(['cancel', 'order_request']);
    expect(sent[2]!.message.order).toMatchObject({ side: 'sell', quantity: 1000n });

    update(stale); // must not bring the buy back into planning
    planner.tell(target(2_100, -1));
    system.runUntilIdle();
    expect(sent).toHaveLength(3); // the sell covers the target; the cancelled buy is not counted nor cancelled again

    // The venue refuses the cancel: the buy works again and counts.
    order = step(stale, { type: 'requestCancel', ts: 2_001 });
    order = step(order, { type: 'cancelReject', ts: 2_002 });
    update(order);
    planner.tell(target(2_200, -1));
    system.runUntilIdle();
    expect(sent.slice(3).map((r) => `${r.message.type} ${r.message.clientOrderId ?? r.message.order?.side}`)).toEqual([`cancel ${buy.clientOrderId}`]);
  });
});
