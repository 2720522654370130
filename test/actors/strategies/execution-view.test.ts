/**
 * `ExecutionView` claims an order for its strategy exactly when the planner named it for that
 * strategy and symbol: `${strategy}-${symbol}-${digits}` (so `ema` never claims `ema-cross`'s).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExecutionView } from '../../../actors/strategies/execution-view.js';
import { createInstrument } from '../../../src/model/instrument.js';
import { createLiveOrder, createOrder, LiveOrder } from '../../../src/model/order.js';
import { orderUpdate, type FillReport } from '../../../actors/execution/execution-messages.js';

const btc = createInstrument({ symbol: 'BTC', priceIncrement: '0.01', sizeIncrement: '0.001' });

function claims(strategy: string, clientOrderId: string, symbol = 'BTC'): boolean {
  const order = createOrder({ clientOrderId, exchange: 'x', symbol, side: 'buy', type: 'market', quantity: 1000, ts: 0 }, { ...btc, symbol });
  return new ExecutionView(strategy).applyOrder(orderUpdate(LiveOrder.of(order))) !== undefined;
}

describe('ExecutionView', () => {
  it('claims its own orders and no other strategy’s', () => {
    expect(claims('ema', 'ema-BTC-1')).toBe(true);
    expect(claims('ema', 'ema-BTC-120')).toBe(true);
    expect(claims('ema', 'ema-cross-BTC-1')).toBe(false);
    expect(claims('ema-cross', 'ema-BTC-1')).toBe(false);
    expect(claims('ema', 'ema-BTC-')).toBe(false);
    expect(claims('ema', 'ema-BTC-1x')).toBe(false);
    expect(claims('ema', 'ema_BTC-1')).toBe(false);
    expect(claims('ema', 'ema-BTC_1')).toBe(false);
    expect(claims('ema', 'ema-ETH-1')).toBe(false);
    expect(claims('ema', 'ema-BTCX-1')).toBe(false);
  });

  it('agrees with the name built the plain way on random names', () => {
    const part = fc.stringMatching(/^[a-z0-9-]{0,6}$/);
    fc.assert(
      fc.property(part, fc.stringMatching(/^[A-Z0-9-]{1,5}$/), fc.stringMatching(/^[a-zA-Z0-9-]{0,16}$/), (strategy, symbol, id) => {
        const prefix = `${strategy}-${symbol}-`;
        const expected = id.startsWith(prefix) && id.length > prefix.length && /^[0-9]+$/.test(id.slice(prefix.length));
        if (id.length === 0) return;
        expect(claims(strategy, id, symbol)).toBe(expected);
      }),
      { numRuns: 3_000 },
    );
    // And ids built as the planner builds them, which random text rarely hits.
    fc.assert(
      fc.property(part, fc.stringMatching(/^[A-Z0-9]{1,5}$/), fc.nat(), (strategy, symbol, seq) => {
        expect(claims(strategy, `${strategy}-${symbol}-${seq}`, symbol)).toBe(true);
      }),
      { numRuns: 1_000 },
    );
  });

  it('lists each instrument\'s open orders apart, oldest first, without ended ones or another strategy\'s', () => {
    const view = new ExecutionView('s');
    const live = (id: string, exchange: string, symbol: string) => createLiveOrder({ clientOrderId: id, exchange, symbol, side: 'buy', type: 'market', quantity: 1000, ts: 0 }, { ...btc, symbol });
    const orders = [live('s-BTC-1', 'x', 'BTC'), live('s-ETH-2', 'x', 'ETH'), live('s-BTC-3', 'x', 'BTC'), live('s-BTC-4', 'y', 'BTC'), live('t-BTC-5', 'x', 'BTC'), live('s-BTC-6', 'x', 'BTC')];
    for (const o of orders) view.applyOrder(orderUpdate(o));
    const ended = orders[5]!;
    ended.apply({ type: 'deny', ts: 1 });
    view.applyOrder(orderUpdate(ended));
    const ids = (key: string) => view.openOrders(key).map((o) => o.clientOrderId);
    expect(ids('x:BTC')).toEqual(['s-BTC-1', 's-BTC-3']);
    expect(ids('x:ETH')).toEqual(['s-ETH-2']);
    expect(ids('y:BTC')).toEqual(['s-BTC-4']);
    expect(ids('x:SOL')).toEqual([]);
  });

  it('takes each instrument\'s signed position in lots from the fill reports, whoever\'s fill, 0 before any', () => {
    const view = new ExecutionView('s');
    const report = (id: string, exchange: string, side: 'buy' | 'sell', quantity: number, position: number): FillReport => ({
      type: 'fill_report',
      fill: { clientOrderId: id, exchange, symbol: 'BTC', side, quantity, price: 10_000, fee: 0n, liquidity: 'taker', ts: 1 },
      position,
      order: undefined,
    });
    expect(Object.is(view.position('x:BTC'), 0)).toBe(true);
    expect(view.applyFill(report('s-BTC-1', 'x', 'buy', 1_500, 1_500))).toBe(true);
    expect(view.applyFill(report('t-BTC-1', 'x', 'sell', 2_000, -500))).toBe(false);
    expect(view.applyFill(report('s-BTC-2', 'y', 'sell', 250, -250))).toBe(true);
    expect(view.position('x:BTC')).toBe(-500);
    expect(view.position('y:BTC')).toBe(-250);
    expect(view.position('x:ETH')).toBe(0);
  });
});
