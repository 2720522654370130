import { describe, expect, it } from 'vitest';
import type { ExecutionSnapshot } from '../../../actors/execution/orders/execution-actor.js';
import { orderUpdate, type CancelOrder, type FillReport, type OrderDenied, type OrderRequest } from '../../../actors/execution/execution-messages.js';
import type { PaperVenueStats } from '../../../actors/execution/venues/paper/paper-venue-actor.js';
import { riskActor, type ReconfigureResult, type RiskMessage, type RiskStats } from '../../../actors/risk/risk-actor.js';
import { parseRiskConfig, type ResolvedRiskConfig } from '../../../actors/risk/risk-config.js';
import type { RiskStateEvent } from '../../../actors/risk/trading-state.js';
import { applyOrderEvent, createOrder, LiveOrder, type NewOrder, type Order, type OrderEvent, type OrderSide } from '../../../src/model/order.js';
import type { MarketRecord, Trade, TradeBar } from '../../../src/model/records.js';
import { parseConfig } from '../../../src/app/config.js';
import { BACKTEST_ROOT_SUPERVISION } from '../../../src/app/pipeline-supervision.js';
import { spawnTradingPipeline } from '../../../src/app/trading-pipeline.js';
import type { Instrument } from '../../../src/model/instrument.js';
import { replay } from '../../../streams/replay-driver.js';
import { createArraySource } from '../../support/array-source.js';
import type { ActorRef } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { MILLISECOND, MINUTE, SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { recordingActor, type Received } from '../../support/recording-actor.js';
import { BTC, T0, bar, barStrategy, bars, pipelineRig } from '../../support/pipeline-rig.js';

type ToExecution = OrderRequest | OrderDenied | CancelOrder;

/**
 * The risk actor with a recording fake execution, and recorders on `risk.denied` and `risk.state`.
 * `raw` is validated once here, as the config loader does; `builtBarInterval` names the bars the
 * engine builds (the pipeline passes its bar spec).
 */
function rig(raw: unknown, builtBarInterval?: string) {
  const risk = parseRiskConfig(raw);
  const clock = new SimulatedClock(T0);
  const system = createActorSystem({ clock });
  const execution: Received<ToExecution>[] = [];
  const denied: Received<OrderDenied>[] = [];
  const states: Received<RiskStateEvent>[] = [];
  const executionRef = system.spawn(recordingActor<ToExecution>(execution, [], 'execution'));
  system.spawn(recordingActor<OrderDenied>(denied, ['risk.denied'], 'denied-watch'));
  system.spawn(recordingActor<RiskStateEvent>(states, ['risk.state'], 'state-watch'));
  const riskRef = system.spawn(riskActor, {
    config: { risk, instruments: new Map([['x:BTC', BTC]]), quotePrecision: 2, initialCash: '100000', execution: executionRef as ActorRef<never>, builtBarInterval },
  });
  system.runUntilIdle();
  return {
    riskRef,
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
    publish(record: MarketRecord) {
      clock.advanceTo(record.tsRecv);
      system.publish(`md.x.BTC.${record.type}`, record);
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
function request(side: OrderSide, lots: number): OrderRequest {
  const order: NewOrder = { clientOrderId: `o${++seq}`, exchange: 'x', symbol: 'BTC', side, type: 'market', quantity: lots, limitPrice: undefined, ts: T0 };
  return { type: 'order_request', order };
}

/** What execution got, as [type, clientOrderId, reason]. */
function seen(execution: readonly Received<ToExecution>[]): [string, string, string | undefined][] {
  return execution.map(({ message: m }) => [m.type, m.type === 'cancel' ? m.clientOrderId : m.order.clientOrderId, m.type === 'order_denied' ? m.reason : undefined]);
}

describe('risk actor', () => {
  it('forwards an order that passes and turns one that fails into an OrderDenied, never forwarding it', () => {
    const r = rig({ maxOrderQuantity: '1' });
    const small = request('buy', 500); // 0.5
    const big = request('buy', 2_000); // 2
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
      fill: { clientOrderId: 'f1', exchange: 'x', symbol: 'BTC', side: 'buy', quantity: 10_000, price: 10_000, fee: 0n, liquidity: 'taker', ts: T0 + MINUTE },
      position: 10_000,
      order: undefined,
    };
    r.send(fill);
    r.publish(bar(T0 + 2 * MINUTE, 95)); // equity 99,950: a drawdown of 50, under the limit
    expect(r.states).toEqual([]);
    r.publish(bar(T0 + 3 * MINUTE, 90)); // equity 99,900: a drawdown of 100 reaches it
    expect(r.states.map((s) => s.message)).toEqual([
      { type: 'risk_state', from: 'ACTIVE', to: 'HALTED', reason: 'MAX_DRAWDOWN', detail: expect.stringContaining('100.00'), source: 'kill_switch', ts: T0 + 3 * MINUTE },
    ]);
    expect(r.states[0]!.at).toBe(T0 + 3 * MINUTE);

    const after = request('sell', 1_000);
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

describe('risk actor: durations and staleness', () => {
  function trade(tsRecv: number, price = 100): Trade {
    return { type: 'trade', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, id: String(tsRecv), price, amount: 1, side: 'buy' };
  }
  /** A bar the engine built from trades: the bars actor's spec text is its interval. */
  function builtBar(closeTs: number, interval = '1s'): TradeBar {
    return { ...bar(closeTs, 100), interval, openTs: closeTs - SECOND };
  }
  const reasons = (r: ReturnType<typeof rig>) => seen(r.execution).map(([, , reason]) => reason ?? 'OK');

  it('takes orderRate {maxOrders: 2, interval: 10s} as 10 s of engine time: a third order passes once the first left the window', () => {
    const r = rig({ orderRate: { maxOrders: 2, interval: '10s' } });
    r.send(request('buy', 1), T0);
    r.send(request('buy', 1), T0 + SECOND);
    r.send(request('buy', 1), T0 + 5 * SECOND); // two in (T0 - 5 s, T0 + 5 s]: denied
    r.send(request('buy', 1), T0 + 10 * SECOND); // the first left the window at exactly 10 s
    r.send(request('buy', 1), T0 + 10 * SECOND + 1);
    expect(reasons(r)).toEqual(['OK', 'OK', 'ORDER_RATE', 'OK', 'ORDER_RATE']);
  });

  it('judges staleness on venue data only: a bar the engine built does not make the market fresh', () => {
    const r = rig({ staleMarketData: { maxAge: '20ms' } }, '1s');
    r.publish(trade(T0 + 100 * MILLISECOND));
    r.publish(builtBar(T0 + SECOND)); // built by the bars actor at its close, from the trade above
    r.send(request('buy', 1), T0 + SECOND); // the last venue record is 900 ms old
    r.publish(trade(T0 + SECOND + 10 * MILLISECOND));
    r.send(request('buy', 1), T0 + SECOND + 29 * MILLISECOND); // 19 ms old
    r.send(request('buy', 1), T0 + SECOND + 30 * MILLISECOND); // 20 ms old: the limit is exclusive
    expect(reasons(r)).toEqual(['STALE_MARKET_DATA', 'OK', 'STALE_MARKET_DATA']);
    const detail = (r.execution[0]!.message as OrderDenied).detail;
    expect(detail).toContain('900000 µs');
    expect(detail).toContain('20000 µs');
  });

  it('counts a bar read from a file as venue data (its interval is not the one the engine builds)', () => {
    const r = rig({ staleMarketData: { maxAge: '20ms' } }, '1s');
    r.publish(bar(T0 + MINUTE, 100)); // a 1m bar from a bar file, received at its close
    r.send(request('buy', 1), T0 + MINUTE);
    r.send(request('buy', 1), T0 + MINUTE + 20 * MILLISECOND);
    expect(reasons(r)).toEqual(['OK', 'STALE_MARKET_DATA']);
  });

  it('counts every bar as venue data when the engine builds none', () => {
    const r = rig({ staleMarketData: { maxAge: '20ms' } });
    r.publish(builtBar(T0 + SECOND));
    r.send(request('buy', 1), T0 + SECOND);
    expect(reasons(r)).toEqual(['OK']);
  });

  it('still prices with a built bar: it sets the bar close, only not the venue receive time', () => {
    const r = rig({ priceBand: { maxDeviation: '5%' }, referencePrice: ['barClose'] }, '1s');
    r.publish(builtBar(T0 + SECOND));
    r.send({ type: 'order_request', order: { ...request('buy', 1).order, type: 'limit', limitPrice: 10_000 } }, T0 + SECOND);
    expect(reasons(r)).toEqual(['OK']);
  });
});

describe('risk durations through the pipeline, config as loaded', () => {
  // Raises its target by one on every bar: one new buy order per bar.
  const oneMorePerBar = (() => {
    let n = 0;
    return barStrategy('one-more', (b, api) => {
      api.target(b.symbol, ++n);
    });
  })();

  it('approves an order on every 1 min bar under orderRate {maxOrders: 2, interval: 10s}', async () => {
    const p = pipelineRig(oneMorePerBar, { risk: { orderRate: { maxOrders: 2, interval: '10s' } } });
    await p.feed(bars(5));
    const risk = await p.ask<RiskStats>(p.refs.risk, { type: 'risk_stats' });
    await p.system.stop();
    expect(risk.denials.ORDER_RATE).toBe(0);
    expect(risk.approved).toBe(5);
  });

  const wantsOne = barStrategy('wants-one-now', (b, api) => {
    api.target(b.symbol, 1);
  });

  /** The pipeline building 1 s bars from trades (no bar file), the strategy acting on each bar. */
  async function builtBarsRun(maxAge: string) {
    const clock = new SimulatedClock(T0);
    const system = createActorSystem({ clock, supervision: BACKTEST_ROOT_SUPERVISION });
    const config = parseConfig({ bars: { spec: '1s' }, risk: { staleMarketData: { maxAge } } }, 'test');
    const instruments = new Map<string, Instrument>([['x:BTC', BTC]]);
    const refs = spawnTradingPipeline(system, { config, instruments, quotePrecision: 2, strategy: wantsOne, params: {}, interval: '1s', keepFills: true });
    system.runUntilIdle();
    const trade = (t: number): Trade => ({ type: 'trade', exchange: 'x', symbol: 'BTC', ts: t, tsRecv: t, id: String(t), price: 100, amount: 1, side: 'buy' });
    // The 1 s bar [T0, T0 + 1 s) closes on the bars actor's timer at T0 + 1 s + 250 ms (the default grace); the last trade then is 1,050 ms old.
    await replay(system, createArraySource([trade(T0 + 100 * MILLISECOND), trade(T0 + 200 * MILLISECOND), trade(T0 + 1_500 * MILLISECOND)]));
    const reply = refs.risk.ask<RiskStats>({ type: 'risk_stats' });
    system.runUntilIdle();
    const risk = await reply;
    await system.stop();
    return risk;
  }

  it('fires staleMarketData {maxAge: 20ms} when no venue data came for 1,050 ms, although bars are being built', async () => {
    const risk = await builtBarsRun('20ms');
    expect(risk.denials.STALE_MARKET_DATA).toBe(1);
    expect(risk.approved).toBe(0);
  });

  it('lets the same order through with maxAge 2s', async () => {
    const risk = await builtBarsRun('2s');
    expect(risk.denials.STALE_MARKET_DATA).toBe(0);
    expect(risk.approved).toBe(1);
  });
});

describe('risk actor: open orders', () => {
  /** The order as execution would publish it after `events`. */
  function version(request: OrderRequest, ...events: OrderEvent[]): Order {
    let order = createOrder(request.order, BTC);
    for (const event of events) {
      const r = applyOrderEvent(order, event);
      if (!r.ok) throw new Error(r.reason);
      order = r.order;
    }
    return order;
  }

  it('counts approved orders against maxPosition until execution reports them ended, partial fills moving into the position', () => {
    const r = rig({ maxPosition: '1.5' });
    const publish = (order: Order) => {
      r.system.publish(`exec.order.BTC`, orderUpdate(LiveOrder.of(order)));
      r.system.runUntilIdle();
    };
    const b1 = request('buy', 1_000);
    r.send(b1);
    // Not filled, not even acknowledged: b1 still counts, so a second buy of 1 makes a worst case of 2.
    const b2 = request('buy', 1_000);
    r.send(b2);
    // A sell's worst case ignores the open buy.
    const s1 = request('sell', 1_000);
    r.send(s1);
    expect(seen(r.execution).map(([, , why]) => why ?? 'approved')).toEqual(['approved', 'MAX_POSITION', 'approved']);

    // b1 fills 0.6, published as execution does: the change on exec.order (which risk skips) and
    // with the fill in its report. Worst long still 1: a buy of 0.5 reaches 1.5, a buy of 0.4
    // passes (counting the filled 0.6 both open and held would make it 2.0).
    const part = version(b1, { type: 'submit', ts: T0 }, { type: 'fill', ts: T0, quantity: 600, price: 10_000 });
    publish(part);
    r.send({ type: 'fill_report', fill: { clientOrderId: b1.order.clientOrderId, exchange: 'x', symbol: 'BTC', side: 'buy', quantity: 600, price: 10_000, fee: 0n, liquidity: 'taker', ts: T0 }, position: 600, order: orderUpdate(LiveOrder.of(part)) });
    r.send(request('buy', 500));
    r.send(request('buy', 400));
    // The rest of b1 is cancelled: worst long is the filled 0.6 and the 0.4 just approved, so a buy of 0.4 passes (1.4).
    publish(version(b1, { type: 'submit', ts: T0 }, { type: 'fill', ts: T0, quantity: 600, price: 10_000 }, { type: 'requestCancel', ts: T0 }, { type: 'cancel', ts: T0 }));
    r.send(request('buy', 400));
    expect(seen(r.execution).slice(3).map(([, , why]) => why ?? 'approved')).toEqual(['MAX_POSITION', 'approved', 'approved']);
  });

  it('ignores updates of orders it denied, and counts an approved id once', () => {
    const r = rig({ maxPosition: '2.5' });
    const b1 = request('buy', 1_000);
    r.send(b1);
    r.send(b1); // a duplicate request: execution makes no second order
    const big = request('buy', 2_000);
    r.send(big); // denied: 1 + 2 reaches 2.5
    r.system.publish(`exec.order.BTC`, orderUpdate(LiveOrder.of(version(big))));
    r.system.runUntilIdle();
    r.send(request('buy', 1_499)); // 1 + 1.499 < 2.5: b1 counted once
    expect(seen(r.execution).map(([, , why]) => why ?? 'approved')).toEqual(['approved', 'approved', 'MAX_POSITION', 'approved']);
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
    const venue = (await p.ask<PaperVenueStats>(p.refs.venue, { type: 'venue_stats' })).counters;
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

describe('risk actor: equity between bars', () => {
  it('trips the kill switch on a dip between bars that recovers before the bar closes', () => {
    const r = rig({ killSwitch: { maxDrawdownAmount: '50', action: 'HALTED' } });
    const trade = (tsRecv: number, price: number): Trade => ({ type: 'trade', exchange: 'x', symbol: 'BTC', ts: tsRecv, tsRecv, id: `t${tsRecv}`, price, amount: 1, side: 'sell' });
    r.publish(bar(T0 + MINUTE, 100));
    r.send({
      type: 'fill_report',
      fill: { clientOrderId: 'f1', exchange: 'x', symbol: 'BTC', side: 'buy', quantity: 10_000, price: 10_000, fee: 0n, liquidity: 'taker', ts: T0 + MINUTE },
      position: 10_000,
      order: undefined,
    });
    r.publish(trade(T0 + MINUTE + 10 * SECOND, 97)); // equity 99,970: 30 below the peak
    expect(r.states).toEqual([]);
    r.publish(trade(T0 + MINUTE + 20 * SECOND, 94.5)); // equity 99,945: 55 below, past the limit of 50
    r.publish(trade(T0 + MINUTE + 30 * SECOND, 100)); // recovered
    r.publish(bar(T0 + 2 * MINUTE, 100)); // the bar closes where the last one did
    expect(r.states.map((s) => s.message)).toEqual([
      { type: 'risk_state', from: 'ACTIVE', to: 'HALTED', reason: 'MAX_DRAWDOWN', detail: expect.stringContaining('55.00'), source: 'kill_switch', ts: T0 + MINUTE + 20 * SECOND },
    ]);
  });
});

describe('risk actor: reconfigure', () => {
  async function reconfigure(r: ReturnType<typeof rig>, raw: unknown, at = r.clock.now()): Promise<ReconfigureResult> {
    r.clock.advanceTo(at);
    const reply = r.riskRef.ask<ReconfigureResult>({ type: 'risk_reconfigure', risk: parseRiskConfig(raw) });
    r.system.runUntilIdle();
    return reply;
  }
  const outcomes = (r: ReturnType<typeof rig>) => seen(r.execution).map(([, , why]) => why ?? 'approved');
  const buyFill = (ts: number): FillReport => ({
    type: 'fill_report',
    fill: { clientOrderId: 'f1', exchange: 'x', symbol: 'BTC', side: 'buy', quantity: 10_000, price: 10_000, fee: 0n, liquidity: 'taker', ts },
    position: 10_000,
    order: undefined,
  });

  it('checks the orders before it against the old limits and the next order against the new ones', async () => {
    const r = rig({ maxOrderQuantity: '2' });
    r.send(request('buy', 1_500));
    expect(await reconfigure(r, { maxOrderQuantity: '1' })).toEqual({ ok: true });
    r.send(request('buy', 1_500));
    r.send(request('buy', 900));
    expect(outcomes(r)).toEqual(['approved', 'MAX_ORDER_QUANTITY', 'approved']);
    const inForce = r.riskRef.ask<ResolvedRiskConfig>({ type: 'risk_config' });
    r.system.runUntilIdle();
    expect((await inForce).maxOrderQuantity).toBe('1');
  });

  it('keeps the approvals in the rate window and the open orders: they count against the new limits', async () => {
    const r = rig({ orderRate: { maxOrders: 2, interval: '10s' }, maxPosition: '1.5' });
    r.send(request('buy', 1_000), T0); // open: 1 BTC long, one approval at T0
    expect(await reconfigure(r, { orderRate: { maxOrders: 2, interval: '20s' }, maxPosition: '2.5' }, T0 + SECOND)).toEqual({ ok: true });
    r.send(request('buy', 1_000), T0 + 12 * SECOND); // worst case 2 < 2.5; second approval in 20 s
    r.send(request('buy', 100), T0 + 13 * SECOND); // the approval at T0 is still inside the new 20 s window
    r.send(request('buy', 600), T0 + 21 * SECOND); // T0 left the window; the open 2 + 0.6 reaches 2.5
    expect(outcomes(r)).toEqual(['approved', 'approved', 'ORDER_RATE', 'MAX_POSITION']);
  });

  it('leaves a tripped kill switch tripped under looser limits: only an operator re-arms trading', async () => {
    const r = rig({ killSwitch: { maxDrawdownAmount: '100' } });
    r.publish(bar(T0 + MINUTE, 100));
    r.send(buyFill(T0 + MINUTE));
    r.publish(bar(T0 + 2 * MINUTE, 90)); // a drawdown of 100: tripped
    expect(await reconfigure(r, { killSwitch: { maxDrawdownAmount: '1000' } })).toEqual({ ok: true });
    r.send(request('buy', 1));
    expect(outcomes(r)).toEqual(['TRADING_HALTED']);
    const stats = await r.stats();
    expect(stats.state).toBe('HALTED');
    expect(stats.stateEvents).toHaveLength(1);
  });

  it('measures a new drawdown limit from the peak seen before it, and trips at once when it is already reached', async () => {
    const r = rig({ killSwitch: { maxDrawdownAmount: '100' } });
    r.publish(bar(T0 + MINUTE, 100));
    r.send(buyFill(T0 + MINUTE));
    r.publish(bar(T0 + 2 * MINUTE, 95)); // 50 below the peak of 100,000: under 100
    expect(r.states).toEqual([]);
    expect(await reconfigure(r, { killSwitch: { maxDrawdownAmount: '40' } }, T0 + 2 * MINUTE + SECOND)).toEqual({ ok: true });
    expect(r.states.map((s) => s.message)).toEqual([
      { type: 'risk_state', from: 'ACTIVE', to: 'HALTED', reason: 'MAX_DRAWDOWN', detail: expect.stringContaining('50.00 from peak 100000.00'), source: 'kill_switch', ts: T0 + 2 * MINUTE + SECOND },
    ]);
  });

  it('refuses a config it cannot build and keeps the old limits', async () => {
    const r = rig({ maxOrderQuantity: '2' });
    // Past validation (a caller's bug): a rate window of no orders cannot be built.
    const broken = { ...parseRiskConfig({ maxOrderQuantity: '1' }), orderRate: { maxOrders: 0, interval: SECOND } };
    const reply = r.riskRef.ask<ReconfigureResult>({ type: 'risk_reconfigure', risk: broken });
    r.system.runUntilIdle();
    expect(await reply).toEqual({ ok: false, detail: expect.stringContaining('maxEvents must be a whole number >= 1') });
    r.send(request('buy', 1_500));
    expect(outcomes(r)).toEqual(['approved']);
  });
});
