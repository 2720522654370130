/**
 * Daily partitions of the time-series tables (`PARTITIONED_TABLES` in `migrations.ts`): one child
 * table per UTC day per table, named `<table>_pYYYYMMDD`, covering `[day 00:00, next day 00:00)`.
 *
 * There is no default partition on purpose: rows for a day without a partition fail loudly rather
 * than pile up in a catch-all that would block creating that day's partition later. So partitions
 * are made ahead of need: `migrate` creates yesterday through a week ahead, and the sink asks
 * `PartitionKeeper.ensure` for the days of each batch before inserting it (a replay of an old
 * journal, a daemon that ran past the week). The keeper remembers the days it has seen, so the
 * usual batch (today's rows, today known) issues no DDL at all.
 *
 * Creation is idempotent (`CREATE TABLE IF NOT EXISTS ... PARTITION OF`) and serialised with
 * `migrate` and other writers by the schema's advisory lock (`IF NOT EXISTS` alone is not safe
 * against a concurrent creator). It runs in a transaction of its own, never inside a batch's: a
 * batch that rolls back must not take with it a partition the keeper believes exists. On error
 * the transaction is left to the caller, who closes the connection (the server then rolls it back).
 */
import type pg from 'pg';
import { PARTITIONED_TABLES } from './migrations.js';
import { schemaIdent } from './pg-client.js';

/** Microseconds in a day. */
export const DAY_US = 86_400_000_000;

/** The UTC day number (days since 1970-01-01) of a time in µs. */
export function dayOf(us: number): number {
  return Math.floor(us / DAY_US);
}

/** `YYYY-MM-DD` of a day number. */
export function dayText(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/** The statement that takes the schema's advisory lock for the rest of the transaction. */
export function schemaLockSql(): string {
  return `SELECT pg_advisory_xact_lock(hashtext('tickflow:' || $1::text))`;
}

/** Day numbers `fromDay` through `toDay`, inclusive. */
export function dayRange(fromDay: number, toDay: number): number[] {
  const days: number[] = [];
  for (let day = fromDay; day <= toDay; day++) days.push(day);
  return days;
}

/** Creates the partitions of every partitioned table for `days` that do not exist yet; returns the names it created. */
export async function createPartitions(client: pg.Client, schema: string, days: readonly number[]): Promise<string[]> {
  const ident = schemaIdent(schema);
  const wanted: { name: string; table: string; day: number }[] = [];
  for (const day of days) {
    for (const { table } of PARTITIONED_TABLES) wanted.push({ name: `${table}_p${dayText(day).replaceAll('-', '')}`, table, day });
  }
  if (wanted.length === 0) return [];
  await client.query('BEGIN');
  await client.query(schemaLockSql(), [schema]);
  const existing = await client.query<{ relname: string }>(
    'SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2::text[])',
    [schema, wanted.map((w) => w.name)],
  );
  const have = new Set(existing.rows.map((r) => r.relname));
  const created: string[] = [];
  for (const w of wanted) {
    if (have.has(w.name)) continue;
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${ident}."${w.name}" PARTITION OF ${ident}."${w.table}" ` +
        `FOR VALUES FROM ('${dayText(w.day)} 00:00:00+00') TO ('${dayText(w.day + 1)} 00:00:00+00')`,
    );
    created.push(w.name);
  }
  await client.query('COMMIT');
  return created;
}

/** Remembers the days whose partitions exist, for one schema (see the module comment). */
export class PartitionKeeper {
  private readonly schema: string;
  private readonly known: Set<number>;

  constructor(schema: string) {
    this.schema = schema;
    this.known = new Set();
  }

  /**
   * Makes sure partitions exist for every day in `days`, with DDL only for days not seen before
   * (exactly those days: one bogus timestamp must not create years of partitions between).
   */
  async ensure(client: pg.Client, days: ReadonlySet<number>): Promise<void> {
    let unseen: number[] | undefined;
    for (const day of days) if (!this.known.has(day)) (unseen ??= []).push(day);
    if (unseen === undefined) return;
    await createPartitions(client, this.schema, unseen);
    for (const day of unseen) this.known.add(day);
  }
}
