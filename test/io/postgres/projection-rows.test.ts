import { describe, expect, it } from 'vitest';
import { dayOf } from '../../../src/io/postgres/partitions.js';
import { decimalOf, PROJECTION_COLUMNS, projectionRows, timestampOf } from '../../../src/io/postgres/projection-rows.js';
import type { WalEntry } from '../../../src/model/wal-entry.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { everyKind, fillEntry, orderJson, T0 } from './wal-entries.js';

/** The row of `table` as an object keyed by column. */
function named(table: keyof typeof PROJECTION_COLUMNS, row: readonly unknown[]): Record<string, unknown> {
  return Object.fromEntries(PROJECTION_COLUMNS[table].map((c, i) => [c, row[i]]));
}

describe('projectionRows', () => {
  it('formats microseconds as ISO 8601 with six decimals', () => {
    expect(timestampOf(T0)).toBe('2024-03-05T12:00:00.123456Z');
    expect(timestampOf(0)).toBe('1970-01-01T00:00:00.000000Z');
    expect(timestampOf(1_709_640_000_000_001)).toBe('2024-03-05T12:00:00.000001Z');
  });

  it('scales integer units by their precision exactly', () => {
    expect(decimalOf('150000', 4)).toBe('15.0000');
    expect(decimalOf('-120', 2)).toBe('-1.20');
    expect(decimalOf('123456789012345678901234567890', 8)).toBe('1234567890123456789012.34567890');
  });

  it('maps one entry of every kind to its rows', () => {
    const { rows, days } = projectionRows(everyKind());
    expect(rows.trades.map((r) => named('trades', r))).toEqual([
      { exchange: 'binance', symbol: 'BTCUSDT', id: '1001', ts: '2024-03-05T11:59:58.863456Z', ts_recv: '2024-03-05T12:00:00.123456Z', price: '60000.12', amount: '0.00123', side: 'sell', seq: 1 },
    ]);
    expect(named('bars', rows.bars[0]!)).toMatchObject({ interval: '1m', open_ts: '2024-03-05T11:59:00.123456Z', close_ts: '2024-03-05T12:00:00.123456Z', vwap: '60000.123456789', trades: 42, seq: 2 });
    expect(named('signals', rows.signals[0]!)).toEqual({
      seq: 3, ts: '2024-03-05T12:00:00.123458Z', strategy: 'ema-cross', exchange: 'binance', symbol: 'BTCUSDT', target: '-0.015', order_type: 'limit', limit_price: '60000.12', limit_at: null, timeout_us: 5_000_000, cause: 'binance:BTCUSDT:trade:1001',
    });
    expect(rows.order_versions.map((r) => named('order_versions', r)).map((o) => [o['version'], o['seq'], o['status'], o['quantity'], o['limit_price']])).toEqual([
      [1, 4, 'SUBMITTED', '15.0000', '60000.12'],
      [2, 5, 'PARTIALLY_FILLED', '15.0000', '60000.12'],
    ]);
    // Only the newest version of an order is upserted.
    expect(rows.orders.map((r) => named('orders', r)['version'])).toEqual([2]);
    expect(named('orders', rows.orders[0]!)).toMatchObject({ filled_quantity: '5.0000', fill_notional: '300000.600000', avg_fill_price: '60000.12' });
    expect(named('fills', rows.fills[0]!)).toEqual({
      fill_id: 'o-1#1', seq: 5, client_order_id: 'o-1', order_version: 2, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', quantity: '5.0000', price: '60000.12', fee: '-1.20', liquidity: 'maker', ts: '2024-03-05T12:00:00.123460Z',
    });
    expect(named('positions', rows.positions[0]!)).toMatchObject({ quantity: '5.0000', cost_basis: '30000.06', fees: '-1.20', realized_pnl: '0.00', fill_count: 1, seq: 5 });
    expect(named('balances', rows.balances[0]!)).toMatchObject({ currency: 'quote', cash: '70001.14', seq: 5 });
    expect(rows.audit_log.map((r) => named('audit_log', r))).toEqual([
      { seq: 6, kind: 'risk_state', ts: '2024-03-05T12:00:00.123461Z', command: null, by: 'operator', ok: null, detail: 'ACTIVE -> HALTED: manual (end of day)', payload: JSON.stringify({ from: 'ACTIVE', to: 'HALTED', source: 'operator', reason: 'manual', detail: 'end of day' }) },
      { seq: 7, kind: 'audit', ts: '2024-03-05T12:00:00.123462Z', command: 'kill_switch', by: 'operator', ok: true, detail: 'halted', payload: JSON.stringify({ command: 'kill_switch', by: 'operator', ok: true, detail: 'halted' }) },
      { seq: 8, kind: 'start', ts: '2024-03-05T12:00:00.123463Z', command: null, by: null, ok: null, detail: 'restored 1 orders and 1 fills; trading HALTED', payload: JSON.stringify({ restoredOrders: 1, restoredFills: 1, tradingState: 'HALTED' }) },
    ]);
    expect([...days].sort()).toEqual([dayOf(T0)]);
  });

  it('keeps one upsert row per key: the highest order version, the last position and cash', () => {
    const entries: WalEntry[] = [
      { seq: 1, ts: T0, kind: 'order', version: 1, order: orderJson('a') },
      fillEntry(2, T0 + 1, 'a', 2, 1),
      fillEntry(3, T0 + 2, 'a', 3, 2),
      // A fill that raced the order's end repeats the last version.
      fillEntry(4, T0 + 3, 'a', 3, 3),
    ];
    const { rows } = projectionRows(entries);
    expect(rows.order_versions).toHaveLength(4);
    expect(rows.orders.map((r) => [named('orders', r)['version'], named('orders', r)['seq']])).toEqual([[3, 3]]);
    expect(rows.positions.map((r) => named('positions', r)['seq'])).toEqual([4]);
    expect(rows.balances.map((r) => named('balances', r)['seq'])).toEqual([4]);
    expect(rows.fills).toHaveLength(3);
  });

  it('moves the position of a fill whose order is no longer held, without an order row', () => {
    const orphan = { ...fillEntry(1, T0, 'gone', 1, 1), order: null, version: null };
    const { rows } = projectionRows([orphan]);
    expect(rows.orders).toEqual([]);
    expect(rows.order_versions).toEqual([]);
    expect(named('fills', rows.fills[0]!)['order_version']).toBeNull();
    expect(rows.positions).toHaveLength(1);
  });

  it('refuses an entry of a kind it does not know', () => {
    const error = (() => {
      try {
        projectionRows([{ seq: 9, ts: T0, kind: 'mystery' } as unknown as WalEntry]);
      } catch (e) {
        return e;
      }
    })();
    expect(isTickflowError(error, 'DATA_UNKNOWN_TYPE')).toBe(true);
    expect((error as Error).message).toContain('entry 9');
  });
});
