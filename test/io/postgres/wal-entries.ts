/**
 * Journal entries for the PostgreSQL tests: one of every kind with known values (`everyKind`), and
 * a long deterministic journal of trades with orders and fills mixed in (`syntheticJournal`), with
 * the row counts its entries imply, counted from the entries themselves.
 */
import type { FillEntry, OrderEntry, OrderJson, WalEntry } from '../../../src/model/wal-entry.js';
import { orderJsonFixture } from '../../support/order-json.js';

/** 2024-03-05T12:00:00.123456Z in µs. */
export const T0 = Date.UTC(2024, 2, 5, 12, 0, 0, 123) * 1000 + 456;

/** An order version of `BTCUSDT` (price precision 2, size precision 4, quote precision 2). */
export function orderJson(clientOrderId: string, patch: Partial<OrderJson> = {}): OrderJson {
  return orderJsonFixture(clientOrderId, {
    quantity: '150000',
    limitPrice: '6000012',
    status: 'SUBMITTED',
    createdTs: T0,
    updatedTs: T0,
    timestamps: { INITIALIZED: T0, SUBMITTED: T0 },
    cause: 'binance:BTCUSDT:trade:1001',
    ...patch,
  });
}

/** A fill entry of `clientOrderId`'s `n`-th fill, the order at `version`. */
export function fillEntry(seq: number, ts: number, clientOrderId: string, version: number, n: number, symbol = 'BTCUSDT'): FillEntry {
  const filled = String(50000 * n);
  return {
    seq,
    ts,
    kind: 'fill',
    version,
    order: orderJson(clientOrderId, { symbol, status: n >= 3 ? 'FILLED' : 'PARTIALLY_FILLED', filledQuantity: filled, fillNotional: String(6000012n * BigInt(filled)), avgFillPrice: '6000012', fillCount: n, updatedTs: ts }),
    fillId: `${clientOrderId}#${n}`,
    fill: { clientOrderId, exchange: 'binance', symbol, side: 'buy', quantity: '50000', price: '6000012', fee: '-120', liquidity: 'maker', ts },
    position: { exchange: 'binance', symbol, quantity: filled, sizePrecision: 4, pricePrecision: 2, costBasis: String(3000006 * n), realizedPnl: '0', fees: String(-120 * n), fillCount: n },
    cash: String(10_000_000 - 3000006 * n + 120 * n),
    quotePrecision: 2,
  };
}

/** One entry of every kind, seq 1 to 8, with the values the mapping test checks. */
export function everyKind(): WalEntry[] {
  const order: OrderEntry = { seq: 4, ts: T0 + 3, kind: 'order', version: 1, order: orderJson('o-1') };
  return [
    { seq: 1, ts: T0, kind: 'trade', record: { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: T0 - 1_260_000, tsRecv: T0, id: '1001', price: 60000.12, amount: 0.00123, side: 'sell' } },
    {
      seq: 2,
      ts: T0 + 1,
      kind: 'bar',
      record: { type: 'trade_bar', exchange: 'binance', symbol: 'BTCUSDT', ts: T0 + 1, tsRecv: T0 + 1, interval: '1m', open: 60000.1, high: 60010.5, low: 59990, close: 60001.25, volume: 1.5, buyVolume: 1, sellVolume: 0.5, trades: 42, vwap: 60000.123456789, openTs: T0 - 60_000_000, closeTs: T0 },
    },
    { seq: 3, ts: T0 + 2, kind: 'signal', target: { type: 'target', exchange: 'binance', symbol: 'BTCUSDT', ts: T0 + 2, strategy: 'ema-cross', target: -0.015, orderType: 'limit', limitPrice: 60000.12, timeoutUs: 5_000_000, cause: 'binance:BTCUSDT:trade:1001' } },
    order,
    fillEntry(5, T0 + 4, 'o-1', 2, 1),
    { seq: 6, ts: T0 + 5, kind: 'risk_state', from: 'ACTIVE', to: 'HALTED', source: 'operator', reason: 'manual', detail: 'end of day' },
    { seq: 7, ts: T0 + 6, kind: 'audit', command: 'kill_switch', by: 'operator', ok: true, detail: 'halted' },
    { seq: 8, ts: T0 + 7, kind: 'start', restoredOrders: 1, restoredFills: 1, tradingState: 'HALTED' },
  ];
}

/** Row counts a journal implies, per table. */
export interface ExpectedCounts {
  trades: number;
  orders: number;
  order_versions: number;
  fills: number;
  positions: number;
  audit_log: number;
}

/**
 * `count` entries from seq 1, one a millisecond from `T0`: trades, and every 50th entry an order
 * of its own followed by its three fills (new versions), across three symbols.
 */
export function syntheticJournal(count: number, t0 = T0): { entries: WalEntry[]; expected: ExpectedCounts } {
  const entries: WalEntry[] = [];
  const symbols = ['BTCUSDT', 'ETHUSDT', 'SOLUSDT'];
  let orderNo = 0;
  let pending: { id: string; n: number; symbol: string } | undefined;
  for (let seq = 1; seq <= count; seq++) {
    const ts = t0 + seq * 1000;
    if (pending !== undefined) {
      pending.n++;
      entries.push(fillEntry(seq, ts, pending.id, pending.n + 1, pending.n, pending.symbol));
      if (pending.n === 3) pending = undefined;
    } else if (seq % 50 === 0) {
      const symbol = symbols[orderNo % 3]!;
      const id = `o-${++orderNo}`;
      entries.push({ seq, ts, kind: 'order', version: 1, order: orderJson(id, { symbol, createdTs: ts, updatedTs: ts }) });
      pending = { id, n: 0, symbol };
    } else {
      entries.push({ seq, ts, kind: 'trade', record: { type: 'trade', exchange: 'binance', symbol: symbols[seq % 3]!, ts, tsRecv: ts + 7, id: String(seq), price: 60000 + (seq % 100) / 100, amount: 0.001, side: seq % 2 === 0 ? 'buy' : 'sell' } });
    }
  }
  const orders = new Set<string>();
  const versions = new Set<string>();
  const positions = new Set<string>();
  const expected: ExpectedCounts = { trades: 0, orders: 0, order_versions: 0, fills: 0, positions: 0, audit_log: 0 };
  for (const e of entries) {
    if (e.kind === 'trade') expected.trades++;
    if (e.kind === 'order' || (e.kind === 'fill' && e.order !== null)) {
      const order = e.order!;
      orders.add(order.clientOrderId);
      versions.add(`${order.clientOrderId}@${e.version}`);
    }
    if (e.kind === 'fill') {
      expected.fills++;
      positions.add(e.position.symbol);
    }
  }
  expected.orders = orders.size;
  expected.order_versions = versions.size;
  expected.positions = positions.size;
  return { entries, expected };
}
