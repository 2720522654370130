/**
 * `createEngineMetrics`: the Prometheus exposition of a tickflow process, on prom-client, for the
 * HTTP server's `/metrics` route.
 *
 * - Its own `Registry`, never prom-client's global one, so two engines in one process (tests, a
 *   backtest beside a daemon) never share or collide on a series.
 * - Node's process metrics (`collectDefaultMetrics`, prefixed `tickflow_`): CPU, memory, handles,
 *   GC and event-loop lag (`tickflow_nodejs_eventloop_lag_seconds`).
 * - The engine's metrics (actors, feeds, trading) are read from plain-data ports at scrape time
 *   (see `scraped-metric.ts`, `scrape-reader.ts`): the hot path pays nothing for them.
 * - Two latency histograms the daemon feeds with sampled records (one in N): per hop
 *   (`tickflow_hop_latency_seconds{hop}`: `decoded`, `books`, `bars`, `strategy`, `planner`, `risk`,
 *   `execution`, `venue`, `report`; see `src/app/latency-sink.ts`) and end to end
 *   (`tickflow_end_to_end_latency_seconds`). The buckets run from 5 µs to 100 ms, because the
 *   budget is a p99 under 100 µs (DESIGN.md, Performance budgets): prom-client's default buckets
 *   start at 5 ms and would put every hop in the first one.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { registerActorMetrics } from './actor-metrics.js';
import { registerFeedMetrics } from './feed-metrics.js';
import { ScrapeReader, type EnginePortName, type EnginePorts } from './scrape-reader.js';
import { registerStoreMetrics } from './store-metrics.js';
import { registerTradingMetrics } from './trading-metrics.js';

/** Bucket upper bounds of the latency histograms, in seconds: 5 µs to 100 ms. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
];

/** Options of `createEngineMetrics`. */
export interface EngineMetricsOptions {
  readonly ports: EnginePorts;
  /** Called when a port throws during a scrape (its families are empty for that scrape). */
  readonly onPortError?: (port: EnginePortName, error: unknown) => void;
}

/** The engine's metrics. */
export interface EngineMetrics {
  /** The registry, for the composition root to add its own metrics; scrape through `metrics()`. */
  readonly registry: Registry;
  /** Reads the ports and renders the exposition (Prometheus text format 0.0.4). */
  metrics(): Promise<{ readonly contentType: string; readonly body: string }>;
  /**
   * Records one sampled record's time through `hop`, in seconds. Negative values (clock steps) are
   * recorded as 0 and non-finite ones ignored: a bad sample must not throw into the pipeline.
   */
  observeHop(hop: string, seconds: number): void;
  /** Records one sampled record's time from receipt to decision, in seconds (same rules). */
  observeEndToEnd(seconds: number): void;
}

/** Creates the registry and every family, reading `options.ports` at each scrape. */
export function createEngineMetrics(options: EngineMetricsOptions): EngineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tickflow_' });
  const portErrors = new Counter<'port'>({
    name: 'tickflow_metrics_port_errors_total',
    help: 'Scrapes in which reading an engine port threw (its series were left out).',
    labelNames: ['port'],
    registers: [registry],
  });
  const reader = new ScrapeReader(options.ports, (port, error) => {
    portErrors.inc({ port });
    try {
      options.onPortError?.(port, error);
    } catch {
      // The logger's failure must not fail the scrape.
    }
  });
  const read = () => reader.read();
  registerActorMetrics(registry, read);
  registerFeedMetrics(registry, read);
  registerTradingMetrics(registry, read);
  registerStoreMetrics(registry, read);
  const hops = new Histogram<'hop'>({
    name: 'tickflow_hop_latency_seconds',
    help: 'Time of sampled records through one hop of the pipeline.',
    labelNames: ['hop'],
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  const endToEnd = new Histogram({
    name: 'tickflow_end_to_end_latency_seconds',
    help: 'Time of sampled records from receipt to order decision.',
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [registry],
  });
  // One labels object per hop, made on first use: an observation allocates nothing of ours.
  const hopLabels = new Map<string, { hop: string }>();
  return {
    registry,
    async metrics() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
    observeHop(hop, seconds) {
      if (!Number.isFinite(seconds)) return;
      let labels = hopLabels.get(hop);
      if (labels === undefined) {
        labels = { hop };
        hopLabels.set(hop, labels);
      }
      hops.observe(labels, seconds > 0 ? seconds : 0);
    },
    observeEndToEnd(seconds) {
      if (!Number.isFinite(seconds)) return;
      endToEnd.observe(seconds > 0 ? seconds : 0);
    },
  };
}
