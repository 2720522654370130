/**
 * The PostgreSQL projection of the journal (issue 12): trades, bars, signals, orders, fills,
 * positions, cash and the audit log, in the tables of `migrations.ts`, driven by the projection
 * writer through the `ProjectionSink` port (`actors/persistence/projection-ports.ts`; satisfied
 * structurally, since `src/io` does not import `actors/`). Entry → rows: `projection-rows.ts`.
 *
 * Exactly once. `open()` connects and reads the cursor (`tickflow_cursor`, keyed by
 * `projection`); `apply(entries)` is ONE transaction: the cursor moves first, guarded by the value
 * this sink holds (`... WHERE seq = <cursor>`: a second writer that moved it makes the batch
 * refused with `DATA_GAP`, and the row lock keeps two writers from interleaving), then every
 * table's rows, then COMMIT. A `fill` entry's order version, fill, position and cash are one entry,
 * so they commit together. Entries at or below the cursor are skipped (a replay after a reopen);
 * the rest must follow it one by one, else `DATA_GAP` before anything is sent. Rows carry natural
 * keys and go in with `ON CONFLICT DO NOTHING`; `orders` is replaced only by a higher `version`,
 * `positions` and `balances` only by a later `seq`: even a cursor set back by hand writes nothing
 * twice.
 *
 * How rows go in: per table, ONE `INSERT ... SELECT * FROM unnest($1::text[], $2::numeric[], ...)
 * ON CONFLICT ...` with one array parameter per column (chunks of `maxRowsPerStatement` rows only
 * for huge batches; there is no 65,535-parameter limit to dodge). Chosen by measurement
 * (`bench/persistence.bench.ts`: 100k trade rows in transactions of 1,000, loopback PostgreSQL 15,
 * two shared cores, medians of 5 interleaved rounds, three runs): as a share of a plain COPY into
 * the empty table (the non-idempotent ceiling, 114k-175k rows/s on this noisy machine), `unnest`
 * ran at 0.67-0.72, COPY into a temp table then `INSERT ... SELECT ... ON CONFLICT DO NOTHING` at
 * 0.57-0.65, and multi-row `INSERT ... VALUES (...), (...)` at 0.39-0.51. So the fastest idempotent
 * way is also the simplest: no temp table per connection, no COPY text escaping, and no
 * `pg-copy-streams` in the daemon (it stays a bench dependency). The sink's whole `apply()`
 * (mapping, cursor, commit) ran at 0.39-0.54 of plain COPY, 44k-86k rows/s. Partitions for
 * each batch's days are ensured before the transaction (`partitions.ts`; no DDL once a day is known).
 *
 * Failures. A dead server or network costs at most the timeouts (`pg-client.ts`: connect,
 * statement, query; TCP keep-alive), never a hang. Any failure rolls back (the server does so
 * anyway when the socket closes), destroys the client and rejects with `IO_UNAVAILABLE` naming
 * the server without its password; the writer reopens, and `open()` reads the cursor again, which
 * also settles a COMMIT whose answer was lost. A schema that `tickflow migrate` has not brought to
 * this build's version is refused at `open()` with `CONFIG_INVALID`.
 */
import pg from 'pg';
import type { WalEntry } from '../../model/wal-entry.js';
import { isTickflowError, TickflowError } from '../../runtime/errors.js';
import { LATEST_VERSION } from './migrations.js';
import { PartitionKeeper } from './partitions.js';
import { connectPg, destroyPg, pgUnavailable, redactedAddress, schemaIdent, type PgConnectionOptions } from './pg-client.js';
import { PROJECTION_COLUMNS, PROJECTION_SCHEMA, projectionRows, type ProjectionTable, type Row } from './projection-rows.js';

/** Options of `createPostgresSink`; timeouts from `PgConnectionOptions` (short defaults). */
export interface PostgresSinkOptions extends PgConnectionOptions {
  /** Default `public`. */
  readonly schema?: string;
  /** The cursor's key in `tickflow_cursor` (default `postgres`): two projections may share a schema. */
  readonly projection?: string;
  /** Most rows per INSERT statement (default 10,000). */
  readonly maxRowsPerStatement?: number;
}

/** A PostgreSQL projection sink: `ProjectionSink` (see the module comment). */
export interface PostgresSink {
  readonly name: string;
  open(): Promise<number>;
  apply(entries: readonly WalEntry[]): Promise<void>;
  close(): Promise<void>;
}

/** Rows per INSERT: bounds one statement's size when a catch-up hands over a huge batch. */
const DEFAULT_ROWS_PER_STATEMENT = 10_000;

/** Tables in insert order (order versions before the latest order, as a reader would expect). */
const TABLES: readonly ProjectionTable[] = ['trades', 'bars', 'signals', 'order_versions', 'orders', 'fills', 'positions', 'balances', 'audit_log'];

/** Per table, the conflict rule that ends its INSERT. Upserts replace only with newer data. */
function conflictClause(table: ProjectionTable): string {
  const update = (key: readonly string[], newer: string) =>
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${PROJECTION_COLUMNS[table].filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`).join(', ')} WHERE excluded.${newer} > t.${newer}`;
  switch (table) {
    case 'orders':
      return update(['client_order_id'], 'version');
    case 'positions':
      return update(['exchange', 'symbol'], 'seq');
    case 'balances':
      return update(['currency'], 'seq');
    default:
      return 'ON CONFLICT DO NOTHING';
  }
}

/** Creates the sink; nothing connects until `open()`. */
export function createPostgresSink(options: PostgresSinkOptions): PostgresSink {
  const schema = options.schema ?? 'public';
  const ident = schemaIdent(schema);
  const projection = options.projection ?? 'postgres';
  const address = redactedAddress(options.url);
  const partitions = new PartitionKeeper(schema);
  const statements = new Map<ProjectionTable, string>();
  const maxRows = Math.max(1, options.maxRowsPerStatement ?? DEFAULT_ROWS_PER_STATEMENT);
  let client: pg.Client | undefined;
  let cursor = 0;

  const insertText = (table: ProjectionTable): string => {
    let text = statements.get(table);
    if (text === undefined) {
      const columns = PROJECTION_SCHEMA[table];
      const arrays = columns.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
      text = `INSERT INTO ${ident}.${table} AS t (${columns.map(([name]) => name).join(', ')}) SELECT * FROM unnest(${arrays}) ${conflictClause(table)}`;
      statements.set(table, text);
    }
    return text;
  };

  const insert = async (c: pg.Client, table: ProjectionTable, rows: readonly Row[]) => {
    const width = PROJECTION_SCHEMA[table].length;
    for (let start = 0; start < rows.length; start += maxRows) {
      const end = Math.min(rows.length, start + maxRows);
      // Row-major to one array per column: what `unnest` takes.
      const arrays: Row[] = [];
      for (let col = 0; col < width; col++) {
        const values: Row = new Array(end - start);
        for (let r = start; r < end; r++) values[r - start] = rows[r]![col]!;
        arrays.push(values);
      }
      await c.query(insertText(table), arrays);
    }
  };

  /** Rolls back if the connection still answers, then destroys the client either way. */
  const fail = async (c: pg.Client, error: unknown) => {
    if (client === c) client = undefined;
    const answered = error instanceof pg.DatabaseError || isTickflowError(error);
    if (answered) await c.query('ROLLBACK').catch(() => undefined);
    destroyPg(c);
  };

  return {
    name: 'postgres',
    async open() {
      if (client !== undefined) destroyPg(client);
      client = undefined;
      const c = await connectPg(options);
      try {
        const head = await c.query<{ version: number | null; seq: string | null }>(
          `SELECT (SELECT max(version) FROM ${ident}.tickflow_migrations) AS version, (SELECT seq FROM ${ident}.tickflow_cursor WHERE projection = $1) AS seq`,
          [projection],
        );
        const version = head.rows[0]?.version ?? 0;
        if (version < LATEST_VERSION) {
          throw new TickflowError('CONFIG_INVALID', `PostgreSQL schema ${schema} at ${address} is at version ${version}, this build needs ${LATEST_VERSION}: run \`tickflow migrate --schema ${schema}\``, { schema, version });
        }
        cursor = Number(head.rows[0]?.seq ?? 0);
      } catch (error) {
        destroyPg(c);
        if (error instanceof pg.DatabaseError && error.code === '42P01') {
          throw new TickflowError('CONFIG_INVALID', `PostgreSQL schema ${schema} at ${address} has no tickflow tables: run \`tickflow migrate --schema ${schema}\``, { schema }, { cause: error });
        }
        throw pgUnavailable(error, options.url, 'read the projection cursor from');
      }
      client = c;
      return cursor;
    },

    async apply(entries) {
      let start = 0;
      while (start < entries.length && entries[start]!.seq <= cursor) start++;
      if (start === entries.length) return;
      for (let i = start; i < entries.length; i++) {
        if (entries[i]!.seq !== cursor + 1 + i - start) {
          throw new TickflowError('DATA_GAP', `PostgreSQL projection ${projection}: entry ${entries[i]!.seq} does not follow the cursor ${cursor} (expected ${cursor + 1 + i - start}); reopen to read the cursor again`, { projection, cursor, seq: entries[i]!.seq });
        }
      }
      const c = client;
      if (c === undefined) throw new TickflowError('IO_UNAVAILABLE', `PostgreSQL projection ${projection} at ${address} is not open`, { url: address });
      const batch = start === 0 ? entries : entries.slice(start);
      const last = batch[batch.length - 1]!.seq;
      const { rows, days } = projectionRows(batch);
      try {
        await partitions.ensure(c, days);
        await c.query('BEGIN');
        const moved = await c.query(
          `INSERT INTO ${ident}.tickflow_cursor AS t (projection, seq) VALUES ($1, $2) ON CONFLICT (projection) DO UPDATE SET seq = excluded.seq, updated_at = now() WHERE t.seq = $3`,
          [projection, last, cursor],
        );
        if (moved.rowCount !== 1) {
          throw new TickflowError('DATA_GAP', `PostgreSQL projection ${projection}: the stored cursor is no longer ${cursor} (another writer?); reopen to read it again`, { projection, cursor });
        }
        for (const table of TABLES) if (rows[table].length > 0) await insert(c, table, rows[table]);
        await c.query('COMMIT');
        cursor = last;
      } catch (error) {
        await fail(c, error);
        throw pgUnavailable(error, options.url, `apply entries ${batch[0]!.seq}-${last} to`);
      }
    },

    async close() {
      const c = client;
      client = undefined;
      if (c === undefined) return;
      // A healthy connection says goodbye at once; a broken one is destroyed (`destroyPg`).
      await Promise.race([c.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    },
  };
}
