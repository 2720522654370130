/**
 * The per-feed and per-source metric families. Feeds are labelled `feed`; sources are labelled
 * `feed` and `source`, because two feeds may well give a source the same name (`binance-ws`), and
 * a series must name one thing.
 *
 * The breaker is one gauge with the state as a number (0 closed, 1 half-open, 2 open) rather than
 * one series per state: an alert is then `== 2`, and a graph of it shows the transitions as steps.
 */
import type { Registry } from 'prom-client';
import type { BreakerState } from '../../../streams/live/circuit-breaker.js';
import type { FeedMetricsView } from './feed-metrics-view.js';
import type { EngineScrape } from './scrape-reader.js';
import { scrapedCounter, scrapedGauge } from './scraped-metric.js';

/** The value of `tickflow_feed_source_breaker_state` for each breaker state. */
export const BREAKER_STATE_VALUE: Readonly<Record<BreakerState, number>> = { closed: 0, 'half-open': 1, open: 2 };

/** The per-feed counter families, each read from one `FeedMetricsView` field. */
export const FEED_COUNTERS: readonly { readonly name: string; readonly field: 'records' | 'gaps' | 'resyncs' | 'reconnects'; readonly help: string }[] = [
  { name: 'tickflow_feed_messages_total', field: 'records', help: 'Records the feed delivered to the engine.' },
  { name: 'tickflow_feed_gaps_total', field: 'gaps', help: 'Breaks in the venue id sequences seen by the feed.' },
  { name: 'tickflow_feed_resyncs_total', field: 'resyncs', help: 'REST snapshots fetched by the feed because of a gap.' },
  { name: 'tickflow_feed_reconnects_total', field: 'reconnects', help: 'Connections of the feed lost and replaced.' },
];

/** Registers the feed and source families on `registry`, filled from `read().feeds` at each scrape. */
export function registerFeedMetrics(registry: Registry, read: () => EngineScrape): void {
  for (const { name, field, help } of FEED_COUNTERS) {
    scrapedCounter({
      registry,
      name,
      help,
      labelNames: ['feed'],
      read,
      values: (s, emit) => {
        for (const f of s.feeds) emit({ feed: f.name }, f[field]);
      },
    });
  }
  scrapedCounter({
    registry,
    name: 'tickflow_feed_source_requests_total',
    help: 'Completed requests (successes and failures) to the source.',
    labelNames: ['feed', 'source'],
    read,
    values: (s, emit) => eachSource(s.feeds, (feed, src) => emit({ feed, source: src.name }, src.requests)),
  });
  scrapedGauge({
    registry,
    name: 'tickflow_feed_source_success_ratio',
    help: 'Share of the source requests that succeeded since start (absent before the first).',
    labelNames: ['feed', 'source'],
    read,
    values: (s, emit) =>
      eachSource(s.feeds, (feed, src) => {
        if (src.successRate !== null) emit({ feed, source: src.name }, src.successRate);
      }),
  });
  scrapedGauge({
    registry,
    name: 'tickflow_feed_source_latency_seconds',
    help: 'Latency of the source recent successful requests, by quantile (absent before the first).',
    labelNames: ['feed', 'source', 'quantile'],
    read,
    values: (s, emit) =>
      eachSource(s.feeds, (feed, src) => {
        if (src.latencyP50Us !== null) emit({ feed, source: src.name, quantile: '0.5' }, src.latencyP50Us / 1e6);
        if (src.latencyP99Us !== null) emit({ feed, source: src.name, quantile: '0.99' }, src.latencyP99Us / 1e6);
      }),
  });
  scrapedGauge({
    registry,
    name: 'tickflow_feed_source_breaker_state',
    help: 'Circuit breaker of the source: 0 closed, 1 half-open, 2 open.',
    labelNames: ['feed', 'source'],
    read,
    values: (s, emit) => eachSource(s.feeds, (feed, src) => emit({ feed, source: src.name }, BREAKER_STATE_VALUE[src.state])),
  });
  scrapedGauge({
    registry,
    name: 'tickflow_feed_source_active',
    help: '1 for the source the feed takes data from now, 0 for the others.',
    labelNames: ['feed', 'source'],
    read,
    values: (s, emit) =>
      eachSource(s.feeds, (feed, src) => {
        if (src.active !== undefined) emit({ feed, source: src.name }, src.active ? 1 : 0);
      }),
  });
}

function eachSource(feeds: readonly FeedMetricsView[], visit: (feed: string, source: FeedMetricsView['sources'][number]) => void): void {
  for (const f of feeds) for (const src of f.sources) visit(f.name, src);
}
