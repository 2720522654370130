/**
 * The fallback feed on real loopback sockets: [primary Binance socket feed -> REST book ticker
 * poller] against the local exchange replaying the real capture. The primary's server goes away
 * and the feed fails over to polling with records still coming; connection drops open the
 * primary's breaker and its recovered connection takes back over; a 429 with `Retry-After` keeps
 * the poller silent until it expires. Every timeout is tens of milliseconds.
 */
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import { LiveClock } from '../../../src/runtime/clock.js';
import { createBinanceFeed } from '../../../streams/live/binance-feed.js';
import type { FeedFetch } from '../../../streams/live/binance-feed-options.js';
import { breakerPolicy, fixedRecovery } from '../../../streams/live/breaker-policy.js';
import { createBookTickerPoller } from '../../../streams/live/book-ticker-poller.js';
import type { SourceSwitch } from '../../../streams/live/fallback-chain.js';
import { createFallbackFeed, type FallbackFeed } from '../../../streams/live/fallback-feed.js';
import type { FallbackFeedSource } from '../../../streams/live/fallback-feed-source.js';
import { consecutiveFailures } from '../../../streams/live/trip-rule.js';
import { dataPath } from '../../support/data.js';
import { drainSourceUntil, nodeTimers, Rig } from './live-feed-rig.js';

const spotPath = dataPath('binance-spot/btcusdt_20240808.gz');
const rig = new Rig();
const feeds: FallbackFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.close()));
  await rig.close();
});

const clock = new LiveClock();
const noRetryWait = { minUs: 0, maxUs: 0, factor: 2, jitter: 0, resetAfterUs: 0 };

/** The primary: Binance trades and quotes over a socket, its connection losses wired to the chain. */
function socketSource(url: string, restUrl: string, breakerOverrides: Parameters<typeof breakerPolicy>[0]): FallbackFeedSource {
  return {
    name: 'primary-ws',
    breaker: breakerPolicy(breakerOverrides),
    retry: noRetryWait,
    open: (link) =>
      createBinanceFeed({
        url,
        restUrl,
        symbols: link.symbols,
        channels: ['trade', 'bookTicker'],
        clock,
        timers: nodeTimers,
        backoff: { minUs: 5_000, maxUs: 20_000, factor: 2, jitter: 0.2, resetAfterUs: 50_000 },
        connectTimeoutMs: 200,
        staleTimeoutMs: 300,
        onIssue: (issue) => link.onIssue(issue),
      }),
  };
}

/** The last resort: the REST book ticker every 20 ms, each request through the chain. */
function pollerSource(restUrl: string, fetch?: FeedFetch): FallbackFeedSource {
  return {
    name: 'rest-book-ticker',
    kind: 'requests',
    // The local exchange answers 503 until its first quote is replayed: a few of those must not open it.
    breaker: breakerPolicy({ trip: consecutiveFailures(10), recovery: fixedRecovery(200_000) }),
    retry: noRetryWait,
    open: (link) =>
      createBookTickerPoller({
        restUrl,
        symbols: link.symbols,
        clock,
        timers: nodeTimers,
        intervalMs: 20,
        timeoutMs: 200,
        ...(fetch === undefined ? {} : { fetch }),
        permit: () => link.permit(),
        onRequest: (r) => link.report(r.outcome),
        onIssue: (i) => link.onIssue(i),
      }),
  };
}

function fallbackFeed(sources: FallbackFeedSource[], switches: SourceSwitch[]): FallbackFeed {
  const feed = createFallbackFeed({ symbols: ['BTCUSDT'], sources, clock, timers: nodeTimers, attemptTimeoutMs: 1000, onSwitch: (e) => switches.push(e) });
  feeds.push(feed);
  return feed;
}

interface Tagged {
  readonly record: MarketRecord;
  /** The active source when the chunk was delivered. */
  readonly active: string | null;
}

/** Pulls from `feed` into `into`, each record tagged with the source active then, until `done()`; throws naming `what` after `timeoutMs`. */
function drainUntil(feed: FallbackFeed, into: Tagged[], done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const state = () => `have ${into.length} records, stats ${JSON.stringify({ ...feed.stats, sources: feed.stats.sources.map((s) => [s.source, s.breaker, s.requests, s.failuresByClass]) })}`;
  return drainSourceUntil(feed, (chunk) => {
    for (const record of chunk) into.push({ record, active: feed.stats.active });
  }, done, timeoutMs, what, state);
}

const tradeIds = (got: readonly Tagged[]): number[] => got.flatMap((g) => (g.record.type === 'trade' ? [Number(g.record.id)] : []));

describe.skipIf(!spotPath)('fallback feed on real sockets (real capture)', () => {
  it('fails over to REST polling when the primary server goes away, and records keep coming', async () => {
    const primary = await rig.server({ data: [spotPath!], speed: 10 });
    const backup = await rig.server({ data: [spotPath!], speed: 10 });
    const switches: SourceSwitch[] = [];
    const feed = fallbackFeed([socketSource(primary.url, primary.restUrl, { trip: consecutiveFailures(2), recovery: fixedRecovery(60_000_000) }), pollerSource(backup.restUrl)], switches);
    const got: Tagged[] = [];
    await drainUntil(feed, got, () => tradeIds(got).length >= 20, 5000, 'trades from the primary socket');
    expect(feed.stats.active).toBe('primary-ws');
    expect(backup.stats.restRequests).toBe(0);

    await primary.close();
    const mark = got.length;
    // Tagged by the source active when the chunk came: what the socket had received before it
    // closed may still come just after the switch (nothing received is dropped), so the poller's
    // records are the quotes among them.
    const restQuotes = () => got.slice(mark).filter((g) => g.active === 'rest-book-ticker' && g.record.type === 'book_ticker').map((g) => g.record);
    // Counted by the source active when they came, quotes from the socket's last chunk count too:
    // the backup server's request count says the poller really ran.
    await drainUntil(feed, got, () => restQuotes().length >= 10 && backup.stats.restRequests >= 10, 5000, 'quotes from the REST poller');
    expect(switches.map((s) => `${s.from}>${s.to}:${s.reason}`)).toEqual(['primary-ws>rest-book-ticker:failover']);
    expect(restQuotes().every((r) => r.symbol === 'BTCUSDT' && r.exchange === 'binance')).toBe(true);
    // Once the poller's first quote is in, the closed socket can only hand over what it had already
    // received (on a loaded machine its last buffered chunk may be delivered after that quote): any
    // trade then continues the socket's id sequence, none repeated, and the feed ends on quotes.
    const delivered = tradeIds(got);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(delivered.every((id, i) => i === 0 || id > delivered[i - 1]!)).toBe(true);
    expect(got.at(-1)!.record.type).toBe('book_ticker');
    expect(backup.stats.restRequests).toBeGreaterThanOrEqual(10);
    const [ws, rest] = feed.stats.sources;
    expect(ws).toMatchObject({ breaker: 'open' });
    expect(ws!.failures).toBeGreaterThanOrEqual(2);
    expect(rest).toMatchObject({ breaker: 'closed' });
    expect(rest!.successes).toBeGreaterThanOrEqual(10);
    expect(feed.stats.issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/failover from primary-ws to rest-book-ticker: primary-ws's breaker opened \(threshold, (reset|refused)\)/));
    const ids = tradeIds(got);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
  });

  it('fails back to the socket once its recovered connection delivers, with no trade twice', async () => {
    // A drop every 3 s of replay (0.3 s at speed 10) opens the primary's breaker at once; 150 ms later its trial reconnects.
    const server = await rig.server({ data: [spotPath!], speed: 10, faults: 'drop-every=3s' });
    const switches: SourceSwitch[] = [];
    const feed = fallbackFeed([socketSource(server.url, server.restUrl, { trip: consecutiveFailures(5), openAtOnce: ['reset'], recovery: fixedRecovery(150_000) }), pollerSource(server.restUrl)], switches);
    const got: Tagged[] = [];
    await drainUntil(feed, got, () => feed.stats.failbacks >= 2, 8000, 'two failbacks to the primary');
    expect(feed.stats.failovers).toBeGreaterThanOrEqual(2);
    expect(switches.slice(0, 2).map((s) => `${s.from}>${s.to}:${s.reason}`)).toEqual(['primary-ws>rest-book-ticker:failover', 'rest-book-ticker>primary-ws:failback']);
    expect(got.some((g) => g.active === 'rest-book-ticker' && g.record.type === 'book_ticker')).toBe(true);
    const ids = tradeIds(got);
    expect(ids.length).toBeGreaterThan(20);
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    const times = got.map((g) => g.record.tsRecv);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(feed.stats.sources[0]!.breakerClosings).toBeGreaterThanOrEqual(2);
  });

  it('honours Retry-After: no request to the REST source before it expires', async () => {
    // From 2 s of replay for 4 s, at speed 2: 429 for 2 s of wall time from 1 s in, with Retry-After: 2.
    const server = await rig.server({ data: [spotPath!], speed: 2, faults: 'http429=4s@2s' });
    const calls: { at: number; status: number; answeredAt: number; retryAfter: string | null }[] = [];
    const fetcher: FeedFetch = async (url, init) => {
      const at = performance.now();
      const response = await fetch(url, init);
      calls.push({ at, status: response.status, answeredAt: performance.now(), retryAfter: response.headers.get('retry-after') });
      return response;
    };
    const switches: SourceSwitch[] = [];
    const dead = await freePort();
    const feed = fallbackFeed([socketSource(`ws://127.0.0.1:${dead}`, `http://127.0.0.1:${dead}`, { trip: consecutiveFailures(1), recovery: fixedRecovery(60_000_000) }), pollerSource(server.restUrl, fetcher)], switches);
    const got: Tagged[] = [];
    await drainUntil(feed, got, () => calls.some((c) => c.status === 429), 5000, 'a 429');
    const first429 = calls.find((c) => c.status === 429)!;
    expect(first429.retryAfter).toBe('2');
    const mark = got.length;
    await drainUntil(feed, got, () => got.length > mark && calls.at(-1)!.status === 200, 6000, 'quotes again after the wait');
    const after = calls.filter((c) => c.at > first429.at);
    expect(after.length).toBeGreaterThan(0);
    expect(after[0]!.at - first429.answeredAt).toBeGreaterThanOrEqual(2000);
    expect(calls.filter((c) => c.status === 429)).toHaveLength(1);
    expect(switches.map((s) => `${s.from}>${s.to}`)).toEqual(['primary-ws>rest-book-ticker', 'rest-book-ticker>null', 'null>rest-book-ticker']);
    expect(feed.stats.sources[1]!.failuresByClass['rate-limited']).toBe(1);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
