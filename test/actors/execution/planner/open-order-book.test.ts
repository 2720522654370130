import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpenOrderBook, type PlannerOpenOrder } from '../../../../actors/execution/planner/open-order-book.js';
import { createClientOrderIdFactory, planWithCancels } from '../../../../actors/execution/planner/order-planner.js';
import { createInstrument } from '../../../../src/model/instrument.js';
import type { OrderStatus } from '../../../../src/model/order-transitions.js';
import type { TargetPosition } from '../../../../src/model/signal.js';

const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });

function target(lots: number): TargetPosition {
  return { type: 'target', exchange: 'binance', symbol: 'BTCUSDT', ts: 1_000, strategy: 's1', target: lots / 1000, orderType: 'market', limitPrice: undefined };
}

/** The totals worked out from the orders themselves. */
function recount(orders: Iterable<PlannerOpenOrder>) {
  const t = { workingBuy: 0, workingSell: 0, workingBuyCount: 0, workingSellCount: 0, pendingCancelBuy: 0, pendingCancelSell: 0 };
  for (const o of orders) {
    const remaining = o.quantity - o.filledQuantity;
    if (o.status === 'PENDING_CANCEL') {
      if (o.side === 'buy') t.pendingCancelBuy += remaining;
      else t.pendingCancelSell += remaining;
    } else if (o.side === 'buy') {
      t.workingBuy += remaining;
      t.workingBuyCount++;
    } else {
      t.workingSell += remaining;
      t.workingSellCount++;
    }
  }
  return t;
}

function totals(book: OpenOrderBook) {
  const { workingBuy, workingSell, workingBuyCount, workingSellCount, pendingCancelBuy, pendingCancelSell } = book;
  return { workingBuy, workingSell, workingBuyCount, workingSellCount, pendingCancelBuy, pendingCancelSell };
}

const STATUSES: readonly OrderStatus[] = ['INITIALIZED', 'SUBMITTED', 'ACCEPTED', 'PARTIALLY_FILLED', 'PENDING_CANCEL'];

/** A random life of a book: orders added, filled, sent to cancel, refused, ended. */
const operations = fc.array(
  fc.record({
    kind: fc.constantFrom('add', 'update', 'remove'),
    id: fc.integer({ min: 0, max: 7 }),
    side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
    quantity: fc.integer({ min: 1, max: 2_000 }),
    filledShare: fc.integer({ min: 0, max: 99 }),
    status: fc.constantFrom(...STATUSES),
  }),
  { maxLength: 40 },
);

function play(ops: readonly { kind: string; id: number; side: 'buy' | 'sell'; quantity: number; filledShare: number; status: OrderStatus }[]): OpenOrderBook {
  const book = new OpenOrderBook();
  for (const op of ops) {
    const id = `o${op.id}`;
    if (op.kind === 'add') book.add({ clientOrderId: id, side: op.side, quantity: op.quantity, filledQuantity: 0, status: op.status });
    else if (op.kind === 'remove') book.remove(id);
    else {
      const o = book.get(id);
      if (o !== undefined) book.update(id, Math.floor((o.quantity * op.filledShare) / 100), op.status); // test data: any share below the whole
    }
  }
  return book;
}

describe('OpenOrderBook', () => {
  it('keeps its totals equal to a recount of its orders through any sequence of changes (property)', () => {
    fc.assert(
      fc.property(operations, (ops) => {
        const book = play(ops);
        expect(totals(book)).toEqual(recount(book));
      }),
    );
  });

  it('keeps creation order, and a re-added id goes last', () => {
    const book = new OpenOrderBook();
    for (const id of ['a', 'b', 'c']) book.add({ clientOrderId: id, side: 'buy', quantity: 1, filledQuantity: 0, status: 'ACCEPTED' });
    book.add({ clientOrderId: 'a', side: 'buy', quantity: 2, filledQuantity: 0, status: 'ACCEPTED' });
    expect([...book].map((o) => o.clientOrderId)).toEqual(['b', 'c', 'a']);
    expect(book.workingBuy).toBe(4);
  });

  it('plans from its totals exactly what the walk over the same orders plans (property)', () => {
    fc.assert(
      fc.property(operations, fc.integer({ min: -6_000, max: 6_000 }), fc.integer({ min: -3_000, max: 3_000 }), (ops, t, position) => {
        const book = play(ops);
        const fromBook = planWithCancels(target(t), position, book, btc, createClientOrderIdFactory());
        const fromWalk = planWithCancels(target(t), position, [...book], btc, createClientOrderIdFactory());
        expect(fromBook).toEqual(fromWalk);
      }),
    );
  });
});
