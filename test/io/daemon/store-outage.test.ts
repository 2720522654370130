/**
 * The stores going away under a trading daemon, for real: `startDaemon` with `store: postgres` and
 * Redis, each reached through a loopback TCP proxy, paper-trades the simulated market with a
 * strategy that orders on every trade; both proxies are cut for a few seconds mid-run. Trading
 * goes on (the journal keeps growing), `/readyz` and `/metrics` show the outage, and after the
 * proxies come back the writers catch up from their cursors. After the stop, PostgreSQL holds
 * exactly what the journal says, once (row counts equal the run's own counts, keys distinct), and
 * Redis's cursor and position are the journal's last.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { parseConfig } from '../../../src/app/config.js';
import { startDaemon } from '../../../src/app/daemon.js';
import { createFeedServer } from '../../../src/io/feed-server/feed-server.js';
import { readWal } from '../../../src/io/journal/wal.js';
import { createTcpProxy } from '../../../src/io/net/tcp-proxy.js';
import { migrate } from '../../../src/io/postgres/migrate.js';
import { formatUnits } from '../../../src/model/money.js';
import type { WalEntry } from '../../../src/model/wal-entry.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { freshKeyPrefix, postgresUrl, redisUrl } from '../../support/services.js';
import { testSchema } from '../postgres/pg-schemas.js';
import { waitUntil } from '../feed-server/feed-test-client.js';
import { get } from './daemon-test-ports.js';

const pgUrl = await postgresUrl();
const rdUrl = await redisUrl();
const dir = mkdtempSync(join(tmpdir(), 'tickflow-store-outage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function journal(path: string): WalEntry[] {
  const out: WalEntry[] = [];
  readWal(path, 0, (e) => out.push(e));
  return out;
}

describe.skipIf(pgUrl === undefined || rdUrl === undefined)('tickflow run: PostgreSQL and Redis outages', () => {
  it('keeps trading through a cut of both stores, shows it, and catches up with every row once', async () => {
    const db = await testSchema(pgUrl!);
    await migrate({ url: pgUrl!, schema: db.schema });
    const pgTarget = new URL(pgUrl!);
    const rdTarget = new URL(rdUrl!);
    const pgProxy = await createTcpProxy({ target: { host: pgTarget.hostname, port: Number(pgTarget.port || 5432) } });
    const rdProxy = await createTcpProxy({ target: { host: rdTarget.hostname, port: Number(rdTarget.port || 6379) } });
    const viaPg = new URL(pgUrl!);
    viaPg.host = `127.0.0.1:${pgProxy.port}`;
    const viaRedis = new URL(rdUrl!);
    viaRedis.host = `127.0.0.1:${rdProxy.port}`;
    const prefix = freshKeyPrefix();
    const redis = new Redis(rdUrl!);
    // Whatever the outcome: a failed assertion must not leave keys, a schema or proxies behind.
    onTestFinished(async () => {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
      await db.drop();
      await pgProxy.close();
      await rdProxy.close();
    });
    const server = await createFeedServer({ simulated: { seed: 11, symbol: 'SIMUSDT', records: 200_000 }, port: 0, speed: 20 });
    const home = join(dir, 'data');
    const daemon = await startDaemon(
      parseConfig(
        {
          feeds: [{ url: server.url, rest: server.restUrl, symbols: ['SIMUSDT'], channels: ['trade', 'bookTicker'], connectTimeout: '2s' }],
          bars: { spec: '1s' },
          strategy: { name: 'bench-every-trade', params: { size: 0.01 } },
          instruments: [{ exchange: 'binance', symbol: 'SIMUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' }],
          execution: { venue: { type: 'paper', accounts: { binance: { type: 'margin' } } } },
          http: { host: '127.0.0.1', port: 0 },
          log: { level: 'silent' },
          metrics: { traceEvery: 0 },
          shutdown: { deadline: '10s' },
          persistence: {
            store: 'postgres',
            dir: home,
            fsync: 'never',
            postgres: { url: viaPg.toString(), schema: db.schema, connectTimeout: '500ms', statementTimeout: '1s' },
            redis: { url: viaRedis.toString(), prefix, connectTimeout: '300ms', commandTimeout: '300ms' },
          },
        },
        'store outage test',
      ),
      silentLogger,
    );
    const path = join(home, 'journal');
    const fills = () => journal(path).filter((e) => e.kind === 'fill').length;
    try {
      await waitUntil(() => daemon.trading.system !== undefined && fills() >= 20, 20_000, '20 fills');
      await untilMetrics(daemon.url, (m) => /tickflow_store_up\{store="postgres"\} 1/.test(m) && /tickflow_store_up\{store="redis"\} 1/.test(m), 'both stores up');

      pgProxy.cut();
      rdProxy.cut();
      const before = fills();
      await untilMetrics(daemon.url, (m) => /tickflow_store_up\{store="postgres"\} 0/.test(m) && /tickflow_store_up\{store="redis"\} 0/.test(m), 'both stores down');
      const ready = await get(`${daemon.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(ready.text).toMatch(/postgres/);
      expect(ready.text).toMatch(/redis/);
      // Trading goes on while the stores are away.
      await waitUntil(() => fills() >= before + 20, 20_000, '20 more fills during the outage');
      pgProxy.restore();
      rdProxy.restore();
      await untilMetrics(
        daemon.url,
        (m) => /tickflow_store_lag_entries\{store="postgres"\} 0\b/.test(m) && /tickflow_store_lag_entries\{store="redis"\} 0\b/.test(m) && /tickflow_store_up\{store="postgres"\} 1/.test(m),
        'both stores caught up',
      );
      expect(lastMetrics).toMatch(/tickflow_store_outages_total\{store="postgres"\} [1-9]/);
      expect(lastMetrics).toMatch(/tickflow_store_outages_total\{store="redis"\} [1-9]/);
      expect((await get(`${daemon.url}/readyz`)).status).toBe(200);
      // Order events journaled during the outage were too old to announce when Redis came back: counted, not published.
      expect(lastMetrics).toMatch(/tickflow_redis_notifications_published_total [1-9]/);
      expect(lastMetrics).toMatch(/tickflow_redis_notifications_dropped_total\{reason="stale"\} [0-9]/);
    } finally {
      await daemon.stop('test over');
      await server.close();
    }

    // After the stop (the writers drained the journal's end): the stores hold what the journal says, once.
    const entries = journal(path);
    const last = entries[entries.length - 1]!;
    const of = <K extends WalEntry['kind']>(kind: K) => entries.filter((e): e is Extract<WalEntry, { kind: K }> => e.kind === kind);
    const versions = new Set<string>();
    for (const e of entries) if ((e.kind === 'order' || e.kind === 'fill') && e.order !== null && e.version !== null) versions.add(`${e.order.clientOrderId}#${e.version}`);
    const orderIds = new Set(of('order').map((e) => e.order.clientOrderId));
    const tradeKeys = new Set(of('trade').map((e) => `${e.record.id}@${e.record.ts}`));
    expect(await db.count('fills')).toBe(of('fill').length);
    expect(await db.count('order_versions')).toBe(versions.size);
    expect(await db.count('orders')).toBe(orderIds.size);
    expect(await db.count('trades')).toBe(tradeKeys.size);
    expect(await db.count('signals')).toBe(of('signal').length);
    expect(await db.count('audit_log')).toBe(entries.filter((e) => e.kind === 'risk_state' || e.kind === 'audit' || e.kind === 'start').length);
    const cursor = await db.rows<{ seq: string }>(`SELECT seq FROM "${db.schema}".tickflow_cursor`);
    expect(cursor.map((r) => Number(r.seq))).toEqual([last.seq]);
    const lastFill = of('fill').at(-1)!;
    const position = await db.rows<{ quantity: string }>(`SELECT quantity::text FROM "${db.schema}".positions`);
    expect(position.map((p) => Number(p.quantity))).toEqual([Number(formatUnits(BigInt(lastFill.position.quantity), lastFill.position.sizePrecision))]);
    expect(Number(await redis.get(`${prefix}cursor`))).toBe(last.seq);
    const redisPosition = await redis.hget(`${prefix}position:binance:SIMUSDT`, 'quantity');
    expect(Number(redisPosition)).toBe(Number(formatUnits(BigInt(lastFill.position.quantity), lastFill.position.sizePrecision)));

  });
});

let lastMetrics = '';

// Scrapes `/metrics` every 50 ms until `ok` holds (status is refreshed once a second), at most 20 s.
async function untilMetrics(url: string, ok: (metrics: string) => boolean, what: string): Promise<void> {
  const deadline = performance.now() + 20_000;
  for (;;) {
    lastMetrics = (await get(`${url}/metrics`)).text;
    if (ok(lastMetrics)) return;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}; metrics:\n${lastMetrics.split('\n').filter((l) => l.includes('store')).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
