import { describe, expect, it } from 'vitest';
import type { ExecutionSnapshot } from '../../../actors/execution/execution-actor.js';
import type { CancelOrder, FillReport, OrderDenied, OrderRequest } from '../../../actors/execution/execution-messages.js';
import type { PaperVenueCounters } from '../../../actors/execution/paper-venue.js';
import { riskActor, type RiskMessage, type RiskStats } from '../../../actors/risk/risk-actor.js';
import type { RiskStateEvent } from '../../../actors/risk/trading-state.js';
import type { NewOrder, OrderSide } from '../../../src/model/order.js';
import type { TradeBar } from '../../../src/model/records.js';
import type { ActorRef } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MINUTE, SimulatedClock } from '../../../src/runtime/clock.js';
import { recordingActor, type Received } from '../../support/recording-actor.js';
import { BTC, T0, bar, barStrategy, bars, pipelineRig } from '../../support/pipeline-rig.js';

type ToExecution = OrderRequest | OrderDenied | CancelOrder;

/** The risk actor with a recording fake execution, and recorders on `risk.denied` and `risk.state`. */
function rig(risk: unknown) {
  const clock = new SimulatedClock(T0);
  const system = createActorSystem({ clock });
  const execution: Received<ToExecution>[] = [];
  const denied: Received<OrderDenied>[] = [];
  const states: Received<RiskStateEvent>[] = [];
  const executionRef = system.spawn(recordingActor<ToExecution>(execution, [], 'execution'));
  system.spawn(recordingActor<OrderDenied>(denied, ['risk.denied'], 'denied-watch'));
  system.spawn(recordingActor<RiskStateEvent>(states, ['risk.state'], 'state-watch'));
  const riskRef = system.spawn(riskActor, {
    config: { risk, instruments: new Map([['BTC', BTC]]), quotePrecision: 2, initialCash: '100000', execution: executionRef as ActorRef<never> },
  });
  system.runUntilIdle();
  return {
    system,
    clock,
    execution,
    denied,
    states,
    send(message: RiskMessage, at = clock.now()) {
      clock.advanceTo(at);
      riskRef.tell(message);
      system.runUntilIdle();
    },
    publish(record: TradeBar) {
      clock.advanceTo(record.tsRecv);
      system.publish(`md.x.BTC.trade_bar`, record);
      system.runUntilIdle();
    },
    async stats(): Promise<RiskStats> {
      const reply = riskRef.ask<RiskStats>({ type: 'risk_stats' });
      system.runUntilIdle();
      return reply;
    },
  };
}

let seq = 0;
function request(side: OrderSide, lots: bigint): OrderRequest {
  const order: NewOrder = { clientOrderId: `o${++seq}`, symbol: 'BTC', side, type: 'market', quantity: lots, limitPrice: undefined, ts: T0 };
  return { type: 'order_request', order };
}

/** What execution got, as [type, clientOrderId, reason]. */
function seen(execution: readonly Received<ToExecution>[]): [string, string, string | undefined][] {
  return execution.map(({ message: m }) => [m.type, m.type === 'cancel' ? m.clientOrderId : m.order.clientOrderId, m.type === 'order_denied' ? m.reason : undefined]);
}

describe('risk actor', () => {
  it('forwards an order that passes and turns one that fails into an OrderDenied, never forwarding it', () => {
    const r = rig({ maxOrderQuantity: '1' });
    const small = request('buy', 500n); // 0.5
    const big = request('buy', 2_000n); // 2
    r.send(small);
    r.send(big);
    expect(seen(r.execution)).toEqual([
      ['order_request', small.order.clientOrderId, undefined],
      ['order_denied', big.order.clientOrderId, 'MAX_ORDER_QUANTITY'],
    ]);
    // The forwarded request is the planner's own; the denial carries the order, the reason and the figures.
    expect(r.execution[0]!.message).toBe(small);
    const denial = r.execution[1]!.message as OrderDenied;
    expect(denial.order).toBe(big.order);
    expect(denial.detail).toMatch(/2/);
    // ...and is published for anyone watching.
    expect(r.denied.map((d) => d.message)).toEqual([denial]);
  });

  it('publishes a kill-switch trip on risk.state, then denies new orders but still passes cancels', async () => {
    const r = rig({ killSwitch: { maxDrawdownAmount: '100', action: 'HALTED' } });
    r.publish(bar(T0 + MINUTE, 100));
    // Bought 10 BTC at 100.00: equity unchanged at 100,000.
    const fill: FillReport = {
      type: 'fill_report',
      fill: { clientOrderId: 'f1', symbol: 'BTC', side: 'buy', quantity: 10_000n, price: 10_000n, fee: 0n, liquidity: 'taker', ts: T0 + MINUTE },
      position: 10_000n,
    };
    r.send(fill);
    r.publish(bar(T0 + 2 * MINUTE, 95)); // equity 99,950: a drawdown of 50, under the limit
    expect(r.states).toEqual([]);
    r.publish(bar(T0 + 3 * MINUTE, 90)); // equity 99,900: a drawdown of 100 reaches it
    expect(r.states.map((s) => s.message)).toEqual([
      { type: 'risk_state', from: 'ACTIVE', to: 'HALTED', reason: 'MAX_DRAWDOWN', detail: expect.stringContaining('100.00'), source: 'kill_switch', ts: T0 + 3 * MINUTE },
    ]);
    expect(r.states[0]!.at).toBe(T0 + 3 * MINUTE);

    const after = request('sell', 1_000n);
    r.send(after);
    r.send({ type: 'cancel', clientOrderId: 'working-1' });
    expect(seen(r.execution)).toEqual([
      ['order_denied', after.order.clientOrderId, 'TRADING_HALTED'],
      ['cancel', 'working-1', undefined],
    ]);
    const stats = await r.stats();
    expect(stats.state).toBe('HALTED');
    expect(stats.stateEvents).toHaveLength(1);
    expect(stats.denials.TRADING_HALTED).toBe(1);
  });
});

describe('risk denial through the pipeline', () => {
  // Wants 1 BTC from the first bar on.
  const wantsOne = barStrategy('wants-one', (b, api) => {
    api.target(b.symbol, 1);
  });

  async function run(maxOrderQuantity: string) {
    const p = pipelineRig(wantsOne, { risk: { maxOrderQuantity } });
    await p.feed(bars(5));
    const snapshot = await p.ask<ExecutionSnapshot>(p.refs.execution, { type: 'exec_snapshot' });
    const venue = await p.ask<PaperVenueCounters>(p.refs.venue, { type: 'venue_stats' });
    const risk = await p.ask<RiskStats>(p.refs.risk, { type: 'risk_stats' });
    await p.system.stop();
    return { snapshot, venue, risk };
  }

  it('ends a denied order DENIED with its reason, and the paper venue never sees it', async () => {
    const { snapshot, venue, risk } = await run('0.5');
    expect(snapshot.orders.map((o) => [o.clientOrderId, o.status, o.reason])).toEqual([['strategy-BTC-1', 'DENIED', 'MAX_ORDER_QUANTITY']]);
    expect(snapshot.fillCount).toBe(0);
    expect(snapshot.portfolio.positions['BTC']?.quantity ?? '0.000').toBe('0.000');
    expect(venue.submitted).toBe(0);
    expect(risk.approved).toBe(0);
    expect(risk.denials.MAX_ORDER_QUANTITY).toBe(1);
  });

  it('with a limit the order passes, the same run reaches the venue and fills', async () => {
    const { snapshot, venue, risk } = await run('5');
    expect(snapshot.orders.map((o) => [o.clientOrderId, o.status])).toEqual([['strategy-BTC-1', 'FILLED']]);
    expect(venue.submitted).toBe(1);
    expect(risk.approved).toBe(1);
  });
});
