import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { orderUpdate, type FillReport } from '../../../actors/execution/execution-messages.js';
import { defineStrategy, type StrategyDefinition } from '../../../actors/strategies/define-strategy.js';
import type { TargetOptions } from '../../../actors/strategies/strategy-api.js';
import type { Fill } from '../../../src/model/fill.js';
import { createInstrument } from '../../../src/model/instrument.js';
import { applyOrderEvent, createOrder, LiveOrder, type Order, type OrderEvent } from '../../../src/model/order.js';
import { topicOf, type TradeBar } from '../../../src/model/records.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MINUTE, SimulatedClock } from '../../../src/runtime/clock.js';
import { countersOf } from '../../runtime/fixtures.js';

const BTC = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });

function bar(close: number, minute: number): TradeBar {
  return {
    type: 'trade_bar', exchange: 'binance', symbol: 'BTCUSDT', ts: minute * MINUTE, tsRecv: minute * MINUTE, interval: '1m',
    open: close, high: close, low: close, close, volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: close,
    openTs: (minute - 1) * MINUTE, closeTs: minute * MINUTE,
  };
}

function order(id: string, events: readonly OrderEvent[] = []): Order {
  let o = createOrder({ clientOrderId: id, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', type: 'limit', quantity: 2_000, limitPrice: 10_000, ts: 1 }, BTC);
  for (const e of events) {
    const r = applyOrderEvent(o, e);
    if (!r.ok) throw new Error(r.reason);
    o = r.order;
  }
  return o;
}

function fill(id: string, quantity: number): Fill {
  return { clientOrderId: id, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', quantity, price: 10_000, fee: 0n, liquidity: 'maker', ts: 1 };
}

function harness(definition: StrategyDefinition<any>) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const signals: TargetPosition[] = [];
  system.spawn(defineActor<void, null, TargetPosition>({
    name: 'sink', init: () => null, onStart: (s, ctx) => (ctx.subscribe('signal'), s), receive: (s, m) => (signals.push(m), s),
  }));
  system.spawn(definition, { name: 'strat' });
  return {
    system,
    signals,
    bar(close: number, minute: number) {
      const b = bar(close, minute);
      clock.advanceTo(b.tsRecv);
      system.publish(topicOf(b), b);
      system.runUntilIdle();
    },
    order(o: Order) {
      system.publish('exec.order.binance.BTCUSDT', orderUpdate(LiveOrder.of(o)));
      system.runUntilIdle();
    },
    /** A fill report as execution publishes it: with the change the fill made (`made`), also put on exec.order first. */
    fill(f: Fill, position: number, made?: Order) {
      const change = made === undefined ? undefined : orderUpdate(LiveOrder.of(made));
      if (change !== undefined) system.publish('exec.order.binance.BTCUSDT', change);
      system.publish('exec.fill.binance.BTCUSDT', { type: 'fill_report', fill: f, position, order: change } satisfies FillReport);
      system.runUntilIdle();
    },
  };
}

describe('strategy runner: execution choice', () => {
  it('publishes the execution chosen (market, a limit at a price, a limit at the touch with a timeout); a change of any is a signal', () => {
    const choices: (TargetOptions | undefined)[] = [
      undefined,
      { execution: 'market' }, // the same as the default: no signal
      { execution: 'limit', price: 100 },
      { execution: 'limit', price: 'touch' },
      { execution: 'limit', price: 'touch', timeoutUs: 5_000_000 },
      { execution: 'limit', price: 'touch', timeoutUs: 5_000_000 }, // unchanged: no signal
      { execution: 'market' },
    ];
    const s = defineStrategy({
      name: 'chooser', params: z.object({}), init: () => null,
      onBar: (_s, b, api) => void api.target(b.symbol, 1, choices[b.close]),
    });
    const h = harness(s);
    choices.forEach((_c, i) => h.bar(i, i + 1));
    expect(h.signals.map((t) => [t.orderType, t.limitPrice, t.limitAt, t.timeoutUs])).toEqual([
      ['market', undefined, undefined, undefined],
      ['limit', 100, undefined, undefined],
      ['limit', undefined, 'touch', undefined],
      ['limit', undefined, 'touch', 5_000_000],
      ['market', undefined, undefined, undefined],
    ]);
  });

  it('refuses a limit without a positive price and a timeout that is not a positive whole number of µs', () => {
    const bad: TargetOptions[] = [
      { execution: 'limit', price: 0 },
      { execution: 'limit', price: Number.NaN },
      { execution: 'limit', price: 'touch', timeoutUs: 0 },
      { execution: 'limit', price: 'touch', timeoutUs: 1.5 },
      { execution: 'limit', price: 'touch', timeoutUs: Number.POSITIVE_INFINITY },
    ];
    const s = defineStrategy({
      name: 'bad', params: z.object({}), init: () => null,
      onBar: (_s, b, api) => void api.target(b.symbol, 1, bad[b.close]),
    });
    const h = harness(s);
    bad.forEach((_c, i) => h.bar(i, i + 1));
    expect(countersOf(h.system, 'strat').failed).toBe(bad.length);
    expect(h.signals).toEqual([]);
  });
});

describe('strategy runner: fills, orders and position', () => {
  type Seen = { fills: string[]; orders: string[] };
  function tracker(withHandlers: boolean) {
    const seen: Seen = { fills: [], orders: [] };
    const views: string[] = [];
    const view = (api: { position(s: string): number; openOrders(s: string): readonly Order[] }) =>
      views.push(`${api.position('BTCUSDT')} [${api.openOrders('BTCUSDT').map((o) => o.clientOrderId).join(' ')}]`);
    const base = { name: 'strat', params: z.object({}), init: () => null, onBar: (_s: null, _b: TradeBar, api: Parameters<typeof view>[0]) => void view(api) };
    const s = withHandlers
      ? defineStrategy({
          ...base,
          onFill: (_s, f, api) => void (seen.fills.push(`${f.clientOrderId} ${f.quantity}`), view(api)),
          onOrder: (_s, o, api) => void (seen.orders.push(`${o.clientOrderId} ${o.status}`), view(api)),
        })
      : defineStrategy(base);
    return { s, seen, views };
  }

  it('hands its own fills and order updates to onFill and onOrder, with the position and open orders they make', () => {
    const { s, seen, views } = tracker(true);
    const h = harness(s);
    const o1 = order('strat-BTCUSDT-1', [{ type: 'submit', ts: 2 }, { type: 'accept', ts: 3 }]);
    h.order(o1);
    h.order(order('other-BTCUSDT-1', [{ type: 'submit', ts: 2 }])); // another strategy's order: not its own
    h.order(order('strat-BTCUSDT-10', [{ type: 'submit', ts: 2 }]));
    const f1 = applyOrderEvent(o1, { type: 'fill', ts: 4, quantity: 500, price: 10_000 });
    if (!f1.ok) throw new Error(f1.reason);
    h.fill(fill('strat-BTCUSDT-1', 500), 500, f1.order); // the fill's change comes with it, once
    h.fill(fill('other-BTCUSDT-1', 300), 800); // the instrument's position moves; not its fill
    h.order(order('strat-BTCUSDT-10', [{ type: 'submit', ts: 2 }, { type: 'reject', ts: 5 }]));
    expect(seen.orders).toEqual(['strat-BTCUSDT-1 ACCEPTED', 'strat-BTCUSDT-10 SUBMITTED', 'strat-BTCUSDT-1 PARTIALLY_FILLED', 'strat-BTCUSDT-10 REJECTED']);
    expect(seen.fills).toEqual(['strat-BTCUSDT-1 500']);
    expect(views).toEqual([
      '0 [strat-BTCUSDT-1]',
      '0 [strat-BTCUSDT-1 strat-BTCUSDT-10]',
      '0 [strat-BTCUSDT-1 strat-BTCUSDT-10]',
      '500 [strat-BTCUSDT-1 strat-BTCUSDT-10]',
      '800 [strat-BTCUSDT-1]',
    ]);
  });

  it('tracks position and open orders without onFill or onOrder, and keeps them across a restart', () => {
    const views: string[] = [];
    const poison = defineStrategy({
      name: 'strat', params: z.object({}), init: () => null,
      onBar(_s, b, api) {
        if (b.close < 0) throw new Error('poison bar');
        views.push(`${api.position('BTCUSDT')} [${api.openOrders('BTCUSDT').map((o) => o.clientOrderId).join(' ')}]`);
      },
    });
    const h = harness(poison);
    h.order(order('strat-BTCUSDT-1', [{ type: 'submit', ts: 2 }]));
    h.fill(fill('strat-BTCUSDT-1', 500), 500);
    h.bar(1, 1);
    h.bar(-1, 2);
    expect(countersOf(h.system, 'strat').restarts).toBe(1);
    h.bar(1, 3);
    expect(views).toEqual(['500 [strat-BTCUSDT-1]', '500 [strat-BTCUSDT-1]']);
  });
});
