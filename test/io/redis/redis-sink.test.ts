import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import type { ProjectionSink } from '../../../actors/persistence/projection-ports.js';
import type { RedisSink, RedisSinkOptions } from '../../../src/io/redis/redis-sink.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { redisUrl } from '../../support/services.js';
import { redisRig } from './redis-rig.js';
import { everyKind, fill, NOW_US, order, signal, trade } from './wal-fixtures.js';

const url = await redisUrl();

describe.skipIf(url === undefined)('createRedisSink', () => {
  const rig = redisRig(url!);
  const prefix = (): string => rig.prefix();
  const sink = (p: string, options: Partial<RedisSinkOptions> = {}): RedisSink => rig.sink({ prefix: p, ...options });

  async function refusal(promise: Promise<unknown>): Promise<unknown> {
    return promise.then(
      () => {
        throw new Error('expected a rejection');
      },
      (error: unknown) => error,
    );
  }

  it('is a ProjectionSink named redis', () => {
    const port: ProjectionSink = sink(prefix());
    expect(port.name).toBe('redis');
  });

  it('lands every entry kind in its key with exact decimals, and the cursor with them', async () => {
    const p = prefix();
    const s = sink(p);
    expect(await s.open()).toBe(0);
    await s.apply(everyKind());

    expect(await rig.admin.get(`${p}cursor`)).toBe('9');
    expect(await rig.admin.hgetall(`${p}last:binance:BTCUSDT`)).toEqual({ price: '30050.25', amount: '0.015', side: 'buy', tradeId: 't2', ts: String(NOW_US - 1005), tsRecv: String(NOW_US - 1000), seq: '2' });
    expect(await rig.admin.hgetall(`${p}bar:binance:BTCUSDT:1m`)).toMatchObject({ interval: '1m', open: '30000.5', high: '30100', low: '29950.25', close: '30060.5', volume: '1.25', trades: '42', seq: '3' });
    expect(await rig.admin.hgetall(`${p}position:binance:BTCUSDT`)).toMatchObject({ quantity: '0.0150', costBasis: '450.75', avgPrice: '30050.00', realizedPnl: '0.00', fees: '0.45', fillCount: '1', seq: '6' });
    expect(await rig.admin.hgetall(`${p}balance`)).toMatchObject({ cash: '9548.80', quotePrecision: '2', seq: '6' });
    expect(await rig.admin.hgetall(`${p}trading_state`)).toMatchObject({ state: 'REDUCING', from: 'ACTIVE', source: 'operator', seq: '7' });
    // o-2 was filled (terminal): only o-1 is open.
    const open = await rig.admin.hgetall(`${p}orders:open`);
    expect(Object.keys(open)).toEqual(['o-1']);
    expect(JSON.parse(open['o-1']!)).toMatchObject({ status: 'ACCEPTED', quantity: '0.0150', limitPrice: '30050.25', filledQuantity: '0.0000', avgFillPrice: null, version: 1, seq: 4 });
    expect(s.stats()).toMatchObject({ batches: 1, entries: 9 });
  });

  it('moves the cursor with the state: a reopened sink returns the last applied seq', async () => {
    const p = prefix();
    const s = sink(p);
    await s.open();
    await s.apply([trade(1, 100), trade(2, 101)]);
    await s.apply([trade(3, 102)]);
    await s.close();
    const again = sink(p);
    expect(await again.open()).toBe(3);
    expect(await rig.admin.hget(`${p}last:binance:BTCUSDT`, 'price')).toBe('102');
  });

  it('refuses a batch that does not follow the cursor and applies none of it', async () => {
    const p = prefix();
    const s = sink(p);
    await s.open();
    await s.apply([trade(1, 100), trade(2, 101)]);
    for (const batch of [[trade(4, 200)], [trade(3, 200), trade(5, 201)]]) {
      const error = await refusal(s.apply(batch));
      expect(isTickflowError(error, 'DATA_GAP')).toBe(true);
    }
    expect(await rig.admin.get(`${p}cursor`)).toBe('2');
    expect(await rig.admin.hget(`${p}last:binance:BTCUSDT`, 'price')).toBe('101');
    // The refusal leaves the sink usable for the right batch.
    await s.apply([trade(3, 102)]);
    expect(await rig.admin.get(`${p}cursor`)).toBe('3');
  });

  it('skips what was applied when a reopened writer replays, so neither cursor nor state goes back', async () => {
    const p = prefix();
    const s = sink(p);
    await s.open();
    await s.apply([trade(1, 100), trade(2, 101), trade(3, 103)]);
    await s.close();
    const again = sink(p);
    expect(await again.open()).toBe(3);
    await again.apply([trade(1, 100), trade(2, 101)]);
    expect(await rig.admin.get(`${p}cursor`)).toBe('3');
    expect(await rig.admin.hget(`${p}last:binance:BTCUSDT`, 'price')).toBe('103');
    // Overlapping the cursor: only seq 4 is new.
    await again.apply([trade(3, 103), trade(4, 104)]);
    expect(await rig.admin.get(`${p}cursor`)).toBe('4');
    expect(await rig.admin.hget(`${p}last:binance:BTCUSDT`, 'price')).toBe('104');
    expect(again.stats()).toMatchObject({ skipped: 3, entries: 1 });
  });

  it('lets only one of two writers racing on the same cursor advance it', async () => {
    const p = prefix();
    const a = sink(p);
    const b = sink(p);
    for (let seq = 1; seq <= 5; seq++) {
      expect(await a.open()).toBe(seq - 1);
      expect(await b.open()).toBe(seq - 1);
      const outcomes = await Promise.allSettled([a.apply([trade(seq, 100 + seq)]), b.apply([trade(seq, 200 + seq)])]);
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
      expect(isTickflowError(lost.reason, 'DATA_GAP')).toBe(true);
      expect(await rig.admin.get(`${p}cursor`)).toBe(String(seq));
    }
  });

  it('publishes order, fill and signal notifications after the transaction', async () => {
    const p = prefix();
    const subscriber = new Redis(url!);
    rig.defer(() => subscriber.disconnect());
    const got: { channel: string; message: string }[] = [];
    subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => got.push({ channel, message }));
    await subscriber.psubscribe(`${p}*`);
    const s = sink(p);
    await s.open();
    await s.apply([signal(1, 0.015), order(2, 'o-1', 'ACCEPTED'), fill(3, 'o-1'), trade(4, 100)]);

    await vi.waitFor(() => expect(got).toHaveLength(3), { timeout: 2000 });
    expect(got.map((m) => m.channel)).toEqual([`${p}signal.binance.BTCUSDT`, `${p}exec.order.binance.BTCUSDT`, `${p}exec.fill.binance.BTCUSDT`]);
    expect(JSON.parse(got[2]!.message)).toMatchObject({ seq: 3, kind: 'fill', fillId: 'o-1#1', fill: { quantity: '150', price: '3005025' } });
    expect(s.stats()).toMatchObject({ published: 3, notificationsDropped: { stale: 0, failed: 0 } });
  });

  it('does not publish entries older than notifyMaxAgeUs and counts them as stale', async () => {
    const p = prefix();
    const subscriber = new Redis(url!);
    rig.defer(() => subscriber.disconnect());
    const channels: string[] = [];
    subscriber.on('pmessage', (_pattern: string, channel: string) => channels.push(channel));
    await subscriber.psubscribe(`${p}*`);
    const s = sink(p, { notifyMaxAgeUs: 5_000_000 });
    await s.open();
    const old = NOW_US - 6_000_000;
    await s.apply([signal(1, 1, old), order(2, 'o-1', 'ACCEPTED', 1, old), fill(3, 'o-1', old), signal(4, 2)]);
    // A marker published after the batch: once it arrives, anything the batch published has too.
    await rig.admin.publish(`${p}marker`, 'x');

    await vi.waitFor(() => expect(channels).toContain(`${p}marker`), { timeout: 2000 });
    expect(channels).toEqual([`${p}signal.binance.BTCUSDT`, `${p}marker`]);
    expect(s.stats()).toMatchObject({ published: 1, notificationsDropped: { stale: 3, failed: 0 } });
    // Stale news is still state: the fill moved the position.
    expect(await rig.admin.hget(`${p}position:binance:BTCUSDT`, 'quantity')).toBe('0.0150');
  });

  it('counts a refused publish as failed without failing the apply', async () => {
    const p = prefix();
    // A user who may write the prefix's keys but publish on no channel.
    const user = `t-${p.slice(2, 14)}`;
    await rig.admin.call('ACL', 'SETUSER', user, 'on', '>pw-for-test', `~${p}*`, 'resetchannels', '+@all');
    try {
      const withUser = new URL(url!);
      withUser.username = user;
      withUser.password = 'pw-for-test';
      const s = sink(p, { url: withUser.toString() });
      await s.open();
      await s.apply([signal(1, 1), trade(2, 100)]);
      expect(s.stats()).toMatchObject({ published: 0, notificationsDropped: { stale: 0, failed: 1 } });
      expect(await rig.admin.get(`${p}cursor`)).toBe('2');
    } finally {
      await rig.admin.call('ACL', 'DELUSER', user);
    }
  });
});
