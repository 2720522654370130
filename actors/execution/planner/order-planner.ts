/**
 * The order planner, pure logic (the planner actor wraps it): turns a strategy's target position into
 * orders. What is left to order is
 *
 *     delta = round(target) − position − openCoverage
 *
 * in lots, where `round` brings the target to the size increment **toward zero** (an order never
 * makes more than the strategy asked: 0.000015 BTC on a 0.00001 grid is 0.00001), `position` is the
 * portfolio's signed lots and `openCoverage` the signed lots open orders may still fill (buys
 * positive, sells negative: `OrderRegistry.openCoverage`). A zero delta plans nothing; otherwise
 * one order of `|delta|` lots, a buy when positive. A non-zero target smaller than one increment
 * rounds to zero, i.e. flat; `planWithCancels` says so (`roundedToZero`) for the caller to count.
 *
 * - Market orders by default; a limit order when the target asks for one, at its `limitPrice`
 *   snapped to the tick grid in the **passive** direction (a buy rounds down, a sell up), so the
 *   rounding never makes the order more aggressive than the strategy asked. A limit at the touch
 *   (`limitAt: 'touch'`) is priced from the `Touch` the caller gives: the best bid for a buy, the
 *   best ask for a sell (snapped the same way).
 * - Client order ids come from the caller's factory (`createClientOrderIdFactory`:
 *   `${strategy}-${symbol}-${seq}`), called once per planned order, so a replay plans the same ids.
 * - Orders are for the target's instrument: its exchange and symbol (`targetToLots` refuses an
 *   instrument of another exchange or symbol).
 * - Opposite open orders. `planOrders` plans only the remaining delta and never cancels: orders
 *   already open are assumed to fill, so the sum of everything open lands on the target (even when
 *   it means a sell beside a resting buy). `planWithCancels` instead cancels the open orders that
 *   work against the target (wrong side, or more than it needs on the right side) and orders the
 *   rest, never more than leaves room for every order that may still fill toward the target
 *   (orders pending cancel included, until the cancel is confirmed); see there.
 *
 * A target that cannot be planned (not a finite number, a size or limit price beyond 2^53 lots or
 * ticks, a limit order without a positive price, a symbol that is not the instrument's) is a bug in
 * the strategy, not a market condition: it throws
 * `TickflowError('ORDER_INVALID')`, and the actor's supervisor decides.
 */
import { priceToTicks, sizeToLots, type Instrument } from '../../../src/model/instrument.js';
import type { NewOrder, Order, OrderSide } from '../../../src/model/order.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { isTickflowError, TickflowError } from '../../../src/runtime/errors.js';
import { OpenOrderBook } from './open-order-book.js';

/** Gives the client order id of the next order planned for a target. Must be deterministic. */
export type ClientOrderIdFactory = (target: TargetPosition) => string;

/**
 * Ids `${strategy}-${symbol}-${seq}`, `seq` counting from 1 per strategy and symbol, in the order
 * orders are planned. One factory per planner, so a replay of the same targets gives the same ids.
 * The count is shared by the exchanges a symbol trades on, so the same symbol on two exchanges
 * never gets the same id twice; the exchange is left out of the id to keep it short (venues cap
 * client order ids at 36 characters) and the ids of a single-venue run as they were. The order
 * itself carries its exchange.
 */
export function createClientOrderIdFactory(start?: ReadonlyMap<string, number>): ClientOrderIdFactory {
  // `start`: the last sequence used per key (`${strategy}-${symbol}`) before a restart (recovery),
  // continued from. Counters are found by strategy, then symbol, so no key is built per order;
  // pairs that spell the same key (`a-b` on `X`, `a` on `b-X`) share one counter, so no id repeats.
  const byKey = new Map<string, { readonly prefix: string; seq: number }>();
  const counters = new Map<string, Map<string, { readonly prefix: string; seq: number }>>();
  return (target) => {
    let bySymbol = counters.get(target.strategy);
    if (bySymbol === undefined) {
      bySymbol = new Map();
      counters.set(target.strategy, bySymbol);
    }
    let counter = bySymbol.get(target.symbol);
    if (counter === undefined) {
      const key = `${target.strategy}-${target.symbol}`;
      counter = byKey.get(key) ?? { prefix: `${key}-`, seq: start?.get(key) ?? 0 };
      byKey.set(key, counter);
      bySymbol.set(target.symbol, counter);
    }
    counter.seq++;
    return counter.prefix + counter.seq;
  };
}

/** The best bid and ask a limit at the touch is priced from (a `BookTicker` fits). */
export interface Touch {
  readonly bidPrice: number;
  readonly askPrice: number;
}

/** Why the planner asks to cancel an open order. */
export type CancelReason = 'WRONG_SIDE' | 'OVER_COVERED';

/** A request to cancel an open order (the risk guard's `checkCancel` always passes it). */
export interface CancelRequest {
  readonly type: 'cancel_request';
  readonly clientOrderId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly reason: CancelReason;
  /** Engine time (µs): the target's. */
  readonly ts: number;
}

/** What `planWithCancels` decided. */
export interface OrderPlan {
  /** The target in lots, on the size grid (rounded toward zero). */
  readonly targetLots: number;
  /** True when the target is not zero but less than one size increment: it plans for flat. */
  readonly roundedToZero: boolean;
  /**
   * Signed lots ordered: what is left after position, the kept open orders and the orders pending
   * cancel on the side of the move (0: nothing to order).
   */
  readonly delta: number;
  readonly orders: NewOrder[];
  readonly cancels: CancelRequest[];
}

/** The parts of an open order `planWithCancels` reads (an `Order` fits). */
export type OpenOrderView = Pick<Order, 'clientOrderId' | 'side' | 'quantity' | 'filledQuantity' | 'status'>;

function invalid(target: TargetPosition, message: string): TickflowError {
  return new TickflowError('ORDER_INVALID', `${target.strategy} ${target.exchange}:${target.symbol}: ${message}`, {
    strategy: target.strategy,
    exchange: target.exchange,
    symbol: target.symbol,
  });
}

/**
 * The target in lots on the instrument's size grid, rounded toward zero, so the position asked for
 * is never larger than the strategy's. Throws `ORDER_INVALID` for a non-finite target, one of 2^53
 * lots or more (beyond the exact range of lots) or one for another instrument (symbol or exchange).
 */
export function targetToLots(target: TargetPosition, instrument: Instrument): number {
  if (target.symbol !== instrument.symbol) throw invalid(target, `target is for ${target.symbol}, instrument is ${instrument.symbol}`);
  if (instrument.exchange !== undefined && target.exchange !== instrument.exchange) {
    throw invalid(target, `target is for ${target.exchange}:${target.symbol}, instrument is ${instrument.exchange}:${instrument.symbol}`);
  }
  if (!Number.isFinite(target.target)) throw invalid(target, `target must be a finite number, got ${target.target}`);
  try {
    return sizeToLots(instrument, target.target, 'down');
  } catch (error) {
    throw offGrid(target, error);
  }
}

/** A grid conversion's `MONEY_INVALID` (a size or price beyond 2^53 units) as the target's `ORDER_INVALID`. */
function offGrid(target: TargetPosition, error: unknown): unknown {
  return isTickflowError(error, 'MONEY_INVALID') ? invalid(target, error.message) : error;
}

/**
 * The order for a signed `delta` (none when 0): `|delta|` lots, market or limit as the target says,
 * a limit price snapped passively (buy: floor, sell: ceil); at the touch, the bid for a buy and
 * the ask for a sell.
 */
function orderFor(target: TargetPosition, delta: number, instrument: Instrument, nextId: ClientOrderIdFactory, touch: Touch | undefined): NewOrder[] {
  if (delta === 0) return [];
  const side: OrderSide = delta > 0 ? 'buy' : 'sell';
  const quantity = delta > 0 ? delta : -delta;
  if (target.orderType === 'limit') {
    if (target.limitAt === 'touch' && touch === undefined) throw invalid(target, 'a limit at the touch was planned without a touch');
    const price = target.limitAt === 'touch' ? (side === 'buy' ? touch!.bidPrice : touch!.askPrice) : target.limitPrice;
    if (price === undefined || !Number.isFinite(price) || !(price > 0)) {
      throw invalid(target, `a limit target needs a positive limitPrice, got ${String(price)}`);
    }
    let limitPrice: number;
    try {
      limitPrice = priceToTicks(instrument, price, side === 'buy' ? 'floor' : 'ceil');
    } catch (error) {
      throw offGrid(target, error);
    }
    if (limitPrice <= 0) throw invalid(target, `limitPrice ${price} rounds to zero on the ${instrument.priceIncrement} grid`);
    return [{ clientOrderId: nextId(target), exchange: target.exchange, symbol: target.symbol, side, type: 'limit', quantity, limitPrice, ts: target.ts, cause: target.cause }];
  }
  return [{ clientOrderId: nextId(target), exchange: target.exchange, symbol: target.symbol, side, type: 'market', quantity, limitPrice: undefined, ts: target.ts, cause: target.cause }];
}

/**
 * Plans the orders that bring `position` plus `openCoverage` (signed lots) to the target: none
 * when they already make it, else one order of the remaining delta (see the module comment).
 */
export function planOrders(
  target: TargetPosition,
  position: number,
  openCoverage: number,
  instrument: Instrument,
  nextId: ClientOrderIdFactory,
): NewOrder[] {
  return orderFor(target, targetToLots(target, instrument) - position - openCoverage, instrument, nextId, undefined);
}

/**
 * Plans cancels and orders together, so that the position never passes the target whatever the
 * orders in flight do, and lands on it when they do what was asked:
 * - an open order on the wrong side (a sell when the position must grow, or any order when the
 *   position already equals the target) is cancelled (`WRONG_SIDE`);
 * - an order pending cancel may still fill until its cancel is confirmed (fills race cancels on
 *   every venue). On the side of the move it is counted first, as if it fills; on the other side
 *   it is not counted (it may not fill). It is never cancelled again;
 * - working orders on the right side are kept oldest first while what is counted fits in what is
 *   needed; one that would overshoot is cancelled (`OVER_COVERED`) and, pending cancel now, still
 *   counts, so later ones that no longer fit are cancelled too;
 * - what still fits is ordered, on the side of the move only.
 * So buys that may fill never take the position above a target above it (nor sells below one
 * below): with a strategy that flips faster than the venue's latency, orders in flight do not pile
 * up. When a cancel is confirmed the coverage shrinks and the caller plans again (the planner
 * actor does, with the last target). `openOrders` are the symbol's open orders in creation order
 * (`OrderRegistry.openOrders`), orders pending cancel included. `touch` prices a limit at the
 * touch (required for one that orders anything; `ORDER_INVALID` without it).
 */
export function planWithCancels(
  target: TargetPosition,
  position: number,
  openOrders: readonly OpenOrderView[] | OpenOrderBook,
  instrument: Instrument,
  nextId: ClientOrderIdFactory,
  touch?: Touch,
): OrderPlan {
  const targetLots = targetToLots(target, instrument);
  const need = targetLots - position;
  const needAbs = need < 0 ? -need : need;
  const side: OrderSide | undefined = need > 0 ? 'buy' : need < 0 ? 'sell' : undefined;
  const fast = openOrders instanceof OpenOrderBook ? coverageWithoutCancels(openOrders, side, needAbs) : undefined;
  const cancels: CancelRequest[] = [];
  let covered = 0;
  if (fast !== undefined) covered = fast;
  else {
    // Lots that may still fill toward the target: orders pending cancel on that side first.
    for (const o of openOrders) if (o.status === 'PENDING_CANCEL' && o.side === side) covered += o.quantity - o.filledQuantity;
    for (const o of openOrders) {
      if (o.status === 'PENDING_CANCEL') continue;
      if (o.side !== side) {
        cancels.push({ type: 'cancel_request', clientOrderId: o.clientOrderId, exchange: target.exchange, symbol: target.symbol, reason: 'WRONG_SIDE', ts: target.ts });
        continue;
      }
      const remaining = o.quantity - o.filledQuantity;
      if (covered + remaining > needAbs) {
        cancels.push({ type: 'cancel_request', clientOrderId: o.clientOrderId, exchange: target.exchange, symbol: target.symbol, reason: 'OVER_COVERED', ts: target.ts });
      }
      covered += remaining; // kept, or pending cancel from now on: either way it may fill
    }
  }
  const room = covered < needAbs ? needAbs - covered : 0;
  const delta = side === 'sell' && room !== 0 ? -room : room; // no -0 for a sell with no room
  const roundedToZero = targetLots === 0 && target.target !== 0;
  return { targetLots, roundedToZero, delta, orders: orderFor(target, delta, instrument, nextId, touch), cancels };
}

/**
 * What an `OpenOrderBook` covers toward the target when nothing needs cancelling, read from its
 * totals: no working order on the other side (or none at all for a zero need) and everything that
 * may fill on the side of the move within `needAbs`. Then the walk in `planWithCancels` would keep
 * every order and count all of it; `undefined` when it would cancel something, so it must walk.
 */
function coverageWithoutCancels(book: OpenOrderBook, side: OrderSide | undefined, needAbs: number): number | undefined {
  if (side === undefined) return book.workingBuyCount + book.workingSellCount === 0 ? 0 : undefined;
  const otherWorking = side === 'buy' ? book.workingSellCount : book.workingBuyCount;
  if (otherWorking !== 0) return undefined;
  const covered = side === 'buy' ? book.pendingCancelBuy + book.workingBuy : book.pendingCancelSell + book.workingSell;
  return covered <= needAbs ? covered : undefined;
}
