/**
 * Entries of the write-ahead log (the trading journal, `src/io/journal/wal.ts`): what the daemon
 * must never lose, one JSON line each, in one sequence (`seq`, from 1, gap-free). The journal is the
 * recovery truth; PostgreSQL and Redis are projections of these entries, applied behind a cursor
 * (the last `seq` applied), so every entry carries what its rows need.
 *
 * Exact amounts are integer units as decimal strings (`"150000"` lots at `sizePrecision` 4 is 15):
 * lossless, and the precisions travel with them. Market numbers stay JSON numbers.
 *
 * - `order`: an order version without a fill (created, denied, submitted, accepted, canceled, ...).
 *   Journaled before the version is published and, for `SUBMITTED`, before the order reaches the
 *   venue. `version` counts from 1 per client order id.
 * - `fill`: one execution event with a fill: the order version it made, the fill, and the position
 *   and cash after it. One entry, so no projection can split them.
 * - `risk_state`: a trading-state change (operator or kill switch).
 * - `audit`: an operator command and its outcome.
 * - `trade`, `bar`, `signal`: market data and strategies' targets, for the projections.
 * - `start`: a daemon start, with what the recovery restored.
 */
import { TickflowError } from '../runtime/errors.js';
import type { Fill, Liquidity } from './fill.js';
import type { Order, OrderSide, OrderStatus, OrderType } from './order.js';
import type { Trade, TradeBar } from './records.js';
import type { TargetPosition } from './signal.js';

/** An order version: `Order` with exact amounts as integer-unit strings. */
export interface OrderJson {
  readonly clientOrderId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly type: OrderType;
  /** Lots. */
  readonly quantity: string;
  /** Ticks, null for market orders. */
  readonly limitPrice: string | null;
  readonly pricePrecision: number;
  readonly sizePrecision: number;
  readonly quotePrecision: number;
  readonly status: OrderStatus;
  readonly filledQuantity: string;
  /** At scale `pricePrecision + sizePrecision`. */
  readonly fillNotional: string;
  /** At `quotePrecision`, null before any fill. */
  readonly avgFillPrice: string | null;
  readonly fillCount: number;
  readonly createdTs: number;
  readonly updatedTs: number;
  readonly timestamps: Readonly<Partial<Record<OrderStatus, number>>>;
  readonly reason: string | null;
  readonly cause: string | null;
}

/** A fill with exact amounts as integer-unit strings (quantity lots, price ticks, fee quote units). */
export interface FillJson {
  readonly clientOrderId: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: OrderSide;
  readonly quantity: string;
  readonly price: string;
  readonly fee: string;
  readonly liquidity: Liquidity;
  readonly ts: number;
}

/** A position after a fill, exact (quote amounts at the entry's `quotePrecision`). */
export interface PositionJson {
  readonly exchange: string;
  readonly symbol: string;
  /** Signed lots. */
  readonly quantity: string;
  readonly sizePrecision: number;
  readonly pricePrecision: number;
  readonly costBasis: string;
  readonly realizedPnl: string;
  readonly fees: string;
  readonly fillCount: number;
}

/** Fields every entry has. */
interface EntryHead {
  /** Position in the journal, from 1, gap-free. */
  readonly seq: number;
  /** Engine time (µs) of what it records. */
  readonly ts: number;
}

export interface OrderEntry extends EntryHead {
  readonly kind: 'order';
  readonly version: number;
  readonly order: OrderJson;
}

export interface FillEntry extends EntryHead {
  readonly kind: 'fill';
  /**
   * The order version the fill made (the order as it was when the fill raced its end: then no new
   * version, and `version` repeats the last one). Null only for a fill of an order execution no
   * longer holds (closed and past its retention): the fill still moves the position.
   */
  readonly version: number | null;
  readonly order: OrderJson | null;
  /** Unique per journal: `<clientOrderId>#<n>`, n counting the order's fills from 1. */
  readonly fillId: string;
  readonly fill: FillJson;
  readonly position: PositionJson;
  /** Cash after the fill, quote units at `quotePrecision`. */
  readonly cash: string;
  readonly quotePrecision: number;
}

export interface RiskStateEntry extends EntryHead {
  readonly kind: 'risk_state';
  readonly from: string;
  readonly to: string;
  readonly source: string;
  readonly reason: string;
  readonly detail: string;
}

export interface AuditEntry extends EntryHead {
  readonly kind: 'audit';
  /** `approve`, `reject`, `set_trading_state`, `kill_switch`, ... */
  readonly command: string;
  /** Who asked: the gateway role, or `config` for a reload. */
  readonly by: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface TradeEntry extends EntryHead {
  readonly kind: 'trade';
  readonly record: Trade;
}

export interface BarEntry extends EntryHead {
  readonly kind: 'bar';
  readonly record: TradeBar;
}

export interface SignalEntry extends EntryHead {
  readonly kind: 'signal';
  readonly target: TargetPosition;
}

export interface StartEntry extends EntryHead {
  readonly kind: 'start';
  /** Open orders, positions and fills the recovery restored before trading. */
  readonly restoredOrders: number;
  readonly restoredFills: number;
  readonly tradingState: string;
}

/** Every journal entry. */
export type WalEntry = OrderEntry | FillEntry | RiskStateEntry | AuditEntry | TradeEntry | BarEntry | SignalEntry | StartEntry;

/** An entry before the journal numbers it. */
export type WalEntryInput = WalEntry extends infer E ? (E extends WalEntry ? Omit<E, 'seq'> : never) : never;

/** The kinds of entries. */
export type WalEntryKind = WalEntry['kind'];

/**
 * A journal's count of ticks or lots (a decimal string, as journals write them) as the `number` the
 * engine holds; throws `MONEY_INVALID` naming the field for anything but a whole number below 2^53
 * (no instrument makes one, so the entry is not one the engine wrote).
 */
function gridUnits(text: string, field: string): number {
  const units = Number(text);
  if (!Number.isSafeInteger(units) || !/^-?\d+$/.test(text)) {
    throw new TickflowError('MONEY_INVALID', `journal ${field} ${JSON.stringify(text)} is not a whole number of units below 2^53`, { field, value: text });
  }
  return units;
}

/** `Order` → `OrderJson`. */
export function orderJson(order: Order): OrderJson {
  return {
    clientOrderId: order.clientOrderId,
    exchange: order.exchange,
    symbol: order.symbol,
    side: order.side,
    type: order.type,
    quantity: order.quantity.toString(),
    limitPrice: order.limitPrice === undefined ? null : order.limitPrice.toString(),
    pricePrecision: order.pricePrecision,
    sizePrecision: order.sizePrecision,
    quotePrecision: order.quotePrecision,
    status: order.status,
    filledQuantity: order.filledQuantity.toString(),
    fillNotional: order.fillNotional.toString(),
    avgFillPrice: order.avgFillPrice === undefined ? null : order.avgFillPrice.toString(),
    fillCount: order.fillCount,
    createdTs: order.createdTs,
    updatedTs: order.updatedTs,
    timestamps: order.timestamps,
    reason: order.reason ?? null,
    cause: order.cause ?? null,
  };
}

/** `OrderJson` → `Order` (exact: the inverse of `orderJson`). */
export function orderFromJson(json: OrderJson): Order {
  return {
    clientOrderId: json.clientOrderId,
    exchange: json.exchange,
    symbol: json.symbol,
    side: json.side,
    type: json.type,
    quantity: gridUnits(json.quantity, 'quantity'),
    limitPrice: json.limitPrice === null ? undefined : gridUnits(json.limitPrice, 'limitPrice'),
    pricePrecision: json.pricePrecision,
    sizePrecision: json.sizePrecision,
    quotePrecision: json.quotePrecision,
    status: json.status,
    filledQuantity: gridUnits(json.filledQuantity, 'filledQuantity'),
    fillNotional: BigInt(json.fillNotional),
    avgFillPrice: json.avgFillPrice === null ? undefined : BigInt(json.avgFillPrice),
    fillCount: json.fillCount,
    createdTs: json.createdTs,
    updatedTs: json.updatedTs,
    timestamps: json.timestamps,
    reason: json.reason ?? undefined,
    cause: json.cause ?? undefined,
  };
}

/** `Fill` → `FillJson`. */
export function fillJson(fill: Fill): FillJson {
  return {
    clientOrderId: fill.clientOrderId,
    exchange: fill.exchange,
    symbol: fill.symbol,
    side: fill.side,
    quantity: fill.quantity.toString(),
    price: fill.price.toString(),
    fee: fill.fee.toString(),
    liquidity: fill.liquidity,
    ts: fill.ts,
  };
}

/** `FillJson` → `Fill`. */
export function fillFromJson(json: FillJson): Fill {
  return {
    clientOrderId: json.clientOrderId,
    exchange: json.exchange,
    symbol: json.symbol,
    side: json.side,
    quantity: gridUnits(json.quantity, 'quantity'),
    price: gridUnits(json.price, 'price'),
    fee: BigInt(json.fee),
    liquidity: json.liquidity,
    ts: json.ts,
  };
}
