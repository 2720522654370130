import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTcpProxy, type TcpProxy } from '../../../src/io/net/tcp-proxy.js';
import type { ActorHealthRow } from '../../../src/io/redis/redis-health.js';
import { createRedisSink, type RedisSink } from '../../../src/io/redis/redis-sink.js';
import { freshKeyPrefix, redisUrl } from '../../support/services.js';
import { NOW_US } from './wal-fixtures.js';

const url = await redisUrl();

const FEED: ActorHealthRow = { path: '/root/feeds/binance', status: 'running', processed: 1200, failed: 0, restarts: 1, mailboxDepth: 3 };
const BARS: ActorHealthRow = { path: '/root/bars', status: 'restarting', processed: 90, failed: 2, restarts: 2, mailboxDepth: 0 };

describe.skipIf(url === undefined)('RedisSink.writeHealth', () => {
  let admin: Redis;
  const sinks: RedisSink[] = [];
  const proxies: TcpProxy[] = [];
  const prefixes: string[] = [];

  beforeAll(() => {
    admin = new Redis(url!, { lazyConnect: true });
  });
  afterAll(async () => {
    await admin.quit();
  });
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((s) => s.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    for (const prefix of prefixes.splice(0)) {
      const keys = await admin.keys(`${prefix}*`);
      if (keys.length > 0) await admin.del(...keys);
    }
  });

  function sink(healthTtlMs: number, target = url!): { sink: RedisSink; prefix: string } {
    const prefix = freshKeyPrefix();
    prefixes.push(prefix);
    const s = createRedisSink({ url: target, prefix, connectTimeoutMs: 300, commandTimeoutMs: 300, healthTtlMs, now: () => NOW_US });
    sinks.push(s);
    return { sink: s, prefix };
  }

  it('writes one JSON row per actor path and a timestamp that expires', async () => {
    const { sink: s, prefix } = sink(3000);
    await s.open();
    await s.writeHealth([FEED, BARS]);

    const rows = await admin.hgetall(`${prefix}health`);
    expect(Object.keys(rows).sort()).toEqual(['/root/bars', '/root/feeds/binance']);
    expect(JSON.parse(rows['/root/bars']!)).toEqual({ status: 'restarting', processed: 90, failed: 2, restarts: 2, mailboxDepth: 0 });
    expect(await admin.get(`${prefix}health:ts`)).toBe(String(NOW_US));
    const ttl = await admin.pttl(`${prefix}health:ts`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3000);
    expect(s.stats().health).toEqual({ written: 1, failed: 0, skipped: 0 });
  });

  it('replaces the rows whole, so an actor that is gone disappears', async () => {
    const { sink: s, prefix } = sink(3000);
    await s.open();
    await s.writeHealth([FEED, BARS]);
    await s.writeHealth([FEED]);
    expect(Object.keys(await admin.hgetall(`${prefix}health`))).toEqual(['/root/feeds/binance']);
  });

  it('lets the timestamp lapse when writes stop, keeping the last rows', async () => {
    const { sink: s, prefix } = sink(100);
    await s.open();
    await s.writeHealth([FEED]);
    expect(await admin.exists(`${prefix}health:ts`)).toBe(1);
    await vi.waitFor(async () => expect(await admin.exists(`${prefix}health:ts`)).toBe(0), { timeout: 2000, interval: 25 });
    expect(await admin.hexists(`${prefix}health`, FEED.path)).toBe(1);
  });

  it('skips a write while the previous one is still in flight instead of queueing behind it', async () => {
    const { sink: s, prefix } = sink(3000);
    await s.open();
    await Promise.all([s.writeHealth([FEED]), s.writeHealth([BARS])]);
    expect(s.stats().health).toEqual({ written: 1, failed: 0, skipped: 1 });
    expect(Object.keys(await admin.hgetall(`${prefix}health`))).toEqual([FEED.path]);
  });

  it('counts a write that cannot reach Redis and never rejects', async () => {
    const target = new URL(url!);
    const proxy = await createTcpProxy({ target: { host: target.hostname, port: Number(target.port || 6379) } });
    proxies.push(proxy);
    target.hostname = proxy.host;
    target.port = String(proxy.port);
    const { sink: s } = sink(3000, target.toString());

    await expect(s.writeHealth([FEED])).resolves.toBeUndefined(); // not open yet
    await s.open();
    proxy.cut();
    await expect(s.writeHealth([FEED])).resolves.toBeUndefined();
    expect(s.stats().health).toEqual({ written: 0, failed: 2, skipped: 0 });
  });
});
