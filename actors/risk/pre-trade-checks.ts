/**
 * The pre-trade checks, one pure function each: given an order's figures and the limit, a
 * `RiskDenial` or `undefined`. Each is wrapped as a `RiskCheck` value in `checks/`; the list in
 * `risk-checks.ts` sets the order the guard runs them in.
 *
 * Every limit is an exclusive upper bound (deny when the value reaches it) and every comparison
 * that involves money or size is exact: lots and ticks are integer `number`s (below 2^53), quote
 * units `bigint`s, market prices are read as their exact decimals, and the two sides are
 * cross-multiplied, never divided; a product of lots and a price is taken as a `bigint`. The one
 * rounding is the order's notional brought to the portfolio's quote precision for the gross-exposure
 * sum (half-even, as every notional in the engine).
 *
 * Every figure is per instrument (`instrumentKey(exchange, symbol)`): a position, its open orders
 * and its limits on one exchange say nothing of the same symbol on another.
 *
 * Position and exposure limits are checked against the worst case: the filled position plus the
 * remaining quantity of the open orders on the order's side (approved and not yet ended: they may
 * all fill, whatever cancels are on their way), plus the order. Open orders on the other side are
 * left out (they may not fill). So a strategy that changes its mind faster than the venue answers
 * cannot stack orders past the limit.
 *
 * They never block an order that lowers the figure they bound: an order is denied only when the
 * worst case after it reaches the limit and is larger than before it, so a position left above a
 * lowered limit can still be reduced.
 */
import { divToScale, formatUnits, parseDecimal, pow10, productUnits, rescale, type Decimal } from '../../src/model/money.js';
import type { Instrument } from '../../src/model/instrument.js';
import { instrumentKey } from '../../src/model/instrument-key.js';
import type { NewOrder, OrderSide } from '../../src/model/order.js';
import { absBig, compareScaled, gridReachesLimit, reachesLimit } from './exact-compare.js';
import type { MarketSnapshot } from './market-snapshot.js';
import type { ResolvedRiskConfig } from './risk-config.js';
import type { RiskDenial, RiskReason } from './risk-reason.js';

/** What the guard reads of the portfolio (`Portfolio` from `actors/execution/orders/portfolio.ts` fits). */
export interface RiskPortfolio {
  /** Decimals of the quote units `marketValue` and `grossExposure` are in. */
  readonly quotePrecision: number;
  /** Signed lots held in an instrument (by `instrumentKey`, at its size precision), 0 when never traded. */
  positionQuantity(key: string): number;
  /** Signed market value of the instrument's position at its mark, quote units. */
  marketValue(key: string): bigint;
  /** Σ |market value| over instruments, quote units. */
  grossExposure(): bigint;
}

/** What the guard reads of the open orders (`OpenOrders` from `open-orders.ts` fits). */
export interface RiskOpenOrders {
  /** Lots the instrument's (`instrumentKey`) open orders on `side` may still fill (approved, not ended), ≥ 0. */
  openQuantity(key: string, side: OrderSide): number;
}

/** What one check needs beyond the order: engine time, the order's instrument, portfolio, market. */
export interface RiskContext {
  /** Engine time now, µs. */
  readonly now: number;
  readonly instrument: Instrument;
  readonly portfolio: RiskPortfolio;
  /** The order's instrument's market figures (`MarketSnapshots.get(key)`), if any record was seen. */
  readonly market: MarketSnapshot | undefined;
  /**
   * The orders approved and not yet ended. The risk actor always gives them; absent means none
   * (an order checked on its own, as in the core-path benchmark).
   */
  readonly openOrders?: RiskOpenOrders | undefined;
}

/** One instrument's quantity and notional limits, parsed (top-level values with its overrides). */
export interface SymbolLimits {
  readonly maxOrderQuantity: Decimal | undefined;
  readonly maxOrderNotional: Decimal | undefined;
  readonly maxPosition: Decimal | undefined;
}

function dec(text: string | undefined): Decimal | undefined {
  return text === undefined ? undefined : parseDecimal(text);
}

/**
 * The limits that apply to `symbol` on `exchange`, each from the first that gives it: the
 * instrument's override (`symbols["exchange:SYMBOL"]`), the symbol's (`symbols.SYMBOL`, which
 * applies to that symbol on every exchange, to each instrument apart), the top-level value.
 */
export function resolveSymbolLimits(config: ResolvedRiskConfig, exchange: string, symbol: string): SymbolLimits {
  const own = config.symbols[instrumentKey(exchange, symbol)];
  const bySymbol = config.symbols[symbol];
  return {
    maxOrderQuantity: dec(own?.maxOrderQuantity ?? bySymbol?.maxOrderQuantity ?? config.maxOrderQuantity),
    maxOrderNotional: dec(own?.maxOrderNotional ?? bySymbol?.maxOrderNotional ?? config.maxOrderNotional),
    maxPosition: dec(own?.maxPosition ?? bySymbol?.maxPosition ?? config.maxPosition),
  };
}

function deny(reason: RiskReason, detail: string): RiskDenial {
  return { ok: false, reason, detail };
}

function text(d: Decimal): string {
  return formatUnits(d.units, d.scale, true);
}

/** STALE_MARKET_DATA: no record of the symbol yet, or the last one is `maxAgeUs` old or older. */
export function checkStaleMarketData(symbol: string, market: MarketSnapshot | undefined, now: number, maxAgeUs: number): RiskDenial | undefined {
  const last = market?.lastTickTs;
  if (last === undefined) return deny('STALE_MARKET_DATA', `${symbol}: no market data yet`);
  const age = now - last;
  if (age >= maxAgeUs) return deny('STALE_MARKET_DATA', `${symbol}: last tick ${age} µs ago, limit ${maxAgeUs} µs`);
  return undefined;
}

/** MAX_ORDER_QUANTITY: the order's size reaches the limit (base units). */
export function checkOrderQuantity(order: NewOrder, instrument: Instrument, limit: Decimal): RiskDenial | undefined {
  if (!gridReachesLimit(order.quantity, instrument.sizePrecision, limit)) return undefined;
  return deny('MAX_ORDER_QUANTITY', `${order.symbol}: quantity ${formatUnits(order.quantity, instrument.sizePrecision)} reaches the limit ${text(limit)}`);
}

/**
 * PRICE_BAND: `|price − reference| / reference` reaches `maxDeviation` (a fraction). The detail
 * gives the deviation in bps (two decimals, half-even: display only, the test is exact).
 */
export function checkPriceBand(symbol: string, price: Decimal, reference: Decimal, maxDeviation: Decimal): RiskDenial | undefined {
  const scale = Math.max(price.scale, reference.scale);
  const p = price.units * pow10(scale - price.scale);
  const r = reference.units * pow10(scale - reference.scale);
  const diff = absBig(p - r);
  if (diff * pow10(maxDeviation.scale) < maxDeviation.units * r) return undefined;
  const bps = formatUnits(divToScale(diff * 10_000n, 0, r, 0, 2), 2);
  return deny('PRICE_BAND', `${symbol}: price ${text(price)} is ${bps} bps from the reference ${text(reference)}, band ${text(maxDeviation)}`);
}

/** MAX_ORDER_NOTIONAL: `quantity × price` (exact) reaches the limit (quote currency). */
export function checkOrderNotional(order: NewOrder, instrument: Instrument, price: Decimal, limit: Decimal): RiskDenial | undefined {
  const scale = instrument.sizePrecision + price.scale;
  const notional = lotsTimes(order.quantity, price.units);
  if (!reachesLimit(notional, scale, limit)) return undefined;
  return deny('MAX_ORDER_NOTIONAL', `${order.symbol}: notional ${formatUnits(notional, scale, true)} at ${text(price)} reaches the limit ${text(limit)}`);
}

/**
 * `lots × units` (a price's units), exact, as a `bigint`: through `productUnits` when the units fit
 * a `number` exactly, so it allocates one `bigint`, as the product of two `bigint`s would.
 */
function lotsTimes(lots: number, units: bigint): bigint {
  const u = Number(units); // exact when |units| < 2^53; otherwise not a safe integer
  return Number.isSafeInteger(u) ? productUnits(lots, u) : BigInt(lots) * units;
}

/** Signed lots the order adds to the position (never `-0`). */
export function signedQuantity(order: NewOrder): number {
  return order.side === 'buy' ? order.quantity : 0 - order.quantity;
}

/**
 * MAX_POSITION: the worst case after the order, `|position ± open + order|` (`open`: lots of the
 * open orders on the order's side), reaches the limit and is larger than the worst case before it.
 */
export function checkPosition(order: NewOrder, instrument: Instrument, position: number, open: number, limit: Decimal): RiskDenial | undefined {
  const before = order.side === 'buy' ? position + open : position - open;
  const after = before + signedQuantity(order);
  if (Math.abs(after) <= Math.abs(before) || !gridReachesLimit(Math.abs(after), instrument.sizePrecision, limit)) return undefined;
  const sp = instrument.sizePrecision;
  return deny(
    'MAX_POSITION',
    `${order.symbol}: worst-case position after the order ${formatUnits(after, sp)} (filled ${formatUnits(position, sp)}, open ${order.side}s ${formatUnits(open, sp)}) reaches the limit ${text(limit)}`,
  );
}

/**
 * MAX_GROSS_EXPOSURE: the worst-case gross exposure after the order reaches the limit and is larger
 * than before it. Worst case = gross − |value of the symbol| + |value of the symbol ± notional of
 * its open orders on the order's side (`open` lots)|, and after the order the same with the
 * order's lots added to `open`. Open lots are valued at the order's `price`, as the order is; each
 * notional is brought to the portfolio's quote precision (half-even).
 */
export function checkGrossExposure(
  order: NewOrder,
  instrument: Instrument,
  portfolio: RiskPortfolio,
  price: Decimal,
  open: number,
  limit: Decimal,
): RiskDenial | undefined {
  const qp = portfolio.quotePrecision;
  const sp = instrument.sizePrecision;
  const openNotional = rescale(lotsTimes(open, price.units), price.scale + sp, qp, 'halfEven');
  const withOrder = rescale(lotsTimes(open + order.quantity, price.units), price.scale + sp, qp, 'halfEven');
  const value = portfolio.marketValue(instrumentKey(order.exchange, order.symbol));
  const others = portfolio.grossExposure() - absBig(value);
  const buy = order.side === 'buy';
  const before = others + absBig(buy ? value + openNotional : value - openNotional);
  const after = others + absBig(buy ? value + withOrder : value - withOrder);
  if (after <= before || compareScaled(after, qp, limit.units, limit.scale) < 0) return undefined;
  return deny(
    'MAX_GROSS_EXPOSURE',
    `worst-case gross exposure after the order ${formatUnits(after, qp)} (now ${formatUnits(before, qp)}, open ${order.side}s of ${order.symbol} ${formatUnits(open, sp)}) reaches the limit ${text(limit)}`,
  );
}

/** True when the order only reduces the position: opposite side and no larger than it (REDUCING). */
export function reducesPosition(order: NewOrder, position: number): boolean {
  if (order.quantity <= 0) return false;
  return order.side === 'buy' ? position < 0 && order.quantity <= -position : position > 0 && order.quantity <= position;
}
