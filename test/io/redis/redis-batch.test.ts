import { describe, expect, it } from 'vitest';
import { planRedisBatch, type RedisWrite } from '../../../src/io/redis/redis-batch.js';
import { redisKeys } from '../../../src/io/redis/redis-keys.js';
import { audit, bar, everyKind, fill, order, partialShortFill, signal, start, trade } from './wal-fixtures.js';

const keys = redisKeys('p:');

function writesTo(writes: readonly RedisWrite[], key: string): RedisWrite[] {
  return writes.filter((w) => w.key === key);
}

describe('planRedisBatch', () => {
  it('writes only the latest value per key within a batch', () => {
    const plan = planRedisBatch([trade(1, 100.5), trade(2, 101.25), bar(3, '1m', 1), bar(4, '1m', 2), bar(5, '5m', 3)], keys);
    const last = writesTo(plan.writes, 'p:last:binance:BTCUSDT');
    expect(last).toHaveLength(1);
    expect(last[0]).toMatchObject({ op: 'replace', fields: { price: '101.25', tradeId: 't2', seq: '2' } });
    expect(writesTo(plan.writes, 'p:bar:binance:BTCUSDT:1m')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ close: '2', seq: '4' }) })]);
    expect(writesTo(plan.writes, 'p:bar:binance:BTCUSDT:5m')).toHaveLength(1);
    expect(plan.writes).toHaveLength(3);
  });

  it('removes an order from the open orders once a later entry makes it terminal', () => {
    const plan = planRedisBatch([order(1, 'a', 'ACCEPTED'), order(2, 'b', 'ACCEPTED'), order(3, 'a', 'CANCELED', 2)], keys);
    const open = writesTo(plan.writes, 'p:orders:open');
    expect(open).toEqual([
      { op: 'hdel', key: 'p:orders:open', field: 'a' },
      expect.objectContaining({ op: 'hset', field: 'b' }),
    ]);
  });

  it('takes the order version a fill made, so a fill that completes an order closes it', () => {
    const plan = planRedisBatch([order(1, 'a', 'ACCEPTED'), fill(2, 'a')], keys);
    expect(writesTo(plan.writes, 'p:orders:open')).toEqual([{ op: 'hdel', key: 'p:orders:open', field: 'a' }]);
  });

  it('formats positions, cash and open orders as exact decimals at the entry precisions', () => {
    const plan = planRedisBatch([fill(1, 'a'), partialShortFill(2, 'b')], keys);
    expect(writesTo(plan.writes, 'p:position:binance:BTCUSDT')[0]).toMatchObject({
      fields: { quantity: '0.0150', costBasis: '450.75', avgPrice: '30050.00', realizedPnl: '0.00', fees: '0.45', fillCount: '1' },
    });
    expect(writesTo(plan.writes, 'p:position:binance:ETHUSDT')[0]).toMatchObject({
      fields: { quantity: '-0.0050', costBasis: '-10.00', avgPrice: '2000.00', realizedPnl: '1.23', fees: '0.01', fillCount: '3' },
    });
    // The later fill's cash wins: 10009.99.
    expect(writesTo(plan.writes, 'p:balance')).toEqual([expect.objectContaining({ fields: expect.objectContaining({ cash: '10009.99', seq: '2' }) })]);
    const open = writesTo(plan.writes, 'p:orders:open');
    expect(open.map((w) => w.op)).toEqual(['hdel', 'hset']);
    const json = JSON.parse((open[1] as { value: string }).value);
    expect(json).toMatchObject({ clientOrderId: 'b', status: 'PARTIALLY_FILLED', quantity: '0.0150', filledQuantity: '0.0050', limitPrice: '30050.25', avgFillPrice: '2000.00', version: 2, seq: 2 });
  });

  it('leaves no avgPrice on a flat position', () => {
    const flat = fill(1, 'a');
    const entry = { ...flat, position: { ...flat.position, quantity: '0', costBasis: '0' } };
    const fields = (writesTo(planRedisBatch([entry], keys).writes, 'p:position:binance:BTCUSDT')[0] as { fields: Record<string, string> }).fields;
    expect(fields.quantity).toBe('0.0000');
    expect(fields).not.toHaveProperty('avgPrice');
  });

  it('notifies once per signal, order and fill entry, none compacted away, and nothing for the rest', () => {
    const plan = planRedisBatch([start(1), signal(2, 1), signal(3, 2), order(4, 'a', 'ACCEPTED'), fill(5, 'a'), audit(6), trade(7, 1)], keys);
    expect(plan.notifications.map((n) => n.channel)).toEqual([
      'p:signal.binance.BTCUSDT',
      'p:signal.binance.BTCUSDT',
      'p:exec.order.binance.BTCUSDT',
      'p:exec.fill.binance.BTCUSDT',
    ]);
    expect(JSON.parse(plan.notifications[1]!.message)).toMatchObject({ seq: 3, kind: 'signal', target: { target: 2 } });
  });

  it('writes the trading state from risk_state entries and nothing for audit or start', () => {
    const plan = planRedisBatch(everyKind(), keys);
    expect(writesTo(plan.writes, 'p:trading_state')).toEqual([
      { op: 'replace', key: 'p:trading_state', fields: { state: 'REDUCING', from: 'ACTIVE', source: 'operator', reason: 'manual', detail: 'maintenance', ts: expect.any(String), seq: '7' } },
    ]);
    expect(planRedisBatch([audit(1), start(2)], keys)).toEqual({ writes: [], notifications: [] });
  });
});
