import { describe, expect, it } from 'vitest';
import { orderUpdate, type FillReport } from '../../../../actors/execution/execution-messages.js';
import { plannerActor, type PlannerStats } from '../../../../actors/execution/planner/planner-actor.js';
import { createInstrument } from '../../../../src/model/instrument.js';
import { applyOrderEvent, createOrder, LiveOrder, type NewOrder, type Order, type OrderEvent } from '../../../../src/model/order.js';
import type { BookTicker } from '../../../../src/model/records.js';
import type { TargetPosition } from '../../../../src/model/signal.js';
import type { ActorRef } from '../../../../src/runtime/actor.js';
import { createActorSystem } from '../../../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../../../src/runtime/clock.js';
import { recordingActor, type Received } from '../../../support/recording-actor.js';

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
  it('does not count an order it cancels against the new target, nor cancels it again, until it ends or the venue refuses the cancel (updates through the bus)', () => {
    const clock = new SimulatedClock(1_000);
    const system = createActorSystem({ clock });
    const sent: Received<{ type: string; order?: NewOrder; clientOrderId?: string }>[] = [];
    const risk = system.spawn(recordingActor(sent));
    const planner = system.spawn(plannerActor, { config: { instruments: new Map([['x:BTC', BTC]]), risk: risk as ActorRef<never> } });
    // Through the bus, as execution publishes them: the planner's subscription filter (movesOpenLots) applies.
    const update = (order: Order) => system.publish('exec.order.x.BTC', orderUpdate(LiveOrder.of(order)));

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
    expect(sent[2]!.message.order).toMatchObject({ side: 'sell', quantity: 1000 });

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

  /** A planner with a recording risk actor; `said()` lists what it sent as `cancel <id>` / `buy|sell <lots> <id>`. */
  function rig(instrument = BTC) {
    const clock = new SimulatedClock(1_000);
    const system = createActorSystem({ clock });
    const sent: Received<{ type: string; order?: NewOrder; clientOrderId?: string }>[] = [];
    const risk = system.spawn(recordingActor(sent));
    const planner = system.spawn(plannerActor, { config: { instruments: new Map([['x:BTC', instrument]]), risk: risk as ActorRef<never> } });
    const tell = (message: unknown, at = clock.now()) => {
      clock.advanceTo(at);
      planner.tell(message as never);
      system.runUntilIdle();
    };
    return {
      system,
      sent,
      tell,
      /** Moves engine time to `at`, firing the planner's timers due by then. */
      advance: (at: number) => {
        clock.advanceTo(at);
        system.runUntilIdle();
      },
      target: (ts: number, qty: number) => tell(target(ts, qty), ts),
      update: (order: Order) => tell(orderUpdate(LiveOrder.of(order))),
      fill: (order: Order, quantity: number, position: number) =>
        tell({
          type: 'fill_report',
          fill: { clientOrderId: order.clientOrderId, exchange: 'x', symbol: 'BTC', side: order.side, quantity, price: 10_000, fee: 0n, liquidity: 'taker', ts: clock.now() },
          position,
          order: undefined,
        } satisfies FillReport),
      said: (from = 0) => sent.slice(from).map(({ message: m }) => (m.type === 'cancel' ? `cancel ${m.clientOrderId}` : `${m.order!.side} ${m.order!.quantity} ${m.order!.clientOrderId}`)),
      order: (i: number) => sent[i]!.message.order!,
      async stats(): Promise<PlannerStats> {
        const reply = planner.ask<PlannerStats>({ type: 'planner_stats' });
        system.runUntilIdle();
        return reply;
      },
    };
  }

  it('keeps an order it asked to cancel in its coverage until the cancel is confirmed, then plans the rest', () => {
    const p = rig();
    p.target(1_000, 1);
    const b1 = step(createOrder(p.order(0), BTC), { type: 'submit', ts: 1_001 });
    p.update(b1);
    p.target(2_000, -1); // cancel b1, sell 1
    p.target(3_000, 1); // cancel the sell; b1 may still fill, so no second buy
    expect(p.said()).toEqual(['buy 1000 s-BTC-1', 'cancel s-BTC-1', 'sell 1000 s-BTC-2', 'cancel s-BTC-2']);
    p.target(3_500, 1); // the same target again: still nothing
    expect(p.said(4)).toEqual([]);

    // The venue confirms b1's cancel: it no longer covers, and the last target is planned again.
    const canceled = step(step(b1, { type: 'requestCancel', ts: 2_001 }), { type: 'cancel', ts: 4_000 });
    p.update(canceled);
    expect(p.said(4)).toEqual(['buy 1000 s-BTC-3']);
  });

  it('plans again after a fill that beat its cancel only once the position includes the fill', () => {
    const p = rig();
    p.target(1_000, 1);
    const b1 = step(createOrder(p.order(0), BTC), { type: 'submit', ts: 1_001 });
    p.update(b1);
    p.target(2_000, -1);
    p.target(3_000, 1);
    expect(p.said(3)).toEqual(['cancel s-BTC-2']);
    // b1 fills before its cancel lands: the order update comes first, then the fill with the position.
    const filled = step(step(b1, { type: 'requestCancel', ts: 2_001 }), { type: 'fill', ts: 4_000, quantity: 1_000, price: 10_000 });
    p.update(filled);
    p.fill(filled, 1_000, 1_000);
    // Long 1 on a target of 1 (the sell is pending cancel and may not fill): nothing to order.
    // Planned at the order update, before the fill's position, it would have bought 1 more.
    expect(p.said(4)).toEqual([]);
  });

  /** A touch target for BTC, with a timeout when given. */
  function touchTarget(ts: number, qty: number, timeoutUs?: number): TargetPosition {
    return { ...target(ts, qty), orderType: 'limit', limitAt: 'touch', timeoutUs };
  }
  function quote(ts: number, bidPrice: number, askPrice: number): BookTicker {
    return { type: 'book_ticker', exchange: 'x', symbol: 'BTC', ts, tsRecv: ts, bidPrice, bidAmount: 1, askPrice, askAmount: 1 };
  }

  it('waits for a quote before placing a touch limit, then places it at the touch of its side', () => {
    const p = rig();
    p.tell(touchTarget(1_000, 1));
    expect(p.said()).toEqual([]);
    p.system.publish('md.x.BTC.book_ticker', quote(1_100, 99.5, 99.7)); // it subscribed when the touch target came
    p.system.runUntilIdle();
    expect(p.said()).toEqual(['buy 1000 s-BTC-1']);
    expect(p.order(0)).toMatchObject({ type: 'limit', limitPrice: 9_950 });
    p.tell(touchTarget(2_000, -1)); // flip: cancel the buy, sell at the ask
    expect(p.said(1)).toEqual(['cancel s-BTC-1', 'sell 1000 s-BTC-2']);
    expect(p.order(2)).toMatchObject({ type: 'limit', limitPrice: 9_970 });
  });

  it('cancels a touch limit still open at its timeout and orders the rest at market once the cancel is confirmed', () => {
    const p = rig();
    p.system.publish('md.x.BTC.book_ticker', quote(900, 99.5, 99.7)); // before any touch target: not seen
    p.system.runUntilIdle();
    p.tell(touchTarget(1_000, 1, 5_000));
    expect(p.said()).toEqual([]); // a market-only planner subscribes to no quotes
    p.tell(quote(1_000, 99.5, 99.7));
    expect(p.said()).toEqual(['buy 1000 s-BTC-1']);
    let b1 = step(step(createOrder(p.order(0), BTC), { type: 'submit', ts: 1_001 }), { type: 'accept', ts: 1_002 });
    b1 = step(b1, { type: 'fill', ts: 3_000, quantity: 400, price: 9_950 });
    p.update(b1);
    p.fill(b1, 400, 400);
    p.advance(5_999);
    expect(p.said(1)).toEqual([]); // not yet
    p.advance(6_000);
    expect(p.said(1)).toEqual(['cancel s-BTC-1']);
    p.update(step(step(b1, { type: 'requestCancel', ts: 6_001 }), { type: 'cancel', ts: 6_002 }));
    expect(p.said(2)).toEqual(['buy 600 s-BTC-2']);
    expect(p.order(2)).toMatchObject({ type: 'market', limitPrice: undefined });
  });

  it('leaves a touch limit alone at its timeout when it has ended, and one without a timeout resting', () => {
    const p = rig();
    p.tell(quote(1_000, 99.5, 99.7));
    p.tell(touchTarget(1_000, 1, 5_000));
    const b1 = step(step(createOrder(p.order(0), BTC), { type: 'submit', ts: 1_001 }), { type: 'fill', ts: 2_000, quantity: 1_000, price: 9_950 });
    p.update(b1);
    p.fill(b1, 1_000, 1_000);
    p.advance(10_000);
    expect(p.said()).toEqual(['buy 1000 s-BTC-1']);

    p.tell(touchTarget(20_000, 0)); // no timeout: the sell rests however long
    expect(p.said(1)).toEqual(['sell 1000 s-BTC-2']);
    p.advance(10_000_000);
    expect(p.said(2)).toEqual([]);
  });

  it('does not cancel again at its timeout an order it is already cancelling', async () => {
    const p = rig();
    p.tell(quote(1_000, 99.5, 99.7));
    p.tell(touchTarget(1_000, 1, 5_000));
    p.update(step(createOrder(p.order(0), BTC), { type: 'submit', ts: 1_001 }));
    p.target(2_000, 0); // back to flat: the buy is cancelled now
    expect(p.said()).toEqual(['buy 1000 s-BTC-1', 'cancel s-BTC-1']);
    p.advance(6_000);
    expect(p.said(2)).toEqual([]);
    expect(await p.stats()).toMatchObject({ cancels: 1, timeouts: 0 });
  });

  it('counts non-zero targets that round to zero lots, and orders nothing for them', async () => {
    const fine = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.00001' });
    const p = rig(fine);
    p.target(1_000, 0.000004);
    p.target(2_000, 0);
    p.target(3_000, 0.000015);
    expect(p.said()).toEqual(['buy 1 s-BTC-1']);
    expect(await p.stats()).toMatchObject({ targets: 3, orders: 1, roundedToZero: 1 });
  });
});
