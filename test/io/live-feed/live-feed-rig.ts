/**
 * Test rig for the live feed: a feed server on 127.0.0.1 port 0 over a (cut) capture, a feed wired
 * to it with the live clock and Node's timers and every timeout in milliseconds, a drain loop with
 * a deadline, and what the capture itself says (trade ids, quotes, depth diffs) to compare with.
 */
import type { MarketRecord } from '../../../src/model/records.js';
import type { RecordSource } from '../../../streams/record-source.js';
import { OrderBook } from '../../../src/model/order-book.js';
import { LiveClock } from '../../../src/runtime/clock.js';
import { createFeedServer, type FeedServer } from '../../../src/io/feed-server/feed-server.js';
import type { FeedServerOptions } from '../../../src/io/feed-server/feed-server-options.js';
import { createBinanceFeed, type BinanceFeed } from '../../../streams/live/binance-feed.js';
import type { BinanceFeedOptions } from '../../../streams/live/binance-feed-options.js';
import { liveFeedTimers } from '../../../streams/live/feed-timers.js';
import { BinanceCaptureDecoder } from '../../../streams/venues/binance/binance-capture.js';
import type { CaptureLine } from '../feed-server/feed-test-client.js';

export { readCapture, sleep, tempDir, waitUntil, writeCapture, type CaptureLine } from '../feed-server/feed-test-client.js';

/** Node's timers, through the feed's port. */
export const nodeTimers = liveFeedTimers({ setTimeout, clearTimeout });

/** Servers and feeds to close after each test. */
export class Rig {
  readonly servers: FeedServer[] = [];
  readonly feeds: BinanceFeed[] = [];

  async server(options: FeedServerOptions): Promise<FeedServer> {
    const server = await createFeedServer({ port: 0, pongTimeoutMs: 5000, ...options });
    this.servers.push(server);
    return server;
  }

  feed(server: { url: string; restUrl: string }, options: Partial<BinanceFeedOptions> = {}): BinanceFeed {
    const feed = createBinanceFeed({
      url: server.url,
      restUrl: server.restUrl,
      symbols: ['BTCUSDT'],
      clock: new LiveClock(),
      timers: nodeTimers,
      backoff: { minUs: 5_000, maxUs: 100_000, factor: 2, jitter: 0.2, resetAfterUs: 1_000_000 },
      staleTimeoutMs: 2_000,
      connectTimeoutMs: 2_000,
      restTimeoutMs: 2_000,
      ...options,
    });
    this.feeds.push(feed);
    return feed;
  }

  async close(): Promise<void> {
    await Promise.all(this.feeds.splice(0).map((f) => f.close()));
    await Promise.all(this.servers.splice(0).map((s) => s.close()));
  }
}

/** What a test has pulled from a feed so far, with its trade ids kept as they come (cheap to test). */
export class Collected {
  readonly records: MarketRecord[] = [];
  readonly tradeIds: number[] = [];

  add(chunk: readonly MarketRecord[]): void {
    for (const r of chunk) {
      this.records.push(r);
      if (r.type === 'trade') this.tradeIds.push(Number(r.id));
    }
  }
}

/**
 * Pulls chunks from `feed` into `into` until `done()` holds; rejects naming `what` after
 * `timeoutMs` (the feed is left open: the rig closes it).
 */
export function drainUntil(feed: BinanceFeed, into: Collected, done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return drainSourceUntil(feed, (chunk) => into.add(chunk), done, timeoutMs, what, () => `have ${into.records.length} records, stats ${JSON.stringify(summary(feed))}`);
}

/**
 * Pulls chunks from any live source into `take` until `done()` holds; rejects naming `what` and
 * `state()` after `timeoutMs`. A call to `next()` that outlives one wait is kept for the next
 * drain of the same source: calls never overlap.
 */
export async function drainSourceUntil(source: RecordSource, take: (chunk: readonly MarketRecord[]) => void, done: () => boolean, timeoutMs: number, what: string, state: () => string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let pending = pendingNext.get(source) ?? null;
  try {
    while (!done()) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${state()}`);
      pending ??= source.next();
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([pending, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), Math.min(left, 50))))]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      pending = null;
      if (chunk === null) throw new Error(`feed ended while waiting for ${what}`);
      take(chunk);
    }
  } finally {
    if (pending === null) pendingNext.delete(source);
    else pendingNext.set(source, pending);
  }
}

const pendingNext = new WeakMap<RecordSource, Promise<readonly MarketRecord[] | null>>();

/** The counters worth printing when a test fails. */
export function summary(feed: BinanceFeed): Record<string, unknown> {
  const s = feed.stats;
  return {
    frames: s.frames, records: s.records, delivered: s.delivered, malformed: s.malformed, connects: s.connects, reconnects: s.reconnects,
    staleReconnects: s.staleReconnects, rollovers: s.rollovers, unmatched: s.rolloversUnmatched, pauses: s.pauses, gaps: s.gaps,
    duplicates: s.duplicates, resyncs: s.resyncs, snapshots: s.snapshots, snapshotFailures: s.snapshotFailures, buffered: s.buffered,
    peakBuffered: s.peakBuffered, protocolErrors: s.protocolErrors, issues: s.issues.slice(0, 5).map((i) => i.message),
  };
}

/** Every record a capture decodes to, in order (the snapshot line included). */
export function decodeCapture(lines: readonly CaptureLine[]): MarketRecord[] {
  const decoder = new BinanceCaptureDecoder({ symbol: '' });
  const out: MarketRecord[] = [];
  for (const line of lines) {
    const bytes = Buffer.from(`${line.ns} ${line.json}`);
    decoder.decode(bytes, 0, bytes.length, out);
  }
  return out;
}

/** Trade ids of `symbol`, in order. */
export function tradeIds(records: readonly MarketRecord[], symbol = 'BTCUSDT'): number[] {
  const ids: number[] = [];
  for (const r of records) if (r.type === 'trade' && r.symbol === symbol) ids.push(Number(r.id));
  return ids;
}

/** The book a sequence of records builds (snapshots and diffs of `symbol`). */
export function buildBook(records: readonly MarketRecord[], symbol = 'BTCUSDT'): OrderBook {
  const book = new OrderBook('binance', symbol);
  for (const r of records) {
    if (r.symbol !== symbol) continue;
    if (r.type === 'depth_snapshot') book.applySnapshot(r);
    else if (r.type === 'book_change') book.applyChange(r);
  }
  return book;
}
