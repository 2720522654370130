import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, migrate, PARTITION_DAYS_AHEAD, PARTITION_DAYS_BEHIND } from '../../../src/io/postgres/migrate.js';
import { LATEST_VERSION, MIGRATIONS } from '../../../src/io/postgres/migrations.js';
import { dayText } from '../../../src/io/postgres/partitions.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { postgresUrl } from '../../support/services.js';
import { testSchema, type TestSchema } from './pg-schemas.js';

const url = await postgresUrl();

describe.skipIf(url === undefined)('migrate', () => {
  let db: TestSchema;
  beforeEach(async () => {
    db = await testSchema(url!);
  });
  afterEach(async () => {
    await db.drop();
  });

  it('applies every migration once, in order, and records each with its checksum', async () => {
    const result = await migrate({ url: url!, schema: db.schema });
    expect(result.applied.map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(result.version).toBe(LATEST_VERSION);
    const recorded = await db.rows<{ version: number; checksum: string }>('SELECT version, checksum FROM tickflow_migrations ORDER BY version');
    expect(recorded).toEqual(MIGRATIONS.map((m) => ({ version: m.version, checksum: checksumOf(m) })));
    const tables = await db.rows<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name NOT LIKE '%\\_p%'", [db.schema]);
    expect(tables.map((t) => t.table_name).sort()).toEqual(
      ['audit_log', 'balances', 'bars', 'fills', 'order_versions', 'orders', 'positions', 'signals', 'tickflow_cursor', 'tickflow_migrations', 'trades'].sort(),
    );
  });

  it('applies nothing on a second run', async () => {
    await migrate({ url: url!, schema: db.schema });
    const again = await migrate({ url: url!, schema: db.schema });
    expect(again.applied).toEqual([]);
    expect(again.partitions).toEqual([]);
    expect(again.version).toBe(LATEST_VERSION);
    expect(await db.count('tickflow_migrations')).toBe(MIGRATIONS.length);
  });

  it('lets one of two concurrent runs apply each migration and the other find it done', async () => {
    const [a, b] = await Promise.all([migrate({ url: url!, schema: db.schema }), migrate({ url: url!, schema: db.schema })]);
    expect([...a.applied, ...b.applied].map((m) => m.version).sort()).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await db.count('tickflow_migrations')).toBe(MIGRATIONS.length);
  });

  it('refuses a schema whose applied migration has a different checksum, changing nothing', async () => {
    await migrate({ url: url!, schema: db.schema, migrations: MIGRATIONS.slice(0, 1) });
    const edited = [{ ...MIGRATIONS[0]!, sql: `${MIGRATIONS[0]!.sql}\n-- edited` }, ...MIGRATIONS.slice(1)];
    const error = await migrate({ url: url!, schema: db.schema, migrations: edited }).catch((e: unknown) => e);
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain('migration 1 (market data)');
    // Refused before anything else ran: migration 2 was not applied.
    expect(await db.count('tickflow_migrations')).toBe(1);
  });

  it('refuses a schema migrated by a build that knows more migrations', async () => {
    await migrate({ url: url!, schema: db.schema });
    const error = await migrate({ url: url!, schema: db.schema, migrations: MIGRATIONS.slice(0, -1) }).catch((e: unknown) => e);
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toContain(`migration ${LATEST_VERSION}`);
  });

  it('creates daily partitions from yesterday to a week ahead for every time-series table', async () => {
    const nowMs = Date.UTC(2024, 2, 5, 23, 59, 59);
    const result = await migrate({ url: url!, schema: db.schema, nowMs });
    const days = PARTITION_DAYS_BEHIND + 1 + PARTITION_DAYS_AHEAD;
    expect(result.partitions).toHaveLength(3 * days);
    const bounds = await db.rows<{ parent: string; child: string; bound: string }>(
      `SELECT p.relname AS parent, c.relname AS child, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 ORDER BY c.relname`,
      [db.schema],
    );
    for (const table of ['trades', 'bars', 'signals']) {
      const mine = bounds.filter((b) => b.parent === table);
      expect(mine.map((b) => b.child)).toEqual(Array.from({ length: days }, (_, i) => `${table}_p${dayText(Math.floor(nowMs / 86_400_000) - 1 + i).replaceAll('-', '')}`));
    }
    expect(bounds.find((b) => b.child === 'trades_p20240305')!.bound).toBe("FOR VALUES FROM ('2024-03-05 00:00:00+00') TO ('2024-03-06 00:00:00+00')");
    // A run a day later adds only the new last day.
    const later = await migrate({ url: url!, schema: db.schema, nowMs: nowMs + 86_400_000 });
    expect([...later.partitions].sort()).toEqual(['bars_p20240313', 'signals_p20240313', 'trades_p20240313']);
  });

  it('names the server without its password when it cannot be reached', async () => {
    const error = await migrate({ url: 'postgres://postgres:hunter2@127.0.0.1:1/test', schema: db.schema, connectTimeoutMs: 1000 }).catch((e: unknown) => e);
    expect(isTickflowError(error, 'IO_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
