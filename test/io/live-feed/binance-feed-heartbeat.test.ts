/**
 * Keeping a connection alive and noticing a dead one, against the local exchange: `ws` answers the
 * venue's pings (the venue closes a client that does not, as the raw client here shows), and a
 * stream silent past its stale timeout (`stall`) is replaced, losing nothing once data flows again.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { MarketRecord } from '../../../src/model/records.js';
import { dataPath } from '../../support/data.js';
import { buildBook, Collected, decodeCapture, drainUntil, readCapture, Rig, sleep, tradeIds, waitUntil } from './live-feed-rig.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const rig = new Rig();
afterEach(() => rig.close());

describe.skipIf(!spotPath)('live feed heartbeat and staleness (real capture)', () => {
  let capture: MarketRecord[] = [];
  beforeAll(() => {
    capture = decodeCapture(readCapture(spotPath!));
  });

  it('answers the venue pings, so the connection survives many ping intervals', async () => {
    // Pongs count against the venue's message rate (Binance: 5 a second), so pings this frequent
    // need a wider limit; the feed itself sends nothing else (its streams are in the URL).
    const server = await rig.server({ data: [spotPath!], speed: 1, pingIntervalMs: 60, pongTimeoutMs: 150, rateLimit: { messages: 40, windowMs: 1000 } });
    const feed = rig.feed(server);
    const got = new Collected();
    await drainUntil(feed, got, () => feed.stats.pings >= 12, 3000, 'twelve pings');
    expect(feed.connected).toBe(true);
    expect(feed.stats.connects).toBe(1);
    expect(feed.stats.reconnects).toBe(0);
    expect(server.stats.closes.pongTimeout).toBe(0);
    expect(server.stats.closes.rateLimited).toBe(0);
    expect(server.stats.requests).toBe(0); // no SUBSCRIBE or other message: the venue's rate limit sees pongs only
    expect(got.records.length).toBeGreaterThan(0);

    // The same server drops a client that does not answer: the check above could fail.
    const mute = new WebSocket(`${server.url}/ws/btcusdt@trade`, { autoPong: false });
    mute.on('error', () => undefined);
    const code = await new Promise<number>((resolve) => mute.on('close', (c) => resolve(c)));
    expect(code).toBe(1006);
    expect(server.stats.closes.pongTimeout).toBe(1);
  });

  it('replaces a connection silent past the stale timeout, and loses nothing across the stall', async () => {
    const want = tradeIds(capture);
    const server = await rig.server({ data: [spotPath!], speed: 'max', faults: 'stall=1s@100s' });
    const feed = rig.feed(server, { staleTimeoutMs: 250 });
    const got = new Collected();
    await drainUntil(feed, got, () => got.tradeIds.at(-1) === want.at(-1), 10_000, 'the last trade');
    expect(server.stats.faults.stalls).toBe(1);
    expect(feed.stats.staleReconnects).toBeGreaterThanOrEqual(2); // 1 s of silence, 250 ms allowed, each time
    expect(feed.stats.staleReconnects).toBeLessThanOrEqual(4);
    expect(feed.stats.reconnects).toBe(feed.stats.staleReconnects);
    expect(feed.stats.issues.some((i) => /lost \(stale: no data for \d+ ms/.test(i.message))).toBe(true);
    // The replay was frozen, not running on without us: every trade arrives, once.
    expect(got.tradeIds).toEqual(want);
    expect(feed.stats.gaps).toBe(0);
    // A snapshot at every new connection; the book is whole at the end.
    await waitUntil(() => feed.stats.snapshots === feed.stats.connects, 2000, 'the snapshots');
    await sleep(20);
    const book = buildBook(got.records);
    expect(book.valid).toBe(true);
    expect(book.gaps).toBe(0);
  });
});
