/**
 * Journal entries (`src/model/wal-entry.ts`) as rows of the projection's tables (`migrations.ts`),
 * column for column: what `postgres-sink.ts` inserts. Pure, so the mapping is tested without a
 * server.
 *
 * Values are what `pg` sends as text parameters: exact amounts as decimal strings at the entry's
 * precision (`"150000"` lots at size precision 4 → `"15.0000"`, via `formatUnits`), market numbers
 * as their shortest decimal (`String(x)`, which PostgreSQL reads exactly), times as ISO 8601 with
 * microseconds (`timestamptz` keeps them all), jsonb as JSON text.
 *
 * Rows that are upserted (`orders`, `positions`, `balances`) appear once per key per batch: one
 * `INSERT ... ON CONFLICT DO UPDATE` may not touch a row twice, and only the newest matters
 * (highest order version; last `seq` for a position or cash). Rows inserted with
 * `ON CONFLICT DO NOTHING` keep every entry. An entry of a kind this build does not know is
 * refused (`DATA_UNKNOWN_TYPE`): skipping it would move the cursor past data never projected.
 */
import { formatUnits } from '../../model/money.js';
import type { OrderJson, WalEntry } from '../../model/wal-entry.js';
import { TickflowError } from '../../runtime/errors.js';
import { dayOf } from './partitions.js';

/** `[column, SQL type]` of one order version (`orders`, `order_versions`). */
const ORDER_COLUMNS = [
  ['client_order_id', 'text'], ['version', 'integer'], ['seq', 'bigint'], ['exchange', 'text'], ['symbol', 'text'], ['side', 'text'],
  ['type', 'text'], ['status', 'text'], ['quantity', 'numeric'], ['limit_price', 'numeric'], ['filled_quantity', 'numeric'],
  ['fill_notional', 'numeric'], ['avg_fill_price', 'numeric'], ['fill_count', 'integer'], ['price_precision', 'smallint'],
  ['size_precision', 'smallint'], ['quote_precision', 'smallint'], ['created_ts', 'timestamptz'], ['updated_ts', 'timestamptz'],
  ['timestamps', 'jsonb'], ['reason', 'text'], ['cause', 'text'],
] as const;

/**
 * Every projected table's columns and their SQL types, in the order of the row arrays (the sink
 * sends one typed array per column). They must match `migrations.ts`; a test compares them with
 * the migrated schema.
 */
export const PROJECTION_SCHEMA = {
  trades: [['exchange', 'text'], ['symbol', 'text'], ['id', 'text'], ['ts', 'timestamptz'], ['ts_recv', 'timestamptz'], ['price', 'numeric'], ['amount', 'numeric'], ['side', 'text'], ['seq', 'bigint']],
  bars: [
    ['exchange', 'text'], ['symbol', 'text'], ['interval', 'text'], ['open_ts', 'timestamptz'], ['close_ts', 'timestamptz'], ['open', 'numeric'], ['high', 'numeric'], ['low', 'numeric'],
    ['close', 'numeric'], ['volume', 'numeric'], ['buy_volume', 'numeric'], ['sell_volume', 'numeric'], ['trades', 'integer'], ['vwap', 'numeric'], ['seq', 'bigint'],
  ],
  signals: [
    ['seq', 'bigint'], ['ts', 'timestamptz'], ['strategy', 'text'], ['exchange', 'text'], ['symbol', 'text'], ['target', 'numeric'], ['order_type', 'text'],
    ['limit_price', 'numeric'], ['limit_at', 'text'], ['timeout_us', 'bigint'], ['cause', 'text'],
  ],
  order_versions: ORDER_COLUMNS,
  orders: ORDER_COLUMNS,
  fills: [
    ['fill_id', 'text'], ['seq', 'bigint'], ['client_order_id', 'text'], ['order_version', 'integer'], ['exchange', 'text'], ['symbol', 'text'], ['side', 'text'],
    ['quantity', 'numeric'], ['price', 'numeric'], ['fee', 'numeric'], ['liquidity', 'text'], ['ts', 'timestamptz'],
  ],
  positions: [
    ['exchange', 'text'], ['symbol', 'text'], ['quantity', 'numeric'], ['cost_basis', 'numeric'], ['realized_pnl', 'numeric'], ['fees', 'numeric'], ['fill_count', 'integer'],
    ['size_precision', 'smallint'], ['price_precision', 'smallint'], ['seq', 'bigint'], ['ts', 'timestamptz'],
  ],
  balances: [['currency', 'text'], ['cash', 'numeric'], ['quote_precision', 'smallint'], ['seq', 'bigint'], ['ts', 'timestamptz']],
  audit_log: [['seq', 'bigint'], ['kind', 'text'], ['ts', 'timestamptz'], ['command', 'text'], ['by', 'text'], ['ok', 'boolean'], ['detail', 'text'], ['payload', 'jsonb']],
} as const satisfies Record<string, readonly (readonly [string, string])[]>;

/** Every projected table's column names, in the order of the row arrays. */
export const PROJECTION_COLUMNS: { readonly [T in keyof typeof PROJECTION_SCHEMA]: readonly string[] } = namesOf(PROJECTION_SCHEMA);

function namesOf<S extends Record<string, readonly (readonly [string, string])[]>>(schema: S): { [T in keyof S]: readonly string[] } {
  const out = {} as { [T in keyof S]: readonly string[] };
  for (const table of Object.keys(schema) as (keyof S)[]) out[table] = schema[table]!.map(([name]) => name);
  return out;
}

/** A projected table. */
export type ProjectionTable = keyof typeof PROJECTION_SCHEMA;

/** One row: a value per column (string, number, boolean or null). */
export type Row = (string | number | boolean | null)[];

/** A batch of entries as rows per table, with the UTC days the partitioned rows fall on. */
export interface ProjectionRows {
  readonly rows: { readonly [T in ProjectionTable]: Row[] };
  readonly days: Set<number>;
}

/** The row key of the one `balances` row: the journal carries one cash, in the quote currency. */
export const QUOTE_CURRENCY = 'quote';

/** `us` (integer µs since the epoch) as ISO 8601 with six decimals, UTC. */
export function timestampOf(us: number): string {
  const ms = Math.floor(us / 1000);
  const micros = us - ms * 1000;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** Integer units (a decimal string) at `scale` as an exact decimal string. */
export function decimalOf(units: string, scale: number): string {
  return formatUnits(BigInt(units), scale);
}

/** Maps `entries` to rows (see the module comment). */
export function projectionRows(entries: readonly WalEntry[]): ProjectionRows {
  const rows: { [T in ProjectionTable]: Row[] } = { trades: [], bars: [], signals: [], order_versions: [], orders: [], fills: [], positions: [], balances: [], audit_log: [] };
  const days = new Set<number>();
  const orders = new Map<string, Row>();
  const orderVersions = new Map<string, number>();
  const positions = new Map<string, Row>();
  let balance: Row | undefined;
  const addOrder = (order: OrderJson, version: number, seq: number) => {
    const row = orderRow(order, version, seq);
    rows.order_versions.push(row);
    if ((orderVersions.get(order.clientOrderId) ?? 0) < version) {
      orderVersions.set(order.clientOrderId, version);
      orders.set(order.clientOrderId, row);
    }
  };
  for (const entry of entries) {
    switch (entry.kind) {
      case 'trade': {
        const t = entry.record;
        days.add(dayOf(t.ts));
        rows.trades.push([t.exchange, t.symbol, t.id, timestampOf(t.ts), timestampOf(t.tsRecv), String(t.price), String(t.amount), t.side, entry.seq]);
        break;
      }
      case 'bar': {
        const b = entry.record;
        days.add(dayOf(b.openTs));
        rows.bars.push([
          b.exchange, b.symbol, b.interval, timestampOf(b.openTs), timestampOf(b.closeTs), String(b.open), String(b.high), String(b.low), String(b.close),
          String(b.volume), String(b.buyVolume), String(b.sellVolume), b.trades, String(b.vwap), entry.seq,
        ]);
        break;
      }
      case 'signal': {
        const s = entry.target;
        days.add(dayOf(s.ts));
        rows.signals.push([
          entry.seq, timestampOf(s.ts), s.strategy, s.exchange, s.symbol, String(s.target), s.orderType,
          s.limitPrice === undefined ? null : String(s.limitPrice), s.limitAt ?? null, s.timeoutUs ?? null, s.cause ?? null,
        ]);
        break;
      }
      case 'order':
        addOrder(entry.order, entry.version, entry.seq);
        break;
      case 'fill': {
        const { fill, position } = entry;
        if (entry.order !== null && entry.version !== null) addOrder(entry.order, entry.version, entry.seq);
        rows.fills.push([
          entry.fillId, entry.seq, fill.clientOrderId, entry.version, fill.exchange, fill.symbol, fill.side,
          decimalOf(fill.quantity, position.sizePrecision), decimalOf(fill.price, position.pricePrecision), decimalOf(fill.fee, entry.quotePrecision),
          fill.liquidity, timestampOf(fill.ts),
        ]);
        positions.set(`${position.exchange}\u0000${position.symbol}`, [
          position.exchange, position.symbol, decimalOf(position.quantity, position.sizePrecision), decimalOf(position.costBasis, entry.quotePrecision),
          decimalOf(position.realizedPnl, entry.quotePrecision), decimalOf(position.fees, entry.quotePrecision), position.fillCount,
          position.sizePrecision, position.pricePrecision, entry.seq, timestampOf(entry.ts),
        ]);
        balance = [QUOTE_CURRENCY, decimalOf(entry.cash, entry.quotePrecision), entry.quotePrecision, entry.seq, timestampOf(entry.ts)];
        break;
      }
      case 'risk_state':
        rows.audit_log.push(auditRow(entry, null, entry.source, null, `${entry.from} -> ${entry.to}: ${entry.reason}${entry.detail === '' ? '' : ` (${entry.detail})`}`));
        break;
      case 'audit':
        rows.audit_log.push(auditRow(entry, entry.command, entry.by, entry.ok, entry.detail));
        break;
      case 'start':
        rows.audit_log.push(auditRow(entry, null, null, null, `restored ${entry.restoredOrders} orders and ${entry.restoredFills} fills; trading ${entry.tradingState}`));
        break;
      default: {
        const unknown = entry as { seq: number; kind: unknown };
        throw new TickflowError('DATA_UNKNOWN_TYPE', `journal entry ${unknown.seq} has kind ${JSON.stringify(unknown.kind)}, which this build cannot project`, { seq: unknown.seq });
      }
    }
  }
  rows.orders.push(...orders.values());
  rows.positions.push(...positions.values());
  if (balance !== undefined) rows.balances.push(balance);
  return { rows, days };
}

function orderRow(o: OrderJson, version: number, seq: number): Row {
  return [
    o.clientOrderId, version, seq, o.exchange, o.symbol, o.side, o.type, o.status,
    decimalOf(o.quantity, o.sizePrecision), o.limitPrice === null ? null : decimalOf(o.limitPrice, o.pricePrecision),
    decimalOf(o.filledQuantity, o.sizePrecision), decimalOf(o.fillNotional, o.pricePrecision + o.sizePrecision),
    o.avgFillPrice === null ? null : decimalOf(o.avgFillPrice, o.quotePrecision), o.fillCount,
    o.pricePrecision, o.sizePrecision, o.quotePrecision, timestampOf(o.createdTs), timestampOf(o.updatedTs),
    JSON.stringify(o.timestamps), o.reason, o.cause,
  ];
}

/** An `audit_log` row; `payload` is the whole entry but its head (`seq`, `ts`, `kind`). */
function auditRow(entry: WalEntry & { kind: 'risk_state' | 'audit' | 'start' }, command: string | null, by: string | null, ok: boolean | null, detail: string): Row {
  const { seq, ts, kind, ...payload } = entry;
  return [seq, kind, timestampOf(ts), command, by, ok, detail, JSON.stringify(payload)];
}
