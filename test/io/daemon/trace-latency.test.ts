/**
 * The daemon's sampled latency tracing end to end: a daemon on a local `serve-feed`, with
 * `metrics.traceEvery: 1`, shows per-hop histograms on `/metrics` for the market hops and, once
 * the strategy trades, for the order's hops up to the venue and the end-to-end time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/app/config.js';
import { startDaemon, type Daemon } from '../../../src/app/daemon.js';
import { createFeedServer, type FeedServer } from '../../../src/io/feed-server/feed-server.js';
import { silentLogger } from '../../../src/runtime/logger.js';
import { dataPath } from '../../support/data.js';
import { readCapture, writeCapture } from '../feed-server/feed-test-client.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');
const dir = mkdtempSync(join(tmpdir(), 'tickflow-trace-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function daemonConfig(feed: FeedServer, traceEvery: number) {
  return parseConfig(
    {
      // Depth too: the books actor receives depth diffs and snapshots only, so its hop needs them.
      feeds: [{ venue: 'binance', url: feed.url, rest: feed.restUrl, symbols: ['BTCUSDT'], channels: ['trade', 'bookTicker', 'depth'], connectTimeout: '2s' }],
      bars: { spec: '1s' },
      strategy: { name: 'ema-cross', params: { fast: 2, slow: 4, size: 0.01 } },
      instruments: [{ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' }],
      // Borrowing on: the strategy's first order may be a sell, which a plain cash account refuses.
      execution: { venue: { type: 'paper', accounts: { binance: { type: 'cash', borrowing: true } } } },
      http: { host: '127.0.0.1', port: 0 },
      log: { level: 'silent' },
      metrics: { traceEvery },
      persistence: { dir: join(dir, `data-${traceEvery}`), fsync: 'never' },
    },
    'trace latency test',
  );
}

/** The value of `series` (a full name with labels) in the exposition, or 0 when absent. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function metricsOf(daemon: Daemon): Promise<string> {
  return (await fetch(`${daemon.url}/metrics`)).text();
}

async function waitFor(condition: () => Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(capture === undefined)('tickflow run: hop latency', () => {
  it('records every hop from the decoded frame to the venue, and end to end, for traced records', async () => {
    const cut = writeCapture(dir, 'btcusdt_cut.gz', readCapture(capture!).slice(0, 28_000));
    const feed = await createFeedServer({ data: [cut], port: 0, speed: 20 });
    let daemon: Daemon | undefined;
    try {
      daemon = await startDaemon(daemonConfig(feed, 1), silentLogger);
      const running = daemon;
      const count = async (hop: string) => valueOf(await metricsOf(running), `tickflow_hop_latency_seconds_count{hop="${hop}"}`);
      await waitFor(async () => (await count('bars')) > 0 && (await count('strategy')) > 0, 'bars and strategy hops');
      await waitFor(async () => (await count('venue')) > 0, 'an order reaching the venue');
      const text = await metricsOf(running);
      if (process.env.TRACE_DUMP !== undefined) console.log(text.split('\n').filter((l) => /latency_seconds_(sum|count)/.test(l)).join('\n'));
      for (const hop of ['decoded', 'books', 'bars', 'strategy', 'planner', 'risk', 'execution', 'venue']) {
        expect(valueOf(text, `tickflow_hop_latency_seconds_count{hop="${hop}"}`), hop).toBeGreaterThan(0);
      }
      // Every order that reached the venue was timed end to end, and within the histogram's range.
      const orders = valueOf(text, 'tickflow_hop_latency_seconds_count{hop="venue"}');
      expect(valueOf(text, 'tickflow_end_to_end_latency_seconds_count')).toBe(orders);
      expect(valueOf(text, 'tickflow_end_to_end_latency_seconds_bucket{le="0.1"}')).toBeGreaterThan(0);
      // No hop outside the pipeline's closed set (the gateway forwarder is traced but not reported).
      const hops = [...text.matchAll(/tickflow_hop_latency_seconds_count\{hop="([^"]+)"\}/g)].map((m) => m[1]);
      expect(hops.every((h) => ['decoded', 'books', 'bars', 'strategy', 'planner', 'risk', 'execution', 'venue', 'report'].includes(h!))).toBe(true);
    } finally {
      await daemon?.stop('test over');
      await feed.close();
    }
  }, 40_000);

  it('records no hop with tracing off (traceEvery 0)', async () => {
    const cut = writeCapture(dir, 'btcusdt_short.gz', readCapture(capture!).slice(0, 4_000));
    const feed = await createFeedServer({ data: [cut], port: 0, speed: 20 });
    let daemon: Daemon | undefined;
    try {
      daemon = await startDaemon(daemonConfig(feed, 0), silentLogger);
      const running = daemon;
      await waitFor(async () => /tickflow_actor_processed_total\{actor="pipeline\/market\/bars"\} [1-9]/.test(await metricsOf(running)), 'bars processing records');
      expect(await metricsOf(running)).not.toMatch(/tickflow_hop_latency_seconds_count/);
    } finally {
      await daemon?.stop('test over');
      await feed.close();
    }
  }, 30_000);
});
