/**
 * A client that never reads, beside one that does: the stalled one's market data is conflated,
 * its orders fill a bounded queue until it is cut with 1013, its memory stays bounded throughout,
 * and neither `publish` nor the reading client notices. Figures are printed for the report.
 */
import { describe, expect, it } from 'vitest';
import type { ClientStats } from '../../../src/io/gateway/gateway-stats.js';
import { GatewayTestClient, VIEWER, eventually, startGateway, type Rig } from './gateway-rig.js';

const SLOW_BYTES = 256 * 1024;
const SEND_BUFFER = 4 * 1024 * 1024;
const TOPICS = 20;
const MD_ROUNDS = 10_000; // 200,000 market data messages
const BATCH = 500;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function clientStats(rig: Rig, id: number): ClientStats | undefined {
  return rig.gateway.stats().perClient.find((c) => c.id === id);
}

const mdTopic = (i: number) => `md.binance.SYM${i}USDT.book_ticker`;
const quote = (i: number, round: number) => ({ type: 'book_ticker', exchange: 'binance', symbol: `SYM${i}USDT`, bidPrice: 100 + round / 100, bidAmount: 1.5, askPrice: 100.01 + round / 100, askAmount: 2.5, ts: 1_700_000_000_000_000 + round, tsRecv: 1_700_000_000_000_100 + round });
const order = (seq: number) => ({ type: 'order_update', order: { clientOrderId: `o-${seq}`, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', quantity: 100_000 + seq, limitPrice: 6_500_000, filledQuantity: 0, fillNotional: 0n, status: 'ACCEPTED', seq } });

describe('gateway slow consumers', () => {
  it('conflates market data and cuts on orders for a client that never reads, with bounded memory, while publish and a reading client go on', async () => {
    const rig = await startGateway({ slowClientBytes: SLOW_BYTES, sendBufferBytes: SEND_BUFFER });
    const stalled = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    const reader = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await stalled.request({ op: 'subscribe', topics: ['md', 'exec'] });
    await reader.request({ op: 'subscribe', topics: ['md', 'exec'] });
    const stalledId = 1; // the first client admitted
    stalled.ws.pause(); // never reads again (until the end)

    // Market data: 200,000 quotes over 20 topics, in batches with a turn of the event loop between.
    let publishMs = 0;
    let peakHeld = 0;
    for (let round = 0; round < MD_ROUNDS; round += BATCH / TOPICS) {
      const start = performance.now();
      for (let r = round; r < round + BATCH / TOPICS; r++) for (let i = 0; i < TOPICS; i++) rig.gateway.publish(mdTopic(i), quote(i, r));
      publishMs += performance.now() - start;
      const s = clientStats(rig, stalledId)!;
      peakHeld = Math.max(peakHeld, s.bufferedAmount + s.queuedBytes);
      await turn();
    }
    const afterMd = clientStats(rig, stalledId)!;
    expect(afterMd.conflated).toBeGreaterThan(0);
    expect(afterMd.queuedFrames).toBeLessThanOrEqual(TOPICS); // one per topic at most
    expect(peakHeld).toBeLessThanOrEqual(SEND_BUFFER);
    expect(afterMd.peakHeldBytes).toBeLessThanOrEqual(SEND_BUFFER);
    expect(rig.gateway.stats().disconnectedSlow).toBe(0); // market data alone never cuts it
    // The reader ends with every topic's last value.
    const last = MD_ROUNDS - 1;
    await reader.until(() => Array.from({ length: TOPICS }, (_, i) => reader.live(mdTopic(i)).at(-1)).every((f) => (f?.['data'] as { ts: number } | undefined)?.ts === 1_700_000_000_000_000 + last), 5000, 'the last quotes');
    const mdStats = { stalled: afterMd, publishUsPerMessage: (publishMs * 1000) / (MD_ROUNDS * TOPICS), readerFrames: reader.frames.length };

    // Orders are never conflated: the stalled client's queue grows until it passes the bound.
    let seq = 0;
    let orderPublishMs = 0;
    while (rig.gateway.stats().disconnectedSlow === 0 && seq < 200_000) {
      const start = performance.now();
      for (let k = 0; k < 100; k++) rig.gateway.publish('exec.order.binance.BTCUSDT', order(seq++));
      orderPublishMs += performance.now() - start;
      const s = clientStats(rig, stalledId);
      if (s !== undefined) peakHeld = Math.max(peakHeld, s.bufferedAmount + s.queuedBytes);
      await turn();
    }
    const cutAfter = seq;
    expect(rig.gateway.stats().disconnectedSlow).toBe(1);
    expect(clientStats(rig, stalledId)).toBeUndefined();
    expect(peakHeld).toBeLessThanOrEqual(SEND_BUFFER);
    // A few more, then the reader has every order, in order, none conflated.
    for (let k = 0; k < 100; k++) rig.gateway.publish('exec.order.binance.BTCUSDT', order(seq++));
    await reader.until(() => reader.live('exec.order.binance.BTCUSDT').length === seq, 5000, 'every order');
    expect(reader.live('exec.order.binance.BTCUSDT').map((f) => (f['data'] as { order: { seq: number } }).order.seq)).toEqual(Array.from({ length: seq }, (_, i) => i));
    expect(rig.gateway.stats().clients).toBe(1);

    // The stalled client, reading again, drains what its socket held and sees the 1013.
    stalled.ws.resume();
    expect(await stalled.closedWithin(5000)).toEqual({ code: 1013, reason: 'slow consumer: too far behind' });
    // Reconnecting, it gets the latest order as a snapshot.
    const again = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await again.request({ op: 'subscribe', topics: ['exec'] });
    expect(again.frames[0]).toMatchObject({ op: 'snapshot', topic: 'exec.order.binance.BTCUSDT', data: { order: { seq: seq - 1, quantity: 100_000 + seq - 1, fillNotional: '0' } } });

    const report = {
      md: { messages: MD_ROUNDS * TOPICS, publishUsPerMessage: +mdStats.publishUsPerMessage.toFixed(2), stalledConflated: mdStats.stalled.conflated, stalledFramesOut: mdStats.stalled.framesOut, stalledBuffered: mdStats.stalled.bufferedAmount, stalledQueuedFrames: mdStats.stalled.queuedFrames, stalledQueuedBytes: mdStats.stalled.queuedBytes, readerFrames: mdStats.readerFrames },
      orders: { publishedUntilCut: cutAfter, publishUsPerMessage: +((orderPublishMs * 1000) / cutAfter).toFixed(2) },
      peakHeldBytes: peakHeld,
      stalledFramesDrainedBeforeClose: stalled.frames.length,
    };
    console.log(`slow-client figures ${JSON.stringify(report)}`);
    // The engine's side: publishing stays cheap (generous bound; typical figures are printed above).
    expect(mdStats.publishUsPerMessage).toBeLessThan(50);
  });

  it('flushes a conflated client with the newest value of each topic once it reads again', async () => {
    const rig = await startGateway({ slowClientBytes: 16 * 1024, sendBufferBytes: 4 * 1024 * 1024 });
    const client = await GatewayTestClient.connect(rig.urlWith(VIEWER));
    await client.request({ op: 'subscribe', topics: ['md'] });
    client.ws.pause();
    const rounds = 5000;
    for (let r = 0; r < rounds; r++) for (let i = 0; i < 4; i++) rig.gateway.publish(mdTopic(i), quote(i, r));
    await eventually(() => (clientStats(rig, 1)?.conflated ?? 0) > 0, 2000, 'conflation');
    const conflated = clientStats(rig, 1)!.conflated;
    client.ws.resume();
    await client.until(() => [0, 1, 2, 3].every((i) => (client.live(mdTopic(i)).at(-1)?.['data'] as { ts: number } | undefined)?.ts === 1_700_000_000_000_000 + rounds - 1), 5000, 'the newest quotes');
    // Every message was either sent or conflated away, none lost without a count.
    const s = clientStats(rig, 1)!;
    expect(s.queuedFrames).toBe(0);
    expect(client.live(mdTopic(0)).length + client.live(mdTopic(1)).length + client.live(mdTopic(2)).length + client.live(mdTopic(3)).length + s.conflated).toBe(rounds * 4);
    expect(s.conflated).toBe(conflated);
  });
});
