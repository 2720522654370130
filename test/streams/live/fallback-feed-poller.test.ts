/**
 * The fallback feed over a socket-like source and the real book ticker poller on simulated time:
 * the poller's requests go through the chain, so a `Retry-After` keeps the source silent until it
 * expires, and the poller's trial brings it back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import { MINUTE, SECOND } from '../../../src/runtime/clock.js';
import { breakerPolicy, fixedRecovery } from '../../../streams/live/breaker-policy.js';
import { createBookTickerPoller } from '../../../streams/live/book-ticker-poller.js';
import { createFallbackFeed, type FallbackFeed } from '../../../streams/live/fallback-feed.js';
import type { FallbackSource } from '../../../streams/live/fallback-chain.js';
import type { SourceLink } from '../../../streams/live/fallback-feed-source.js';
import { failure } from '../../../streams/live/failure-class.js';
import { perInterval } from '../../../streams/live/token-bucket.js';
import { consecutiveFailures } from '../../../streams/live/trip-rule.js';
import { FakeFetch, spotTicker, type FakeAnswer } from './fake-fetch.js';
import { FakeSource } from './fake-source.js';
import { flush, SimulatedTimers } from './simulated-timers.js';

const feeds: FallbackFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

function rig(answer: (n: number) => FakeAnswer, rest: Partial<FallbackSource> = {}) {
  const timers = new SimulatedTimers();
  const fake: FakeFetch = new FakeFetch(timers, () => answer(fake.calls.length));
  let primaryLink: SourceLink | null = null;
  const noRetryWait = { minUs: 0, maxUs: 0, factor: 2, jitter: 0, resetAfterUs: 0 };
  const feed = createFallbackFeed({
    symbols: ['BTCUSDT'],
    clock: timers.clock,
    timers,
    sources: [
      {
        name: 'primary',
        // Down for the whole test: its trial comes after a minute.
        breaker: breakerPolicy({ trip: consecutiveFailures(1), recovery: fixedRecovery(MINUTE) }),
        retry: noRetryWait,
        open: (link) => {
          primaryLink = link;
          return new FakeSource('primary');
        },
      },
      {
        name: 'rest',
        kind: 'requests',
        breaker: breakerPolicy({ trip: consecutiveFailures(5), recovery: fixedRecovery(SECOND) }),
        retry: noRetryWait,
        open: (link) =>
          createBookTickerPoller({
            restUrl: 'http://exchange.test',
            symbols: link.symbols,
            clock: timers.clock,
            timers,
            fetch: fake.fetch,
            intervalMs: 100,
            timeoutMs: 50,
            permit: () => link.permit(),
            onRequest: (r) => link.report(r.outcome),
            onIssue: (i) => link.onIssue(i),
          }),
        ...rest,
      },
    ],
  });
  feeds.push(feed);
  return { timers, rest: fake, feed, primary: () => primaryLink!, now: () => timers.clock.now() };
}

/** Pulls whatever the feed delivers while simulated time moves `ms` forward. */
async function pullFor(r: ReturnType<typeof rig>, ms: number): Promise<MarketRecord[]> {
  const out: MarketRecord[] = [];
  const end = r.now() + ms * 1000;
  let pending: Promise<readonly MarketRecord[] | null> | null = null;
  while (r.now() < end) {
    pending ??= r.feed.next();
    let chunk: readonly MarketRecord[] | null | undefined;
    void pending.then((c) => (chunk = c));
    await flush();
    if (chunk !== undefined) {
      if (chunk !== null) out.push(...chunk);
      pending = null;
      continue;
    }
    await r.timers.advanceBy(Math.min(10, (end - r.now()) / 1000));
  }
  return out;
}

describe('fallback feed over the book ticker poller', () => {
  it('fails over to REST polling and delivers its quotes', async () => {
    const r = rig((n) => ({ status: 200, body: spotTicker('BTCUSDT', 60_000 + n) }));
    await pullFor(r, 1);
    expect(r.rest.calls).toHaveLength(0);
    r.primary().fail(failure('refused', 'ECONNREFUSED'));
    const got = await pullFor(r, 450);
    expect(got.map((q) => q.type)).toEqual(['book_ticker', 'book_ticker', 'book_ticker', 'book_ticker', 'book_ticker']);
    expect(r.feed.stats.active).toBe('rest');
    expect(r.feed.stats.sources[1]).toMatchObject({ source: 'rest', requests: 5, successes: 5, breaker: 'closed' });
  });

  it("honours Retry-After: no request to the source before it expires, then its trial brings it back", async () => {
    const r = rig((n) => (n === 3 ? { status: 429, body: '{"code":-1003,"msg":"Too much request weight used"}', headers: { 'Retry-After': '3' } } : { status: 200, body: spotTicker('BTCUSDT', 60_000 + n) }));
    await pullFor(r, 1);
    r.primary().fail(failure('refused', 'ECONNREFUSED'));
    const before = await pullFor(r, 250);
    expect(before).toHaveLength(2);
    const t429 = r.rest.timesOf()[2]!;
    expect(await pullFor(r, 2900)).toEqual([]);
    expect(r.feed.stats.active).toBeNull();
    expect(r.rest.calls).toHaveLength(3);
    const after = await pullFor(r, 250);
    expect(after.length).toBeGreaterThan(0);
    expect(r.rest.timesOf()[3]).toBe(t429 + 3 * SECOND);
    expect(r.feed.stats.active).toBe('rest');
    expect(r.feed.stats.switches).toBe(3); // primary > rest, rest > none, none > rest
    expect(r.feed.stats.sources[1]!.failuresByClass['rate-limited']).toBe(1);
  });

  it("spaces the poller's requests by the source's rate limit and its retry backoff after a failure", async () => {
    const r = rig((n) => (n === 6 ? { status: 500, body: '{}' } : { status: 200, body: spotTicker('BTCUSDT', 60_000 + n) }), {
      rateLimit: perInterval(1, 250_000),
      retry: { minUs: 600_000, maxUs: 600_000, factor: 1, jitter: 0, resetAfterUs: 0 },
    });
    await pullFor(r, 1);
    r.primary().fail(failure('refused', 'ECONNREFUSED'));
    const t0 = r.now();
    await pullFor(r, 2000);
    // The poller asks every 100 ms; the bucket grants one request per 250 ms; the failed 6th waits 600 ms.
    const gaps = r.rest.timesOf().map((t, i, all) => (i === 0 ? t - t0 : t - all[i - 1]!));
    expect(gaps.slice(0, 6)).toEqual([0, 250_000, 250_000, 250_000, 250_000, 250_000]);
    expect(gaps[6]).toBe(600_000);
    expect(r.feed.stats.sources[1]!.denied['rate-limited']).toBeGreaterThan(0);
    expect(r.feed.stats.sources[1]!.denied['retry-wait']).toBeGreaterThan(0);
  });
});
