/**
 * Orders, moved by events through the table in `order-transitions.ts`. Execution keeps one
 * `LiveOrder` per client order id and moves it in place; what it publishes is an immutable
 * `OrderChange` per change. `applyOrderEvent` is the pure form (a new version or a refusal with a
 * reason code). Neither throws for a trading condition (STYLE.md, rule 6). Quantities are lots and
 * prices ticks of the order's instrument (`number`s, exact below 2^53: see `instrument.ts`); the
 * fill notional and average price are exact `bigint`s. The order carries the instrument's
 * precisions so it can be formatted and averaged on its own.
 */
import { formatUnits } from './money.js';
import { createLiveOrder, LiveOrder } from './live-order.js';
import type { Instrument } from './instrument.js';
import type { OrderEventType, OrderStatus } from './order-transitions.js';

export type { OrderEventType, OrderStatus } from './order-transitions.js';
export { copyTimes, createLiveOrder, LiveOrder, orderOfChange, snapshotOf, type OrderRefusal, type StatusTimes } from './live-order.js';

/** Side of an order. */
export type OrderSide = 'buy' | 'sell';

/** Kind of order. */
export type OrderType = 'market' | 'limit';

/**
 * What an order is for, fixed when it is created: made once and shared by the order and every
 * change it publishes (`OrderChange`), so a change carries the terms without copying them.
 */
export interface OrderTerms {
  readonly clientOrderId: string;
  /** The venue it trades on: with `symbol`, the instrument (`instrumentKey(exchange, symbol)`). */
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Lots, positive. */
  readonly quantity: number;
  /** Ticks; set for limit orders only. */
  readonly limitPrice: number | undefined;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly quotePrecision: number;
  readonly createdTs: number;
  /** The market record whose handling led to the order (`NewOrder.cause`). */
  readonly cause: string | undefined;
}

/** An order: its terms and where it stands. */
export interface Order extends OrderTerms {
  readonly status: OrderStatus;
  /** Lots filled so far. */
  readonly filledQuantity: number;
  /** Σ price × quantity over fills, exact, at scale `pricePrecision + sizePrecision`. */
  readonly fillNotional: bigint;
  /** `fillNotional / filledQuantity` at `quotePrecision`, half-even; `undefined` before any fill. */
  readonly avgFillPrice: bigint | undefined;
  readonly fillCount: number;
  readonly updatedTs: number;
  /** Engine time (µs) at which the order last entered each status it has been in. */
  readonly timestamps: Readonly<Partial<Record<OrderStatus, number>>>;
  /** Why it was denied, rejected, canceled or expired, when the event said. */
  readonly reason: string | undefined;
}

/**
 * One change of an order, as execution publishes it (`OrderUpdate`): where the order stands after
 * it, with the terms shared, not copied. Immutable: a consumer may keep it.
 */
export interface OrderChange {
  readonly order: OrderTerms;
  /** 1 at creation, one more per change. */
  readonly version: number;
  /** What made the change: the event applied, or `create`. */
  readonly event: OrderEventType | 'create';
  readonly status: OrderStatus;
  /** When the change happened (the order's `updatedTs` after it). */
  readonly ts: number;
  readonly filledQuantity: number;
  readonly fillNotional: bigint;
  readonly fillCount: number;
  readonly reason: string | undefined;
  /** When a cancel was last asked (`PENDING_CANCEL`), if ever. */
  readonly cancelRequestedTs: number | undefined;
}

/** What a planner asks for. */
export interface NewOrder {
  readonly clientOrderId: string;
  /** The venue it is for: one symbol on two exchanges is two instruments. */
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Lots. */
  readonly quantity: number;
  /** Ticks. */
  readonly limitPrice?: number | undefined;
  readonly ts: number;
  /** The market record whose handling led to this order (`recordRef`, from the target), if any. */
  readonly cause?: string | undefined;
}

/** A fill event: `quantity` lots at `price` ticks. */
export interface OrderFillEvent {
  readonly type: 'fill';
  readonly ts: number;
  readonly quantity: number;
  readonly price: number;
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
  if (!Number.isSafeInteger(spec.quantity)) return `quantity must be a whole number of lots below 2^53, got ${spec.quantity}`;
  if (spec.quantity <= 0) return `quantity must be positive, got ${formatUnits(spec.quantity, instrument.sizePrecision)}`;
  if (spec.quantity % instrument.sizeIncrementLots !== 0) {
    return `quantity ${formatUnits(spec.quantity, instrument.sizePrecision)} is not a multiple of ${instrument.sizeIncrement}`;
  }
  if (spec.type === 'limit') {
    if (spec.limitPrice === undefined) return 'a limit order needs a limitPrice';
    if (!Number.isSafeInteger(spec.limitPrice)) return `limitPrice must be a whole number of ticks below 2^53, got ${spec.limitPrice}`;
    if (spec.limitPrice <= 0) return `limitPrice must be positive, got ${formatUnits(spec.limitPrice, instrument.pricePrecision)}`;
    if (spec.limitPrice % instrument.priceIncrementTicks !== 0) {
      return `limitPrice ${formatUnits(spec.limitPrice, instrument.pricePrecision)} is not a multiple of ${instrument.priceIncrement}`;
    }
  } else if (spec.limitPrice !== undefined) {
    return 'a market order has no limitPrice';
  }
  return undefined;
}

/** A new order in `INITIALIZED`. Does not validate (see `validateNewOrder`; the registry does both). */
export function createOrder(spec: NewOrder, instrument: Instrument): Order {
  return createLiveOrder(spec, instrument);
}

/** Lots still to fill. */
export function remainingQuantity(order: Order): number {
  return order.quantity - order.filledQuantity;
}

/**
 * Applies one event to a version of an order without touching it (`LiveOrder.apply` on a copy):
 * the next version, or the unchanged order and the refusal.
 */
export function applyOrderEvent(order: Order, event: OrderEvent): OrderTransition {
  const next = LiveOrder.of(order);
  const refusal = next.apply(event);
  if (refusal !== undefined) return { ok: false, order, code: refusal.code, reason: refusal.reason, event };
  return { ok: true, order: next, from: order.status, event };
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
