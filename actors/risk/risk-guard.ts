/**
 * The risk guard: pure logic between the order planner and execution (the risk actor wraps it and
 * publishes what it returns). It holds the validated config, the trading state, the order-rate
 * window, the kill switch's equity tracking and the denial counts.
 *
 * `check(order, context)` runs a list of `RiskCheck` values (`risk-check.ts`; the built-in list is
 * `riskChecks` in `risk-checks.ts`, or `options.checks`) in their order and returns the first
 * denial. The built-in order (`RISK_REASONS` lists it): TRADING_HALTED, REDUCE_ONLY,
 * STALE_MARKET_DATA, MAX_ORDER_QUANTITY, NO_REFERENCE_PRICE, PRICE_BAND, MAX_ORDER_NOTIONAL,
 * MAX_POSITION, MAX_GROSS_EXPOSURE, ORDER_RATE. A check none of whose config keys is set is left
 * out when the guard is built.
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
 *
 * `reconfigure(config)` (a config reload) swaps the limits in one step between two `check` calls,
 * so no order is checked against half old, half new limits. What is state and not configuration
 * is kept: the trading state (a kill switch that tripped stays tripped: only an operator re-arms
 * it), the approvals in the rate window (they count against the new rate limit), the kill switch's
 * peak and day-start equity (a new drawdown limit is measured from the same peak), the counts and
 * the state events. `initialState` is the state at start and moves nothing at a reconfigure.
 */
import type { Instrument } from '../../src/model/instrument.js';
import { instrumentKey } from '../../src/model/instrument-key.js';
import type { Decimal } from '../../src/model/money.js';
import type { NewOrder } from '../../src/model/order.js';
import { KillSwitch } from './kill-switch.js';
import { expectedMarketPrice, type MarketSnapshot } from './market-snapshot.js';
import { resolveSymbolLimits, type RiskContext, type RiskOpenOrders, type RiskPortfolio, type SymbolLimits } from './pre-trade-checks.js';
import { RateWindow } from './rate-window.js';
import { isRiskCheckEnabled, prepareRiskCheckConfig, type RiskCheck, type RiskCheckConfig, type RiskCheckContext } from './risk-check.js';
import { riskChecks } from './risk-checks.js';
import { parseRiskConfig, type ReferencePriceSource, type ResolvedRiskConfig } from './risk-config.js';
import { RISK_OK, zeroDenials, type RiskApproval, type RiskDenial, type RiskReason, type RiskVerdict } from './risk-reason.js';
import { restrictiveness, type RiskStateEvent, type RiskStateSource, type TradingState } from './trading-state.js';

/** Options beyond the config. */
export interface RiskGuardOptions {
  /** Decimals of the equity figures given to `onEquity` (the portfolio's `quotePrecision`). */
  readonly quotePrecision: number;
  /** State events kept for `stateEvents()` (oldest dropped past it). Default 1000. */
  readonly retainEvents?: number;
  /** The checks to run, in order. Default `riskChecks` (the built-in list); extend it to add one. */
  readonly checks?: readonly RiskCheck[];
}

/** Pre-trade checks, trading state and kill switch. One instance per risk actor. */
export class RiskGuard {
  private resolved: ResolvedRiskConfig;
  private current: TradingState;
  private readonly limitsByInstrument: Map<string, SymbolLimits>;
  private rate: RateWindow | undefined;
  private checkConfig: RiskCheckConfig;
  // Every check the guard may run (`options.checks` or the built-in list), before filtering by config.
  private readonly allChecks: readonly RiskCheck[];
  private checks: readonly RiskCheck[];
  private scratch: OrderCheckContext;
  private readonly killSwitch: KillSwitch;
  private readonly denialCounts: Record<RiskReason, number>;
  private approvedCount: number;
  private readonly events: RiskStateEvent[];
  private readonly retainEvents: number;
  private eventCount: number;

  constructor(config: ResolvedRiskConfig, options: RiskGuardOptions) {
    // Every field set here, in one order (one hidden class; `check` is on the hot path).
    this.resolved = config;
    this.current = config.initialState;
    this.limitsByInstrument = new Map();
    this.rate = config.orderRate === undefined ? undefined : new RateWindow(config.orderRate.maxOrders, config.orderRate.interval);
    this.checkConfig = prepareRiskCheckConfig(config);
    this.allChecks = options.checks ?? riskChecks;
    this.checks = this.allChecks.filter((c) => isRiskCheckEnabled(c, config));
    this.scratch = new OrderCheckContext(this.rate, config.referencePrice);
    this.killSwitch = new KillSwitch(config.killSwitch, options.quotePrecision);
    this.denialCounts = zeroDenials();
    this.approvedCount = 0;
    this.events = [];
    this.retainEvents = options.retainEvents ?? 1000;
    this.eventCount = 0;
  }

  /** The config in force: the one given at construction, or the last `reconfigure`'s. */
  get config(): ResolvedRiskConfig {
    return this.resolved;
  }

  /**
   * Replaces the limits with `config` (validated, as at construction), keeping the state that is
   * not configuration (see the module comment). Everything is built before anything is set, so a
   * throw leaves the guard with its old limits. A changed `orderRate` keeps the latest approvals
   * (as many as the new limit holds); a removed one forgets them, a new one starts empty. The
   * per-instrument limits are resolved again on each instrument's next order.
   */
  reconfigure(config: ResolvedRiskConfig): void {
    const was = this.resolved.orderRate;
    const now = config.orderRate;
    const rate =
      now === undefined
        ? undefined
        : this.rate === undefined
          ? new RateWindow(now.maxOrders, now.interval)
          : was !== undefined && was.maxOrders === now.maxOrders && was.interval === now.interval
            ? this.rate
            : this.rate.resized(now.maxOrders, now.interval);
    const checkConfig = prepareRiskCheckConfig(config);
    const checks = this.allChecks.filter((c) => isRiskCheckEnabled(c, config));
    const scratch = new OrderCheckContext(rate, config.referencePrice);
    this.killSwitch.reconfigure(config.killSwitch); // the last step that may throw; it sets all or nothing
    this.resolved = config;
    this.rate = rate;
    this.checkConfig = checkConfig;
    this.checks = checks;
    this.scratch = scratch;
    this.limitsByInstrument.clear();
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
    const to: TradingState = this.resolved.killSwitch?.action ?? 'HALTED';
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

  /**
   * Sets the state a restart restores (recovery), with no event: the change it came from is in
   * the journal already. The kill switch's peak starts at the equity it sees next.
   */
  restoreState(state: TradingState): void {
    this.current = state;
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
      limits = resolveSymbolLimits(this.resolved, order.exchange, order.symbol);
      this.limitsByInstrument.set(key, limits);
    }
    return limits;
  }

  private firstDenial(order: NewOrder, ctx: RiskContext): RiskDenial | undefined {
    const key = instrumentKey(order.exchange, order.symbol);
    const context = this.scratch.reset(order, ctx, this.current, key, ctx.portfolio.positionQuantity(key), this.limitsFor(key, order));
    const checks = this.checks;
    const config = this.checkConfig;
    for (let i = 0; i < checks.length; i++) {
      const verdict = (checks[i] as RiskCheck).check(order, context, config);
      if (!verdict.ok) return verdict;
    }
    return undefined;
  }
}

/**
 * The `RiskCheckContext` the guard hands its checks: one per guard, refilled for every order
 * (`reset`), so running the checks allocates nothing. Every field is set in the constructor, in one
 * order (one hidden class); the per-order ones hold placeholders until the first `reset`, which
 * always comes before a check reads them.
 */
class OrderCheckContext implements RiskCheckContext {
  now: number;
  instrument: Instrument;
  portfolio: RiskPortfolio;
  market: MarketSnapshot | undefined;
  openOrders: RiskOpenOrders | undefined;
  state: TradingState;
  key: string;
  position: number;
  limits: SymbolLimits;
  readonly orderRate: RateWindow | undefined;
  private readonly sources: readonly ReferencePriceSource[];
  private order: NewOrder | undefined;
  private priced: boolean;
  private price: Decimal | undefined;
  // The last limit price read as a `Decimal` (`limitTicks` at scale `limitScale`): an order at the
  // same limit price as the one before (a strategy re-quoting) reuses it, so it allocates nothing.
  private limitTicks: number;
  private limitScale: number;
  private limitDecimal: Decimal | undefined;

  constructor(orderRate: RateWindow | undefined, sources: readonly ReferencePriceSource[]) {
    this.now = 0;
    this.instrument = undefined as unknown as Instrument;
    this.portfolio = undefined as unknown as RiskPortfolio;
    this.market = undefined;
    this.openOrders = undefined;
    this.state = 'ACTIVE';
    this.key = '';
    this.position = 0;
    this.limits = undefined as unknown as SymbolLimits;
    this.orderRate = orderRate;
    this.sources = sources;
    this.order = undefined;
    this.priced = false;
    this.price = undefined;
    this.limitTicks = 0;
    this.limitScale = 0;
    this.limitDecimal = undefined;
  }

  reset(order: NewOrder, ctx: RiskContext, state: TradingState, key: string, position: number, limits: SymbolLimits): this {
    this.now = ctx.now;
    this.instrument = ctx.instrument;
    this.portfolio = ctx.portfolio;
    this.market = ctx.market;
    this.openOrders = ctx.openOrders;
    this.state = state;
    this.key = key;
    this.position = position;
    this.limits = limits;
    this.order = order;
    this.priced = false;
    this.price = undefined;
    return this;
  }

  orderPrice(): Decimal | undefined {
    if (!this.priced) {
      const order = this.order as NewOrder;
      this.price =
        order.type === 'limit' && order.limitPrice !== undefined
          ? this.limitPriceDecimal(order.limitPrice, this.instrument.pricePrecision)
          : expectedMarketPrice(this.market, order.side, this.sources);
      this.priced = true;
    }
    return this.price;
  }

  /** `ticks` at `scale` as a `Decimal` (the checks' exact figures are `bigint`s). */
  private limitPriceDecimal(ticks: number, scale: number): Decimal {
    if (this.limitDecimal === undefined || ticks !== this.limitTicks || scale !== this.limitScale) {
      this.limitDecimal = { units: BigInt(ticks), scale };
      this.limitTicks = ticks;
      this.limitScale = scale;
    }
    return this.limitDecimal;
  }
}

/** Validates `config` (see `parseRiskConfig`; throws `CONFIG_INVALID`) and builds a guard. */
export function createRiskGuard(config: unknown, options: RiskGuardOptions): RiskGuard {
  return new RiskGuard(parseRiskConfig(config), options);
}
