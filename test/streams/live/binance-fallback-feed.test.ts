/**
 * `createBinanceFallbackFeed` on simulated time: the sources it builds (order, names, endpoints,
 * policies), its validation, and the chain they make with the default breaker: three lost
 * connections of the primary fail over to the secondary, trades seen on both pass once, and the
 * primary is probed again after its 10 s recovery. Sockets are fake (`SocketFeedFactory`); the
 * poller is the real one over a fake fetch.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import type { BinanceFeedOptions } from '../../../streams/live/binance-feed-options.js';
import {
  binanceFallbackSources,
  createBinanceFallbackFeed,
  DEFAULT_BINANCE_FALLBACK_BREAKER,
  type BinanceFallbackFeedOptions,
  type BinanceFallbacks,
} from '../../../streams/live/binance-fallback-feed.js';
import { breakerPolicy, fixedRecovery } from '../../../streams/live/breaker-policy.js';
import type { SourceSwitch } from '../../../streams/live/fallback-chain.js';
import type { FallbackFeed } from '../../../streams/live/fallback-feed.js';
import type { SourceLink } from '../../../streams/live/fallback-feed-source.js';
import { denied, GRANTED } from '../../../streams/live/permit.js';
import { consecutiveFailures } from '../../../streams/live/trip-rule.js';
import type { SourceIssue } from '../../../streams/record-source.js';
import { FakeFetch, spotTicker } from './fake-fetch.js';
import { FakeSource, trade } from './fake-source.js';
import { flush, SimulatedTimers } from './simulated-timers.js';

const feeds: FallbackFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

/** A socket factory that records what it was asked to open and hands out fake sources. */
class FakeSockets {
  readonly opened: { readonly options: BinanceFeedOptions; readonly source: FakeSource }[] = [];
  readonly open = (options: BinanceFeedOptions): FakeSource => {
    const source = new FakeSource(options.name ?? 'unnamed');
    this.opened.push({ options, source });
    return source;
  };

  last(name: string): { readonly options: BinanceFeedOptions; readonly source: FakeSource } {
    const found = this.opened.filter((o) => o.options.name === name).at(-1);
    if (found === undefined) throw new Error(`${name} was never opened (opened: ${this.opened.map((o) => o.options.name).join(', ')})`);
    return found;
  }
}

function options(timers: SimulatedTimers, fallbacks: BinanceFallbacks, extra: Partial<BinanceFeedOptions> = {}): BinanceFallbackFeedOptions {
  return { url: 'wss://stream.binance.com:9443', restUrl: 'https://api.binance.com', symbols: ['btcusdt'], clock: timers.clock, timers, fallbacks, ...extra };
}

/** A link that grants every permit and records what it is told. */
function recordingLink(symbols: readonly string[]) {
  const told: { issues: SourceIssue[]; reports: unknown[] } = { issues: [], reports: [] };
  const link: SourceLink = {
    source: 'test',
    symbols,
    permit: () => GRANTED,
    report: (outcome) => void told.reports.push(outcome),
    fail: () => undefined,
    onIssue: (issue) => void told.issues.push(issue),
  };
  return { link, told };
}

const lost = (feed: string, n: number): SourceIssue => ({
  code: 'IO_UNAVAILABLE',
  file: feed,
  line: 0,
  message: `${feed}: connection ${n} lost (error: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9443); reconnecting in 10 ms`,
});

/** Pulls whatever the feed delivers while simulated time moves `ms` forward. */
async function pullFor(feed: FallbackFeed, timers: SimulatedTimers, ms: number): Promise<MarketRecord[]> {
  const out: MarketRecord[] = [];
  const end = timers.clock.now() + ms * 1000;
  let pending: Promise<readonly MarketRecord[] | null> | null = null;
  for (;;) {
    pending ??= feed.next();
    let chunk: readonly MarketRecord[] | null | undefined;
    void pending.then((c) => (chunk = c));
    await flush();
    if (chunk !== undefined) {
      if (chunk !== null) out.push(...chunk);
      pending = null;
      continue;
    }
    if (timers.clock.now() >= end) break;
    await timers.advanceBy(Math.min(10, (end - timers.clock.now()) / 1000));
  }
  // The read left pending is picked up by `close()`, which resolves it with null.
  return out;
}

describe('binanceFallbackSources', () => {
  it('builds primary, secondary-1..n and rest-book-ticker in priority order, each on its own endpoint', () => {
    const timers = new SimulatedTimers();
    const sockets = new FakeSockets();
    const sources = binanceFallbackSources(
      options(timers, { urls: ['wss://stream.binance.com:443', { url: 'wss://data-stream.binance.vision', restUrl: 'https://api1.binance.com' }], poll: { intervalMs: 250, timeoutMs: 100 } }, { channels: ['trade', 'bookTicker'], staleTimeoutMs: 1234 }),
      sockets.open,
    );
    expect(sources.map((s) => [s.name, s.kind])).toEqual([
      ['primary', 'stream'],
      ['secondary-1', 'stream'],
      ['secondary-2', 'stream'],
      ['rest-book-ticker', 'requests'],
    ]);
    for (const s of sources) expect(s.breaker).toBe(DEFAULT_BINANCE_FALLBACK_BREAKER);
    for (const s of sources.slice(0, 3)) s.open(recordingLink(['BTCUSDT']).link);
    expect(sockets.opened.map(({ options: o }) => [o.name, o.url, o.restUrl])).toEqual([
      ['binance-spot/primary', 'wss://stream.binance.com:9443', 'https://api.binance.com'],
      // A bare URL keeps the primary's REST endpoint; an object brings its own.
      ['binance-spot/secondary-1', 'wss://stream.binance.com:443', 'https://api.binance.com'],
      ['binance-spot/secondary-2', 'wss://data-stream.binance.vision', 'https://api1.binance.com'],
    ]);
    // Every socket is the primary's options on its endpoint, for the link's symbols.
    for (const { options: o } of sockets.opened) {
      expect(o).toMatchObject({ symbols: ['BTCUSDT'], channels: ['trade', 'bookTicker'], staleTimeoutMs: 1234, clock: timers.clock, timers });
      expect(o).not.toHaveProperty('fallbacks');
    }
  });

  it("wires each socket's issues to its link", () => {
    const timers = new SimulatedTimers();
    const sockets = new FakeSockets();
    const [primary] = binanceFallbackSources(options(timers, { poll: false }), sockets.open);
    const { link, told } = recordingLink(['BTCUSDT']);
    primary!.open(link);
    sockets.opened[0]!.options.onIssue!(lost('binance-spot/primary', 1));
    expect(told.issues.map((i) => i.file)).toEqual(['binance-spot/primary']);
  });

  it('polls the book ticker only when asked, or by default when the feed carries book tickers', () => {
    const timers = new SimulatedTimers();
    const names = (fallbacks: BinanceFallbacks, extra: Partial<BinanceFeedOptions> = {}) => binanceFallbackSources(options(timers, fallbacks, extra)).map((s) => s.name);
    expect(names({})).toEqual(['primary', 'rest-book-ticker']);
    expect(names({}, { channels: ['trade', 'depth'] })).toEqual(['primary']);
    expect(names({ poll: false })).toEqual(['primary']);
    expect(names({ poll: {} }, { channels: ['trade'] })).toEqual(['primary', 'rest-book-ticker']);
  });

  it("opens the poller on its REST endpoint, asking the link before each request and telling it each outcome", async () => {
    const timers = new SimulatedTimers();
    const fake = new FakeFetch(timers, () => ({ status: 200, body: spotTicker('BTCUSDT', 60_000) }));
    const ownBreaker = breakerPolicy({ trip: consecutiveFailures(10), recovery: fixedRecovery(1_000_000) });
    const sources = binanceFallbackSources(options(timers, { poll: { intervalMs: 100, restUrl: 'https://api2.binance.com', breaker: ownBreaker } }, { fetch: fake.fetch }));
    const poll = sources.at(-1)!;
    expect(poll.breaker).toBe(ownBreaker);
    const { link, told } = recordingLink(['BTCUSDT']);
    let asked = 0;
    const poller = poll.open({ ...link, permit: () => (++asked === 3 ? denied('open', Number.POSITIVE_INFINITY) : GRANTED) });
    try {
      await timers.advanceBy(450);
      expect(poller.name).toBe('binance-spot/rest-book-ticker');
      expect(fake.calls[0]!.url).toBe('https://api2.binance.com/api/v3/ticker/bookTicker?symbol=BTCUSDT');
      // Five intervals, one refused by the link: four requests, four outcomes.
      expect(asked).toBe(5);
      expect(fake.calls).toHaveLength(4);
      expect(told.reports).toHaveLength(4);
    } finally {
      await poller.close();
    }
  });

  it('names the bad option: a secondary URL, a poll interval, the fallbacks themselves', () => {
    const timers = new SimulatedTimers();
    const failure = (fallbacks: unknown): unknown => {
      try {
        binanceFallbackSources(options(timers, fallbacks as BinanceFallbacks));
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const bad = [
      [{ urls: ['wss://ok.example', 'https://not-a-socket.example'] }, 'fallbacks.urls[1]'],
      [{ urls: [{ url: 'wss://ok.example', restUrl: 'ftp://x' }] }, 'fallbacks.urls[0]'],
      [{ urls: [42] }, 'fallbacks.urls[0]'],
      [{ poll: { intervalMs: 0 } }, 'fallbacks.poll'],
      [null, 'fallbacks'],
    ] as const;
    for (const [fallbacks, option] of bad) {
      const error = failure(fallbacks);
      expect(isTickflowError(error, 'CONFIG_INVALID'), JSON.stringify(fallbacks)).toBe(true);
      expect((error as { context: { option: string } }).context.option).toBe(option);
      expect((error as Error).message).toContain(option);
    }
  });
});

describe('createBinanceFallbackFeed', () => {
  it('fails over to the secondary after three lost connections, passes each trade once, and probes the primary after 10 s', async () => {
    const timers = new SimulatedTimers();
    const sockets = new FakeSockets();
    const switches: SourceSwitch[] = [];
    const issues: SourceIssue[] = [];
    const feed = createBinanceFallbackFeed(
      options(timers, { urls: ['wss://stream.binance.com:443'], poll: false, onSwitch: (e) => switches.push(e) }, { onIssue: (i) => issues.push(i) }),
      sockets.open,
    );
    feeds.push(feed);
    expect(feed.name).toBe('binance-spot');
    expect(feed.chain.names).toEqual(['primary', 'secondary-1']);
    expect(sockets.opened).toHaveLength(0);

    await pullFor(feed, timers, 1);
    const primary = sockets.last('binance-spot/primary');
    const now = (): number => timers.clock.now();
    primary.source.push(trade(1, now()), trade(2, now()), trade(3, now()));
    expect((await pullFor(feed, timers, 10)).map((r) => r.type === 'trade' && r.id)).toEqual(['1', '2', '3']);

    // Two losses in a row do not trip the default breaker; the third does.
    primary.options.onIssue!(lost('binance-spot/primary', 1));
    primary.options.onIssue!(lost('binance-spot/primary', 2));
    await pullFor(feed, timers, 10);
    expect(feed.stats.active).toBe('primary');
    primary.options.onIssue!(lost('binance-spot/primary', 3));
    await pullFor(feed, timers, 10);
    expect(feed.stats.active).toBe('secondary-1');
    expect(switches.map((s) => `${s.from}>${s.to}:${s.reason}`)).toEqual(['primary>secondary-1:failover']);
    expect(primary.source.closed).toBe(true);

    // The secondary starts behind: what the primary already delivered is dropped.
    const secondary = sockets.last('binance-spot/secondary-1');
    expect(secondary.options.url).toBe('wss://stream.binance.com:443');
    secondary.source.push(trade(2, now()), trade(3, now()), trade(4, now()), trade(5, now()));
    expect((await pullFor(feed, timers, 10)).map((r) => r.type === 'trade' && r.id)).toEqual(['4', '5']);
    expect(feed.stats).toMatchObject({ failovers: 1, duplicates: 2 });
    expect(issues.filter((i) => i.file === 'binance-spot/primary')).toHaveLength(3);
    expect(issues.map((i) => i.message)).toContainEqual(expect.stringMatching(/^binance-spot: failover from primary to secondary-1: primary's breaker opened \(threshold, refused\)/));

    // Half-open after 10 s (at most 12 with jitter): the primary is opened again as a probe, beside the secondary.
    await pullFor(feed, timers, 9_900);
    expect(sockets.opened.map((o) => o.options.name)).toEqual(['binance-spot/primary', 'binance-spot/secondary-1']);
    await pullFor(feed, timers, 2_200);
    expect(sockets.opened.map((o) => o.options.name)).toEqual(['binance-spot/primary', 'binance-spot/secondary-1', 'binance-spot/primary']);
    expect(feed.stats.active).toBe('secondary-1');
  });

  it('throws CONFIG_INVALID at creation, opening nothing', () => {
    const timers = new SimulatedTimers();
    const sockets = new FakeSockets();
    expect(() => createBinanceFallbackFeed(options(timers, { urls: ['http://x'] }), sockets.open)).toThrow(/fallbacks\.urls\[0\]/);
    expect(() => createBinanceFallbackFeed(options(timers, { attemptTimeoutMs: -1 }), sockets.open)).toThrow(/attemptTimeoutMs/);
    expect(sockets.opened).toHaveLength(0);
  });
});
