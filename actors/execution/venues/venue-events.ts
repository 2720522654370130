/**
 * What the paper venue reports: plain objects, in engine-time order, that the execution actor
 * publishes and applies to its order registry (`event` is ready for `OrderRegistry.apply`) and, for
 * fills, to the portfolio (`fill`). Every event has the same fields in the same order (one hidden
 * class); fields that do not apply to a kind are `undefined`.
 */
import type { Fill } from '../../../src/model/fill.js';
import type { OrderFillEvent, OrderStatusEvent } from '../../../src/model/order.js';

/** Why the venue refused an order or a cancel. */
export type VenueReasonCode =
  /** No instrument is known for the order's symbol. */
  | 'UNKNOWN_INSTRUMENT'
  /** The order failed `validateNewOrder` (quantity or price off the grid, missing limit, ...). */
  | 'INVALID_ORDER'
  /** A market order arrived before any quote of its symbol, with `marketWithoutQuotes: reject`. */
  | 'NO_QUOTES'
  /** The account cannot pay for it (cash terms), or the rest of a buy the balance could not pay for. */
  | 'INSUFFICIENT_BALANCE'
  /** The account's collateral does not cover it (margin terms). */
  | 'INSUFFICIENT_MARGIN'
  /** A sell of more than a cash account holds (no borrowing). */
  | 'NO_SHORT_SALE'
  /** A cancel for an order the venue does not hold (never submitted, or not arrived yet). */
  | 'UNKNOWN_ORDER'
  /** A cancel that arrived after the order had filled completely: the fills stand. */
  | 'ALREADY_FILLED'
  /** A cancel for an order already canceled. */
  | 'ALREADY_CANCELED'
  /** A cancel for an order the venue rejected. */
  | 'ALREADY_REJECTED';

/** Which market data a fill was priced from (`book`: an L2 snapshot or diff). */
export type FillSource = 'quote' | 'book' | 'trade' | 'bar';

interface VenueEventBase {
  readonly clientOrderId: string;
  readonly exchange: string;
  readonly symbol: string;
  /** Engine time (µs) at which the venue did this. */
  readonly ts: number;
  /** Lots still open at the venue after this event (0 once the order is closed). */
  readonly leavesQuantity: number;
}

/** The order reached the venue and is working. */
export interface VenueAccepted extends VenueEventBase {
  readonly kind: 'accepted';
  readonly event: OrderStatusEvent;
  readonly fill: undefined;
  readonly code: undefined;
  readonly reason: undefined;
  readonly source: undefined;
  readonly priceTs: undefined;
}

/** The order reached the venue and was refused. */
export interface VenueRejected extends VenueEventBase {
  readonly kind: 'rejected';
  readonly event: OrderStatusEvent;
  readonly fill: undefined;
  readonly code: VenueReasonCode;
  readonly reason: string;
  readonly source: undefined;
  readonly priceTs: undefined;
}

/**
 * Part or all of the order traded. `ts` is the engine time of the market record it traded against
 * (`tsRecv`); `priceTs` is when that price was shown (the same, except for bars: the bar's
 * `openTs` when it filled at the open or inside the bar).
 */
export interface VenueFilled extends VenueEventBase {
  readonly kind: 'fill';
  readonly event: OrderFillEvent;
  readonly fill: Fill;
  readonly code: undefined;
  readonly reason: undefined;
  readonly source: FillSource;
  readonly priceTs: number;
}

/**
 * The order left the book unfilled in part: a cancel reached the venue while it was working
 * (`code` undefined), or the venue ended it itself (`code` says why: `INSUFFICIENT_BALANCE` for
 * the rest of a buy the cash balance could not pay for). What had filled stands.
 */
export interface VenueCanceled extends VenueEventBase {
  readonly kind: 'canceled';
  readonly event: OrderStatusEvent;
  readonly fill: undefined;
  readonly code: VenueReasonCode | undefined;
  readonly reason: string | undefined;
  readonly source: undefined;
  readonly priceTs: undefined;
}

/**
 * A cancel reached the venue and could not be done. For a closed order (`ALREADY_*`) the registry's
 * order is terminal already, so the actor should not apply `event` to it (it would be refused as an
 * illegal transition); for `UNKNOWN_ORDER` it resumes a `PENDING_CANCEL` order.
 */
export interface VenueCancelRejected extends VenueEventBase {
  readonly kind: 'cancelRejected';
  readonly event: OrderStatusEvent;
  readonly fill: undefined;
  readonly code: VenueReasonCode;
  readonly reason: string;
  readonly source: undefined;
  readonly priceTs: undefined;
}

/** Anything the paper venue reports. */
export type VenueEvent = VenueAccepted | VenueRejected | VenueFilled | VenueCanceled | VenueCancelRejected;

/**
 * The array returned when nothing happened: shared and frozen, so the market-data path allocates
 * nothing on the common tick. Callers must not push to what the venue returns.
 */
export const NO_VENUE_EVENTS: readonly VenueEvent[] = Object.freeze([]);

/** An `accepted`, `canceled`, `rejected` or `cancelRejected` event (all share one shape). */
export function statusEvent(
  kind: 'accepted' | 'canceled' | 'rejected' | 'cancelRejected',
  clientOrderId: string,
  exchange: string,
  symbol: string,
  ts: number,
  leavesQuantity: number,
  code: VenueReasonCode | undefined,
  reason: string | undefined,
): VenueEvent {
  const type = kind === 'accepted' ? 'accept' : kind === 'canceled' ? 'cancel' : kind === 'rejected' ? 'reject' : 'cancelReject';
  const event: OrderStatusEvent = { type, ts, reason };
  return { clientOrderId, exchange, symbol, ts, leavesQuantity, kind, event, fill: undefined, code, reason, source: undefined, priceTs: undefined } as VenueEvent;
}

/** A `fill` event around `fill`. */
export function fillEvent(fill: Fill, leavesQuantity: number, source: FillSource, priceTs: number): VenueFilled {
  const event: OrderFillEvent = { type: 'fill', ts: fill.ts, quantity: fill.quantity, price: fill.price };
  return {
    clientOrderId: fill.clientOrderId,
    exchange: fill.exchange,
    symbol: fill.symbol,
    ts: fill.ts,
    leavesQuantity,
    kind: 'fill',
    event,
    fill,
    code: undefined,
    reason: undefined,
    source,
    priceTs,
  };
}
