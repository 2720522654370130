/**
 * The Redis projection of the journal (issue 12): latest state for other processes and best-effort
 * pub/sub notifications, driven by the projection writer through the `ProjectionSink` port
 * (`actors/persistence/projection-ports.ts`; satisfied structurally, since `src/io` does not
 * import `actors/`). Key layout: `redis-keys.ts`; what each entry writes: `redis-batch.ts`.
 *
 * Exactly once. `open()` reads the store's cursor; `apply(entries)` writes the batch's state and
 * the new cursor in ONE `MULTI`/`EXEC`, so they move together or not at all. Entries at or below
 * the cursor are skipped (a replay after a reopen: re-writing them would move latest values
 * back); the rest must follow the cursor one by one, else the batch is refused with `DATA_GAP`
 * and nothing is sent.
 *
 * Two writers. The cursor is guarded with `WATCH`: apply watches the cursor key, reads it, refuses
 * if it is not the cursor this sink holds, and only then sends the transaction; should another
 * writer move the cursor in between, `EXEC` aborts as a whole and apply refuses (`DATA_GAP`). Why
 * WATCH and not a Lua script: a script queued inside the MULTI could not stop the other queued
 * commands (Redis has no rollback), so the check must come before `EXEC`; a script holding the
 * whole batch would, but would move the projection's logic into Lua and lose itself when the
 * server restarts (this one keeps nothing, scripts included). WATCH costs one round trip per
 * batch, not per entry. Since WATCH state belongs to the connection, every command of the sink
 * runs in turn (`serial`), so a health write can never slip between WATCH and EXEC.
 *
 * Failures. Any failure of the connection or a command rejects with `IO_UNAVAILABLE` and closes the
 * connection: the writer reopens (its backoff), and `open()` re-reads the cursor. That also settles
 * the ambiguous case, an `EXEC` that timed out here but ran on the server: the cursor says
 * whether it did. Timeouts are the options' (see `redis-connection.ts`): a dead server costs at
 * most `commandTimeoutMs` per call, or `connectTimeoutMs + commandTimeoutMs` per open.
 *
 * Notifications go after `EXEC`, pipelined, never in the transaction and never retried. An entry
 * older than `notifyMaxAgeUs` by `now()` is not published (a catch-up after an outage does not
 * flood subscribers with old news); every notification is counted as published or dropped by reason.
 */
import type { Redis } from 'ioredis';
import { isTickflowError, TickflowError } from '../../runtime/errors.js';
import { silentLogger, type Logger } from '../../runtime/logger.js';
import type { WalEntry } from '../../model/wal-entry.js';
import { planRedisBatch, type RedisNotification } from './redis-batch.js';
import { connectRedis, redactSecret, redactUrl } from './redis-connection.js';
import { batchStart, parseCursor } from './redis-cursor.js';
import { DEFAULT_HEALTH_TTL_MS, queueHealthWrite, type ActorHealthRow } from './redis-health.js';
import { DEFAULT_REDIS_PREFIX, redisKeys, type RedisKeys } from './redis-keys.js';

/** Options of `createRedisSink`. */
export interface RedisSinkOptions {
  /** `redis://[user:password@]host:port[/db]`; the password never appears in errors or logs. */
  readonly url: string;
  /** Prefix of every key and channel (default `tickflow:`). */
  readonly prefix?: string;
  readonly connectTimeoutMs: number;
  readonly commandTimeoutMs: number;
  /** Entries older than this (µs, by `now()`) are not published (default 5 s). */
  readonly notifyMaxAgeUs?: number;
  /** Expiry of `health:ts` (default 3 s: three of the daemon's one-second intervals). */
  readonly healthTtlMs?: number;
  /** Wall time in µs (default the OS clock). */
  readonly now?: () => number;
  readonly logger?: Logger;
}

/** What the sink has done since it was created. */
export interface RedisSinkStats {
  /** Batches committed, and the entries in them (skipped replays excluded). */
  readonly batches: number;
  readonly entries: number;
  /** Entries at or below the cursor, skipped as already applied. */
  readonly skipped: number;
  readonly published: number;
  readonly notificationsDropped: { readonly stale: number; readonly failed: number };
  /** Health writes done, failed (counted, never thrown), skipped while the previous one ran. */
  readonly health: { readonly written: number; readonly failed: number; readonly skipped: number };
}

/** A `ProjectionSink` named `redis`, plus counters and the health writer. */
export interface RedisSink {
  readonly name: 'redis';
  readonly keys: RedisKeys;
  /** Connects (closing any previous connection) and returns the cursor; rejects `IO_UNAVAILABLE`. */
  open(): Promise<number>;
  /** Applies a batch (see the module comment); rejects `DATA_GAP` or `IO_UNAVAILABLE`. */
  apply(entries: readonly WalEntry[]): Promise<void>;
  /** Closes the connection; idempotent. */
  close(): Promise<void>;
  /** Replaces the actors' health (`redis-health.ts`); never rejects, a failure is counted. */
  writeHealth(rows: readonly ActorHealthRow[]): Promise<void>;
  stats(): RedisSinkStats;
}

const DEFAULT_NOTIFY_MAX_AGE_US = 5_000_000;

/** Creates the sink; nothing connects until `open()`. */
export function createRedisSink(options: RedisSinkOptions): RedisSink {
  const keys = redisKeys(options.prefix ?? DEFAULT_REDIS_PREFIX);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? (() => Date.now() * 1000);
  const notifyMaxAgeUs = options.notifyMaxAgeUs ?? DEFAULT_NOTIFY_MAX_AGE_US;
  const healthTtlMs = options.healthTtlMs ?? DEFAULT_HEALTH_TTL_MS;
  const safeUrl = redactUrl(options.url);
  const counts = { batches: 0, entries: 0, skipped: 0, published: 0, stale: 0, failed: 0, healthWritten: 0, healthFailed: 0, healthSkipped: 0 };
  let conn: Redis | undefined;
  let cursor = 0;
  let healthInFlight = false;
  let tail: Promise<unknown> = Promise.resolve();

  // One operation at a time on the connection (WATCH is per connection; see the module comment).
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
  const unavailable = (what: string, error: unknown, context: Record<string, unknown> = {}): TickflowError => {
    const detail = redactSecret(error instanceof Error ? error.message : String(error), options.url);
    return new TickflowError('IO_UNAVAILABLE', `redis ${safeUrl}: ${what}: ${detail}`, { store: 'redis', url: safeUrl, ...context }, { cause: error });
  };
  const drop = () => {
    conn?.disconnect();
    conn = undefined;
  };

  const openNow = async (): Promise<number> => {
    drop();
    let redis: Redis;
    try {
      redis = await connectRedis({ url: options.url, connectTimeoutMs: options.connectTimeoutMs, commandTimeoutMs: options.commandTimeoutMs, connectionName: 'tickflow-projection', logger });
    } catch (error) {
      throw unavailable('cannot connect', error);
    }
    try {
      cursor = parseCursor(await redis.get(keys.cursor), keys.cursor);
    } catch (error) {
      redis.disconnect();
      throw isTickflowError(error) ? error : unavailable('cannot read the cursor', error);
    }
    conn = redis;
    logger.info({ url: safeUrl, prefix: keys.prefix, cursor }, 'redis projection open');
    return cursor;
  };

  const applyNow = async (entries: readonly WalEntry[]): Promise<void> => {
    const redis = conn;
    if (redis === undefined) throw new TickflowError('IO_UNAVAILABLE', `redis ${safeUrl}: not open (open() again after a failure)`, { store: 'redis', url: safeUrl });
    const from = batchStart(entries, cursor);
    counts.skipped += from;
    if (from === entries.length) return;
    const fresh = from === 0 ? entries : entries.slice(from);
    const first = fresh[0]!.seq;
    const last = fresh[fresh.length - 1]!.seq;
    const plan = planRedisBatch(fresh, keys);
    try {
      const watched = await redis.pipeline().watch(keys.cursor).get(keys.cursor).exec();
      const stored = parseCursor(resultOf(watched, 1) as string | null, keys.cursor);
      if (stored !== cursor) throw cursorMoved(stored, first);
      const tx = redis.multi();
      for (const w of plan.writes) {
        if (w.op === 'replace') tx.del(w.key).hset(w.key, w.fields);
        else if (w.op === 'hset') tx.hset(w.key, w.field, w.value);
        else tx.hdel(w.key, w.field);
      }
      tx.set(keys.cursor, String(last));
      const results = await tx.exec();
      if (results === null) throw cursorMoved(undefined, first);
      // Redis does not roll back a command that fails inside EXEC (a key of the wrong type, put
      // there by someone else): the rest, cursor included, is applied. Said loudly, since that
      // key is now behind the cursor.
      const failed = results.find(([error]) => error !== null);
      if (failed !== undefined) throw unavailable(`seq ${first}..${last} committed with a failed command (cursor moved)`, failed[0]);
    } catch (error) {
      drop();
      throw isTickflowError(error) ? error : unavailable(`apply of seq ${first}..${last} failed`, error, { from: first, to: last });
    }
    cursor = last;
    counts.batches++;
    counts.entries += fresh.length;
    await publish(redis, plan.notifications);
  };

  const cursorMoved = (stored: number | undefined, first: number): TickflowError =>
    new TickflowError(
      'DATA_GAP',
      `redis ${safeUrl}: the cursor moved under this writer (held ${cursor}, store ${stored ?? 'changed during the transaction'}); another writer on prefix ${keys.prefix}?`,
      { store: 'redis', cursor, stored, first },
    );

  const publish = async (redis: Redis, notifications: readonly RedisNotification[]): Promise<void> => {
    const oldest = now() - notifyMaxAgeUs;
    const pipe = redis.pipeline();
    let queued = 0;
    for (const n of notifications) {
      if (n.ts < oldest) {
        counts.stale++;
        continue;
      }
      pipe.publish(n.channel, n.message);
      queued++;
    }
    if (queued === 0) return;
    try {
      const results = (await pipe.exec()) ?? [];
      for (const [error] of results) {
        if (error === null) counts.published++;
        else counts.failed++;
      }
    } catch (error) {
      // The state is committed; a lost notification is what best effort means. The next apply
      // finds out whether the connection itself is gone.
      counts.failed += queued;
      logger.debug({ url: safeUrl, err: redactSecret(String(error), options.url) }, 'redis publish failed');
    }
  };

  const healthNow = async (rows: readonly ActorHealthRow[]): Promise<void> => {
    const redis = conn;
    if (redis === undefined) {
      counts.healthFailed++;
      return;
    }
    try {
      const tx = redis.multi();
      queueHealthWrite(tx, keys, rows, now(), healthTtlMs);
      const results = await tx.exec();
      if (results === null || results.some(([error]) => error !== null)) counts.healthFailed++;
      else counts.healthWritten++;
    } catch (error) {
      counts.healthFailed++;
      logger.debug({ url: safeUrl, err: redactSecret(String(error), options.url) }, 'redis health write failed');
    }
  };

  return {
    name: 'redis',
    keys,
    open: () => serial(openNow),
    apply: (entries) => serial(() => applyNow(entries)),
    close: () =>
      serial(async () => {
        const redis = conn;
        conn = undefined;
        if (redis === undefined) return;
        // QUIT lets pending replies arrive; bounded, since the server may be the thing that is gone.
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([redis.quit().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, options.commandTimeoutMs)))]);
        clearTimeout(timer);
        redis.disconnect();
      }),
    writeHealth(rows) {
      // Every second from the daemon: while one is stuck on a dead server, the next is skipped
      // rather than queued behind it (and in front of the projection's batches).
      if (healthInFlight) {
        counts.healthSkipped++;
        return Promise.resolve();
      }
      healthInFlight = true;
      return serial(() => healthNow(rows)).finally(() => {
        healthInFlight = false;
      });
    },
    stats: () => ({
      batches: counts.batches,
      entries: counts.entries,
      skipped: counts.skipped,
      published: counts.published,
      notificationsDropped: { stale: counts.stale, failed: counts.failed },
      health: { written: counts.healthWritten, failed: counts.healthFailed, skipped: counts.healthSkipped },
    }),
  };
}

/** Result `i` of a pipeline, rethrowing its error. */
function resultOf(results: [Error | null, unknown][] | null, i: number): unknown {
  const r = results?.[i];
  if (r === undefined) throw new Error('pipeline returned no result');
  if (r[0] !== null) throw r[0];
  return r[1];
}
