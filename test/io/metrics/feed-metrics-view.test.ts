import { describe, expect, it } from 'vitest';
import { fallbackFeedMetricsView, liveFeedMetricsView } from '../../../src/io/metrics/feed-metrics-view.js';
import { MILLISECOND, SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { createRandom } from '../../../src/runtime/random.js';
import { breakerPolicy, fixedRecovery } from '../../../streams/live/breaker-policy.js';
import { FallbackChain } from '../../../streams/live/fallback-chain.js';
import { MutableFallbackFeedStats } from '../../../streams/live/fallback-feed-stats.js';
import { MutableFeedStats } from '../../../streams/live/feed-stats.js';
import { failure } from '../../../streams/live/failure-class.js';
import { failed, succeeded } from '../../../streams/live/request-outcome.js';
import { consecutiveFailures } from '../../../streams/live/trip-rule.js';

function socketStats(name: string, counts: { delivered: number; gaps: number; resyncs: number; reconnects: number }): MutableFeedStats {
  const stats = new MutableFeedStats(name, ['btcusdt@trade'], 10, null);
  stats.records = counts.delivered + 5; // decoded, duplicates included: not what the view reports
  Object.assign(stats, counts);
  return stats;
}

describe('feed metrics views', () => {
  it('builds a socket feed’s view from its FeedStats: delivered records, continuity, no sources', () => {
    const view = liveFeedMetricsView(socketStats('binance', { delivered: 100, gaps: 2, resyncs: 1, reconnects: 3 }));
    expect(view).toEqual({ name: 'binance', records: 100, gaps: 2, resyncs: 1, reconnects: 3, sources: [] });
  });

  it('builds a fallback feed’s view from its chain: breaker state, requests, rates, latencies, the active source', () => {
    const clock = new SimulatedClock(0);
    const policy = breakerPolicy({ trip: consecutiveFailures(2), recovery: fixedRecovery(SECOND) });
    const retry = { minUs: 0, maxUs: 0, factor: 2, jitter: 0, resetAfterUs: 0 };
    const chain = new FallbackChain({
      sources: [
        { name: 'primary-ws', breaker: policy, retry },
        { name: 'rest', breaker: policy, retry },
      ],
      random: createRandom(1),
    });
    chain.report('primary-ws', succeeded(3 * MILLISECOND), 0);
    chain.report('primary-ws', failed(failure('timeout', 'ETIMEDOUT')), 10);
    chain.report('primary-ws', failed(failure('timeout', 'ETIMEDOUT')), 20);
    clock.advanceTo(30);
    const stats = new MutableFallbackFeedStats('binance-fallback', chain, clock, 10, null);
    stats.records = 42;
    stats.active = chain.active(30);
    const sockets = [socketStats('primary-ws', { delivered: 0, gaps: 1, resyncs: 1, reconnects: 2 }), socketStats('secondary', { delivered: 0, gaps: 2, resyncs: 0, reconnects: 1 })];
    const view = fallbackFeedMetricsView(stats, sockets);
    expect(view).toMatchObject({ name: 'binance-fallback', records: 42, gaps: 3, resyncs: 1, reconnects: 3 });
    expect(view.sources).toEqual([
      { name: 'primary-ws', state: 'open', requests: 3, successRate: 1 / 3, latencyP50Us: 3_000, latencyP99Us: 3_000, active: false },
      { name: 'rest', state: 'closed', requests: 0, successRate: null, latencyP50Us: null, latencyP99Us: null, active: true },
    ]);
  });
});
