import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderRegistry } from '../../../../actors/execution/orders/order-registry.js';
import {
  createClientOrderIdFactory,
  planOrders,
  planWithCancels,
  type ClientOrderIdFactory,
  type OpenOrderView,
} from '../../../../actors/execution/planner/order-planner.js';
import { createInstrument } from '../../../../src/model/instrument.js';
import type { NewOrder } from '../../../../src/model/order.js';
import type { TargetPosition } from '../../../../src/model/signal.js';
import { isTickflowError } from '../../../../src/runtime/errors.js';

// Price grid 0.01, size grid 0.001: lots are thousandths, ticks hundredths.
const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });
const eth = createInstrument({ symbol: 'ETHUSDT', priceIncrement: '0.05', sizeIncrement: '0.01' });

function target(value: number, extra: Partial<TargetPosition> = {}): TargetPosition {
  return {
    type: 'target',
    exchange: 'binance',
    symbol: 'BTCUSDT',
    ts: 1_000,
    strategy: 's1',
    target: value,
    orderType: 'market',
    limitPrice: undefined,
    ...extra,
  };
}

function signed(orders: readonly NewOrder[]): number {
  return orders.reduce((sum, o) => sum + (o.side === 'buy' ? o.quantity : -o.quantity), 0);
}

function open(id: string, side: 'buy' | 'sell', quantity: number, extra: Partial<OpenOrderView> = {}): OpenOrderView {
  return { clientOrderId: id, side, quantity, filledQuantity: 0, status: 'ACCEPTED', ...extra };
}

describe('planOrders', () => {
  it('plans nothing when position and open orders already make the target, and takes no id', () => {
    let calls = 0;
    const ids: ClientOrderIdFactory = () => `id-${++calls}`;
    expect(planOrders(target(1), 700, 300, btc, ids)).toEqual([]);
    expect(planOrders(target(0), 0, 0, btc, ids)).toEqual([]);
    expect(calls).toBe(0);
  });

  it('orders target minus position minus open coverage as a market order', () => {
    const orders = planOrders(target(1), 300, 200, btc, createClientOrderIdFactory());
    expect(orders).toEqual([
      { clientOrderId: 's1-BTCUSDT-1', exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', type: 'market', quantity: 500, limitPrice: undefined, ts: 1_000 },
    ]);
  });

  it('carries the target\'s cause to the order it plans', () => {
    const [o] = planOrders(target(1, { cause: 'trade_bar binance:BTCUSDT 1s 2000000' }), 0, 0, btc, createClientOrderIdFactory());
    expect(o?.cause).toBe('trade_bar binance:BTCUSDT 1s 2000000');
    const [l] = planOrders(target(1, { cause: 'trade binance:BTCUSDT #7', orderType: 'limit', limitPrice: 100 }), 0, 0, btc, createClientOrderIdFactory());
    expect(l?.cause).toBe('trade binance:BTCUSDT #7');
  });

  it('sells when the target is below what position and open orders make', () => {
    const [o] = planOrders(target(-0.5), 200, 0, btc, createClientOrderIdFactory());
    expect(o?.side).toBe('sell');
    expect(o?.quantity).toBe(700);
    // Open sells count: a short target already half covered needs only the rest.
    const [p] = planOrders(target(-0.5), 0, -200, btc, createClientOrderIdFactory());
    expect(p?.quantity).toBe(300);
  });

  it('plans only the remaining delta when the target flips against open orders (no cancels)', () => {
    // Flat, a buy of 0.5 open, target -0.3: sell 0.8, so that everything open lands on -0.3.
    const [o] = planOrders(target(-0.3), 0, 500, btc, createClientOrderIdFactory());
    expect(o?.side).toBe('sell');
    expect(o?.quantity).toBe(800);
  });

  it('rounds the target to the size increment toward zero, never past it', () => {
    const ids = createClientOrderIdFactory();
    // 1.5 lots -> 1, 2.5 -> 2, 3.5 -> 3, 3.9 -> 3: the order never makes more than the strategy asked.
    expect(planOrders(target(0.0015), 0, 0, btc, ids)[0]?.quantity).toBe(1);
    expect(planOrders(target(0.0025), 0, 0, btc, ids)[0]?.quantity).toBe(2);
    expect(planOrders(target(0.0035), 0, 0, btc, ids)[0]?.quantity).toBe(3);
    expect(planOrders(target(0.0039), 0, 0, btc, ids)[0]?.quantity).toBe(3);
    expect(planOrders(target(-0.0015), 0, 0, btc, ids)[0]).toMatchObject({ side: 'sell', quantity: 1 });
    // Below one increment rounds to zero: nothing to order.
    expect(planOrders(target(0.0009), 0, 0, btc, ids)).toEqual([]);
  });

  it('rounds toward zero on the issue\'s BTC grid: 0.000015 trades 0.00001, 0.000004 trades nothing and says so', () => {
    const fine = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' });
    const ids = createClientOrderIdFactory();
    expect(planOrders(target(0.000015), 0, 0, fine, ids)[0]?.quantity).toBe(1);
    const plan = planWithCancels(target(0.000004), 0, [], fine, ids);
    expect(plan).toMatchObject({ targetLots: 0, roundedToZero: true, orders: [] });
    // A target of zero is not a rounding, nor is one that keeps a lot.
    expect(planWithCancels(target(0), 0, [], fine, ids).roundedToZero).toBe(false);
    expect(planWithCancels(target(-0.000015), 0, [], fine, ids)).toMatchObject({ targetLots: -1, roundedToZero: false });
  });

  it('rounds to a size increment that is not a power of ten', () => {
    const inc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.5', sizeIncrement: '0.005' });
    // 0.0175 = 3.5 increments -> 3 -> 0.015 = 15 lots.
    expect(planOrders(target(0.0175), 0, 0, inc, createClientOrderIdFactory())[0]?.quantity).toBe(15);
  });

  it('places a limit order with its price snapped passively: buys down, sells up', () => {
    const ids = createClientOrderIdFactory();
    const buy = planOrders(target(1, { orderType: 'limit', limitPrice: 100.005 }), 0, 0, btc, ids)[0];
    expect(buy).toMatchObject({ side: 'buy', type: 'limit', limitPrice: 10_000 });
    const sell = planOrders(target(-1, { orderType: 'limit', limitPrice: 100.005 }), 0, 0, btc, ids)[0];
    expect(sell).toMatchObject({ side: 'sell', type: 'limit', limitPrice: 10_001 });
    const onGrid = planOrders(target(1, { orderType: 'limit', limitPrice: 100.01 }), 0, 0, btc, ids)[0];
    expect(onGrid?.limitPrice).toBe(10_001);
    // Grid of 0.05: a buy at 2000.07 rests at 2000.05, a sell at 2000.10.
    const e = target(1, { symbol: 'ETHUSDT', orderType: 'limit', limitPrice: 2000.07 });
    expect(planOrders(e, 0, 0, eth, ids)[0]?.limitPrice).toBe(200_005);
    expect(planOrders({ ...e, target: -1 }, 0, 0, eth, ids)[0]?.limitPrice).toBe(200_010);
  });

  it('refuses a limit target without a usable price and a target for another symbol', () => {
    const ids = createClientOrderIdFactory();
    const code = (f: () => unknown): string | undefined => {
      try {
        f();
        return undefined;
      } catch (e) {
        return isTickflowError(e) ? e.code : 'other';
      }
    };
    expect(code(() => planOrders(target(1, { orderType: 'limit' }), 0, 0, btc, ids))).toBe('ORDER_INVALID');
    expect(code(() => planOrders(target(1, { orderType: 'limit', limitPrice: 0.001 }), 0, 0, btc, ids))).toBe('ORDER_INVALID');
    expect(code(() => planOrders(target(Number.NaN), 0, 0, btc, ids))).toBe('ORDER_INVALID');
    expect(code(() => planOrders(target(1), 0, 0, eth, ids))).toBe('ORDER_INVALID');
    // Beyond 2^53 lots or ticks: no exact order can be made of it.
    expect(code(() => planOrders(target(1e20), 0, 0, btc, ids))).toBe('ORDER_INVALID');
    expect(code(() => planOrders(target(1, { orderType: 'limit', limitPrice: 1e20 }), 0, 0, btc, ids))).toBe('ORDER_INVALID');
  });

  it('gives deterministic ids per strategy and symbol, the same on a replay', () => {
    const run = (): string[] => {
      const ids = createClientOrderIdFactory();
      return [
        target(1),
        target(2),
        target(1, { symbol: 'ETHUSDT' }),
        target(3, { strategy: 's2' }),
        target(4),
      ].map((t, i) => planOrders(t, i, 0, t.symbol === 'ETHUSDT' ? eth : btc, ids)[0]?.clientOrderId ?? '');
    };
    const first = run();
    expect(first).toEqual(['s1-BTCUSDT-1', 's1-BTCUSDT-2', 's1-ETHUSDT-1', 's2-BTCUSDT-1', 's1-BTCUSDT-3']);
    expect(run()).toEqual(first);
  });

  it('takes its coverage from the order registry', () => {
    const reg = new OrderRegistry();
    const ids = createClientOrderIdFactory();
    for (const o of planOrders(target(1), 0, reg.openCoverage('binance:BTCUSDT'), btc, ids)) reg.create(o, btc);
    // The same target again: the open order covers it.
    expect(planOrders(target(1), 0, reg.openCoverage('binance:BTCUSDT'), btc, ids)).toEqual([]);
    // Half filled: position 0.5, the order still covers 0.5.
    reg.apply('s1-BTCUSDT-1', { type: 'submit', ts: 2 });
    reg.apply('s1-BTCUSDT-1', { type: 'fill', ts: 3, quantity: 500, price: 10_000 });
    expect(planOrders(target(1), 500, reg.openCoverage('binance:BTCUSDT'), btc, ids)).toEqual([]);
    expect(planOrders(target(2), 500, reg.openCoverage('binance:BTCUSDT'), btc, ids)[0]?.quantity).toBe(1_000);
  });

  it('lands position plus coverage plus the order exactly on the rounded target (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: -10_000, max: 10_000 }), (t, pos, cov) => {
        const value = t / 1000; // on the grid exactly
        const orders = planOrders(target(value), pos, cov, btc, createClientOrderIdFactory());
        expect(orders.length).toBeLessThanOrEqual(1);
        for (const o of orders) expect(o.quantity).toBeGreaterThan(0);
        expect(pos + cov + signed(orders)).toBe(t);
      }),
    );
  });
});

describe('planWithCancels', () => {
  it('cancels open orders on the wrong side and orders the whole move', () => {
    const plan = planWithCancels(target(-0.3), 0, [open('b1', 'buy', 500)], btc, createClientOrderIdFactory());
    expect(plan.cancels).toEqual([{ type: 'cancel_request', clientOrderId: 'b1', exchange: 'binance', symbol: 'BTCUSDT', reason: 'WRONG_SIDE', ts: 1_000 }]);
    expect(plan.orders).toMatchObject([{ side: 'sell', quantity: 300 }]);
    expect(plan.delta).toBe(-300);
  });

  it('keeps right-side orders that fit, cancels the one that would overshoot, orders the rest', () => {
    const orders = [open('b1', 'buy', 300), open('b2', 'buy', 200, { quantity: 300, filledQuantity: 100 })];
    const plan = planWithCancels(target(0.8), 0, orders, btc, createClientOrderIdFactory());
    // Need 800: keep b1 (300), b2 has 200 left (keep: 500), order 300.
    expect(plan.cancels).toEqual([]);
    expect(plan.orders).toMatchObject([{ side: 'buy', quantity: 300 }]);
    expect(plan.delta).toBe(300);
    // Need 500 with 300, 400 and 200 open: keep b1, cancel b2 (700 > 500); b2 may still fill until
    // its cancel is confirmed, so b3 (which would make 900) goes too and nothing is ordered.
    const more = [open('b1', 'buy', 300), open('b2', 'buy', 400), open('b3', 'buy', 200)];
    const over = planWithCancels(target(0.5), 0, more, btc, createClientOrderIdFactory());
    expect(over.cancels.map((c) => [c.clientOrderId, c.reason])).toEqual([['b2', 'OVER_COVERED'], ['b3', 'OVER_COVERED']]);
    expect(over.orders).toEqual([]);
    expect(over.delta).toBe(0);
  });

  it('cancels everything open when the position already equals the target', () => {
    const plan = planWithCancels(target(1), 1_000, [open('b1', 'buy', 100), open('s1', 'sell', 100)], btc, createClientOrderIdFactory());
    expect(plan.cancels.map((c) => c.clientOrderId)).toEqual(['b1', 's1']);
    expect(plan.orders).toEqual([]);
  });

  it('counts an order pending cancel on the side of the move until it ends, and never cancels it again', () => {
    const plan = planWithCancels(target(1), 0, [open('b1', 'buy', 400, { status: 'PENDING_CANCEL' })], btc, createClientOrderIdFactory());
    expect(plan.cancels).toEqual([]);
    // The buy may still fill: order only what is left if it does.
    expect(plan.orders).toMatchObject([{ side: 'buy', quantity: 600 }]);
  });

  it('does not count an order pending cancel against the move: it may not fill', () => {
    const plan = planWithCancels(target(1), 0, [open('s1', 'sell', 400, { status: 'PENDING_CANCEL' })], btc, createClientOrderIdFactory());
    expect(plan.cancels).toEqual([]);
    expect(plan.orders).toMatchObject([{ side: 'buy', quantity: 1_000 }]);
  });

  it('orders nothing on a flip back while the earlier order is pending cancel (the issue\'s runaway)', () => {
    // +1 bought b1, -1 cancelled b1 and sold s1; back to +1: b1 may still fill, so no new buy.
    const orders = [open('b1', 'buy', 1_000, { status: 'PENDING_CANCEL' }), open('s1', 'sell', 1_000)];
    const plan = planWithCancels(target(1), 0, orders, btc, createClientOrderIdFactory());
    expect(plan.cancels.map((c) => [c.clientOrderId, c.reason])).toEqual([['s1', 'WRONG_SIDE']]);
    expect(plan.orders).toEqual([]);
    expect(plan.delta).toBe(0);
  });

  it('counts an order it cancels now as over-covering until the cancel is confirmed', () => {
    // Need 500, a buy of 1000 open: cancel it, and order nothing while it may still fill.
    const plan = planWithCancels(target(0.5), 0, [open('b1', 'buy', 1_000)], btc, createClientOrderIdFactory());
    expect(plan.cancels.map((c) => [c.clientOrderId, c.reason])).toEqual([['b1', 'OVER_COVERED']]);
    expect(plan.orders).toEqual([]);
    // The same on the sell side: nothing ordered is a delta of 0, never -0.
    const sells = planWithCancels(target(-0.5), 0, [open('s1', 'sell', 1_000)], btc, createClientOrderIdFactory());
    expect(sells.cancels.map((c) => [c.clientOrderId, c.reason])).toEqual([['s1', 'OVER_COVERED']]);
    expect(sells.delta).toBe(0);
    // Once it is gone (cancel confirmed), the same target orders the 500.
    expect(planWithCancels(target(0.5), 0, [], btc, createClientOrderIdFactory()).orders).toMatchObject([{ side: 'buy', quantity: 500 }]);
  });

  it('never plans past the target whatever the pending cancels do, and lands on it when none is pending (property)', () => {
    const openOrder = fc.record({
      side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
      quantity: fc.integer({ min: 1, max: 2_000 }),
      pending: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.integer({ min: -5_000, max: 5_000 }), fc.integer({ min: -5_000, max: 5_000 }), fc.array(openOrder, { maxLength: 6 }), (t, pos, raw) => {
        const orders = raw.map((o, i) => open(`o${i}`, o.side, o.quantity, { status: o.pending ? 'PENDING_CANCEL' : 'ACCEPTED' }));
        const plan = planWithCancels(target(t / 1000), pos, orders, btc, createClientOrderIdFactory());
        const cancelled = new Set(plan.cancels.map((c) => c.clientOrderId));
        expect(Object.is(plan.delta, -0) || Object.is(plan.targetLots, -0)).toBe(false);
        for (const o of orders) if (o.status === 'PENDING_CANCEL') expect(cancelled.has(o.clientOrderId)).toBe(false);
        const kept = orders.filter((o) => o.status !== 'PENDING_CANCEL' && !cancelled.has(o.clientOrderId));
        const mayFill = orders.filter((o) => o.status === 'PENDING_CANCEL' || cancelled.has(o.clientOrderId));
        const sum = (os: readonly { side: string; quantity: number }[], side: string): number => os.reduce((s, o) => s + (o.side === side ? o.quantity : 0), 0);
        const keptSigned = sum(kept, 'buy') - sum(kept, 'sell');
        // Kept and new orders lie on one side, the side of the move.
        const sides = new Set([...kept.map((o) => o.side), ...plan.orders.map((o) => o.side)]);
        expect(sides.size).toBeLessThanOrEqual(1);
        const target_ = t;
        // Worst case toward the target (every order on that side fills, pending cancel or not): the
        // plan never takes it past the target, nor past where the orders already open took it.
        const high = pos + sum(orders, 'buy');
        const low = pos - sum(orders, 'sell');
        if (target_ > pos) expect(high + sum(plan.orders, 'buy')).toBeLessThanOrEqual(target_ > high ? target_ : high);
        if (target_ < pos) expect(low - sum(plan.orders, 'sell')).toBeGreaterThanOrEqual(target_ < low ? target_ : low);
        // A new order is placed only with room for all of it: then everything that may fill toward the target lands on it.
        if (plan.orders.length > 0) {
          const toward = plan.orders[0]!.side;
          expect(pos + keptSigned + signed(plan.orders) + (toward === 'buy' ? sum(mayFill, 'buy') : -sum(mayFill, 'sell'))).toBe(target_);
        }
        // With nothing pending cancel, the plan lands exactly on the target, as before.
        if (mayFill.length === 0) expect(keptSigned + signed(plan.orders)).toBe(target_ - pos);
      }),
    );
  });
});

describe('limit at the touch', () => {
  const touch = { bidPrice: 100.5, askPrice: 100.7 };
  const atTouch = (value: number) => target(value, { orderType: 'limit', limitAt: 'touch' });

  it('prices a buy at the best bid and a sell at the best ask', () => {
    const ids = createClientOrderIdFactory();
    expect(planWithCancels(atTouch(1), 0, [], btc, ids, touch).orders).toMatchObject([{ side: 'buy', type: 'limit', quantity: 1000, limitPrice: 10_050 }]);
    expect(planWithCancels(atTouch(-1), 0, [], btc, ids, touch).orders).toMatchObject([{ side: 'sell', type: 'limit', quantity: 1000, limitPrice: 10_070 }]);
  });

  it('refuses a touch target planned without a touch', () => {
    let code: string | undefined;
    try {
      planWithCancels(atTouch(1), 0, [], btc, createClientOrderIdFactory());
    } catch (e) {
      code = isTickflowError(e) ? e.code : 'other';
    }
    expect(code).toBe('ORDER_INVALID');
  });
});

describe('createClientOrderIdFactory', () => {
  const t = (strategy: string, symbol: string, exchange = 'x') => ({ type: 'target', exchange, symbol, ts: 0, strategy, target: 1, orderType: 'market', limitPrice: undefined }) as TargetPosition;

  it('counts from 1 per strategy and symbol, shared across exchanges, and continues a restart from its sequences', () => {
    const next = createClientOrderIdFactory(new Map([['ema-BTC', 41]]));
    expect([t('ema', 'BTC'), t('ema', 'ETH'), t('ema', 'BTC', 'y'), t('ema-cross', 'BTC'), t('ema', 'ETH')].map(next)).toEqual([
      'ema-BTC-42',
      'ema-ETH-1',
      'ema-BTC-43',
      'ema-cross-BTC-1',
      'ema-ETH-2',
    ]);
  });

  it('gives what a map of `${strategy}-${symbol}` counters gives, on random target sequences', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('a', 'a-b', 'b'), fc.constantFrom('X', 'b-X', 'Y')), { maxLength: 30 }), fc.nat(5), (pairs, startAt) => {
        const start = new Map([['a-X', startAt]]);
        const next = createClientOrderIdFactory(start);
        const seqs = new Map(start);
        for (const [strategy, symbol] of pairs) {
          const key = `${strategy}-${symbol}`;
          const seq = (seqs.get(key) ?? 0) + 1;
          seqs.set(key, seq);
          expect(next(t(strategy, symbol))).toBe(`${key}-${seq}`);
        }
      }),
    );
  });
});
