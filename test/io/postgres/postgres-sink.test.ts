import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProjectionSink } from '../../../actors/persistence/projection-ports.js';
import { migrate } from '../../../src/io/postgres/migrate.js';
import { createPostgresSink, type PostgresSinkOptions } from '../../../src/io/postgres/postgres-sink.js';
import { PROJECTION_SCHEMA } from '../../../src/io/postgres/projection-rows.js';
import type { WalEntry } from '../../../src/model/wal-entry.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { postgresUrl } from '../../support/services.js';
import { testSchema, type TestSchema } from './pg-schemas.js';
import { everyKind, fillEntry, orderJson, syntheticJournal, T0 } from './wal-entries.js';

const url = await postgresUrl();
const TABLES = ['trades', 'bars', 'signals', 'orders', 'order_versions', 'fills', 'positions', 'balances', 'audit_log'] as const;

describe.skipIf(url === undefined)('createPostgresSink', () => {
  let db: TestSchema;
  const sinks: ProjectionSink[] = [];
  /** A sink on the test's schema; typed as the port, so the sink must satisfy it. */
  const sink = (options: Partial<PostgresSinkOptions> = {}): ProjectionSink => {
    const s: ProjectionSink = createPostgresSink({ url: url!, schema: db.schema, ...options });
    sinks.push(s);
    return s;
  };
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const t of TABLES) out[t] = await db.count(t);
    return out;
  };
  const cursor = async () => Number((await db.rows<{ seq: string }>('SELECT seq FROM tickflow_cursor'))[0]?.seq ?? 0);

  beforeEach(async () => {
    db = await testSchema(url!);
    await migrate({ url: url!, schema: db.schema });
  });
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    await db.drop();
  });

  it('writes every entry kind as rows with exact decimals and microsecond times', async () => {
    const s = sink();
    expect(await s.open()).toBe(0);
    await s.apply(everyKind());
    expect(await cursor()).toBe(8);
    expect(await counts()).toEqual({ trades: 1, bars: 1, signals: 1, orders: 1, order_versions: 2, fills: 1, positions: 1, balances: 1, audit_log: 3 });
    const us = (column: string) => `(extract(epoch FROM ${column}) * 1000000)::bigint::text AS ${column}`;
    expect(await db.rows(`SELECT id, ${us('ts')}, ${us('ts_recv')}, price::text, amount::text, side FROM trades`)).toEqual([
      { id: '1001', ts: String(T0 - 1_260_000), ts_recv: String(T0), price: '60000.12', amount: '0.00123', side: 'sell' },
    ]);
    expect(await db.rows(`SELECT ${us('open_ts')}, ${us('close_ts')}, open::text, volume::text, buy_volume::text, vwap::text, trades FROM bars`)).toEqual([
      { open_ts: String(T0 - 60_000_000), close_ts: String(T0), open: '60000.1', volume: '1.5', buy_volume: '1', vwap: '60000.123456789', trades: 42 },
    ]);
    expect(await db.rows('SELECT seq::int, target::text, limit_price::text, timeout_us::int, limit_at FROM signals')).toEqual([{ seq: 3, target: '-0.015', limit_price: '60000.12', timeout_us: 5_000_000, limit_at: null }]);
    expect(await db.rows('SELECT version, status, quantity::text, filled_quantity::text, fill_notional::text, avg_fill_price::text, timestamps FROM orders')).toEqual([
      { version: 2, status: 'PARTIALLY_FILLED', quantity: '15.0000', filled_quantity: '5.0000', fill_notional: '300000.600000', avg_fill_price: '60000.12', timestamps: { INITIALIZED: T0, SUBMITTED: T0 } },
    ]);
    expect(await db.rows('SELECT fill_id, order_version, quantity::text, price::text, fee::text, liquidity FROM fills')).toEqual([{ fill_id: 'o-1#1', order_version: 2, quantity: '5.0000', price: '60000.12', fee: '-1.20', liquidity: 'maker' }]);
    expect(await db.rows('SELECT quantity::text, cost_basis::text, realized_pnl::text, fees::text, fill_count, seq::int FROM positions')).toEqual([
      { quantity: '5.0000', cost_basis: '30000.06', realized_pnl: '0.00', fees: '-1.20', fill_count: 1, seq: 5 },
    ]);
    expect(await db.rows('SELECT currency, cash::text FROM balances')).toEqual([{ currency: 'quote', cash: '70001.14' }]);
    expect(await db.rows('SELECT seq::int, kind, by, ok, payload FROM audit_log ORDER BY seq')).toEqual([
      { seq: 6, kind: 'risk_state', by: 'operator', ok: null, payload: { from: 'ACTIVE', to: 'HALTED', source: 'operator', reason: 'manual', detail: 'end of day' } },
      { seq: 7, kind: 'audit', by: 'operator', ok: true, payload: { command: 'kill_switch', by: 'operator', ok: true, detail: 'halted' } },
      { seq: 8, kind: 'start', by: null, ok: null, payload: { restoredOrders: 1, restoredFills: 1, tradingState: 'HALTED' } },
    ]);
  });

  it('writes nothing twice when the same batch comes again after a reopen', async () => {
    const entries = everyKind();
    const first = sink();
    await first.open();
    await first.apply(entries);
    const before = await counts();
    await first.close();
    const second = sink();
    expect(await second.open()).toBe(8);
    await second.apply(entries);
    expect(await counts()).toEqual(before);
    expect(await cursor()).toBe(8);
  });

  it('writes nothing twice and moves nothing back when the cursor was set back by hand', async () => {
    const { entries } = syntheticJournal(400);
    const s = sink();
    await s.open();
    await s.apply(entries);
    const before = await counts();
    const orders = await db.rows('SELECT client_order_id, version, status FROM orders ORDER BY client_order_id');
    await db.rows('UPDATE tickflow_cursor SET seq = 0');
    await s.close();
    const again = sink();
    expect(await again.open()).toBe(0);
    // Replayed in two halves: the first half's old order versions and positions must not win.
    await again.apply(entries.slice(0, 200));
    await again.apply(entries.slice(200));
    expect(await counts()).toEqual(before);
    expect(await db.rows('SELECT client_order_id, version, status FROM orders ORDER BY client_order_id')).toEqual(orders);
    expect(await cursor()).toBe(400);
  });

  it('keeps the newest order version when versions arrive in separate batches', async () => {
    const s = sink();
    await s.open();
    await s.apply([{ seq: 1, ts: T0, kind: 'order', version: 1, order: orderJson('a') }]);
    await s.apply([fillEntry(2, T0 + 1, 'a', 2, 1)]);
    await s.apply([{ seq: 3, ts: T0 + 2, kind: 'order', version: 3, order: orderJson('a', { status: 'PENDING_CANCEL' }) }]);
    expect(await db.rows('SELECT version, status, seq::int FROM orders')).toEqual([{ version: 3, status: 'PENDING_CANCEL', seq: 3 }]);
    expect(await db.count('order_versions')).toBe(3);
  });

  it('refuses a batch that does not follow the cursor, writing nothing', async () => {
    const entries = everyKind();
    const s = sink();
    await s.open();
    const skipped = await s.apply(entries.slice(1)).catch((e: unknown) => e);
    expect(isTickflowError(skipped, 'DATA_GAP')).toBe(true);
    const holed = await s.apply([entries[0]!, entries[2]!]).catch((e: unknown) => e);
    expect(isTickflowError(holed, 'DATA_GAP')).toBe(true);
    expect(await counts()).toEqual(Object.fromEntries(TABLES.map((t) => [t, 0])));
    expect(await cursor()).toBe(0);
  });

  it('refuses a batch when another writer moved the stored cursor', async () => {
    const entries = everyKind();
    const a = sink();
    const b = sink();
    await a.open();
    await b.open();
    await a.apply(entries);
    const error = await b.apply(entries).catch((e: unknown) => e);
    expect(isTickflowError(error, 'DATA_GAP')).toBe(true);
    expect(await db.count('order_versions')).toBe(2);
    expect(await cursor()).toBe(8);
    // Reopened, b sees the cursor and goes on from it.
    expect(await b.open()).toBe(8);
  });

  it('writes the columns of the migrated tables, each with its type', async () => {
    for (const [table, columns] of Object.entries(PROJECTION_SCHEMA)) {
      const actual = await db.rows<{ name: string; type: string }>(
        `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type FROM pg_attribute a
          WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [`"${db.schema}".${table}`],
      );
      const declared = await db.rows<{ name: string; type: string }>('SELECT n AS name, t::regtype::text AS type FROM unnest($1::text[], $2::text[]) AS c(n, t)', [columns.map((c) => c[0]), columns.map((c) => c[1])]);
      expect({ table, columns: declared }).toEqual({ table, columns: actual });
    }
  });

  it('applies a batch larger than one statement in several statements', async () => {
    const { entries, expected } = syntheticJournal(20_000);
    const s = sink();
    await s.open();
    await s.apply(entries);
    expect(await db.count('trades')).toBe(expected.trades);
    const small = createPostgresSink({ url: url!, schema: db.schema, projection: 'small', maxRowsPerStatement: 7 });
    sinks.push(small);
    await small.open();
    await small.apply(entries.slice(0, 100));
    expect(await db.rows("SELECT seq::int FROM tickflow_cursor WHERE projection = 'small'")).toEqual([{ seq: 100 }]);
    expect(await db.count('trades')).toBe(expected.trades);
  });

  it('creates the partition for a day migrate did not prepare', async () => {
    const old = Date.UTC(2019, 0, 2, 3, 4, 5) * 1000;
    const entries: WalEntry[] = [{ seq: 1, ts: old, kind: 'trade', record: { type: 'trade', exchange: 'x', symbol: 'Y', ts: old, tsRecv: old, id: '1', price: 1, amount: 1, side: 'buy' } }];
    const s = sink();
    await s.open();
    await s.apply(entries);
    expect(await db.rows("SELECT tableoid::regclass::text AS part FROM trades")).toEqual([{ part: 'trades_p20190102' }]);
  });

  it('refuses to open a schema that was never migrated, saying what to run', async () => {
    const s = createPostgresSink({ url: url!, schema: `${db.schema}_none` });
    const error = await s.open().catch((e: unknown) => e);
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('tickflow migrate');
  });
});
