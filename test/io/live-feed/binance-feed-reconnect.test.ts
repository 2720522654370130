/**
 * The live feed against the local exchange when connections are lost: every `drop-every` drop is
 * reconnected with the streams resubscribed, no trade is delivered twice, what was missed while
 * down is counted as gaps, and the book is resynced from REST at each new connection. Backoff
 * delays are the seeded `backoffDelay` sequence, the same on every run.
 */
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import { backoffDelay } from '../../../src/runtime/backoff.js';
import { createRandom } from '../../../src/runtime/random.js';
import type { FeedTimers } from '../../../streams/live/feed-timers.js';
import { dataPath } from '../../support/data.js';
import { buildBook, Collected, decodeCapture, drainUntil, nodeTimers, readCapture, Rig, tempDir, tradeIds, waitUntil, writeCapture } from './live-feed-rig.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const rig = new Rig();
const tmp = tempDir();
afterEach(() => rig.close());
afterAll(() => tmp.remove());

describe.skipIf(!spotPath)('live feed reconnects (real capture)', () => {
  let capture: MarketRecord[] = [];
  beforeAll(() => {
    capture = decodeCapture(readCapture(spotPath!));
  });

  it('reconnects after each drop, resubscribed, with no trade delivered twice and every missing one counted', async () => {
    const want = tradeIds(capture);
    const server = await rig.server({ data: [spotPath!], speed: 'max', faults: 'drop-every=40s' });
    // A connection up 50 ms counts as stable: every drop here is reconnected after the first delay (5 to 6 ms).
    const feed = rig.feed(server, { backoff: { minUs: 5_000, maxUs: 100_000, factor: 2, jitter: 0.2, resetAfterUs: 50_000 } });
    const got = new Collected();
    await drainUntil(feed, got, () => got.tradeIds.at(-1) === want.at(-1), 15_000, 'the last trade of the capture');

    const drops = server.stats.faults.drops;
    expect(drops).toBeGreaterThanOrEqual(7); // 346 s of capture, a drop every 40 s
    expect(feed.stats.reconnects).toBeGreaterThanOrEqual(drops);
    expect(feed.stats.connects).toBe(feed.stats.reconnects + 1);
    expect(server.stats.connectionsTotal).toBe(feed.stats.connects);
    // Never twice, never out of order, never an id the venue did not send.
    const ids = got.tradeIds;
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    const sent = new Set(want);
    expect(ids.every((id) => sent.has(id))).toBe(true);
    // What was missed while down is exactly what the gap counters say.
    const trade = feed.stats.streams['btcusdt@trade']!;
    expect(ids.length + trade.missing).toBe(want.length);
    expect(trade.gaps).toBeLessThanOrEqual(feed.stats.reconnects);
    // A REST snapshot at every connection, and the book built from the feed is valid at the end.
    await waitUntil(() => feed.stats.snapshots === feed.stats.connects, 2000, 'a snapshot per connection');
    const book = buildBook(got.records);
    expect(book.valid).toBe(true);
    expect(book.gaps).toBe(0);
    expect(feed.stats.maxReconnectUs).toBeGreaterThan(0);
    console.log(
      `reconnect after a drop: ${feed.stats.reconnects} reconnects, worst ${(feed.stats.maxReconnectUs / 1000).toFixed(1)} ms, ` +
        `last ${(feed.stats.lastReconnectUs / 1000).toFixed(1)} ms from loss to the first frame (backoff 5 to 6 ms, server in-process)`,
    );
  });

  it('resubscribes to every stream of every symbol on the combined URL', async () => {
    const eth = dataPath('binance-spot/ethusdt_20240808.gz');
    if (eth === undefined) return;
    const cut = (path: string, name: string) => writeCapture(tmp.path, name, readCapture(path).slice(0, 6000));
    const server = await rig.server({ data: [cut(spotPath!, 'btc.gz'), cut(eth, 'eth.gz')], speed: 'max', faults: 'drop-every=15s' });
    const feed = rig.feed(server, { symbols: ['btcusdt', 'ETHUSDT'] });
    expect(feed.streams).toEqual(['btcusdt@trade', 'btcusdt@bookTicker', 'btcusdt@depth@100ms', 'ethusdt@trade', 'ethusdt@bookTicker', 'ethusdt@depth@100ms']);
    const got = new Collected();
    await drainUntil(feed, got, () => feed.stats.connects >= 2, 5000, 'a reconnect');
    const mark = got.records.length;
    await drainUntil(feed, got, () => server.stats.replay.ended, 10_000, 'the end of the replay');
    // After the reconnect, both symbols' streams come again, and both books are resynced. (Their
    // diffs may all be older than the last snapshot: a replay at full speed ends soon after.)
    const kinds = new Set(got.records.slice(mark).map((r) => `${r.symbol} ${r.type}`));
    for (const symbol of ['BTCUSDT', 'ETHUSDT']) for (const type of ['trade', 'book_ticker', 'depth_snapshot']) expect(kinds).toContain(`${symbol} ${type}`);
    expect(server.stats.faults.drops).toBeGreaterThanOrEqual(2);
  });
});

describe('live feed backoff', () => {
  it('waits the seeded exponential backoff between refused connections, the same on every run', async () => {
    const port = await freePort();
    const run = async (): Promise<number[]> => {
      const delays: number[] = [];
      // The port records the reconnect delays it is asked for (the long stale/connect/rollover timers are not).
      const timers: FeedTimers = {
        setTimeout: (fn, ms) => {
          if (ms < 1000) delays.push(ms);
          return nodeTimers.setTimeout(fn, ms);
        },
        clearTimeout: (h) => nodeTimers.clearTimeout(h),
      };
      const backoff = { minUs: 2_000, maxUs: 40_000, factor: 2, jitter: 0.5, resetAfterUs: 1_000_000 };
      const feed = rig.feed({ url: `ws://127.0.0.1:${port}`, restUrl: `http://127.0.0.1:${port}` }, { timers, backoff, seed: 7, channels: ['trade'] });
      await waitUntil(() => feed.stats.reconnects >= 6, 5000, 'six refused connections');
      await feed.close();
      const random = createRandom(7).fork('binance-feed:reconnect');
      const expected = [0, 1, 2, 3, 4, 5].map((k) => backoffDelay(backoff, k, random) / 1000);
      expect(delays.slice(0, 6)).toEqual(expected);
      expect(expected.at(-1)).toBe(40); // capped at maxUs
      expect(feed.stats.connects).toBe(0);
      expect(feed.stats.issues[0]!.code).toBe('IO_UNAVAILABLE');
      expect(feed.stats.issues[0]!.message).toMatch(/ECONNREFUSED/);
      return delays.slice(0, 6);
    };
    expect(await run()).toEqual(await run());
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
