/**
 * What the metrics exporter reads about one live feed: plain data, built at scrape time from the
 * feed's own stats objects, so the exporter depends on neither the socket feed nor the fallback
 * feed and the feeds count nothing extra for it.
 *
 * How to build one (the two builders below do it):
 * - a socket feed (`streams/live/feed-stats.ts`, `FeedStats`): `records` is `delivered` (what the
 *   feed handed the engine, REST snapshots included, duplicates not), `gaps`, `resyncs` and
 *   `reconnects` as they are; no sources (it has no fallback chain);
 * - a fallback feed (`streams/live/fallback-feed-stats.ts`, `FallbackFeedStats`): `records` as it
 *   is (what `next()` delivered), one source per entry of `sources` (its chain's
 *   `SourceMetricsSnapshot`s: `breaker` is the state, `source` the name) with `active` for the one
 *   data is taken from. The chain does not see gaps or reconnects; pass the socket sources' own
 *   `FeedStats`, where the caller holds them, and they are summed.
 * The feed actor's reply (`actors/feeds/feed-stats.ts`) carries the current source's stats as
 * `source`; its `format` (`binance-ws`, `fallback`) says which builder applies.
 */
import type { BreakerState } from '../../../streams/live/circuit-breaker.js';
import type { FallbackFeedStats } from '../../../streams/live/fallback-feed-stats.js';
import type { FeedStats } from '../../../streams/live/feed-stats.js';

/** One source of a feed's fallback chain. Rates in [0, 1], latencies in µs; null before any request. */
export interface FeedSourceMetricsView {
  readonly name: string;
  /** The source's circuit breaker. */
  readonly state: BreakerState;
  /** Completed requests (successes and failures). */
  readonly requests: number;
  readonly successRate: number | null;
  readonly latencyP50Us: number | null;
  readonly latencyP99Us: number | null;
  /** True for the source data is taken from now; absent when the feed does not say. */
  readonly active?: boolean;
}

/** One feed's counters, each only ever going up while the feed lives. */
export interface FeedMetricsView {
  readonly name: string;
  /** Records the feed delivered to the engine. */
  readonly records: number;
  /** Breaks in the venue's id sequences. */
  readonly gaps: number;
  /** REST snapshots fetched because of a gap. */
  readonly resyncs: number;
  /** Connections lost and replaced. */
  readonly reconnects: number;
  /** The fallback chain's sources, in priority order; empty for a feed without one. */
  readonly sources: readonly FeedSourceMetricsView[];
}

/** The view of a socket feed. */
export function liveFeedMetricsView(stats: FeedStats): FeedMetricsView {
  return { name: stats.name, records: stats.delivered, gaps: stats.gaps, resyncs: stats.resyncs, reconnects: stats.reconnects, sources: [] };
}

/**
 * The view of a fallback feed; `sourceFeeds` are the stats of its socket sources where the caller
 * holds them (their continuity counters are summed). Reading `stats.sources` builds the chain's
 * snapshot, which sorts each source's latency window: fine once per scrape, not per message.
 */
export function fallbackFeedMetricsView(stats: FallbackFeedStats, sourceFeeds: readonly FeedStats[] = []): FeedMetricsView {
  let gaps = 0;
  let resyncs = 0;
  let reconnects = 0;
  for (const feed of sourceFeeds) {
    gaps += feed.gaps;
    resyncs += feed.resyncs;
    reconnects += feed.reconnects;
  }
  const sources = stats.sources.map(
    (s): FeedSourceMetricsView => ({
      name: s.source,
      state: s.breaker,
      requests: s.requests,
      successRate: s.successRate,
      latencyP50Us: s.latencyP50Us,
      latencyP99Us: s.latencyP99Us,
      active: s.source === stats.active,
    }),
  );
  return { name: stats.name, records: stats.records, gaps, resyncs, reconnects, sources };
}
