import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createEngineMetrics, LATENCY_BUCKETS_SECONDS } from '../../../src/io/metrics/engine-metrics.js';
import type { FeedMetricsView } from '../../../src/io/metrics/feed-metrics-view.js';
import type { EnginePorts } from '../../../src/io/metrics/scrape-reader.js';
import type { TradingMetricsView } from '../../../src/io/metrics/trading-metrics-view.js';
import type { ActorSnapshot } from '../../../src/runtime/inspection.js';
import type { ActorCounters } from '../../../src/runtime/kernel.js';
import { parseExposition, samplesOf, valueOf, type Exposition } from './exposition.js';

function actor(path: string, counters: Partial<ActorCounters> = {}, mailboxDepth = 0): ActorSnapshot {
  const c: ActorCounters = { processed: 0, dropped: 0, conflated: 0, failed: 0, deadLettered: 0, restarts: 0, startFailures: 0, ...counters };
  const received = c.processed + c.dropped + c.conflated + c.failed + c.deadLettered + mailboxDepth;
  return {
    path,
    status: 'running',
    mailboxDepth,
    capacity: 1024,
    overflow: 'dropOldest',
    stashed: 0,
    counters: { ...c, received },
    latencyNs: { samples: 10, p50: 2_000, p99: 40_000, max: 50_000 },
  };
}

const feed: FeedMetricsView = {
  name: 'binance',
  records: 12_345,
  gaps: 3,
  resyncs: 2,
  reconnects: 1,
  sources: [
    { name: 'primary-ws', state: 'open', requests: 40, successRate: 0.75, latencyP50Us: 1_500, latencyP99Us: 80_000, active: false },
    { name: 'rest-book-ticker', state: 'closed', requests: 0, successRate: null, latencyP50Us: null, latencyP99Us: null, active: true },
  ],
};

const trading: TradingMetricsView = {
  ordersByState: { FILLED: 7, CANCELED: 2, ACCEPTED: 1, DENIED: 0 },
  denialsByReason: { PRICE_BAND: 4, MAX_POSITION: 1 },
  tradingState: 'REDUCING',
  tradingStates: ['ACTIVE', 'REDUCING', 'HALTED'],
  positions: { 'binance:BTCUSDT': -0.25, 'binance:ETHUSDT': 3 },
  currency: 'USDT',
  realizedPnl: 120.5,
  unrealizedPnl: -3.25,
  equity: 10_117.25,
};

async function scrape(metrics: ReturnType<typeof createEngineMetrics>): Promise<Exposition> {
  const { contentType, body } = await metrics.metrics();
  expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(body);
}

/** Families the engine defines, as opposed to prom-client's process defaults. */
function engineFamilies(e: Exposition): [string, string][] {
  return [...e.types].filter(([name]) => !name.startsWith('tickflow_nodejs_') && !name.startsWith('tickflow_process_'));
}

describe('createEngineMetrics', () => {
  it('exports every actor counter, the mailbox gauges and latency quantiles, labelled by path', async () => {
    const ports: EnginePorts = { actors: () => [actor('/user/bars', { processed: 900, dropped: 5, conflated: 2, failed: 1, deadLettered: 3, restarts: 1, startFailures: 1 }, 17)] };
    const e = await scrape(createEngineMetrics({ ports }));
    const a = { actor: '/user/bars' };
    expect(valueOf(e, 'tickflow_actor_processed_total', a)).toBe(900);
    expect(valueOf(e, 'tickflow_actor_dropped_total', a)).toBe(5);
    expect(valueOf(e, 'tickflow_actor_conflated_total', a)).toBe(2);
    expect(valueOf(e, 'tickflow_actor_failed_total', a)).toBe(1);
    expect(valueOf(e, 'tickflow_actor_dead_lettered_total', a)).toBe(3);
    expect(valueOf(e, 'tickflow_actor_restarts_total', a)).toBe(1);
    expect(valueOf(e, 'tickflow_actor_start_failures_total', a)).toBe(1);
    expect(valueOf(e, 'tickflow_actor_mailbox_depth', a)).toBe(17);
    expect(valueOf(e, 'tickflow_actor_mailbox_capacity', a)).toBe(1024);
    expect(valueOf(e, 'tickflow_actor_processing_latency_seconds', { ...a, quantile: '0.99' })).toBeCloseTo(40e-6, 12);
    expect(e.types.get('tickflow_actor_processed_total')).toBe('counter');
    expect(e.types.get('tickflow_actor_mailbox_depth')).toBe('gauge');
  });

  it('reflects each scrape’s snapshot: counters follow the engine’s, gone actors drop out, gauges go down', async () => {
    let actors = [actor('/user/strategy', { processed: 10 }, 8), actor('/user/risk', { processed: 4 })];
    const metrics = createEngineMetrics({ ports: { actors: () => actors } });
    const first = await scrape(metrics);
    // The strategy restarts: its cell keeps counting across incarnations, and the restart is counted.
    actors = [actor('/user/strategy', { processed: 25, failed: 1, restarts: 1 }, 2)];
    const second = await scrape(metrics);
    const s = { actor: '/user/strategy' };
    expect(valueOf(first, 'tickflow_actor_processed_total', s)).toBe(10);
    expect(valueOf(second, 'tickflow_actor_processed_total', s)).toBe(25);
    expect(valueOf(second, 'tickflow_actor_restarts_total', s)).toBe(1);
    expect(valueOf(second, 'tickflow_actor_mailbox_depth', s)).toBe(2);
    expect(samplesOf(second, 'tickflow_actor_processed_total', { actor: '/user/risk' })).toEqual([]);
    // Scraping twice with nothing new does not add anything (values are set, not accumulated).
    const third = await scrape(metrics);
    expect(valueOf(third, 'tickflow_actor_processed_total', s)).toBe(25);
  });

  it('reads each port once per scrape', async () => {
    const calls = { actors: 0, feeds: 0, trading: 0 };
    const metrics = createEngineMetrics({
      ports: {
        actors: () => (calls.actors++, [actor('/user/a')]),
        feeds: () => (calls.feeds++, [feed]),
        trading: () => (calls.trading++, trading),
      },
    });
    await scrape(metrics);
    await scrape(metrics);
    expect(calls).toEqual({ actors: 2, feeds: 2, trading: 2 });
  });

  it('exports feed counters and per-source requests, success, latency, breaker and active', async () => {
    const e = await scrape(createEngineMetrics({ ports: { actors: () => [], feeds: () => [feed] } }));
    const f = { feed: 'binance' };
    expect(valueOf(e, 'tickflow_feed_messages_total', f)).toBe(12_345);
    expect(valueOf(e, 'tickflow_feed_gaps_total', f)).toBe(3);
    expect(valueOf(e, 'tickflow_feed_resyncs_total', f)).toBe(2);
    expect(valueOf(e, 'tickflow_feed_reconnects_total', f)).toBe(1);
    const primary = { feed: 'binance', source: 'primary-ws' };
    const rest = { feed: 'binance', source: 'rest-book-ticker' };
    expect(valueOf(e, 'tickflow_feed_source_requests_total', primary)).toBe(40);
    expect(valueOf(e, 'tickflow_feed_source_success_ratio', primary)).toBe(0.75);
    expect(valueOf(e, 'tickflow_feed_source_latency_seconds', { ...primary, quantile: '0.5' })).toBeCloseTo(0.0015, 12);
    expect(valueOf(e, 'tickflow_feed_source_latency_seconds', { ...primary, quantile: '0.99' })).toBeCloseTo(0.08, 12);
    expect(valueOf(e, 'tickflow_feed_source_breaker_state', primary)).toBe(2);
    expect(valueOf(e, 'tickflow_feed_source_breaker_state', rest)).toBe(0);
    expect(valueOf(e, 'tickflow_feed_source_active', primary)).toBe(0);
    expect(valueOf(e, 'tickflow_feed_source_active', rest)).toBe(1);
    // Nothing to judge yet is absent, not a misleading 0.
    expect(samplesOf(e, 'tickflow_feed_source_success_ratio', rest)).toEqual([]);
    expect(samplesOf(e, 'tickflow_feed_source_latency_seconds', rest)).toEqual([]);
  });

  it('exports orders by state, denials by reason, the trading state, positions, PnL and equity', async () => {
    const e = await scrape(createEngineMetrics({ ports: { actors: () => [], trading: () => trading } }));
    expect(valueOf(e, 'tickflow_orders', { state: 'FILLED' })).toBe(7);
    expect(valueOf(e, 'tickflow_orders', { state: 'DENIED' })).toBe(0);
    expect(valueOf(e, 'tickflow_risk_denials_total', { reason: 'PRICE_BAND' })).toBe(4);
    expect(e.types.get('tickflow_risk_denials_total')).toBe('counter');
    expect(samplesOf(e, 'tickflow_trading_state').map((s) => [s.labels.state, s.value])).toEqual([
      ['ACTIVE', 0],
      ['REDUCING', 1],
      ['HALTED', 0],
    ]);
    expect(valueOf(e, 'tickflow_position', { instrument: 'binance:BTCUSDT' })).toBe(-0.25);
    expect(valueOf(e, 'tickflow_realized_pnl', { currency: 'USDT' })).toBe(120.5);
    expect(valueOf(e, 'tickflow_unrealized_pnl', { currency: 'USDT' })).toBe(-3.25);
    expect(valueOf(e, 'tickflow_equity', { currency: 'USDT' })).toBe(10_117.25);
  });

  it('exports no trading series while the trading port answers undefined', async () => {
    let view: TradingMetricsView | undefined = trading;
    const metrics = createEngineMetrics({ ports: { actors: () => [], trading: () => view } });
    expect(samplesOf(await scrape(metrics), 'tickflow_equity')).toHaveLength(1);
    view = undefined;
    const e = await scrape(metrics);
    for (const name of ['tickflow_orders', 'tickflow_risk_denials_total', 'tickflow_trading_state', 'tickflow_position', 'tickflow_equity']) {
      expect(samplesOf(e, name), name).toEqual([]);
    }
  });

  it('leaves out only the families of a port that throws, counts it and still serves the rest', async () => {
    const errors: string[] = [];
    const metrics = createEngineMetrics({
      ports: {
        actors: () => [actor('/user/a', { processed: 1 })],
        feeds: () => {
          throw new Error('view builder bug');
        },
      },
      onPortError: (port, error) => errors.push(`${port}: ${(error as Error).message}`),
    });
    const e = await scrape(metrics);
    expect(samplesOf(e, 'tickflow_feed_messages_total')).toEqual([]);
    expect(valueOf(e, 'tickflow_actor_processed_total', { actor: '/user/a' })).toBe(1);
    expect(samplesOf(e, 'tickflow_nodejs_eventloop_lag_seconds')).toHaveLength(1);
    expect(errors).toEqual(['feeds: view builder bug']);
    expect(valueOf(await scrape(metrics), 'tickflow_metrics_port_errors_total', { port: 'feeds' })).toBe(2);
  });

  it('includes Node’s process metrics, event-loop lag among them, under the tickflow_ prefix', async () => {
    const e = await scrape(createEngineMetrics({ ports: { actors: () => [] } }));
    for (const name of ['tickflow_nodejs_eventloop_lag_seconds', 'tickflow_nodejs_eventloop_lag_p99_seconds', 'tickflow_process_cpu_seconds_total', 'tickflow_process_resident_memory_bytes', 'tickflow_nodejs_heap_size_used_bytes']) {
      expect(e.types.has(name), name).toBe(true);
    }
  });

  it('follows Prometheus naming: tickflow_ prefix, counters end in _total and only counters do', async () => {
    const ports: EnginePorts = { actors: () => [actor('/user/a')], feeds: () => [feed], trading: () => trading };
    const e = await scrape(createEngineMetrics({ ports }));
    const families = engineFamilies(e);
    expect(families.length).toBeGreaterThan(25);
    for (const [name, type] of families) {
      expect(name, name).toMatch(/^tickflow_[a-z0-9_]+$/);
      expect(name.endsWith('_total'), `${name} is a ${type}`).toBe(type === 'counter');
      expect(e.help.get(name)?.length ?? 0, `${name} has help`).toBeGreaterThan(10);
    }
  });

  it('keeps its own registry: two engines do not collide and the global registry stays empty', async () => {
    const one = createEngineMetrics({ ports: { actors: () => [actor('/user/one')] } });
    const two = createEngineMetrics({ ports: { actors: () => [actor('/user/two')] } });
    expect(samplesOf(await scrape(one), 'tickflow_actor_processed_total').map((s) => s.labels.actor)).toEqual(['/user/one']);
    expect(samplesOf(await scrape(two), 'tickflow_actor_processed_total').map((s) => s.labels.actor)).toEqual(['/user/two']);
    expect(await globalRegistry.metrics()).not.toContain('tickflow_');
  });

  it('counts hop observations in sub-millisecond buckets', async () => {
    const metrics = createEngineMetrics({ ports: { actors: () => [] } });
    metrics.observeHop('risk', 0.000004); // 4 µs: the first bucket (5 µs)
    metrics.observeHop('risk', 0.00003); // 30 µs: the 50 µs bucket
    metrics.observeHop('risk', 0.0002); // 200 µs: the 250 µs bucket
    metrics.observeHop('risk', -0.000001); // a clock step: counted as 0
    metrics.observeHop('risk', Number.NaN); // ignored
    metrics.observeHop('bars', 0.5); // past the last bucket: +Inf only
    const e = await scrape(metrics);
    const buckets = samplesOf(e, 'tickflow_hop_latency_seconds_bucket', { hop: 'risk' }).map((s) => [s.labels.le, s.value]);
    expect(buckets.map(([le]) => le)).toEqual([...LATENCY_BUCKETS_SECONDS.map(String), '+Inf']);
    expect(LATENCY_BUCKETS_SECONDS.filter((b) => b < 0.001).length).toBeGreaterThanOrEqual(6);
    const count = (le: string) => valueOf(e, 'tickflow_hop_latency_seconds_bucket', { hop: 'risk', le });
    expect(count('0.000005')).toBe(2);
    expect(count('0.00001')).toBe(2);
    expect(count('0.00005')).toBe(3);
    expect(count('0.00025')).toBe(4);
    expect(count('+Inf')).toBe(4);
    expect(valueOf(e, 'tickflow_hop_latency_seconds_count', { hop: 'risk' })).toBe(4);
    expect(valueOf(e, 'tickflow_hop_latency_seconds_sum', { hop: 'risk' })).toBeCloseTo(0.000234, 12);
    expect(valueOf(e, 'tickflow_hop_latency_seconds_bucket', { hop: 'bars', le: '0.1' })).toBe(0);
    expect(valueOf(e, 'tickflow_hop_latency_seconds_bucket', { hop: 'bars', le: '+Inf' })).toBe(1);
    expect(e.types.get('tickflow_hop_latency_seconds')).toBe('histogram');
  });

  it('counts end-to-end observations', async () => {
    const metrics = createEngineMetrics({ ports: { actors: () => [] } });
    metrics.observeEndToEnd(0.00008);
    metrics.observeEndToEnd(0.002);
    const e = await scrape(metrics);
    expect(valueOf(e, 'tickflow_end_to_end_latency_seconds_bucket', { le: '0.0001' })).toBe(1);
    expect(valueOf(e, 'tickflow_end_to_end_latency_seconds_count')).toBe(2);
  });
});
