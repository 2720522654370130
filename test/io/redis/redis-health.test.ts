import { describe, expect, it, vi } from 'vitest';
import { createTcpProxy } from '../../../src/io/net/tcp-proxy.js';
import type { ActorHealthRow } from '../../../src/io/redis/redis-health.js';
import type { RedisSink } from '../../../src/io/redis/redis-sink.js';
import { redisUrl } from '../../support/services.js';
import { redisRig } from './redis-rig.js';
import { NOW_US } from './wal-fixtures.js';

const url = await redisUrl();

const FEED: ActorHealthRow = { path: '/root/feeds/binance', status: 'running', processed: 1200, failed: 0, restarts: 1, mailboxDepth: 3 };
const BARS: ActorHealthRow = { path: '/root/bars', status: 'restarting', processed: 90, failed: 2, restarts: 2, mailboxDepth: 0 };

describe.skipIf(url === undefined)('RedisSink.writeHealth', () => {
  const rig = redisRig(url!);

  function sink(healthTtlMs: number, target = url!): { sink: RedisSink; prefix: string } {
    const prefix = rig.prefix();
    return { sink: rig.sink({ url: target, prefix, healthTtlMs }), prefix };
  }

  it('writes one JSON row per actor path and a timestamp that expires', async () => {
    const { sink: s, prefix } = sink(3000);
    await s.open();
    await s.writeHealth([FEED, BARS]);

    const rows = await rig.admin.hgetall(`${prefix}health`);
    expect(Object.keys(rows).sort()).toEqual(['/root/bars', '/root/feeds/binance']);
    expect(JSON.parse(rows['/root/bars']!)).toEqual({ status: 'restarting', processed: 90, failed: 2, restarts: 2, mailboxDepth: 0 });
    expect(await rig.admin.get(`${prefix}health:ts`)).toBe(String(NOW_US));
    const ttl = await rig.admin.pttl(`${prefix}health:ts`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3000);
    expect(s.stats().health).toEqual({ written: 1, failed: 0, skipped: 0 });
  });

  it('replaces the rows whole, so an actor that is gone disappears', async () => {
    const { sink: s, prefix } = sink(3000);
    await s.open();
    await s.writeHealth([FEED, BARS]);
    await s.writeHealth([FEED]);
    expect(Object.keys(await rig.admin.hgetall(`${prefix}health`))).toEqual(['/root/feeds/binance']);
  });

  it('lets the timestamp lapse when writes stop, keeping the last rows', async () => {
    const { sink: s, prefix } = sink(100);
    await s.open();
    await s.writeHealth([FEED]);
    expect(await rig.admin.exists(`${prefix}health:ts`)).toBe(1);
    await vi.waitFor(async () => expect(await rig.admin.exists(`${prefix}health:ts`)).toBe(0), { timeout: 2000, interval: 25 });
    expect(await rig.admin.hexists(`${prefix}health`, FEED.path)).toBe(1);
  });

  it('skips a write while the previous one is still in flight instead of queueing behind it', async () => {
    const { sink: s, prefix } = sink(3000);
    await s.open();
    await Promise.all([s.writeHealth([FEED]), s.writeHealth([BARS])]);
    expect(s.stats().health).toEqual({ written: 1, failed: 0, skipped: 1 });
    expect(Object.keys(await rig.admin.hgetall(`${prefix}health`))).toEqual([FEED.path]);
  });

  it('counts a write that cannot reach Redis and never rejects', async () => {
    const target = new URL(url!);
    const proxy = await createTcpProxy({ target: { host: target.hostname, port: Number(target.port || 6379) } });
    rig.defer(() => proxy.close());
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
