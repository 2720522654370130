/**
 * The risk actor: every order passes through it between the planner and execution. It runs the
 * risk guard's pre-trade checks against its own view of the market (`md.*`) and of the
 * portfolio (a replica rebuilt from `exec.fill.*`, marked like execution's) and of the orders it
 * approved that have not ended (`OpenOrders`, from `exec.order.*`), forwards what passes,
 * and sends what is denied to execution as an `OrderDenied` (so the order is recorded as
 * `DENIED`, with its reason) and publishes it on `risk.denied.<exchange>.<symbol>`. Market figures,
 * positions and open orders are per instrument (`instrumentKey(exchange, symbol)`). Equity is fed to the kill
 * switch at every mark that moves it (so a dip between bar closes is seen), every bar close and
 * every fill, each O(1) (the portfolio keeps it current); a trading-state change (kill switch or operator) is
 * published on `risk.state`. Cancels always pass.
 *
 * Reconfigure (`risk_reconfigure`, a config reload): the guard's limits are replaced in one message,
 * so the orders before it are checked against the old limits and those after it against the new,
 * never a mix. The guard's state is kept (`RiskGuard.reconfigure`): trading state, a tripped kill
 * switch (it stays tripped), rate window, equity peak; and the actor's own: open orders, positions,
 * market view. The new kill-switch limits are then checked against the latest equity at once, so
 * a tightened limit that is already reached trips now rather than at the next tick. A restart of
 * the actor (none is expected: `trading` escalates) would start from the spawn config.
 */
import type { Instrument } from '../../src/model/instrument.js';
import { InstrumentKeys, instrumentKey } from '../../src/model/instrument-key.js';
import { MARKET_RECORD_TYPES, recordTypeTopic, type MarketRecord } from '../../src/model/records.js';
import { defineActor, type ActorContext, type ActorRef } from '../../src/runtime/actor.js';
import { deniedTopic, plannerOrderFilter, type CancelOrder, type FillReport, type OrderDenied, type OrderRequest, type OrderUpdate } from '../execution/execution-messages.js';
import type { RiskJournal } from '../execution/orders/execution-journal.js';
import { Portfolio } from '../execution/orders/portfolio.js';
import { ordersOpenAfterRestart, type RecoveredTrading } from '../../src/model/trading-recovery.js';
import { MarketSnapshots } from './market-snapshot.js';
import { OpenOrders } from './open-orders.js';
import type { RiskCheck } from './risk-check.js';
import type { RiskReason } from './risk-reason.js';
import type { ResolvedRiskConfig } from './risk-config.js';
import { RiskGuard } from './risk-guard.js';
import type { RiskStateEvent, TradingState } from './trading-state.js';

/**
 * Config of the risk actor. `risk` is the user's risk config as validated once, at the edge
 * (`parseConfig`, or `parseRiskConfig` for a caller of its own): trusted here, never parsed again.
 * `builtBarInterval` is the interval of the bars the engine builds (the bars actor's spec text),
 * so those are not taken for venue data by the staleness check; undefined when it builds none.
 */
export interface RiskActorConfig {
  readonly risk: ResolvedRiskConfig;
  readonly builtBarInterval?: string | undefined;
  /** By `instrumentKey(exchange, symbol)`. */
  readonly instruments: ReadonlyMap<string, Instrument>;
  readonly quotePrecision: number;
  readonly initialCash: string;
  readonly execution: ActorRef<OrderRequest | OrderDenied | CancelOrder>;
  /** The pre-trade checks, in order (`RiskGuardOptions.checks`); absent, the built-in `riskChecks`. */
  readonly checks?: readonly RiskCheck[] | undefined;
  /** The write-ahead log (a daemon's): trading-state changes are journaled before they are published. */
  readonly journal?: RiskJournal;
  /** What a restart restores: the positions (from the fills), the open orders, the trading state. */
  readonly recovered?: RecoveredTrading;
}

/** Operator → risk: change the trading state. */
export interface SetTradingState {
  readonly type: 'set_trading_state';
  readonly state: TradingState;
  readonly reason: string;
}

/** Asks for denials and state; replies `RiskStats`. */
export interface RiskStatsQuery {
  readonly type: 'risk_stats';
}
export interface RiskStats {
  readonly state: TradingState;
  readonly approved: number;
  readonly denials: Record<RiskReason, number>;
  readonly stateEvents: readonly RiskStateEvent[];
}

/**
 * Replaces the risk limits (a config reload). `risk` is validated at the edge, like the spawn
 * config. Replies `ReconfigureResult`: `{ ok: true }` once the new limits are in force, or
 * `{ ok: false, detail }` with the old ones kept.
 */
export interface RiskReconfigure {
  readonly type: 'risk_reconfigure';
  readonly risk: ResolvedRiskConfig;
}

/** The reply to a reconfigure message (risk or strategy). */
export type ReconfigureResult = { readonly ok: true } | { readonly ok: false; readonly detail: string };

/** Asks for the risk config in force (the spawn one, or the last reconfigure's); replies `ResolvedRiskConfig`. */
export interface RiskConfigQuery {
  readonly type: 'risk_config';
}

export type RiskMessage = OrderRequest | CancelOrder | FillReport | OrderUpdate | SetTradingState | RiskStatsQuery | RiskReconfigure | RiskConfigQuery | MarketRecord;

const RECONFIGURED: ReconfigureResult = Object.freeze({ ok: true });

interface RiskState {
  readonly config: RiskActorConfig;
  readonly guard: RiskGuard;
  readonly market: MarketSnapshots;
  readonly portfolio: Portfolio;
  readonly openOrders: OpenOrders;
  /** Instrument keys of market records, interned (marks come on every tick). */
  readonly keys: InstrumentKeys;
}

/** The risk actor definition. */
export const riskActor = defineActor<RiskActorConfig, RiskState, RiskMessage>({
  name: 'risk',
  init: (config) => {
    const state: RiskState = {
      config,
      guard: new RiskGuard(config.risk, { quotePrecision: config.quotePrecision, checks: config.checks }),
      market: new MarketSnapshots(config.builtBarInterval),
      portfolio: new Portfolio({ quotePrecision: config.quotePrecision, initialCash: config.initialCash }),
      openOrders: new OpenOrders(),
      keys: new InstrumentKeys(),
    };
    const recovered = config.recovered;
    if (recovered !== undefined) {
      for (const fill of recovered.fills) state.portfolio.applyFill(fill, config.instruments.get(instrumentKey(fill.exchange, fill.symbol))!);
      for (const order of ordersOpenAfterRestart(recovered)) state.openOrders.restore(order);
      // A kill switch that tripped before the restart stays tripped: only an operator re-arms it.
      if (recovered.tradingState !== undefined) state.guard.restoreState(recovered.tradingState.state);
    }
    return state;
  },
  onStart: (state, ctx) => {
    // Market records only: the book actor's snapshots and indicators on `md` are not news from the venue.
    for (const type of MARKET_RECORD_TYPES) ctx.subscribe(recordTypeTopic('md', type));
    ctx.subscribe('exec.fill');
    ctx.subscribe('exec.order', plannerOrderFilter);
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'trade':
        state.market.observe(message);
        if (state.portfolio.mark(state.keys.of(message.exchange, message.symbol), message.price)) feedEquity(state, ctx);
        return state;
      case 'book_ticker':
        state.market.observe(message);
        if (message.bidPrice > 0 && message.askPrice > 0 && state.portfolio.mark(state.keys.of(message.exchange, message.symbol), (message.bidPrice + message.askPrice) / 2)) {
          feedEquity(state, ctx);
        }
        return state;
      case 'trade_bar':
        state.market.observe(message);
        state.portfolio.mark(state.keys.of(message.exchange, message.symbol), message.close);
        feedEquity(state, ctx);
        return state;
      case 'book_change':
      case 'depth_snapshot':
        state.market.observe(message);
        return state;
      case 'fill_report':
        if (message.order !== undefined) state.openOrders.update(message.order); // the change the fill made
        state.portfolio.applyFill(message.fill, state.config.instruments.get(state.keys.of(message.fill.exchange, message.fill.symbol))!);
        feedEquity(state, ctx);
        return state;
      case 'order_update':
        state.openOrders.update(message);
        return state;
      case 'order_request': {
        const order = message.order;
        const key = instrumentKey(order.exchange, order.symbol);
        const instrument = state.config.instruments.get(key);
        const now = ctx.clock.now();
        if (instrument === undefined) {
          deny(state, message, 'UNKNOWN_INSTRUMENT', `no instrument for ${key}`, now, ctx);
          return state;
        }
        const verdict = state.guard.check(order, { now, instrument, portfolio: state.portfolio, market: state.market.get(key), openOrders: state.openOrders });
        if (verdict.ok) {
          state.openOrders.add(order, instrument);
          ctx.send(state.config.execution, message);
        } else deny(state, message, verdict.reason, verdict.detail, now, ctx);
        return state;
      }
      case 'cancel':
        state.guard.checkCancel(message);
        ctx.send(state.config.execution, message);
        return state;
      case 'set_trading_state': {
        const event = state.guard.setState(message.state, message.reason, ctx.clock.now());
        if (event !== undefined) publishState(state, event, ctx);
        ctx.reply(state.guard.state);
        return state;
      }
      case 'risk_stats':
        ctx.reply({ state: state.guard.state, approved: state.guard.approved, denials: state.guard.denials(), stateEvents: state.guard.stateEvents() } satisfies RiskStats);
        return state;
      case 'risk_reconfigure':
        try {
          state.guard.reconfigure(message.risk);
        } catch (error) {
          ctx.reply({ ok: false, detail: `risk limits kept: ${(error as Error).message}` } satisfies ReconfigureResult);
          return state;
        }
        feedEquity(state, ctx);
        ctx.reply(RECONFIGURED);
        return state;
      case 'risk_config':
        ctx.reply(state.guard.config);
        return state;
      default:
        return state; // nothing else is subscribed to
    }
  },
});

function deny(state: RiskState, request: OrderRequest, reason: string, detail: string, ts: number, ctx: ActorContext<RiskMessage>): void {
  const denied: OrderDenied = { type: 'order_denied', order: request.order, reason, detail, ts };
  ctx.send(state.config.execution, denied);
  ctx.publish(deniedTopic(request.order.exchange, request.order.symbol), denied);
}

function feedEquity(state: RiskState, ctx: ActorContext<RiskMessage>): void {
  const event = state.guard.onEquity(state.portfolio.equity(), ctx.clock.now());
  if (event !== undefined) publishState(state, event, ctx);
}

function publishState(state: RiskState, event: RiskStateEvent, ctx: ActorContext<RiskMessage>): void {
  state.config.journal?.riskState(event);
  ctx.publish('risk.state', event);
}
