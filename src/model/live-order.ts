/**
 * The order execution keeps: one `LiveOrder` per client order id, moved in place by each event
 * through the table in `order-transitions.ts` (issue 13: a new object per event was most of the
 * core path's allocation), and what is made of it for others: the immutable change execution
 * publishes (`OrderChange`, built by `orderUpdate` in execution's messages), a whole `Order` from a
 * change (`orderOfChange`), and a fixed copy (`snapshotOf`).
 */
import { divToScale, productUnits } from './money.js';
import type { Instrument } from './instrument.js';
import type { NewOrder, Order, OrderChange, OrderEvent, OrderRefusalCode, OrderSide, OrderTerms, OrderType } from './order.js';
import { transitionTarget, type OrderEventType, type OrderStatus } from './order-transitions.js';

/** Why an event could not move an order. */
export interface OrderRefusal {
  readonly code: OrderRefusalCode;
  readonly reason: string;
}

/** When an order entered each status it has been in (µs of engine time). */
export type StatusTimes = Partial<Record<OrderStatus, number>>;

/**
 * The one object execution keeps per client order id, moved in place by `apply` (a new object per
 * event was most of the core path's allocation, issue 13): a version counter, the status times
 * (one record per order, set in place) and an exact running fill notional. It is an `Order`, but a
 * changing one: it is never published; what is published is an `OrderChange` per change
 * (`orderUpdate` in execution's messages), and `snapshotOf` copies it where a fixed version must be kept.
 */
export class LiveOrder implements Order {
  // Every field set in the constructor, in one order (one hidden class).
  readonly terms: OrderTerms;
  readonly clientOrderId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  readonly quantity: number;
  readonly limitPrice: number | undefined;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly quotePrecision: number;
  readonly createdTs: number;
  readonly cause: string | undefined;
  version: number;
  /** The event that made the current version (`create` for the first). */
  lastEvent: OrderEventType | 'create';
  status: OrderStatus;
  filledQuantity: number;
  fillNotional: bigint;
  fillCount: number;
  updatedTs: number;
  readonly timestamps: StatusTimes;
  reason: string | undefined;

  /** An order with `terms` standing as `at` says (a new one: `INITIALIZED` at `createdTs`). */
  constructor(terms: OrderTerms, at?: Order & { readonly version?: number; readonly lastEvent?: OrderEventType | 'create' }) {
    this.terms = terms;
    this.clientOrderId = terms.clientOrderId;
    this.exchange = terms.exchange;
    this.symbol = terms.symbol;
    this.side = terms.side;
    this.type = terms.type;
    this.quantity = terms.quantity;
    this.limitPrice = terms.limitPrice;
    this.pricePrecision = terms.pricePrecision;
    this.sizePrecision = terms.sizePrecision;
    this.quotePrecision = terms.quotePrecision;
    this.createdTs = terms.createdTs;
    this.cause = terms.cause;
    this.version = at?.version ?? 1;
    this.lastEvent = at?.lastEvent ?? 'create';
    this.status = at?.status ?? 'INITIALIZED';
    this.filledQuantity = at?.filledQuantity ?? 0;
    this.fillNotional = at?.fillNotional ?? 0n;
    this.fillCount = at?.fillCount ?? 0;
    this.updatedTs = at?.updatedTs ?? terms.createdTs;
    this.timestamps = copyTimes(at === undefined ? { INITIALIZED: terms.createdTs } : at.timestamps);
    this.reason = at?.reason;
  }

  /** A live order holding what `order` holds (its terms copied once), at `version` when given. */
  static of(order: Order, version?: number): LiveOrder {
    const live = new LiveOrder(termsOf(order), order);
    if (version !== undefined) live.version = version;
    return live;
  }

  /**
   * `fillNotional / filledQuantity` at the quote precision, half-even (`undefined` before a fill),
   * made when read: it was a BigInt division on every fill that nothing on the hot path reads.
   */
  get avgFillPrice(): bigint | undefined {
    return this.filledQuantity === 0 ? undefined : averageFillPrice(this, this.fillNotional, this.filledQuantity);
  }

  /**
   * Applies one event through the transition table, in place. Refusals (`ILLEGAL_TRANSITION`; for
   * fills `INVALID_FILL` for a non-positive quantity and `OVERFILL` beyond the remaining quantity)
   * change nothing. A fill adds to `filledQuantity` and the exact `fillNotional` (`avgFillPrice`
   * follows from them when read). Returns the refusal, or `undefined`.
   */
  apply(event: OrderEvent): OrderRefusal | undefined {
    const target = transitionTarget(this.status, event.type);
    if (target === undefined) return { code: 'ILLEGAL_TRANSITION', reason: `${event.type} is not allowed in ${this.status}` };
    if (event.type === 'fill') {
      if (!Number.isSafeInteger(event.quantity) || event.quantity <= 0) return { code: 'INVALID_FILL', reason: `fill quantity must be a positive whole number of lots, got ${event.quantity}` };
      const remaining = this.quantity - this.filledQuantity;
      if (event.quantity > remaining) return { code: 'OVERFILL', reason: `fill of ${event.quantity} lots exceeds the ${remaining} remaining` };
      this.filledQuantity += event.quantity;
      this.fillNotional += productUnits(event.price, event.quantity);
      this.fillCount++;
      this.status = this.filledQuantity === this.quantity ? 'FILLED' : 'PARTIALLY_FILLED';
    } else {
      if (target === 'BY_FILL') return { code: 'ILLEGAL_TRANSITION', reason: `${event.type} is not a fill` };
      this.status = target === 'RESUME' ? (this.filledQuantity > 0 ? 'PARTIALLY_FILLED' : 'ACCEPTED') : target;
      if (event.reason !== undefined) this.reason = event.reason;
    }
    this.version++;
    this.lastEvent = event.type;
    this.updatedTs = event.ts;
    this.timestamps[this.status] = event.ts;
    return undefined;
  }
}

/** `notional / filled` at the order's quote precision, half-even (`filled` > 0). */
function averageFillPrice(terms: OrderTerms, notional: bigint, filled: number): bigint {
  return divToScale(notional, terms.pricePrecision + terms.sizePrecision, BigInt(filled), terms.sizePrecision, terms.quotePrecision);
}

/** The terms of an order (a new object; a `LiveOrder` has its own in `terms`). */
function termsOf(order: OrderTerms): OrderTerms {
  return {
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
    createdTs: order.createdTs,
    cause: order.cause,
  };
}

/** `createOrder`, as the live order execution moves in place. */
export function createLiveOrder(spec: NewOrder, instrument: Instrument): LiveOrder {
  return new LiveOrder({
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
    createdTs: spec.ts,
    cause: spec.cause,
  });
}

/**
 * The order a change says, as a fixed `Order`: its status times are `timestamps` when the caller
 * kept them from every change, else what the change itself knows (creation, the current status, a
 * cancel request).
 */
export function orderOfChange(change: OrderChange, timestamps?: Readonly<StatusTimes>): Order {
  const t = change.order;
  let times = timestamps;
  if (times === undefined) {
    const known: StatusTimes = { INITIALIZED: t.createdTs };
    if (change.cancelRequestedTs !== undefined) known.PENDING_CANCEL = change.cancelRequestedTs;
    known[change.status] = change.ts;
    times = known;
  }
  return {
    ...t,
    status: change.status,
    filledQuantity: change.filledQuantity,
    fillNotional: change.fillNotional,
    avgFillPrice: change.filledQuantity === 0 ? undefined : averageFillPrice(t, change.fillNotional, change.filledQuantity),
    fillCount: change.fillCount,
    updatedTs: change.ts,
    timestamps: copyTimes(times),
    reason: change.reason,
  };
}

/** A fixed copy of an order (a live one changes after it is read). */
export function snapshotOf(order: Order): Order {
  return { ...termsOf(order), status: order.status, filledQuantity: order.filledQuantity, fillNotional: order.fillNotional, avgFillPrice: order.avgFillPrice, fillCount: order.fillCount, updatedTs: order.updatedTs, timestamps: copyTimes(order.timestamps), reason: order.reason };
}

/**
 * A copy of status times: one object literal with every status in a fixed order (unset ones
 * `undefined`), so all copies share one hidden class and setting a status later keeps it (a
 * computed key added to a smaller literal put each copy into V8's slow dictionary mode).
 */
export function copyTimes(t: Readonly<StatusTimes>): StatusTimes {
  return {
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
}
