/**
 * The risk guard: pure logic between the order planner and execution (the risk actor wraps it and
 * publishes what it returns). It holds the validated config, the trading state, the order-rate
 * window, the kill switch's equity tracking and the denial counts.
 *
 * `check(order, context)` runs the configured checks in a fixed order and returns the first denial
 * (`RISK_REASONS` lists that order): TRADING_HALTED, REDUCE_ONLY, STALE_MARKET_DATA,
 * MAX_ORDER_QUANTITY, NO_REFERENCE_PRICE, PRICE_BAND, MAX_ORDER_NOTIONAL, MAX_POSITION,
 * MAX_GROSS_EXPOSURE, ORDER_RATE. A check whose key is absent from the config is skipped.
 * Position and gross exposure are checked against the worst case: filled position plus the open
 * orders on the order's side (`context.openOrders`), plus the order.
 * NO_REFERENCE_PRICE is not a limit: it denies (fails closed) when a configured price check
 * (band, notional, gross exposure) has no price to work with, e.g. a market order before any quote,
 * trade or bar of its symbol. The rate check is last, so only approved orders fill the window: a
 * burst of denied orders does not lock out the next good one.
 *
 * Every other check applies in every state: in `REDUCING` a reducing order still needs fresh data,
 * a sane size and price. Denials are counted by reason (`denials()`); approvals allocate nothing.
 * The order's validity (grid, positive size) is the registry's business, checked apart.
 * Positions, open orders and limits are the order's instrument's (`instrumentKey(exchange,
 * symbol)`), never those of the same symbol on another exchange.
 */
import { formatSize } from '../../src/model/instrument.js';
import { instrumentKey } from '../../src/model/instrument-key.js';
import { parseDecimal, type Decimal } from '../../src/model/money.js';
import type { NewOrder } from '../../src/model/order.js';
import { KillSwitch } from './kill-switch.js';
import { expectedMarketPrice, referencePrice } from './market-snapshot.js';
import {
  checkGrossExposure,
  checkOrderNotional,
  checkOrderQuantity,
  checkPosition,
  checkPriceBand,
  checkStaleMarketData,
  reducesPosition,
  resolveSymbolLimits,
  type RiskContext,
  type SymbolLimits,
} from './pre-trade-checks.js';
import { RateWindow } from './rate-window.js';
import { parseRiskConfig, type ResolvedRiskConfig } from './risk-config.js';
import { RISK_OK, zeroDenials, type RiskApproval, type RiskDenial, type RiskReason, type RiskVerdict } from './risk-reason.js';
import { restrictiveness, type RiskStateEvent, type RiskStateSource, type TradingState } from './trading-state.js';

/** Options beyond the config. */
export interface RiskGuardOptions {
  /** Decimals of the equity figures given to `onEquity` (the portfolio's `quotePrecision`). */
  readonly quotePrecision: number;
  /** State events kept for `stateEvents()` (oldest dropped past it). Default 1000. */
  readonly retainEvents?: number;
}

/** Pre-trade checks, trading state and kill switch. One instance per risk actor. */
export class RiskGuard {
  readonly config: ResolvedRiskConfig;
  private current: TradingState;
  private readonly limitsByInstrument: Map<string, SymbolLimits>;
  private readonly rate: RateWindow | undefined;
  private readonly band: Decimal | undefined;
  private readonly maxGross: Decimal | undefined;
  private readonly staleUs: number | undefined;
  private readonly killSwitch: KillSwitch;
  private readonly denialCounts: Record<RiskReason, number>;
  private approvedCount: number;
  private readonly events: RiskStateEvent[];
  private readonly retainEvents: number;
  private eventCount: number;

  constructor(config: ResolvedRiskConfig, options: RiskGuardOptions) {
    // Every field set here, in one order (one hidden class; `check` is on the hot path).
    this.config = config;
    this.current = config.initialState;
    this.limitsByInstrument = new Map();
    this.rate = config.orderRate === undefined ? undefined : new RateWindow(config.orderRate.maxOrders, config.orderRate.interval);
    this.band = config.priceBand === undefined ? undefined : parseDecimal(config.priceBand.maxDeviation);
    this.maxGross = config.maxGrossExposure === undefined ? undefined : parseDecimal(config.maxGrossExposure);
    this.staleUs = config.staleMarketData?.maxAge;
    this.killSwitch = new KillSwitch(config.killSwitch, options.quotePrecision);
    this.denialCounts = zeroDenials();
    this.approvedCount = 0;
    this.events = [];
    this.retainEvents = options.retainEvents ?? 1000;
    this.eventCount = 0;
  }

  /** The trading state now. */
  get state(): TradingState {
    return this.current;
  }

  /** Orders approved so far. */
  get approved(): number {
    return this.approvedCount;
  }

  /** Largest drawdown from peak equity seen by the kill switch, quote units (0 before any update). */
  get maxDrawdownSeen(): bigint {
    return this.killSwitch.maxDrawdownSeen;
  }

  /**
   * Checks a new order. Approves (`{ ok: true }`, a shared object) or denies with the first failing
   * check's reason and a detail naming the figures; the denial is counted. An approval is recorded
   * in the order-rate window at `context.now`.
   */
  check(order: NewOrder, context: RiskContext): RiskVerdict {
    const denial = this.firstDenial(order, context);
    if (denial !== undefined) {
      this.denialCounts[denial.reason]++;
      return denial;
    }
    this.rate?.record(context.now);
    this.approvedCount++;
    return RISK_OK;
  }

  /**
   * Checks a cancel request: always approved, in every state. Cancelling only ever lowers risk,
   * and a halted engine must still be able to pull its resting orders.
   */
  checkCancel(_cancel?: { readonly clientOrderId: string }): RiskApproval {
    return RISK_OK;
  }

  /**
   * Feeds an equity update (quote units at `quotePrecision`, engine time `now`) to the kill switch.
   * When a limit is reached and the configured action (`HALTED` by default, or `REDUCING`) is more
   * restrictive than the current state, the state moves and the event is returned for the actor to
   * publish; otherwise `undefined` (a state is never loosened by the kill switch).
   */
  onEquity(equity: bigint, now: number): RiskStateEvent | undefined {
    const trip = this.killSwitch.onEquity(equity, now);
    if (trip === undefined) return undefined;
    const to: TradingState = this.config.killSwitch?.action ?? 'HALTED';
    if (restrictiveness(this.current) >= restrictiveness(to)) return undefined;
    return this.transition(to, trip.reason, trip.detail, 'kill_switch', now);
  }

  /**
   * An operator's change of state; returns the event, or `undefined` when the state is unchanged.
   * Loosening the state (e.g. `HALTED` → `ACTIVE`) re-arms the kill switch: its peak and day-start
   * equity restart at the latest equity, so a loss the operator has accepted does not trip it again.
   */
  setState(state: TradingState, reason: string, now: number): RiskStateEvent | undefined {
    if (state === this.current) return undefined;
    if (restrictiveness(state) < restrictiveness(this.current)) this.killSwitch.rebase();
    return this.transition(state, reason, reason, 'operator', now);
  }

  /** Denials so far by reason, every reason present (zero included), in `RISK_REASONS` order. */
  denials(): Record<RiskReason, number> {
    return { ...this.denialCounts };
  }

  /** State changes so far, oldest first (the last `retainEvents` of them). */
  stateEvents(): readonly RiskStateEvent[] {
    return this.events.slice();
  }

  /** Number of state changes so far, including those no longer retained. */
  get stateChanges(): number {
    return this.eventCount;
  }

  private transition(to: TradingState, reason: string, detail: string, source: RiskStateSource, ts: number): RiskStateEvent {
    const event: RiskStateEvent = { type: 'risk_state', from: this.current, to, reason, detail, source, ts };
    this.current = to;
    this.eventCount++;
    this.events.push(event);
    if (this.events.length > this.retainEvents) this.events.shift();
    return event;
  }

  private limitsFor(key: string, order: NewOrder): SymbolLimits {
    let limits = this.limitsByInstrument.get(key);
    if (limits === undefined) {
      limits = resolveSymbolLimits(this.config, order.exchange, order.symbol);
      this.limitsByInstrument.set(key, limits);
    }
    return limits;
  }

  private firstDenial(order: NewOrder, ctx: RiskContext): RiskDenial | undefined {
    const state = this.current;
    if (state === 'HALTED') return { ok: false, reason: 'TRADING_HALTED', detail: `trading is halted; ${order.symbol} order denied` };
    const instrument = ctx.instrument;
    const key = instrumentKey(order.exchange, order.symbol);
    const position = ctx.portfolio.positionQuantity(key);
    if (state === 'REDUCING' && !reducesPosition(order, position)) {
      const detail = `reducing only: a ${order.side} of ${formatSize(instrument, order.quantity)} does not reduce the ${order.symbol} position of ${formatSize(instrument, position)}`;
      return { ok: false, reason: 'REDUCE_ONLY', detail };
    }
    let d: RiskDenial | undefined;
    if (this.staleUs !== undefined && (d = checkStaleMarketData(order.symbol, ctx.market, ctx.now, this.staleUs)) !== undefined) return d;
    const limits = this.limitsFor(key, order);
    if (limits.maxOrderQuantity !== undefined && (d = checkOrderQuantity(order, instrument, limits.maxOrderQuantity)) !== undefined) return d;

    // The order's price (limit price, or a market order's expected fill), only when a check needs it.
    const sources = this.config.referencePrice;
    let price: Decimal | undefined;
    if (this.band !== undefined || limits.maxOrderNotional !== undefined || this.maxGross !== undefined) {
      price =
        order.type === 'limit' && order.limitPrice !== undefined
          ? { units: order.limitPrice, scale: instrument.pricePrecision }
          : expectedMarketPrice(ctx.market, order.side, sources);
      if (price === undefined) return { ok: false, reason: 'NO_REFERENCE_PRICE', detail: `${order.symbol}: no quote, trade or bar to price a market order` };
    }
    if (this.band !== undefined && price !== undefined) {
      const reference = referencePrice(ctx.market, sources);
      if (reference === undefined) {
        return { ok: false, reason: 'NO_REFERENCE_PRICE', detail: `${order.symbol}: no ${sources.join(' / ')} price to check the band against` };
      }
      if ((d = checkPriceBand(order.symbol, price, reference, this.band)) !== undefined) return d;
    }
    if (limits.maxOrderNotional !== undefined && price !== undefined && (d = checkOrderNotional(order, instrument, price, limits.maxOrderNotional)) !== undefined) return d;
    if (limits.maxPosition !== undefined || this.maxGross !== undefined) {
      // Worst case: the open orders on the order's side may all fill (see `pre-trade-checks.ts`).
      const open = ctx.openOrders?.openQuantity(key, order.side) ?? 0n;
      if (limits.maxPosition !== undefined && (d = checkPosition(order, instrument, position, open, limits.maxPosition)) !== undefined) return d;
      if (this.maxGross !== undefined && price !== undefined && (d = checkGrossExposure(order, instrument, ctx.portfolio, price, open, this.maxGross)) !== undefined) return d;
    }
    if (this.rate !== undefined && this.rate.isFull(ctx.now)) {
      return { ok: false, reason: 'ORDER_RATE', detail: `${this.rate.maxEvents} orders already approved in the last ${this.rate.intervalUs} µs` };
    }
    return undefined;
  }
}

/** Validates `config` (see `parseRiskConfig`; throws `CONFIG_INVALID`) and builds a guard. */
export function createRiskGuard(config: unknown, options: RiskGuardOptions): RiskGuard {
  return new RiskGuard(parseRiskConfig(config), options);
}
