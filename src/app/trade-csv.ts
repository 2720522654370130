/**
 * The rows of `fills.csv` and `orders.csv`, for people and spreadsheets: times as ISO 8601 in UTC
 * with the engine's microseconds (`2024-08-08T23:54:13.937085Z`, `isoTime`), sizes at the
 * instrument's size precision, prices at its price precision, fees at the quote precision they are
 * counted at (`orderView` formats an order's); every row carries the exchange beside the symbol. Column
 * names are those of earlier versions (`ts`, `createdTs`, ...), so readers find their columns.
 */
import type { Fill } from '../model/fill.js';
import { formatPrice, formatSize, type Instrument } from '../model/instrument.js';
import { isoTime } from '../model/iso-time.js';
import { formatUnits } from '../model/money.js';
import type { OrderView } from '../model/order.js';

/** Header of `fills.csv`. */
export const FILLS_HEADER = 'ts,clientOrderId,exchange,symbol,side,quantity,price,fee,liquidity';
/** Header of `orders.csv`. */
export const ORDERS_HEADER = 'createdTs,updatedTs,clientOrderId,exchange,symbol,side,type,status,quantity,limitPrice,filledQuantity,avgFillPrice,reason';

/** One fill's cells; `quotePrecision` is the portfolio's, the fee's scale. */
export function fillCells(fill: Fill, instrument: Instrument, quotePrecision: number): string[] {
  const f = fill;
  return [isoTime(f.ts), f.clientOrderId, f.exchange, f.symbol, f.side, formatSize(instrument, f.quantity), formatPrice(instrument, f.price), formatUnits(f.fee, quotePrecision), f.liquidity];
}

/** One order's cells; its sizes and prices are already decimals at its instrument's precisions (`orderView`). */
export function orderCells(order: OrderView): string[] {
  const o = order;
  return [isoTime(o.createdTs), isoTime(o.updatedTs), o.clientOrderId, o.exchange, o.symbol, o.side, o.type, o.status, o.quantity, o.limitPrice ?? '', o.filledQuantity, o.avgFillPrice ?? '', csvText(o.reason ?? '')];
}

/** A text cell, quoted when it holds a comma, a quote or a newline. */
export function csvText(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
