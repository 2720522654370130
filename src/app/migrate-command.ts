/**
 * `tickflow migrate`: brings a PostgreSQL schema to this build's version (`src/io/postgres/
 * migrate.ts`: what runs, the lock, the checksum check) and creates the daily partitions ahead,
 * then prints what it did. Flags (parsed by `src/app/cli.ts`): `--url` (default `DATABASE_URL`,
 * then `postgres://postgres@127.0.0.1:5432/postgres`) and `--schema` (default `public`).
 *
 * Exit codes through the CLI's mapping: an unreachable server is `IO_UNAVAILABLE` (70), the message
 * naming the address without its password; an edited or unknown applied migration, or a bad schema
 * name, is `CONFIG_INVALID` (78).
 */
import { migrate, type MigrateResult } from '../io/postgres/migrate.js';
import { redactedAddress } from '../io/postgres/pg-client.js';

/** The URL used when neither `--url` nor `DATABASE_URL` gives one. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The `migrate` flags as given on the command line. */
export interface MigrateFlags {
  readonly url?: string | undefined;
  readonly schema?: string | undefined;
}

/** Runs the command; resolves with the exit code (0), or throws a `TickflowError` for the CLI to map. */
export async function runMigrate(flags: MigrateFlags, out: (line: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const url = flags.url ?? env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL;
  const result = await migrate({ url, schema: flags.schema ?? 'public' });
  out(describeMigration(result, redactedAddress(url)));
  return 0;
}

/** What a migration run did, in a few lines. */
export function describeMigration(result: MigrateResult, address: string): string {
  const lines = [`PostgreSQL ${address}, schema ${result.schema}:`];
  if (result.applied.length === 0) lines.push(`  up to date at version ${result.version}; nothing applied`);
  else for (const m of result.applied) lines.push(`  applied ${m.version} ${m.name}`);
  if (result.applied.length > 0) lines.push(`  now at version ${result.version}`);
  lines.push(result.partitions.length === 0 ? '  daily partitions: all present (yesterday to a week ahead)' : `  daily partitions created: ${result.partitions.length} (${result.partitions[0]} ... ${result.partitions[result.partitions.length - 1]})`);
  return lines.join('\n');
}
