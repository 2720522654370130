/**
 * Backpressure from the consumer to the venue, over real sockets: a consumer that stops reading
 * makes the feed pause its socket at the high-water mark (TCP then stops the local exchange, which
 * waits for its slowest reader), the buffer stays bounded, a paused socket is not taken for a stale
 * one, and once the consumer reads again everything arrives. The same through `pumpSource` into an
 * actor system whose slow actor has a small `backpressure` mailbox. Also measures records/s through
 * the live path and memory while paused.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { pumpSource } from '../../../streams/source-bridge.js';
import { dataPath } from '../../support/data.js';
import { Collected, decodeCapture, drainUntil, readCapture, Rig, sleep, tempDir, tradeIds, waitUntil, writeCapture, type CaptureLine } from './live-feed-rig.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const rig = new Rig();
const tmp = tempDir();
afterEach(() => rig.close());
afterAll(() => tmp.remove());

const HIGH = 2000;
const LOW = 500;
// One 64 KiB socket read holds at most this many frames (the shortest, a quote, is over 150 bytes):
// what `ws` had already read when the socket paused still comes out.
const ONE_READ = Math.ceil((64 * 1024) / 150);

describe.skipIf(!spotPath)('live feed backpressure (real capture)', () => {
  let lines: CaptureLine[] = [];
  let capture: MarketRecord[] = [];
  beforeAll(() => {
    lines = readCapture(spotPath!);
    capture = decodeCapture(lines);
  });

  it('pauses the socket while nothing is read, bounded, not stale, and loses nothing', async () => {
    const want = tradeIds(capture);
    const server = await rig.server({ data: [spotPath!], speed: 'max' });
    const heapAtStart = process.memoryUsage().heapUsed;
    const feed = rig.feed(server, { highWaterMark: HIGH, lowWaterMark: LOW, staleTimeoutMs: 200 });
    await waitUntil(() => feed.paused, 3000, 'the feed to pause its socket');
    // Hold well past the stale timeout without calling next(), until the venue has stopped sending
    // (the kernel's socket buffers take a few MiB first).
    let sentMidHold = -1;
    const holdStart = performance.now();
    while (server.stats.framesSent !== sentMidHold) {
      if (performance.now() - holdStart > 5000) throw new Error(`the server kept sending: ${server.stats.framesSent} frames`);
      sentMidHold = server.stats.framesSent;
      await sleep(250);
    }
    const heapMidHold = process.memoryUsage().heapUsed;
    await sleep(300);
    expect(feed.paused).toBe(true);
    expect(feed.stats.pauses).toBe(1);
    expect(feed.stats.buffered).toBeGreaterThanOrEqual(HIGH);
    expect(feed.stats.peakBuffered).toBeLessThanOrEqual(HIGH + ONE_READ);
    expect(feed.stats.staleReconnects).toBe(0);
    expect(feed.stats.reconnects).toBe(0);
    // The pushback reached the venue: it stopped sending short of the end of the capture (what it
    // sent beyond our buffer sits in the kernel's socket buffers, a few MiB on loopback).
    expect(server.stats.framesSent).toBe(sentMidHold);
    expect(server.stats.replay.ended).toBe(false);
    expect(server.stats.framesSent).toBeLessThan(lines.length - 1);
    const heapHeldMiB = (process.memoryUsage().heapUsed - heapMidHold) / 2 ** 20;

    // Reading again resumes it at the low-water mark; every trade arrives, once, in order.
    const got = new Collected();
    const t0 = performance.now();
    await drainUntil(feed, got, () => got.tradeIds.at(-1) === want.at(-1), 15_000, 'the last trade');
    const seconds = (performance.now() - t0) / 1000;
    expect(got.tradeIds).toEqual(want);
    expect(feed.stats.gaps).toBe(0);
    expect(feed.stats.peakBuffered).toBeLessThanOrEqual(HIGH + ONE_READ);
    console.log(
      `paused socket: peak ${feed.stats.peakBuffered} records buffered (high-water ${HIGH}); ` +
        `heap +${((heapMidHold - heapAtStart) / 2 ** 20).toFixed(1)} MiB from start to pause (server included), ` +
        `${heapHeldMiB.toFixed(2)} MiB over 300 ms held; server stopped at frame ${sentMidHold} of ${lines.length - 1} after ${Math.round(performance.now() - holdStart)} ms; ` +
        `then ${Math.round(got.records.length / seconds)} records/s through the live path (${got.records.length} records, ${seconds.toFixed(2)} s)`,
    );
  });

  it('pumped into an actor system with a slow actor, pauses the socket and loses nothing', async () => {
    const cut = lines.slice(0, 8000);
    const want = tradeIds(decodeCapture(cut));
    const server = await rig.server({ data: [writeCapture(tmp.path, 'cut.gz', cut)], speed: 'max' });
    const system = createActorSystem();
    const processed: number[] = [];
    let records = 0;
    system.spawn(
      defineActor<void, null, MarketRecord>({
        name: 'slow',
        init: () => null,
        onStart: (s, ctx) => (ctx.subscribe('md'), s),
        receive: (s, record) => {
          // Slow: burn some CPU per record, so the mailbox fills and offers are refused.
          let x = 0;
          for (let i = 0; i < 5_000; i++) x += Math.sqrt(i);
          if (x < 0) throw new Error('unreachable');
          records++;
          if (record.type === 'trade') processed.push(Number(record.id));
          return s;
        },
      }),
      { mailbox: { capacity: 8, overflow: 'backpressure' } },
    );
    const feed = rig.feed(server, { highWaterMark: 300, lowWaterMark: 50, chunkSize: 64 });
    const pumping = pumpSource(system, feed);
    await waitUntil(() => processed.at(-1) === want.at(-1), 15_000, 'the slow actor to process the last trade');
    await feed.close();
    const result = await pumping;
    await system.stop();
    expect(result.failure).toBeNull();
    expect(result.refusals).toBeGreaterThan(0); // the actor really was the bottleneck
    expect(feed.stats.pauses).toBeGreaterThan(0); // and that reached the socket
    expect(feed.stats.peakBuffered).toBeLessThanOrEqual(300 + ONE_READ);
    expect(processed).toEqual(want);
    expect(records).toBe(result.records);
  });
});
