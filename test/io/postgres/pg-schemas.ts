/**
 * Per-test PostgreSQL schemas: `testSchema(url)` names a fresh schema and gives a plain client to
 * inspect it; `drop()` removes the schema and everything in it and closes the client. Tests call
 * `drop()` in `afterEach` so a failed test leaves nothing behind either.
 */
import pg from 'pg';
import { freshSchemaName } from '../../support/services.js';

/** A fresh schema and a client to look into it. */
export interface TestSchema {
  readonly schema: string;
  /** Rows of `sql` (unqualified names resolve in the schema first). */
  rows<T extends Record<string, unknown>>(sql: string, values?: unknown[]): Promise<T[]>;
  /** Rows in `table` of the schema. */
  count(table: string): Promise<number>;
  drop(): Promise<void>;
}

/** Connects a client whose `search_path` is a fresh schema (not created: `migrate` creates it). */
export async function testSchema(url: string): Promise<TestSchema> {
  const schema = freshSchemaName();
  const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await client.connect();
  return {
    schema,
    rows: async <T extends Record<string, unknown>>(sql: string, values?: unknown[]) => (await client.query<T>(sql, values)).rows,
    count: async (table) => Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0]!.n),
    drop: async () => {
      try {
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
}
