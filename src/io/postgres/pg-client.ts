/**
 * One PostgreSQL connection as tickflow opens it (`migrate.ts`, `postgres-sink.ts`): a single
 * `pg.Client` with every timeout set, so a dead server or a cut network is noticed in seconds
 * instead of waited on, and errors that name the server without its password.
 *
 * Why each timeout (defaults in `PG_TIMEOUT_DEFAULTS`, all overridable):
 * - `connectTimeoutMs`: a SYN into the void would otherwise wait for the OS (minutes);
 * - `statementTimeoutMs` (server side): a statement stuck on a lock or a slow disk is cancelled by
 *   the server, which answers with an error while the connection stays usable;
 * - `queryTimeoutMs` (client side, a little longer): the answer never comes at all (the server or
 *   the path to it died without a reset), so the client gives up and the connection is destroyed;
 * - `idleInTransactionMs` (server side): a client that vanished mid-transaction stops holding its
 *   locks (the projection cursor's row) once the server notices it idle that long;
 * - TCP keep-alive from `keepAliveInitialDelayMs`: probes an idle connection. The probe interval
 *   and count are the OS's (Linux: 75 s × 9), so keep-alive only catches what the query timeout
 *   cannot, a connection dead while nothing is asked of it.
 */
import pg from 'pg';
import { TickflowError } from '../../runtime/errors.js';

/** How to reach the server and how long to wait for it. */
export interface PgConnectionOptions {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  readonly connectTimeoutMs?: number;
  readonly statementTimeoutMs?: number;
  readonly queryTimeoutMs?: number;
  readonly idleInTransactionMs?: number;
  readonly keepAliveInitialDelayMs?: number;
  /** Shown in `pg_stat_activity` (default `tickflow`). */
  readonly applicationName?: string;
}

/** Short defaults: a projection writer retries, so failing fast costs little and hanging costs a lot. */
export const PG_TIMEOUT_DEFAULTS = {
  connectTimeoutMs: 2_000,
  statementTimeoutMs: 5_000,
  queryTimeoutMs: 6_000,
  idleInTransactionMs: 10_000,
  keepAliveInitialDelayMs: 1_000,
} as const;

/** `url` without its password (and without query parameters, which may carry secrets). */
export function redactedAddress(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '(an unparsable PostgreSQL URL)';
  }
}

/** A schema name as an SQL identifier, refusing names that would need more than quoting. */
export function schemaIdent(schema: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
    throw new TickflowError('CONFIG_INVALID', `PostgreSQL schema "${schema}": use letters, digits and _ (at most 63, not starting with a digit)`, { path: 'schema', schema });
  }
  return `"${schema}"`;
}

/**
 * Connects a client; rejects with `IO_UNAVAILABLE` naming the redacted address when the server
 * cannot be reached or refuses the login. The client has an `error` listener (an idle connection
 * reset would otherwise be an uncaught exception); `onError` hears those errors.
 */
export async function connectPg(options: PgConnectionOptions, onError?: (error: Error) => void): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? PG_TIMEOUT_DEFAULTS.connectTimeoutMs,
    statement_timeout: options.statementTimeoutMs ?? PG_TIMEOUT_DEFAULTS.statementTimeoutMs,
    query_timeout: options.queryTimeoutMs ?? PG_TIMEOUT_DEFAULTS.queryTimeoutMs,
    idle_in_transaction_session_timeout: options.idleInTransactionMs ?? PG_TIMEOUT_DEFAULTS.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: options.keepAliveInitialDelayMs ?? PG_TIMEOUT_DEFAULTS.keepAliveInitialDelayMs,
    application_name: options.applicationName ?? 'tickflow',
  });
  client.on('error', (error) => onError?.(error));
  try {
    await client.connect();
  } catch (error) {
    destroyPg(client);
    throw pgUnavailable(error, options.url, 'connect to');
  }
  return client;
}

/**
 * Closes `client` without waiting on the server: a polite `end()` on a dead connection can wait
 * as long as the failure it is cleaning up after. The server rolls back whatever transaction the
 * connection had open when it sees the socket close.
 */
export function destroyPg(client: pg.Client): void {
  // `end()` destroys the socket itself when a query is active or the connection is broken; for an
  // idle healthy one it sends Terminate. Either way nothing here waits for the answer.
  client.end().catch(() => undefined);
}

/** A failure to reach or use the server as `IO_UNAVAILABLE`, naming the redacted address. */
export function pgUnavailable(error: unknown, url: string, doing: string): TickflowError {
  if (error instanceof TickflowError) return error;
  const reason = describePgError(error);
  return new TickflowError('IO_UNAVAILABLE', `cannot ${doing} PostgreSQL at ${redactedAddress(url)}: ${reason}`, { url: redactedAddress(url), ...sqlState(error) }, { cause: error });
}

/** A pg or socket error as short text (an `AggregateError` from a multi-address connect lists its parts). */
export function describePgError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return error.errors.map(describePgError).join('; ');
  if (error instanceof Error) return error.message === '' ? ((error as { code?: string }).code ?? error.name) : error.message;
  return String(error);
}

/** The SQLSTATE of a server error, when it is one. */
export function sqlState(error: unknown): { sqlstate?: string } {
  return error instanceof pg.DatabaseError && error.code !== undefined ? { sqlstate: error.code } : {};
}
