/**
 * Applies the schema migrations (`migrations.ts`) to one PostgreSQL schema: `tickflow migrate`,
 * and tests that need the tables.
 *
 * Our own runner rather than node-pg-migrate or similar: what we need is tens of lines (a table
 * of applied versions, a lock, a checksum), a tool would be one more dependency for the daemon to
 * ship and audit, and ours reads migrations as data compiled into `dist/`, where a file-based
 * tool would need `.sql` files that `tsc` does not copy.
 *
 * How it runs:
 * - every step is a transaction that first takes the schema's advisory lock
 *   (`pg_advisory_xact_lock`), so two processes (two daemons, a daemon and an operator) never
 *   migrate the same schema at once; the second waits, then finds nothing left to do;
 * - the first step creates the schema and `tickflow_migrations(version, name, checksum,
 *   applied_at)` if missing and checks what was applied: a changed checksum (an applied migration
 *   was edited) or a version this build does not know (a newer tickflow migrated the schema) is
 *   refused with `CONFIG_INVALID` before anything is changed;
 * - each pending migration then runs in its own transaction with its row in
 *   `tickflow_migrations`, so a failure leaves the schema at the last migration that succeeded;
 * - last, daily partitions for yesterday through a week ahead (`partitions.ts`).
 *
 * An unreachable server or a failed statement is `IO_UNAVAILABLE`, naming the server without its
 * password.
 */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { TickflowError } from '../../runtime/errors.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { createPartitions, dayOf, dayRange, schemaLockSql } from './partitions.js';
import { connectPg, pgUnavailable, schemaIdent, type PgConnectionOptions } from './pg-client.js';

/** Options of `migrate`. */
export interface MigrateOptions extends PgConnectionOptions {
  /** Default `public`. */
  readonly schema?: string;
  /** Default `MIGRATIONS`. */
  readonly migrations?: readonly Migration[];
  /** Wall time in ms for the partition window (default `Date.now()`). */
  readonly nowMs?: number;
}

/** What `migrate` did. */
export interface MigrateResult {
  readonly schema: string;
  /** Migrations applied by this call, in order; empty when the schema was up to date. */
  readonly applied: readonly { readonly version: number; readonly name: string }[];
  /** The schema's version afterwards. */
  readonly version: number;
  /** Partitions created by this call. */
  readonly partitions: readonly string[];
}

/** Days before today and after it that `migrate` creates partitions for. */
export const PARTITION_DAYS_BEHIND = 1;
export const PARTITION_DAYS_AHEAD = 7;

/** The checksum recorded for a migration: SHA-256 of its SQL text. */
export function checksumOf(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

/** Applies pending migrations and creates partitions ahead (see the module comment). */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const schema = options.schema ?? 'public';
  const ident = schemaIdent(schema);
  const migrations = [...(options.migrations ?? MIGRATIONS)].sort((a, b) => a.version - b.version);
  const client = await connectPg(options);
  let step = 'prepare the schema in';
  try {
    const applied: { version: number; name: string }[] = [];
    await transaction(client, schema, async () => {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident}`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${ident}.tickflow_migrations (version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const rows = await client.query<{ version: number; name: string; checksum: string }>(`SELECT version, name, checksum FROM ${ident}.tickflow_migrations ORDER BY version`);
      const known = new Map(migrations.map((m) => [m.version, m]));
      for (const row of rows.rows) {
        const migration = known.get(row.version);
        if (migration === undefined) {
          throw new TickflowError('CONFIG_INVALID', `PostgreSQL schema ${schema} has migration ${row.version} (${row.name}), which this build of tickflow does not know: a newer tickflow migrated it`, { schema, version: row.version });
        }
        checkChecksum(schema, migration, row.checksum);
      }
    });
    let version = 0;
    for (const migration of migrations) {
      step = `apply migration ${migration.version} (${migration.name}) in`;
      const ran = await transaction(client, schema, async () => {
        // Another process may have applied it between our transactions: look again under the lock.
        const done = await client.query<{ checksum: string }>(`SELECT checksum FROM ${ident}.tickflow_migrations WHERE version = $1`, [migration.version]);
        if (done.rows[0] !== undefined) {
          checkChecksum(schema, migration, done.rows[0].checksum);
          return false;
        }
        await client.query(`SET LOCAL search_path TO ${ident}`);
        await client.query(migration.sql);
        await client.query(`INSERT INTO ${ident}.tickflow_migrations (version, name, checksum) VALUES ($1, $2, $3)`, [migration.version, migration.name, checksumOf(migration)]);
        return true;
      });
      if (ran) applied.push({ version: migration.version, name: migration.name });
      version = migration.version;
    }
    step = 'create partitions in';
    const today = dayOf((options.nowMs ?? Date.now()) * 1000);
    const partitions = await createPartitions(client, schema, dayRange(today - PARTITION_DAYS_BEHIND, today + PARTITION_DAYS_AHEAD));
    return { schema, applied, version, partitions };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    // A statement the server refused is reported like an outage, with its SQLSTATE in the context.
    throw pgUnavailable(error, options.url, step);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function checkChecksum(schema: string, migration: Migration, recorded: string): void {
  if (recorded === checksumOf(migration)) return;
  throw new TickflowError(
    'CONFIG_INVALID',
    `PostgreSQL schema ${schema}: migration ${migration.version} (${migration.name}) was applied with checksum ${recorded.slice(0, 12)}… but this build's text has ${checksumOf(migration).slice(0, 12)}…; an applied migration must not change (write a new one)`,
    { schema, version: migration.version },
  );
}

/** Runs `body` in a transaction holding the schema's advisory lock. */
async function transaction<T>(client: pg.Client, schema: string, body: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  await client.query(schemaLockSql(), [schema]);
  const result = await body();
  await client.query('COMMIT');
  return result;
}
