/**
 * Orders: an immutable record per version, moved by events through the table in
 * `order-transitions.ts`. `applyOrderEvent` is pure: it returns the next version or a refusal with a
 * reason code, never throws for a trading condition (STYLE.md, rule 6). Quantities are lots and
 * prices ticks of the order's instrument (see `instrument.ts`); the order carries the instrument's
 * precisions so it can be formatted and averaged on its own.
 */
import { divToScale, formatUnits } from './money.js';
import type { Instrument } from './instrument.js';
import {
  transitionTarget,
  type OrderEventType,
  type OrderStatus,
} from './order-transitions.js';

export type { OrderEventType, OrderStatus } from './order-transitions.js';

/** Side of an order. */
export type OrderSide = 'buy' | 'sell';

/** Kind of order. */
export type OrderType = 'market' | 'limit';

/** One version of an order. A transition makes a new object; old versions stay valid snapshots. */
export interface Order {
  readonly clientOrderId: string;
  /** The venue it trades on: with `symbol`, the instrument (`instrumentKey(exchange, symbol)`). */
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Lots, positive. */
  readonly quantity: bigint;
  /** Ticks; set for limit orders only. */
  readonly limitPrice: bigint | undefined;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly quotePrecision: number;
  readonly status: OrderStatus;
  /** Lots filled so far. */
  readonly filledQuantity: bigint;
  /** Σ price × quantity over fills, exact, at scale `pricePrecision + sizePrecision`. */
  readonly fillNotional: bigint;
  /** `fillNotional / filledQuantity` at `quotePrecision`, half-even; `undefined` before any fill. */
  readonly avgFillPrice: bigint | undefined;
  readonly fillCount: number;
  readonly createdTs: number;
  readonly updatedTs: number;
  /** Engine time (µs) at which the order last entered each status it has been in. */
  readonly timestamps: Readonly<Partial<Record<OrderStatus, number>>>;
  /** Why it was denied, rejected, canceled or expired, when the event said. */
  readonly reason: string | undefined;
  /** The market record whose handling led to the order (`NewOrder.cause`). */
  readonly cause: string | undefined;
}

/** What a planner asks for. */
export interface NewOrder {
  readonly clientOrderId: string;
  /** The venue it is for: one symbol on two exchanges is two instruments. */
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: bigint;
  readonly limitPrice?: bigint | undefined;
  readonly ts: number;
  /** The market record whose handling led to this order (`recordRef`, from the target), if any. */
  readonly cause?: string | undefined;
}

/** A fill event: `quantity` lots at `price` ticks. */
export interface OrderFillEvent {
  readonly type: 'fill';
  readonly ts: number;
  readonly quantity: bigint;
  readonly price: bigint;
}

/** Any other event; `reason` is kept on the order for deny, reject, cancel and expire. */
export interface OrderStatusEvent {
  readonly type: Exclude<OrderEventType, 'fill'>;
  readonly ts: number;
  readonly reason?: string | undefined;
}

/** An event that moves an order. */
export type OrderEvent = OrderFillEvent | OrderStatusEvent;

/** Why an event was refused. */
export type OrderRefusalCode = 'ILLEGAL_TRANSITION' | 'OVERFILL' | 'INVALID_FILL' | 'UNKNOWN_ORDER';

/** Outcome of applying an event: the new version, or the unchanged order and why not. */
export type OrderTransition =
  | { readonly ok: true; readonly order: Order; readonly from: OrderStatus; readonly event: OrderEvent }
  | {
      readonly ok: false;
      readonly order: Order | undefined;
      readonly code: OrderRefusalCode;
      readonly reason: string;
      readonly event: OrderEvent;
    };

/**
 * Checks a new order against its instrument: returns a reason, or `undefined` when it is valid
 * (positive quantity on the size grid; a positive limit price on the price grid for limit orders and
 * none for market orders; matching exchange and symbol).
 */
export function validateNewOrder(spec: NewOrder, instrument: Instrument): string | undefined {
  if (spec.clientOrderId.length === 0) return 'empty clientOrderId';
  if (spec.symbol !== instrument.symbol) return `symbol ${spec.symbol} does not match instrument ${instrument.symbol}`;
  if (instrument.exchange !== undefined && spec.exchange !== instrument.exchange) {
    return `exchange ${spec.exchange} does not match instrument ${instrument.exchange}:${instrument.symbol}`;
  }
  if (spec.quantity <= 0n) return `quantity must be positive, got ${formatUnits(spec.quantity, instrument.sizePrecision)}`;
  if (spec.quantity % instrument.sizeIncrementLots !== 0n) {
    return `quantity ${formatUnits(spec.quantity, instrument.sizePrecision)} is not a multiple of ${instrument.sizeIncrement}`;
  }
  if (spec.type === 'limit') {
    if (spec.limitPrice === undefined) return 'a limit order needs a limitPrice';
    if (spec.limitPrice <= 0n) return `limitPrice must be positive, got ${formatUnits(spec.limitPrice, instrument.pricePrecision)}`;
    if (spec.limitPrice % instrument.priceIncrementTicks !== 0n) {
      return `limitPrice ${formatUnits(spec.limitPrice, instrument.pricePrecision)} is not a multiple of ${instrument.priceIncrement}`;
    }
  } else if (spec.limitPrice !== undefined) {
    return 'a market order has no limitPrice';
  }
  return undefined;
}

/**
 * A new order in `INITIALIZED`. Does not validate (see `validateNewOrder`; the registry does both).
 * Every field is set, always in the same order, so all orders share one hidden class.
 */
export function createOrder(spec: NewOrder, instrument: Instrument): Order {
  return {
    clientOrderId: spec.clientOrderId,
    exchange: spec.exchange,
    symbol: spec.symbol,
    side: spec.side,
    type: spec.type,
    quantity: spec.quantity,
    limitPrice: spec.type === 'limit' ? spec.limitPrice : undefined,
    pricePrecision: instrument.pricePrecision,
    sizePrecision: instrument.sizePrecision,
    quotePrecision: instrument.quotePrecision,
    status: 'INITIALIZED',
    filledQuantity: 0n,
    fillNotional: 0n,
    avgFillPrice: undefined,
    fillCount: 0,
    createdTs: spec.ts,
    updatedTs: spec.ts,
    timestamps: withTime(NO_TIMES, 'INITIALIZED', spec.ts),
    reason: undefined,
    cause: spec.cause,
  };
}

/** Lots still to fill. */
export function remainingQuantity(order: Order): bigint {
  return order.quantity - order.filledQuantity;
}

function refuse(order: Order, event: OrderEvent, code: OrderRefusalCode, reason: string): OrderTransition {
  return { ok: false, order, code, reason, event };
}

/**
 * Applies one event through the transition table. Refusals (`ILLEGAL_TRANSITION`; for fills
 * `INVALID_FILL` for a non-positive quantity and `OVERFILL` beyond the remaining quantity) leave the
 * order unchanged. A fill adds to `filledQuantity` and the exact `fillNotional`, and recomputes
 * `avgFillPrice` (half-even at the quote precision).
 */
export function applyOrderEvent(order: Order, event: OrderEvent): OrderTransition {
  const target = transitionTarget(order.status, event.type);
  if (target === undefined) {
    return refuse(order, event, 'ILLEGAL_TRANSITION', `${event.type} is not allowed in ${order.status}`);
  }
  let status: OrderStatus;
  let filledQuantity = order.filledQuantity;
  let fillNotional = order.fillNotional;
  let avgFillPrice = order.avgFillPrice;
  let fillCount = order.fillCount;
  let reason = order.reason;
  if (event.type === 'fill') {
    if (event.quantity <= 0n) return refuse(order, event, 'INVALID_FILL', `fill quantity must be positive, got ${event.quantity}`);
    const remaining = order.quantity - order.filledQuantity;
    if (event.quantity > remaining) {
      return refuse(order, event, 'OVERFILL', `fill of ${event.quantity} lots exceeds the ${remaining} remaining`);
    }
    filledQuantity += event.quantity;
    fillNotional += event.price * event.quantity;
    avgFillPrice = divToScale(fillNotional, order.pricePrecision + order.sizePrecision, filledQuantity, order.sizePrecision, order.quotePrecision);
    fillCount++;
    status = filledQuantity === order.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
  } else {
    if (target === 'BY_FILL') return refuse(order, event, 'ILLEGAL_TRANSITION', `${event.type} is not a fill`);
    status = target === 'RESUME' ? (order.filledQuantity > 0n ? 'PARTIALLY_FILLED' : 'ACCEPTED') : target;
    if (event.reason !== undefined) reason = event.reason;
  }
  const next: Order = {
    clientOrderId: order.clientOrderId,
    exchange: order.exchange,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity,
    limitPrice: order.limitPrice,
    pricePrecision: order.pricePrecision,
    sizePrecision: order.sizePrecision,
    quotePrecision: order.quotePrecision,
    status,
    filledQuantity,
    fillNotional,
    avgFillPrice,
    fillCount,
    createdTs: order.createdTs,
    updatedTs: event.ts,
    timestamps: withTime(order.timestamps, status, event.ts),
    reason,
    cause: order.cause,
  };
  return { ok: true, order: next, from: order.status, event };
}

type StatusTimes = Partial<Record<OrderStatus, number>>;

const NO_TIMES: StatusTimes = {};

/**
 * A copy of `times` with `status` set to `ts`: one object literal with every status in a fixed
 * order (unset ones `undefined`), so all copies share one hidden class. Spreading with a
 * computed key put each copy into V8's slow dictionary mode, on every order transition.
 */
function withTime(t: StatusTimes, status: OrderStatus, ts: number): StatusTimes {
  const out: Record<OrderStatus, number | undefined> = {
    INITIALIZED: t.INITIALIZED,
    DENIED: t.DENIED,
    PENDING_APPROVAL: t.PENDING_APPROVAL,
    SUBMITTED: t.SUBMITTED,
    ACCEPTED: t.ACCEPTED,
    REJECTED: t.REJECTED,
    PARTIALLY_FILLED: t.PARTIALLY_FILLED,
    FILLED: t.FILLED,
    PENDING_CANCEL: t.PENDING_CANCEL,
    CANCELED: t.CANCELED,
    EXPIRED: t.EXPIRED,
  };
  out[status] = ts;
  return out as StatusTimes;
}

/** An order as decimal strings, for reports and CSV. */
export interface OrderView {
  readonly clientOrderId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly status: OrderStatus;
  readonly quantity: string;
  readonly limitPrice: string | undefined;
  readonly filledQuantity: string;
  readonly avgFillPrice: string | undefined;
  readonly createdTs: number;
  readonly updatedTs: number;
  readonly reason: string | undefined;
}

/** Formats an order's exact fields as decimal strings at its precisions. */
export function orderView(order: Order): OrderView {
  return {
    clientOrderId: order.clientOrderId,
    exchange: order.exchange,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    status: order.status,
    quantity: formatUnits(order.quantity, order.sizePrecision),
    limitPrice: order.limitPrice === undefined ? undefined : formatUnits(order.limitPrice, order.pricePrecision),
    filledQuantity: formatUnits(order.filledQuantity, order.sizePrecision),
    avgFillPrice: order.avgFillPrice === undefined ? undefined : formatUnits(order.avgFillPrice, order.quotePrecision),
    createdTs: order.createdTs,
    updatedTs: order.updatedTs,
    reason: order.reason,
  };
}
