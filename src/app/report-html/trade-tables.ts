/**
 * The HTML report's tables of what the run traded: its round trips (`report.json`'s
 * `metrics.roundTrips`), orders and fills (the rows of `orders.csv` and `fills.csv`), with times
 * in ISO 8601 (UTC) and money at its precision, each cut to `MAX_TABLE_ROWS` (`page-table.ts`).
 */
import type { Fill } from '../../model/fill.js';
import { formatPrice, formatSize, type Instrument } from '../../model/instrument.js';
import { instrumentKey } from '../../model/instrument-key.js';
import { isoTime } from '../../model/iso-time.js';
import { formatUnits } from '../../model/money.js';
import type { OrderView } from '../../model/order.js';
import { readableDuration } from './metrics-table.js';
import { pageTable, type PageTable } from './page-table.js';

/** A round trip as `report.json` writes it (`metrics/metrics-report.ts`). */
interface RoundTripJson {
  readonly instrument: string;
  readonly side: string;
  readonly openTs: number;
  readonly closeTs: number;
  readonly quantity: string;
  readonly entryPrice: string;
  readonly exitPrice: string;
  readonly grossPnl: string;
  readonly fees: string;
  readonly netPnl: string;
  readonly holdingUs: number;
  readonly fills: number;
}

/** The closed round trips of `metrics` (report.json's object). */
export function roundTripsTable(metrics: Record<string, unknown>): PageTable {
  const trips = (metrics['roundTrips'] ?? []) as readonly RoundTripJson[];
  return pageTable(
    ['instrument', 'side', 'open', 'close', 'quantity', 'entry', 'exit', 'gross PnL', 'fees', 'net PnL', 'held', 'fills'],
    trips,
    (t) => [t.instrument, t.side, isoTime(t.openTs), isoTime(t.closeTs), t.quantity, t.entryPrice, t.exitPrice, t.grossPnl, t.fees, t.netPnl, readableDuration(t.holdingUs), String(t.fills)],
    'report.json',
  );
}

/** Every order, as `orders.csv` lists them. */
export function ordersTable(orders: readonly OrderView[]): PageTable {
  return pageTable(
    ['created', 'updated', 'clientOrderId', 'exchange', 'symbol', 'side', 'type', 'status', 'quantity', 'limit', 'filled', 'avg fill price', 'reason'],
    orders,
    (o) => [isoTime(o.createdTs), isoTime(o.updatedTs), o.clientOrderId, o.exchange, o.symbol, o.side, o.type, o.status, o.quantity, o.limitPrice ?? '', o.filledQuantity, o.avgFillPrice ?? '', o.reason ?? ''],
    'orders.csv',
  );
}

/** Every fill, as `fills.csv` lists them; money at the portfolio's `quotePrecision`. */
export function fillsTable(fills: readonly Fill[], instruments: readonly Instrument[], quotePrecision: number): PageTable {
  const byKey = new Map<string, Instrument>();
  for (const i of instruments) if (i.exchange !== undefined) byKey.set(instrumentKey(i.exchange, i.symbol), i);
  return pageTable(
    ['time', 'clientOrderId', 'exchange', 'symbol', 'side', 'quantity', 'price', 'fee', 'liquidity'],
    fills,
    (f) => {
      const inst = byKey.get(instrumentKey(f.exchange, f.symbol));
      const quantity = inst === undefined ? f.quantity.toString() : formatSize(inst, f.quantity);
      const price = inst === undefined ? f.price.toString() : formatPrice(inst, f.price);
      return [isoTime(f.ts), f.clientOrderId, f.exchange, f.symbol, f.side, quantity, price, formatUnits(f.fee, quotePrecision), f.liquidity];
    },
    'fills.csv',
  );
}
