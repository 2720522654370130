/**
 * The PostgreSQL sink through a loopback TCP proxy that is cut for about two seconds mid-stream
 * (real sockets, real resets; no mock of `pg`). Wall-clock waits are the point here: the outage
 * and the timeouts are real time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../src/io/postgres/migrate.js';
import { createPostgresSink, type PostgresSink } from '../../../src/io/postgres/postgres-sink.js';
import { createTcpProxy, type TcpProxy } from '../../../src/io/net/tcp-proxy.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { postgresUrl } from '../../support/services.js';
import { testSchema, type TestSchema } from './pg-schemas.js';
import { syntheticJournal } from './wal-entries.js';

const url = await postgresUrl();
const TIMEOUTS = { connectTimeoutMs: 500, statementTimeoutMs: 800, queryTimeoutMs: 1000 };

/** Runs `body`, returning how long it took to settle (ms) and its rejection, if any. */
async function timed(body: () => Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const t0 = performance.now();
  let error: unknown;
  await body().catch((e: unknown) => (error = e));
  return { ms: performance.now() - t0, error };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(url === undefined)('postgres sink through an outage', () => {
  let db: TestSchema;
  let proxy: TcpProxy;
  let sink: PostgresSink;

  beforeEach(async () => {
    db = await testSchema(url!);
    await migrate({ url: url!, schema: db.schema });
    const target = new URL(url!);
    proxy = await createTcpProxy({ target: { host: target.hostname, port: Number(target.port || 5432) } });
    const viaProxy = new URL(url!);
    viaProxy.host = `${proxy.host}:${proxy.port}`;
    sink = createPostgresSink({ url: viaProxy.toString(), schema: db.schema, ...TIMEOUTS });
  });
  afterEach(async () => {
    await sink.close();
    await proxy.close();
    await db.drop();
  });

  it('fails fast while cut, reopens after, and ends with every row once', async () => {
    const { entries, expected } = syntheticJournal(30_000);
    const batch = 500;
    expect(await sink.open()).toBe(0);
    for (let at = 0; at < 5_000; at += batch) await sink.apply(entries.slice(at, at + batch));
    const tradesBefore = await db.count('trades');

    // Cut while a large batch is in flight: the transaction dies with the connection.
    const inFlight = timed(() => sink.apply(entries.slice(5_000, 25_000)));
    await sleep(30);
    proxy.cut();
    const cutAt = performance.now();
    const failed = await inFlight;
    expect(isTickflowError(failed.error, 'IO_UNAVAILABLE')).toBe(true);
    expect(performance.now() - cutAt).toBeLessThan(TIMEOUTS.queryTimeoutMs + 500);

    // While cut, every open fails within the connect timeout; the writer would keep retrying.
    const opens: { ms: number; error: unknown }[] = [];
    while (performance.now() - cutAt < 2_000) {
      opens.push(await timed(() => sink.open()));
      await sleep(200);
    }
    expect(opens.length).toBeGreaterThanOrEqual(3);
    for (const attempt of opens) {
      expect(isTickflowError(attempt.error, 'IO_UNAVAILABLE')).toBe(true);
      expect(attempt.ms).toBeLessThan(TIMEOUTS.connectTimeoutMs + 500);
    }
    expect(proxy.stats.severed).toBeGreaterThan(0);
    expect(proxy.stats.refused).toBeGreaterThan(0);

    // Nothing of the cut batch was committed (read directly, not through the proxy).
    expect(await db.count('trades')).toBe(tradesBefore);
    expect(await db.rows('SELECT seq::int FROM tickflow_cursor')).toEqual([{ seq: 5_000 }]);

    proxy.restore();
    let cursor = await sink.open();
    expect(cursor).toBe(5_000);
    while (cursor < entries.length) {
      const next = entries.slice(cursor, cursor + batch);
      await sink.apply(next);
      cursor = next[next.length - 1]!.seq;
    }
    expect(await db.rows('SELECT seq::int FROM tickflow_cursor')).toEqual([{ seq: 30_000 }]);
    expect(await db.count('trades')).toBe(expected.trades);
    expect(await db.count('orders')).toBe(expected.orders);
    expect(await db.count('order_versions')).toBe(expected.order_versions);
    expect(await db.count('fills')).toBe(expected.fills);
    expect(await db.count('positions')).toBe(expected.positions);
    // Natural keys leave no room for duplicates; the seq columns show no entry landed twice either.
    expect(await db.rows('SELECT count(DISTINCT seq)::int AS n FROM trades')).toEqual([{ n: expected.trades }]);
  });

  it('gives up on a statement stuck behind a lock after the statement timeout', async () => {
    const { entries } = syntheticJournal(20);
    expect(await sink.open()).toBe(0);
    await sink.apply(entries.slice(0, 10));
    // Another session holds the cursor row: the sink's cursor update waits, then the server cancels it.
    await db.rows('BEGIN');
    await db.rows('SELECT seq FROM tickflow_cursor FOR UPDATE');
    const stuck = await timed(() => sink.apply(entries.slice(10)));
    await db.rows('ROLLBACK');
    expect(isTickflowError(stuck.error, 'IO_UNAVAILABLE')).toBe(true);
    expect((stuck.error as { context: Record<string, unknown> }).context['sqlstate']).toBe('57014');
    expect(stuck.ms).toBeGreaterThanOrEqual(TIMEOUTS.statementTimeoutMs - 50);
    expect(stuck.ms).toBeLessThan(TIMEOUTS.queryTimeoutMs + 500);
    expect(await sink.open()).toBe(10);
    await sink.apply(entries.slice(10));
    expect(await db.rows('SELECT seq::int FROM tickflow_cursor')).toEqual([{ seq: 20 }]);
  });
});
