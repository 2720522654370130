import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { executionActor, type ExecutionConfig, type ExecutionMessage, type ExecutionSnapshot } from '../../../../actors/execution/orders/execution-actor.js';
import type { OrderUpdate } from '../../../../actors/execution/execution-messages.js';
import type { VenueCancel, VenueSubmit } from '../../../../actors/execution/venues/venue.js';
import { fillEvent } from '../../../../actors/execution/venues/venue-events.js';
import type { Fill } from '../../../../src/model/fill.js';
import { createInstrument, type Instrument } from '../../../../src/model/instrument.js';
import { applyOrderEvent, createOrder, snapshotOf, type NewOrder, type Order, type OrderSide, type OrderView } from '../../../../src/model/order.js';
import { NOTHING_RECOVERED } from '../../../../src/model/trading-recovery.js';
import type { ActorRef } from '../../../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../../../src/runtime/actor-system.js';
import { SECOND, SimulatedClock } from '../../../../src/runtime/clock.js';
import { recordingActor, type Received } from '../../../support/recording-actor.js';

const T0 = 1_700_000_000 * SECOND;
const TIMEOUT = 5 * SECOND;
const BTC = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.001', quotePrecision: 2 });

type VenueMessage = VenueSubmit | VenueCancel;

/** The execution actor wired to a recording fake venue, on a simulated clock. */
interface Rig {
  readonly system: ActorSystem;
  readonly clock: SimulatedClock;
  readonly execution: ActorRef<ExecutionMessage>;
  /** Everything the venue received. */
  readonly venue: Received<VenueMessage>[];
  /** Every order update published on `exec.order`. */
  readonly updates: Received<OrderUpdate>[];
  send(message: ExecutionMessage): void;
  ask<R>(message: ExecutionMessage): Promise<R>;
}

function rig(approval: 'auto' | 'manual' = 'manual', extra: Partial<ExecutionConfig> = {}): Rig {
  const clock = new SimulatedClock(T0);
  const system = createActorSystem({ clock });
  const venue: Received<VenueMessage>[] = [];
  const updates: Received<OrderUpdate>[] = [];
  const venueRef = system.spawn(recordingActor<VenueMessage>(venue, [], 'venue'));
  system.spawn(recordingActor<OrderUpdate>(updates, ['exec.order'], 'order-watch'));
  const config: ExecutionConfig = {
    instruments: new Map<string, Instrument>([['x:BTC', BTC]]),
    quotePrecision: 2,
    initialCash: '100000',
    approval,
    approvalTimeoutUs: TIMEOUT,
    venue: venueRef,
    venueTopic: 'venue.paper',
    keepFills: true,
    ...extra,
  };
  const execution = system.spawn(executionActor, { config });
  system.runUntilIdle();
  return {
    system,
    clock,
    execution,
    venue,
    updates,
    send(message) {
      execution.tell(message);
      system.runUntilIdle();
    },
    async ask<R>(message: ExecutionMessage) {
      const reply = execution.ask<R>(message);
      system.runUntilIdle();
      return reply;
    },
  };
}

function order(clientOrderId: string, ts: number, side: OrderSide = 'buy', quantity = 1000): NewOrder {
  return { clientOrderId, exchange: 'x', symbol: 'BTC', side, type: 'market', quantity, limitPrice: undefined, ts };
}

async function statusOf(r: Rig, id: string): Promise<string | undefined> {
  const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
  return snap.orders.find((o) => o.clientOrderId === id)?.status;
}

async function pending(r: Rig): Promise<string[]> {
  const list = await r.ask<OrderView[]>({ type: 'pending_approvals' });
  return list.map((o) => o.clientOrderId);
}

function submitted(r: Rig): string[] {
  return r.venue.filter((v) => v.message.type === 'venue_submit').map((v) => (v.message as VenueSubmit).order.clientOrderId);
}

describe('execution actor: manual approval', () => {
  it('holds an order in PENDING_APPROVAL and sends nothing to the venue until it is approved', async () => {
    const r = rig();
    r.send({ type: 'order_request', order: order('a', T0) });
    r.clock.advanceTo(T0 + TIMEOUT - 1);
    expect(r.venue).toEqual([]);
    expect(await statusOf(r, 'a')).toBe('PENDING_APPROVAL');
    const waiting = await r.ask<OrderView[]>({ type: 'pending_approvals' });
    expect(waiting).toEqual([expect.objectContaining({ clientOrderId: 'a', symbol: 'BTC', side: 'buy', type: 'market', status: 'PENDING_APPROVAL', quantity: '1.000', filledQuantity: '0.000' })]);

    r.send({ type: 'approve', clientOrderId: 'a' });
    expect(r.venue).toHaveLength(1);
    expect(r.venue[0]!.at).toBe(T0 + TIMEOUT - 1);
    expect(r.venue[0]!.message).toEqual({ type: 'venue_submit', order: { clientOrderId: 'a', exchange: 'x', symbol: 'BTC', side: 'buy', type: 'market', quantity: 1000, limitPrice: undefined, ts: T0 + TIMEOUT - 1 } });
    expect(await statusOf(r, 'a')).toBe('SUBMITTED');
    expect(await pending(r)).toEqual([]);
    expect(r.updates.map((u) => u.message.status)).toEqual(['INITIALIZED', 'PENDING_APPROVAL', 'SUBMITTED']);

    // The approval cancelled the expiry timer: passing the deadline changes nothing.
    r.clock.advanceTo(T0 + 10 * TIMEOUT);
    expect(await statusOf(r, 'a')).toBe('SUBMITTED');
    expect(r.venue).toHaveLength(1);
  });

  it('sends an order straight to the venue when approval is auto (the contrast)', async () => {
    const r = rig('auto');
    r.send({ type: 'order_request', order: order('a', T0) });
    expect(submitted(r)).toEqual(['a']);
    expect(await pending(r)).toEqual([]);
  });

  it('ends a rejected order REJECTED with the operator reason, and nothing reaches the venue', async () => {
    const r = rig();
    r.send({ type: 'order_request', order: order('a', T0) });
    r.clock.advanceTo(T0 + SECOND);
    r.send({ type: 'reject', clientOrderId: 'a', reason: 'operator said no' });
    const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
    expect(snap.orders).toEqual([expect.objectContaining({ clientOrderId: 'a', status: 'REJECTED', reason: 'operator said no', updatedTs: T0 + SECOND })]);
    expect(snap.ordersByStatus.REJECTED).toBe(1);
    expect(snap.ordersByStatus.PENDING_APPROVAL).toBe(0);
    expect(await pending(r)).toEqual([]);
    // A late approval, and the deadline passing, change nothing.
    r.send({ type: 'approve', clientOrderId: 'a' });
    r.clock.advanceTo(T0 + 10 * TIMEOUT);
    expect(await statusOf(r, 'a')).toBe('REJECTED');
    expect(r.venue).toEqual([]);
  });

  it('expires an order after approvalTimeoutUs of engine time, and a later approval sends nothing', async () => {
    const r = rig();
    r.clock.advanceTo(T0 + 3 * SECOND);
    r.send({ type: 'order_request', order: order('a', T0 + 3 * SECOND) });
    r.clock.advanceTo(T0 + 3 * SECOND + TIMEOUT - 1);
    expect(await statusOf(r, 'a')).toBe('PENDING_APPROVAL');
    r.clock.advanceTo(T0 + 3 * SECOND + TIMEOUT);
    const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
    expect(snap.orders).toEqual([expect.objectContaining({ clientOrderId: 'a', status: 'EXPIRED', updatedTs: T0 + 3 * SECOND + TIMEOUT })]);
    expect(snap.illegalTransitions).toBe(0);
    expect(await pending(r)).toEqual([]);
    r.send({ type: 'approve', clientOrderId: 'a' });
    expect(await statusOf(r, 'a')).toBe('EXPIRED');
    expect(r.venue).toEqual([]);
  });

  it('lists every order waiting for approval, in arrival order, and only those', async () => {
    const r = rig();
    for (const id of ['a', 'b', 'c', 'd']) r.send({ type: 'order_request', order: order(id, T0) });
    expect(await pending(r)).toEqual(['a', 'b', 'c', 'd']);
    r.send({ type: 'approve', clientOrderId: 'b' });
    r.send({ type: 'reject', clientOrderId: 'd', reason: 'no' });
    expect(await pending(r)).toEqual(['a', 'c']);
    expect(submitted(r)).toEqual(['b']);
    // Each order keeps its own deadline: one that arrives later expires later.
    r.clock.advanceTo(T0 + SECOND);
    r.send({ type: 'order_request', order: order('e', T0 + SECOND) });
    r.clock.advanceTo(T0 + TIMEOUT);
    expect(await pending(r)).toEqual(['e']);
    r.clock.advanceTo(T0 + SECOND + TIMEOUT);
    expect(await pending(r)).toEqual([]);
    expect(submitted(r)).toEqual(['b']);
  });

  it('never creates a second order for a duplicate client order id, whatever state the first is in', async () => {
    const r = rig();
    r.send({ type: 'order_request', order: order('a', T0) });
    r.send({ type: 'order_request', order: order('a', T0, 'sell', 5000) });
    expect(await pending(r)).toEqual(['a']);
    r.send({ type: 'approve', clientOrderId: 'a' });
    r.send({ type: 'order_request', order: order('a', T0) });
    r.send({ type: 'approve', clientOrderId: 'a' });
    expect(submitted(r)).toEqual(['a']);

    r.send({ type: 'order_request', order: order('b', T0) });
    r.send({ type: 'reject', clientOrderId: 'b', reason: 'no' });
    r.send({ type: 'order_request', order: order('b', T0) });
    expect(await pending(r)).toEqual([]);

    const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
    expect(snap.orders.map((o) => [o.clientOrderId, o.status, o.side, o.quantity])).toEqual([
      ['a', 'SUBMITTED', 'buy', '1.000'],
      ['b', 'REJECTED', 'buy', '1.000'],
    ]);
    expect(snap.duplicateOrders).toBe(3);
    expect(submitted(r)).toEqual(['a']);
  });

  it('property: over random operator and order sequences, only approved pending orders reach the venue, each once', async () => {
    const ids = ['a', 'b', 'c'];
    const step = fc.oneof(
      fc.record({ kind: fc.constant('request' as const), id: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('approve' as const), id: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('reject' as const), id: fc.constantFrom(...ids) }),
      fc.record({ kind: fc.constant('advance' as const), us: fc.integer({ min: 1, max: 2 * TIMEOUT }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 30 }), async (steps) => {
        const r = rig();
        // The model: what each id's order should be, by the rules of manual approval.
        const model = new Map<string, { status: string; deadline: number; rejectedAfterApproval: boolean }>();
        let now = T0;
        const expireDue = () => {
          for (const m of model.values()) if (m.status === 'PENDING_APPROVAL' && m.deadline <= now) m.status = 'EXPIRED';
        };
        for (const s of steps) {
          if (s.kind === 'advance') {
            now += s.us;
            r.clock.advanceTo(now);
            expireDue();
          } else if (s.kind === 'request') {
            r.send({ type: 'order_request', order: order(s.id, now) });
            if (!model.has(s.id)) model.set(s.id, { status: 'PENDING_APPROVAL', deadline: now + TIMEOUT, rejectedAfterApproval: false });
          } else if (s.kind === 'approve') {
            r.send({ type: 'approve', clientOrderId: s.id });
            const m = model.get(s.id);
            if (m?.status === 'PENDING_APPROVAL') m.status = 'SUBMITTED';
          } else {
            r.send({ type: 'reject', clientOrderId: s.id, reason: 'no' });
            const m = model.get(s.id);
            if (m?.status === 'PENDING_APPROVAL') m.status = 'REJECTED';
            else if (m?.status === 'SUBMITTED') m.rejectedAfterApproval = true;
          }
        }
        const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
        // An operator reject after approval is the bug pinned by the `it.fails` below; those
        // orders' statuses are left out here so this property keeps guarding the rest.
        const judged = [...model].filter(([, m]) => !m.rejectedAfterApproval);
        const actual = Object.fromEntries(snap.orders.filter((o) => judged.some(([id]) => id === o.clientOrderId)).map((o) => [o.clientOrderId, o.status]));
        const expected = Object.fromEntries(judged.map(([id, m]) => [id, m.status]));
        expect(snap.orders).toHaveLength(model.size);
        expect(actual).toEqual(expected);
        const sent = submitted(r);
        expect(new Set(sent).size).toBe(sent.length);
        expect(sent.sort()).toEqual([...model].filter(([, m]) => m.status === 'SUBMITTED').map(([id]) => id).sort());
      }),
      { numRuns: 150 },
    );
  });

  // BUG (reported): `reject` is the operator refusing an order waiting for approval, but the
  // execution actor applies it whatever the order's state (unlike `approve`, which checks). The
  // table lets `reject` move SUBMITTED and ACCEPTED orders (the venue's reject), so an operator
  // reject of an approved order marks it REJECTED while the venue keeps working it; and a reject
  // of a closed order is counted as an illegal transition (a figure in report.json).
  it('ignores an operator reject of an order that is not waiting for approval', async () => {
    const r = rig();
    r.send({ type: 'order_request', order: order('a', T0) });
    r.send({ type: 'approve', clientOrderId: 'a' });
    r.send({ type: 'reject', clientOrderId: 'a', reason: 'too late' });
    expect(await statusOf(r, 'a')).toBe('SUBMITTED');
    r.send({ type: 'order_request', order: order('b', T0) });
    r.clock.advanceTo(T0 + TIMEOUT);
    r.send({ type: 'reject', clientOrderId: 'b', reason: 'too late' });
    const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
    expect(snap.orders.map((o) => o.status)).toEqual(['SUBMITTED', 'EXPIRED']);
    expect(snap.illegalTransitions).toBe(0);
  });

  // BUG (reported): the table allows PENDING_APPROVAL --cancel--> CANCELED, but the actor answers
  // every `cancel` with `requestCancel` (illegal in PENDING_APPROVAL, so refused). The planner
  // cancels a waiting order when the target flips, so in manual mode it stays pending and an
  // operator can still approve an order the planner has given up on.
  it('cancels an order waiting for approval at once, without a word to the venue', async () => {
    const r = rig();
    r.send({ type: 'order_request', order: order('a', T0) });
    r.send({ type: 'cancel', clientOrderId: 'a' });
    expect(await statusOf(r, 'a')).toBe('CANCELED');
    expect(r.venue).toEqual([]);
  });

  it('keeps only the configured number of closed orders, so a long run stays flat', async () => {
    const r = rig('manual', { keepFills: false, retainClosedOrders: 2 });
    for (const id of ['a', 'b', 'c', 'd']) {
      r.send({ type: 'order_request', order: order(id, T0) });
      r.send({ type: 'reject', clientOrderId: id, reason: 'no' });
    }
    r.send({ type: 'order_request', order: order('e', T0) });
    const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
    expect(snap.orders.map((o) => `${o.clientOrderId} ${o.status}`)).toEqual(['c REJECTED', 'd REJECTED', 'e PENDING_APPROVAL']);
    expect(snap.ordersByStatus.REJECTED).toBe(4); // counts survive the forgetting
  });

  it('numbers the changes of an order restored at a restart on from the journal\'s version', () => {
    let restored: Order = createOrder(order('r', T0), BTC);
    for (const event of [{ type: 'submit', ts: T0 + 1 }, { type: 'accept', ts: T0 + 2 }] as const) {
      const next = applyOrderEvent(restored, event);
      if (!next.ok) throw new Error(next.reason);
      restored = next.order;
    }
    const r = rig('auto', { recovered: { ...NOTHING_RECOVERED, openOrders: [snapshotOf(restored)], versions: new Map([['r', 7]]) } });
    r.send({ type: 'cancel', clientOrderId: 'r' });
    // As the journal decodes it: a plain order, no version of its own.
    expect(r.updates.map((u) => `${u.message.status} v${u.message.version}`)).toEqual(['PENDING_CANCEL v8']);
  });

  it('lists only the closed orders kept whole, and a remembered id still makes no second order', async () => {
    const r = rig('manual', { keepFills: false, retainClosedOrders: 3, keepClosedOrders: 1 });
    for (const id of ['a', 'b', 'c', 'd']) {
      r.send({ type: 'order_request', order: order(id, T0) });
      r.send({ type: 'reject', clientOrderId: id, reason: 'no' });
    }
    r.send({ type: 'order_request', order: order('b', T0) }); // remembered by id alone
    r.send({ type: 'order_request', order: order('a', T0) }); // forgotten: a new order
    const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
    expect(snap.orders.map((o) => `${o.clientOrderId} ${o.status}`)).toEqual(['d REJECTED', 'a PENDING_APPROVAL']);
    expect(snap.duplicateOrders).toBe(1);
    expect(snap.ordersByStatus).toMatchObject({ REJECTED: 4, PENDING_APPROVAL: 1 });
  });
});

describe('execution actor: equity sampling', () => {
  const trade = (tsRecv: number, price: number): ExecutionMessage => ({ type: 'trade', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, id: `t${tsRecv}`, price, amount: 1, side: 'buy' });
  const barAt = (closeTs: number, close: number): ExecutionMessage => ({
    type: 'trade_bar', exchange: 'x', symbol: 'BTC', ts: closeTs, tsRecv: closeTs, interval: '1m',
    open: close, high: close, low: close, close, volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: close, openTs: closeTs - 60 * SECOND, closeTs,
  });

  it('sees a dip between bars that recovers before the bar closes in max drawdown', async () => {
    const r = rig('auto');
    r.send(barAt(T0, 100));
    r.send({ type: 'order_request', order: order('a', T0, 'buy', 10_000) }); // 10 BTC
    const filled: Fill = { clientOrderId: 'a', exchange: 'x', symbol: 'BTC', side: 'buy', quantity: 10_000, price: 10_000, fee: 0n, liquidity: 'taker', ts: T0 };
    r.send({ type: 'venue_event', event: fillEvent(filled, 0, 'trade', T0) });
    r.send(trade(T0 + 10 * SECOND, 94.5)); // equity 99,945: 55 below the peak
    r.send(trade(T0 + 20 * SECOND, 100)); // recovered
    r.send(barAt(T0 + 60 * SECOND, 100)); // the bar closes where it opened
    const snap = await r.ask<ExecutionSnapshot>({ type: 'exec_snapshot' });
    expect(snap.portfolio.equity).toBe('100000.00');
    expect(snap.maxDrawdown).toBe('55.00');
  });
});
