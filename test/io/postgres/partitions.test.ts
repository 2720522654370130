import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { migrate } from '../../../src/io/postgres/migrate.js';
import { createPartitions, dayOf, dayRange, dayText, PartitionKeeper } from '../../../src/io/postgres/partitions.js';
import { postgresUrl } from '../../support/services.js';
import { testSchema, type TestSchema } from './pg-schemas.js';

const url = await postgresUrl();

describe('day arithmetic', () => {
  it('puts a microsecond time on its UTC day', () => {
    const day = dayOf(Date.UTC(2024, 2, 5, 23, 59, 59, 999) * 1000 + 999);
    expect(dayText(day)).toBe('2024-03-05');
    expect(dayText(day + 1)).toBe('2024-03-06');
    expect(dayOf(Date.UTC(2024, 2, 6) * 1000)).toBe(day + 1);
    expect(dayRange(3, 5)).toEqual([3, 4, 5]);
  });
});

describe.skipIf(url === undefined)('partitions', () => {
  let db: TestSchema;
  let client: pg.Client;
  beforeEach(async () => {
    db = await testSchema(url!);
    await migrate({ url: url!, schema: db.schema, nowMs: Date.UTC(2024, 2, 5) });
    client = new pg.Client({ connectionString: url! });
    await client.connect();
  });
  afterEach(async () => {
    await client.end();
    await db.drop();
  });

  it('creates missing days idempotently and reports only what it created', async () => {
    const day = dayOf(Date.UTC(2023, 11, 31) * 1000);
    expect((await createPartitions(client, db.schema, [day])).sort()).toEqual(['bars_p20231231', 'signals_p20231231', 'trades_p20231231']);
    expect(await createPartitions(client, db.schema, [day])).toEqual([]);
    await db.rows("INSERT INTO trades VALUES ('x', 'Y', '1', '2023-12-31T23:59:59.999999Z', now(), 1, 1, 'buy', 1)");
    expect(await db.rows('SELECT tableoid::regclass::text AS part FROM trades')).toEqual([{ part: 'trades_p20231231' }]);
  });

  it('issues no statement for days it has seen, and only the unseen days otherwise', async () => {
    const keeper = new PartitionKeeper(db.schema);
    const query = vi.spyOn(client, 'query');
    const first = dayOf(Date.UTC(2020, 0, 1) * 1000);
    await keeper.ensure(client, new Set([first]));
    const afterFirst = query.mock.calls.length;
    expect(afterFirst).toBeGreaterThan(0);
    await keeper.ensure(client, new Set([first]));
    expect(query.mock.calls.length).toBe(afterFirst);
    // Two far-apart days: exactly those two are created, not the years between.
    await keeper.ensure(client, new Set([first, first + 1000]));
    expect(await db.rows("SELECT count(*)::int AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE 'trades\\_p2%'", [db.schema])).toEqual([{ n: 9 + 2 }]);
    query.mockRestore();
  });
});
