import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderRegistry } from '../../../../actors/execution/orders/order-registry.js';
import { createInstrument, type Instrument } from '../../../../src/model/instrument.js';
import { snapshotOf, type NewOrder, type OrderEvent, type OrderSide } from '../../../../src/model/order.js';
import { ORDER_EVENT_TYPES, ORDER_TRANSITIONS, isTerminalStatus, type OrderEventType } from '../../../../src/model/order-transitions.js';

const instruments: Record<string, Instrument> = {
  BTCUSDT: createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' }),
  ETHUSDT: createInstrument({ symbol: 'ETHUSDT', priceIncrement: '0.01', sizeIncrement: '0.0001' }),
};

function spec(id: string, symbol: string, side: OrderSide, quantity: number, ts = 1): NewOrder {
  return { clientOrderId: id, exchange: 'x', symbol, side, type: 'market', quantity, ts };
}

function create(reg: OrderRegistry, s: NewOrder) {
  return reg.create(s, instruments[s.symbol] as Instrument);
}

describe('OrderRegistry', () => {
  it('returns the existing order for a duplicate client order id and counts it', () => {
    const reg = new OrderRegistry();
    const first = create(reg, spec('a', 'BTCUSDT', 'buy', 1000));
    const again = create(reg, spec('a', 'BTCUSDT', 'sell', 5000, 2));
    expect(first.ok && first.created).toBe(true);
    expect(again.ok && !again.created).toBe(true);
    if (first.ok && again.ok) expect(again.order).toBe(first.order);
    expect(reg.size).toBe(1);
    expect(reg.counters.duplicates).toBe(1);
    expect(reg.counters.created).toBe(1);
  });

  it('stays idempotent after the order closed', () => {
    const reg = new OrderRegistry();
    create(reg, spec('a', 'BTCUSDT', 'buy', 1000));
    reg.apply('a', { type: 'deny', ts: 2, reason: 'HALTED' });
    const again = create(reg, spec('a', 'BTCUSDT', 'buy', 1000));
    expect(again.ok && again.order!.status).toBe('DENIED');
    expect(reg.counters.duplicates).toBe(1);
  });

  it('refuses an invalid request without storing it', () => {
    const reg = new OrderRegistry();
    const bad = create(reg, spec('a', 'BTCUSDT', 'buy', 0));
    expect(bad.ok ? 'ok' : bad.code).toBe('INVALID_ORDER');
    expect(reg.has('a')).toBe(false);
    expect(reg.counters.invalid).toBe(1);
  });

  it('counts illegal transitions and events for unknown orders', () => {
    const reg = new OrderRegistry();
    create(reg, spec('a', 'BTCUSDT', 'buy', 1000));
    expect(reg.apply('a', { type: 'accept', ts: 2 })?.code).toBe('ILLEGAL_TRANSITION');
    expect(reg.apply('zz', { type: 'cancel', ts: 2 })?.code).toBe('UNKNOWN_ORDER');
    expect(reg.counters.illegalTransitions).toBe(1);
    expect(reg.counters.refused).toEqual({ ILLEGAL_TRANSITION: 1, OVERFILL: 0, INVALID_FILL: 0, UNKNOWN_ORDER: 1 });
    expect(reg.get('a')?.status).toBe('INITIALIZED');
  });

  it('lists open orders per symbol and the signed quantity they still cover', () => {
    const reg = new OrderRegistry();
    create(reg, spec('b1', 'BTCUSDT', 'buy', 3000));
    create(reg, spec('s1', 'BTCUSDT', 'sell', 1000));
    create(reg, spec('e1', 'ETHUSDT', 'buy', 7));
    reg.apply('b1', { type: 'submit', ts: 2 });
    reg.apply('b1', { type: 'fill', ts: 3, quantity: 1200, price: 100 });
    expect(reg.openCoverage('x:BTCUSDT')).toBe(1800 - 1000);
    reg.apply('s1', { type: 'deny', ts: 4, reason: 'MAX_POSITION' });
    expect(reg.openCoverage('x:BTCUSDT')).toBe(1800);
    expect(reg.openOrders('x:BTCUSDT').map((o) => o.clientOrderId)).toEqual(['b1']);
    expect(reg.openCount()).toBe(2);
    reg.apply('b1', { type: 'requestCancel', ts: 5 });
    expect(reg.openCoverage('x:BTCUSDT')).toBe(1800); // a pending cancel may still fill
    reg.apply('b1', { type: 'cancel', ts: 6 });
    expect(reg.openCoverage('x:BTCUSDT')).toBe(0);
    expect(reg.openOrders('x:BTCUSDT')).toEqual([]);
    expect(reg.openCoverage('x:ETHUSDT')).toBe(7);
    expect(reg.countByStatus()).toMatchObject({ CANCELED: 1, DENIED: 1, INITIALIZED: 1 });
  });

  it('forgets the oldest closed orders past retainClosed but keeps their counts', () => {
    const reg = new OrderRegistry({ retainClosed: 2 });
    for (const id of ['a', 'b', 'c']) {
      create(reg, spec(id, 'BTCUSDT', 'buy', 1000));
      reg.apply(id, { type: 'deny', ts: 2 });
    }
    create(reg, spec('open', 'BTCUSDT', 'buy', 1000));
    expect(reg.has('a')).toBe(false);
    expect(reg.has('b') && reg.has('c') && reg.has('open')).toBe(true);
    expect(reg.countByStatus().DENIED).toBe(3);
  });

  it('keeps the newest closed orders whole and only the ids of older ones, which stay idempotent', () => {
    const reg = new OrderRegistry({ retainClosed: 3, keepClosed: 1 });
    for (const id of ['a', 'b', 'c', 'd']) {
      create(reg, spec(id, 'BTCUSDT', 'buy', 1000));
      reg.apply(id, { type: 'deny', ts: 2 });
    }
    create(reg, spec('open', 'BTCUSDT', 'buy', 1000));
    expect(['a', 'b', 'c', 'd', 'open'].map((id) => reg.has(id))).toEqual([false, true, true, true, true]);
    expect([...reg.orders()].map((o) => o.clientOrderId)).toEqual(['d', 'open']);
    expect(reg.get('b')).toBeUndefined();
    expect(reg.size).toBe(4);
    // An id remembered alone is still a duplicate: no second order; an event for it finds no order.
    expect(create(reg, spec('b', 'BTCUSDT', 'sell', 5000))).toEqual({ ok: true, order: undefined, created: false });
    expect(create(reg, spec('d', 'BTCUSDT', 'sell', 5000))).toMatchObject({ ok: true, created: false, order: { side: 'buy' } });
    expect(reg.counters.duplicates).toBe(2);
    expect(reg.apply('b', { type: 'cancel', ts: 3 })?.code).toBe('UNKNOWN_ORDER');
    // A forgotten id is free again.
    expect(create(reg, spec('a', 'BTCUSDT', 'sell', 5000))).toMatchObject({ ok: true, created: true });
    expect(reg.countByStatus().DENIED).toBe(4);
  });

  it('remembers exactly the newest retainClosed closed ids and keeps exactly the newest keepClosed whole (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3_000 }), (retain, keep, n) => {
        const reg = new OrderRegistry({ retainClosed: retain, keepClosed: keep });
        for (let i = 0; i < n; i++) {
          create(reg, spec(`o${i}`, 'BTCUSDT', 'buy', 1000));
          reg.apply(`o${i}`, { type: 'deny', ts: 2 });
        }
        const whole = Math.min(keep, retain);
        for (let i = Math.max(0, n - retain - 2); i < n; i++) {
          expect(reg.has(`o${i}`)).toBe(i >= n - retain);
          expect(reg.get(`o${i}`) !== undefined).toBe(i >= n - whole);
        }
        expect(reg.size).toBe(Math.min(n, retain));
        expect([...reg.orders()].length).toBe(Math.min(n, whole));
      }),
      { numRuns: 300 },
    );
  });
});

// Commands over a small pool of ids, so duplicates and events for unknown ids are common.
type Command =
  | { kind: 'create'; id: string; symbol: string; side: OrderSide; quantity: number }
  | { kind: 'event'; id: string; event: OrderEvent };

const ids = ['o1', 'o2', 'o3', 'o4', 'o5'];
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('create' as const),
    id: fc.constantFrom(...ids),
    symbol: fc.constantFrom('BTCUSDT', 'ETHUSDT'),
    side: fc.constantFrom<OrderSide>('buy', 'sell'),
    quantity: fc.integer({ min: 1, max: 5000 }),
  }),
  fc.record({
    kind: fc.constant('event' as const),
    id: fc.constantFrom(...ids),
    event: fc.oneof(
      fc.record({
        type: fc.constantFrom(...ORDER_EVENT_TYPES.filter((e): e is Exclude<OrderEventType, 'fill'> => e !== 'fill')),
        ts: fc.nat(1000),
      }),
      fc.record({
        type: fc.constant('fill' as const),
        ts: fc.nat(1000),
        quantity: fc.integer({ min: 0, max: 3000 }),
        price: fc.integer({ min: 1, max: 1_000_000 }),
      }),
    ),
  }),
);

describe('OrderRegistry (property)', () => {
  it('never applies an illegal transition, counts every refusal, and never makes a second order for an id', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 80 }), (commands) => {
        const reg = new OrderRegistry();
        const firstSpec = new Map<string, NewOrder>();
        let illegal = 0;
        let duplicates = 0;
        for (const c of commands) {
          if (c.kind === 'create') {
            const s = spec(c.id, c.symbol, c.side, c.quantity);
            const result = create(reg, s);
            expect(result.ok).toBe(true);
            if (!result.ok) continue;
            expect(result.created).toBe(!firstSpec.has(c.id));
            if (result.created) firstSpec.set(c.id, s);
            else duplicates++;
            const first = firstSpec.get(c.id) as NewOrder;
            expect(result.order!.side).toBe(first.side);
            expect(result.order!.quantity).toBe(first.quantity);
            continue;
          }
          const live = reg.get(c.id);
          // The registry moves its one object per id in place: keep a copy of where it stood.
          const before = live === undefined ? undefined : { ...snapshotOf(live), version: live.version };
          const refusal = reg.apply(c.id, c.event);
          if (before === undefined) {
            expect(refusal?.code).toBe('UNKNOWN_ORDER');
            continue;
          }
          const now = reg.get(c.id);
          const entry = ORDER_TRANSITIONS[before.status][c.event.type];
          if (entry === undefined) {
            illegal++;
            expect(refusal?.code).toBe('ILLEGAL_TRANSITION');
            expect({ ...snapshotOf(now!), version: now!.version }).toEqual(before);
          } else if (refusal === undefined) {
            expect(isTerminalStatus(before.status)).toBe(false);
            expect(now).toBe(live);
            expect(now!.version).toBe(before.version + 1);
            expect(now!.timestamps[now!.status]).toBe(c.event.ts);
          } else {
            expect(c.event.type).toBe('fill'); // a legal event is refused only for its quantity
            expect({ ...snapshotOf(now!), version: now!.version }).toEqual(before);
          }
        }
        expect(reg.size).toBe(firstSpec.size);
        expect(reg.counters.created).toBe(firstSpec.size);
        expect(reg.counters.duplicates).toBe(duplicates);
        expect(reg.counters.illegalTransitions).toBe(illegal);
        const counts = reg.countByStatus();
        expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(firstSpec.size);
        for (const symbol of ['BTCUSDT', 'ETHUSDT']) {
          let cover = 0;
          for (const o of reg.orders()) {
            if (o.symbol !== symbol || isTerminalStatus(o.status)) continue;
            cover += (o.side === 'buy' ? 1 : -1) * (o.quantity - o.filledQuantity);
          }
          expect(reg.openCoverage(`x:${symbol}`)).toBe(cover);
        }
      }),
      { numRuns: 500 },
    );
  });
});
