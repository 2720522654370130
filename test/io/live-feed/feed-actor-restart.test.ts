/**
 * A supervised feed actor crashing on a real Binance feed (the seam the issue names: "a crash
 * restarts the feed with backoff, without losing the book's validity tracking or counting records
 * twice"). The admission port throws on one offer mid-stream, which fails the feed actor; its
 * supervisor restarts it after the market backoff, and the new incarnation carries on with the
 * same socket and sequencer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { BOOKS_STATS, bookActor, type BooksStats } from '../../../actors/books/book-actor.js';
import { createFeedHandle } from '../../../actors/feeds/feed-handle.js';
import type { FeedAdmission } from '../../../actors/feeds/feed-ports.js';
import { feedsSupervisor } from '../../../actors/feeds/feeds-supervisor.js';
import { MARKET_SUPERVISION } from '../../../src/app/pipeline-supervision.js';
import type { BookChange, Trade } from '../../../src/model/records.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { LiveClock } from '../../../src/runtime/clock.js';
import { createBinanceFeed, type BinanceFeed } from '../../../streams/live/binance-feed.js';
import { dataPath } from '../../support/data.js';
import { nodeTimers, readCapture, Rig, tempDir, waitUntil, writeCapture } from './live-feed-rig.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');

describe.skipIf(capture === undefined)('feed actor on a live Binance feed', () => {
  const rig = new Rig();
  const dir = tempDir();
  afterAll(async () => {
    await rig.close();
    dir.remove();
  });

  it('restarts after a crash on the same socket and book sync: no trade or depth update twice, none lost, the book valid throughout', async () => {
    const lines = readCapture(capture!).slice(0, 6_000);
    const expectedTrades = lines.filter((l) => l.json.includes('"e":"trade"')).length;
    const server = await rig.server({ data: [writeCapture(dir.path, 'btcusdt_cut.gz', lines)], speed: 40, paused: true });
    const clock = new LiveClock();
    const system = createActorSystem({ clock });
    let opened = 0;
    let feed: BinanceFeed | undefined;
    const handle = createFeedHandle({
      name: 'binance',
      open: () => {
        opened++;
        return (feed = createBinanceFeed({ url: server.url, restUrl: server.restUrl, symbols: ['BTCUSDT'], clock, timers: nodeTimers, staleTimeoutMs: 5_000, connectTimeoutMs: 2_000, restTimeoutMs: 2_000 }));
      },
    });
    // The system's own admission, except that the 1,500th offer throws once: the feed actor fails there.
    let offers = 0;
    const admission: FeedAdmission = {
      offer: (topic, record) => {
        if (++offers === 1_500) throw new Error('injected crash in the feed actor');
        return system.offer(topic, record);
      },
      whenRoom: () => system.whenRoom(),
      get isAccepting() {
        return system.isAccepting;
      },
    };
    const trades: number[] = [];
    const updates: number[] = [];
    system.spawn(
      defineActor<void, null, Trade | BookChange>({
        name: 'tap',
        init: () => null,
        onStart: (s, ctx) => (ctx.subscribe('md.binance.BTCUSDT.trade'), ctx.subscribe('md.binance.BTCUSDT.book_change'), s),
        receive: (s, m) => {
          if (m.type === 'trade') trades.push(Number(m.id));
          else updates.push(m.lastUpdateId);
          return s;
        },
      }),
      { mailbox: { capacity: 100_000, overflow: 'dropOldest' } },
    );
    const books = system.spawn(bookActor, { config: {} });
    const invalidSeen: number[] = [];
    system.spawn(feedsSupervisor({ feeds: [handle], admission, supervision: MARKET_SUPERVISION }));
    await waitUntil(() => feed !== undefined && feed.connected && feed.stats.snapshots > 0, 5_000, 'the feed to connect and sync');
    server.resume();
    const poll = setInterval(() => {
      void books.ask<BooksStats>(BOOKS_STATS, { timeout: 1_000_000 }).then((s) => {
        const book = s.books[0];
        if (book !== undefined && !book.valid) invalidSeen.push(book.applied);
      });
    }, 20);
    try {
      await waitUntil(() => trades.length >= expectedTrades, 15_000, `all ${expectedTrades} trades of the cut on the bus`);
    } finally {
      clearInterval(poll);
    }
    const stats = handle.stats();
    const bookStats = (await books.ask<BooksStats>(BOOKS_STATS, { timeout: 1_000_000 })).books[0]!;
    await handle.close();
    await system.stop();

    expect(stats).toMatchObject({ restarts: 1, offerFailures: 1, recreations: 0, sourceFailures: 0 });
    expect(opened).toBe(1);
    // Every trade once, in order, none missing.
    expect(trades).toHaveLength(expectedTrades);
    for (let i = 1; i < trades.length; i++) expect(trades[i]).toBe(trades[i - 1]! + 1);
    expect(new Set(updates).size).toBe(updates.length);
    expect(feed!.stats).toMatchObject({ gaps: 0, duplicates: 0, resyncs: 0 });
    // The book kept its sync across the restart: no resync, no gap, valid at every look.
    expect(bookStats).toMatchObject({ valid: true, gaps: 0, snapshots: 1 });
    expect(invalidSeen).toEqual([]);
  }, 30_000);
});
