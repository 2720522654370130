import { afterEach, describe, expect, it } from 'vitest';
import type { MarketRecord } from '../../../src/model/records.js';
import type { BackoffPolicy } from '../../../src/runtime/backoff.js';
import { SECOND } from '../../../src/runtime/clock.js';
import { breakerPolicy, exponentialRecovery, fixedRecovery } from '../../../streams/live/breaker-policy.js';
import type { SourceSwitch } from '../../../streams/live/fallback-chain.js';
import { createFallbackFeed, type FallbackFeed } from '../../../streams/live/fallback-feed.js';
import type { FallbackFeedSource, SourceLink } from '../../../streams/live/fallback-feed-source.js';
import { failure } from '../../../streams/live/failure-class.js';
import { consecutiveFailures } from '../../../streams/live/trip-rule.js';
import { diff, FakeSource, quote, snapshot, trade } from './fake-source.js';
import { flush, SimulatedTimers } from './simulated-timers.js';

const noRetryWait: BackoffPolicy = { minUs: 0, maxUs: 0, factor: 2, jitter: 0, resetAfterUs: 0 };
const policy = breakerPolicy({ trip: consecutiveFailures(3), recovery: fixedRecovery(SECOND) });
const refused = failure('refused', 'ECONNREFUSED');

interface Opened {
  readonly source: FakeSource;
  readonly link: SourceLink;
}

const feeds: FallbackFeed[] = [];
afterEach(async () => {
  await Promise.all(feeds.splice(0).map((f) => f.close()));
});

/** A feed over fake stream sources named `names`, in that priority order. */
function rig(names: string[] = ['primary', 'secondary'], overrides: Partial<FallbackFeedSource> = {}) {
  const timers = new SimulatedTimers();
  const opened: Record<string, Opened[]> = {};
  const switches: SourceSwitch[] = [];
  const sources = names.map(
    (name): FallbackFeedSource => ({
      name,
      breaker: policy,
      retry: noRetryWait,
      open: (link) => {
        const source = new FakeSource(name);
        (opened[name] ??= []).push({ source, link });
        return source;
      },
      ...overrides,
    }),
  );
  const feed = createFallbackFeed({ symbols: ['BTCUSDT'], sources, clock: timers.clock, timers, attemptTimeoutMs: 5000, onSwitch: (e) => switches.push(e) });
  feeds.push(feed);
  /** The latest opening of `name`. */
  const last = (name: string): Opened => opened[name]!.at(-1)!;
  return { timers, feed, opened, switches, last, now: () => timers.clock.now() };
}

const waiting = new WeakMap<FallbackFeed, Promise<readonly MarketRecord[] | null>>();

/** The next chunk if the feed has one now, else 'waiting' (the call is kept for the next try: calls never overlap). */
async function take(feed: FallbackFeed): Promise<readonly MarketRecord[] | null | 'waiting'> {
  const pending = waiting.get(feed) ?? feed.next();
  let settled = false;
  let result: readonly MarketRecord[] | null = null;
  void pending.then((r) => {
    settled = true;
    result = r;
  });
  await flush();
  if (!settled) {
    waiting.set(feed, pending);
    return 'waiting';
  }
  waiting.delete(feed);
  return result;
}

/** Every chunk available now, flattened. */
async function takeAll(feed: FallbackFeed): Promise<MarketRecord[]> {
  const out: MarketRecord[] = [];
  for (let chunk = await take(feed); chunk !== 'waiting' && chunk !== null; chunk = await take(feed)) out.push(...chunk);
  return out;
}

const ids = (records: readonly MarketRecord[]): number[] => records.flatMap((r) => (r.type === 'trade' ? [Number(r.id)] : []));

/** Fails the latest opening of `name` n times (a socket that keeps being refused). */
function failTimes(r: ReturnType<typeof rig>, name: string, n: number): void {
  for (let i = 0; i < n; i++) r.last(name).link.fail(refused);
}

describe('createFallbackFeed', () => {
  it('reads the first source while it is healthy and opens nothing else', async () => {
    const r = rig();
    expect(await take(r.feed)).toBe('waiting');
    r.last('primary').source.push(trade(1, r.now()), trade(2, r.now()));
    expect(ids((await take(r.feed)) as MarketRecord[])).toEqual([1, 2]);
    expect(r.opened['secondary']).toBeUndefined();
    expect(r.feed.stats).toMatchObject({ active: 'primary', switches: 0, records: 2, opens: 1 });
  });

  it('fails over when the active source opens its breaker, closes it, and reports the switch', async () => {
    const r = rig();
    await take(r.feed);
    r.last('primary').source.push(trade(1, r.now()));
    await takeAll(r.feed);
    failTimes(r, 'primary', 2);
    expect(await take(r.feed)).toBe('waiting');
    expect(r.opened['secondary']).toBeUndefined();
    r.last('primary').link.fail(refused);
    expect(await take(r.feed)).toBe('waiting');
    expect(r.switches).toEqual([{ from: 'primary', to: 'secondary', at: r.now(), reason: 'failover' }]);
    expect(r.last('primary').source.closed).toBe(true);
    r.last('secondary').source.push(trade(2, r.now()));
    expect(ids(await takeAll(r.feed))).toEqual([2]);
    expect(r.feed.stats).toMatchObject({ active: 'secondary', switches: 1, failovers: 1, failbacks: 0 });
    expect(r.feed.stats.issues[0]!.message).toBe("fallback:BTCUSDT: failover from primary to secondary: primary's breaker opened (threshold, refused) for 1000 ms");
    const [primary] = r.feed.stats.sources;
    expect(primary).toMatchObject({ source: 'primary', breaker: 'open', requests: 4, successes: 1, failures: 3 });
    expect(primary!.failuresByClass.refused).toBe(3);
  });

  it('probes the recovered source beside the active one and fails back when its trial delivers data', async () => {
    const r = rig();
    await take(r.feed);
    failTimes(r, 'primary', 3);
    await take(r.feed);
    r.last('secondary').source.push(trade(1, r.now()), trade(2, r.now()));
    expect(ids(await takeAll(r.feed))).toEqual([1, 2]);
    await r.timers.advanceBy(999);
    expect(r.opened['primary']).toHaveLength(1);
    await r.timers.advanceBy(1);
    // Half-open: a second connection of the primary is opened as the trial; data still comes from the secondary.
    expect(r.opened['primary']).toHaveLength(2);
    expect(r.feed.chain.breakerState('primary', r.now())).toBe('half-open');
    r.last('secondary').source.push(trade(3, r.now()));
    expect(ids(await takeAll(r.feed))).toEqual([3]);
    expect(r.switches).toHaveLength(1);
    // The trial's first data closes the breaker: failback; the secondary is closed.
    await r.timers.advanceBy(5);
    r.last('primary').source.push(trade(2, r.now()), trade(3, r.now()), trade(4, r.now()));
    expect(ids(await takeAll(r.feed))).toEqual([4]);
    expect(r.switches.map((s) => `${s.from}>${s.to}:${s.reason}`)).toEqual(['primary>secondary:failover', 'secondary>primary:failback']);
    expect(r.last('secondary').source.closed).toBe(true);
    expect(r.feed.stats).toMatchObject({ active: 'primary', failbacks: 1, duplicates: 2 });
    expect(r.feed.stats.sources[0]).toMatchObject({ breaker: 'closed', successes: 1, latencyP50Us: 5000 });
  });

  it('keeps the active source when a trial fails: the probe is closed and the breaker waits longer', async () => {
    const r = rig(['primary', 'secondary'], { breaker: breakerPolicy({ trip: consecutiveFailures(3), recovery: exponentialRecovery(SECOND, 8 * SECOND) }) });
    await take(r.feed);
    failTimes(r, 'primary', 3);
    await take(r.feed);
    await r.timers.advanceBy(1000);
    expect(r.opened['primary']).toHaveLength(2);
    r.last('primary').link.fail(failure('timeout', 'stale'));
    await take(r.feed);
    expect(r.last('primary').source.closed).toBe(true);
    expect(r.switches).toHaveLength(1);
    expect(r.feed.stats.active).toBe('secondary');
    await r.timers.advanceBy(1999);
    expect(r.opened['primary']).toHaveLength(2);
    await r.timers.advanceBy(1);
    expect(r.opened['primary']).toHaveLength(3);
  });

  it('fails a trial that delivers nothing within attemptTimeoutMs', async () => {
    const r = rig();
    await take(r.feed);
    failTimes(r, 'primary', 3);
    await take(r.feed);
    await r.timers.advanceBy(1000);
    const probe = r.last('primary').source;
    await r.timers.advanceBy(5000);
    expect(probe.closed).toBe(true);
    expect(r.feed.stats.sources[0]!.failuresByClass.timeout).toBe(1);
    expect(r.switches).toHaveLength(1);
  });

  it('delivers each trade once, in order, when both sources carried it during a switch', async () => {
    const r = rig();
    await take(r.feed);
    r.last('primary').source.push(trade(1, r.now()), trade(2, r.now()), trade(3, r.now()));
    const got = await takeAll(r.feed);
    failTimes(r, 'primary', 3);
    await take(r.feed);
    r.last('secondary').source.push(trade(2, r.now()), trade(3, r.now()), trade(4, r.now()), trade(5, r.now()));
    got.push(...(await takeAll(r.feed)));
    await r.timers.advanceBy(1000);
    r.last('primary').source.push(trade(4, r.now()), trade(5, r.now()), trade(6, r.now()));
    got.push(...(await takeAll(r.feed)));
    expect(ids(got)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.feed.stats.duplicates).toBe(4);
  });

  it('never rewinds the book or the quote across a switch, and never moves engine time back', async () => {
    const r = rig();
    await take(r.feed);
    const t0 = r.now();
    r.last('primary').source.push(snapshot(100, t0), diff(101, 103, t0), diff(104, 105, t0), quote(10, t0));
    const got = await takeAll(r.feed);
    failTimes(r, 'primary', 3);
    await take(r.feed);
    await r.timers.advanceBy(10);
    const t1 = r.now();
    // The secondary's connection synced from an older snapshot; its first quote is the one already delivered.
    r.last('secondary').source.push(snapshot(103, t1), diff(104, 105, t1), diff(106, 107, t1), quote(10, t1), quote(11, t1));
    got.push(...(await takeAll(r.feed)));
    await r.timers.advanceBy(990);
    // The probe's backlog: a quote older than the secondary's last, and a diff received before it.
    r.last('primary').source.push(quote(9, t1 - 1), diff(108, 108, t1 - 1), diff(109, 110, r.now()));
    got.push(...(await takeAll(r.feed)));
    expect(got.map((x) => (x.type === 'book_change' ? `d${x.lastUpdateId}` : x.type === 'depth_snapshot' ? `s${x.lastUpdateId}` : x.type === 'book_ticker' ? `q${x.bidPrice}` : x.type))).toEqual([
      's100', 'd103', 'd105', 'q10', 'd107', 'q11', 'd108', 'd110',
    ]);
    expect(r.feed.stats).toMatchObject({ staleSnapshots: 1, duplicates: 1, repeatedQuotes: 1, staleQuotes: 1, restamped: 1 });
    const times = got.map((x) => x.tsRecv);
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
  });

  it('does not read a source faster than next() is called, and leaves the standby closed', async () => {
    const r = rig();
    await take(r.feed);
    const primary = r.last('primary').source;
    for (let i = 1; i <= 5; i++) primary.push(trade(i, r.now()));
    expect(primary.reads).toBe(1);
    expect(ids((await take(r.feed)) as MarketRecord[])).toEqual([1]);
    await r.timers.advanceBy(10_000);
    expect(primary.reads).toBe(1);
    expect(ids((await take(r.feed)) as MarketRecord[])).toEqual([2]);
    expect(primary.reads).toBe(2);
    expect(r.opened['secondary']).toBeUndefined();
  });

  it('delivers what the failed source still holds before reading the next one, and opens nothing while nobody reads', async () => {
    const r = rig();
    const first = r.feed.next();
    await flush();
    const primary = r.last('primary').source;
    primary.push(trade(1, r.now()));
    expect(ids((await first)!)).toEqual([1]);
    // The consumer is behind: the socket holds two chunks when it fails.
    primary.push(trade(2, r.now()));
    primary.push(trade(3, r.now()));
    failTimes(r, 'primary', 3);
    await flush();
    expect(r.opened['secondary']).toBeUndefined();
    expect(ids(await takeAll(r.feed))).toEqual([2, 3]);
    expect(r.feed.stats.drained).toBe(2);
    expect(primary.closed).toBe(true);
    r.last('secondary').source.push(trade(4, r.now()));
    expect(ids(await takeAll(r.feed))).toEqual([4]);
  });

  it('counts a socket feed connection loss given through onIssue, and ignores issues that are not one', async () => {
    const r = rig();
    await take(r.feed);
    const { link } = r.last('primary');
    link.onIssue({ code: 'DATA_TRUNCATED', file: 'binance-spot', line: 5, message: 'btcusdt@trade: 3 trade ids missing (gap)' });
    for (let i = 1; i <= 3; i++) link.onIssue({ code: 'IO_UNAVAILABLE', file: 'binance-spot', line: 0, message: `binance-spot: connection ${i} lost (error: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9); reconnecting in 5 ms` });
    await take(r.feed);
    expect(r.feed.stats.sourceIssues).toBe(4);
    expect(r.feed.stats.sources[0]!.failuresByClass.refused).toBe(3);
    expect(r.feed.stats.active).toBe('secondary');
  });

  it('resolves null after close, with every source closed', async () => {
    const r = rig();
    const pending = r.feed.next();
    await flush();
    await r.feed.close();
    expect(await pending).toBeNull();
    expect(await r.feed.next()).toBeNull();
    expect(r.last('primary').source.closed).toBe(true);
    expect(r.feed.stats.done).toBe(true);
  });
});
