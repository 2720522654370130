/**
 * The paper venue's own working state: its view of each order and the per-symbol book of working
 * orders. Internal to the paper venue (the order
 * registry holds the engine's view of orders; this is what the simulated exchange knows).
 */
import type { Instrument } from '../../../../src/model/instrument.js';
import type { OrderSide, OrderType } from '../../../../src/model/order.js';
import { DepthView } from './paper-depth.js';
import type { VenueReasonCode } from '../venue-events.js';

/** Where an order is at the venue. */
export type VenueOrderState = 'pending' | 'working' | 'filled' | 'canceled' | 'rejected';

/** One order as the venue sees it. */
export class VenueOrder {
  readonly clientOrderId: string;
  /** With `symbol`, the instrument: the venue's book is per `instrumentKey(exchange, symbol)`. */
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Lots. */
  readonly quantity: number;
  /** Ticks; 0 for market orders. */
  readonly limit: number;
  /** The limit as a number, for comparing with market numbers without allocating. */
  readonly limitNumber: number;
  /** Submission time (engine µs). */
  readonly ts: number;
  /** When it reaches the venue: `ts + latency`. */
  readonly arrival: number;
  /** Submission sequence number: the venue's priority among orders of equal arrival. */
  readonly seq: number;
  readonly instrument: Instrument | undefined;
  /** Set when the order will be rejected on arrival. */
  readonly rejectCode: VenueReasonCode | undefined;
  readonly rejectReason: string | undefined;
  /** Lots not yet filled (0 once filled, canceled or cut). */
  remaining: number;
  /** True once it has seen one eligible market update (after that, a limit rests: maker). */
  seen: boolean;
  /**
   * A resting limit's queue position where the data shows depth: the size displayed ahead of it
   * at its price (market units), `UNKNOWN` (-1) until the data shows that price (`paper-depth-matching.ts`).
   */
  queueAhead: number;
  state: VenueOrderState;

  constructor(
    clientOrderId: string,
    exchange: string,
    symbol: string,
    side: OrderSide,
    type: OrderType,
    quantity: number,
    limit: number,
    limitNumber: number,
    ts: number,
    arrival: number,
    seq: number,
    instrument: Instrument | undefined,
    rejectCode: VenueReasonCode | undefined,
    rejectReason: string | undefined,
  ) {
    // Every field set here, in one order: all venue orders share a hidden class.
    this.clientOrderId = clientOrderId;
    this.exchange = exchange;
    this.symbol = symbol;
    this.side = side;
    this.type = type;
    this.quantity = quantity;
    this.limit = limit;
    this.limitNumber = limitNumber;
    this.ts = ts;
    this.arrival = arrival;
    this.seq = seq;
    this.instrument = instrument;
    this.rejectCode = rejectCode;
    this.rejectReason = rejectReason;
    this.remaining = quantity;
    this.seen = false;
    this.queueAhead = -1;
    this.state = 'pending';
  }
}

/**
 * Why a cancel reaching the venue cannot be done to `order` (the order the venue held when the cancel
 * was sent, if any). Call only when the order is not working.
 */
export function cancelRefusal(order: VenueOrder | undefined): VenueReasonCode {
  if (order === undefined || order.state === 'pending') return 'UNKNOWN_ORDER';
  if (order.state === 'filled') return 'ALREADY_FILLED';
  if (order.state === 'canceled') return 'ALREADY_CANCELED';
  return 'ALREADY_REJECTED';
}

/** Source levels: the best kind of market data seen for a symbol prices its fills. */
export const LEVEL_NONE = 0;
export const LEVEL_BAR = 1;
export const LEVEL_TRADE = 2;
export const LEVEL_QUOTE = 3;

/** Per-instrument venue state (`instrumentKey(exchange, symbol)`): the best data seen and the working orders in priority order. */
export class SymbolBook {
  /** `LEVEL_*`: quotes beat trades beat bars; lower kinds are ignored once a better one was seen. */
  level: number;
  /** Working orders by arrival (then submission) order: the order fills are given out in. */
  readonly orders: VenueOrder[];
  /** Displayed depth (quotes and the venue's own L2 book) and what the venue's orders took of it. */
  readonly depth: DepthView;
  /** The last trade's price, quote's mid or bar's close (NaN before one). */
  lastPrice: number;

  constructor() {
    this.level = LEVEL_NONE;
    this.orders = [];
    this.depth = new DepthView();
    this.lastPrice = NaN;
  }

  /** The instrument's mark (`lastPrice`), `undefined` before any price. */
  mark(): number | undefined {
    return this.lastPrice > 0 ? this.lastPrice : undefined;
  }

  /** Takes a working order off the book (a cancel). */
  remove(order: VenueOrder): void {
    const i = this.orders.indexOf(order);
    if (i >= 0) this.orders.splice(i, 1);
  }

  /** Drops the orders with nothing left, in place, keeping the others' order. */
  removeFilled(): void {
    const orders = this.orders;
    let j = 0;
    for (let i = 0; i < orders.length; i++) {
      const o = orders[i] as VenueOrder;
      if (o.remaining > 0) orders[j++] = o;
    }
    orders.length = j;
  }
}
