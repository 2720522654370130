/**
 * The proof that live and replay are one path (issue: recording and replay identical to live).
 *
 * `serve-feed` replays a cut of the real BTCUSDT capture over loopback at 25x; the trading
 * pipeline paper-trades it on the live clock behind `createBinanceFeed` (`startLiveTrading`)
 * while the raw tap of `tickflow record --raw` (`RawCaptureWriter`) writes what the feed received.
 * Then `runBacktest`, which is `tickflow backtest`, replays that recording with the same config.
 * Both runs are observed on the bus: the bars, the signals (targets) and the order requests
 * (side, quantity, limit price and the record that caused each) must be equal, in the same order.
 *
 * Tolerance: fills may differ only through live timing (an order reaches the paper venue after
 * however many records the live socket delivered meanwhile, where the replay's synchronous
 * dispatcher delivers none), so fills are compared loosely: every order ends in the same status,
 * and each filled order's average price is within 0.1 % of the replay's.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { BarsStats } from '../../../actors/bars/bars-actor.js';
import type { ExecutionSnapshot } from '../../../actors/execution/orders/execution-actor.js';
import { parseConfig } from '../../../src/app/config.js';
import { runBacktest } from '../../../src/app/backtest.js';
import { startLiveTrading } from '../../../src/app/live-trading.js';
import type { BinanceFeed } from '../../../streams/live/binance-feed.js';
import { createRawCaptureWriter } from '../../../src/io/journal/raw-capture-writer.js';
import type { Order } from '../../../src/model/order.js';
import type { TradeBar } from '../../../src/model/records.js';
import type { TargetPosition } from '../../../src/model/signal.js';
import { defineActor } from '../../../src/runtime/actor.js';
import type { ActorSystem } from '../../../src/runtime/actor-system.js';
import { LiveClock } from '../../../src/runtime/clock.js';
import { dataPath } from '../../support/data.js';
import { readCapture, Rig, tempDir, waitUntil, writeCapture } from './live-feed-rig.js';

const capture = dataPath('binance-spot/btcusdt_20240808.gz');

/** What a run published, as comparable text, one list per kind. */
interface Observed {
  readonly bars: string[];
  readonly signals: string[];
  readonly orders: string[];
  /** Every order's last version, by client order id. */
  readonly final: Map<string, Order>;
}

/** Spawns an actor that writes down every bar, target and new order published in `system`. */
function observe(system: ActorSystem): Observed {
  const seen: Observed = { bars: [], signals: [], orders: [], final: new Map() };
  system.spawn(
    defineActor<void, null, TradeBar | TargetPosition | { type: 'order_update'; order: Order }>({
      name: 'proof-tap',
      init: () => null,
      onStart: (s, ctx) => {
        ctx.subscribe('md.binance.BTCUSDT.trade_bar');
        ctx.subscribe('signal');
        ctx.subscribe('exec.order');
        return s;
      },
      receive: (s, m) => {
        if (m.type === 'trade_bar') seen.bars.push(`${m.interval} ${m.openTs}-${m.closeTs} o${m.open} h${m.high} l${m.low} c${m.close} v${m.volume} n${m.trades}`);
        else if (m.type === 'target') seen.signals.push(`${m.symbol} ${m.target} ${m.orderType} ${m.limitPrice} cause=${m.cause}`);
        else if (m.type === 'order_update') {
          const o = m.order;
          if (!seen.final.has(o.clientOrderId)) seen.orders.push(`${o.clientOrderId} ${o.side} ${o.quantity} ${o.type} ${o.limitPrice} cause=${o.cause}`);
          seen.final.set(o.clientOrderId, o);
        }
        return s;
      },
    }),
    { mailbox: { capacity: 1_000_000, overflow: 'dropOldest' } },
  );
  return seen;
}

describe.skipIf(capture === undefined)('live trading and the replay of its recording', () => {
  const rig = new Rig();
  const dir = tempDir();
  afterAll(async () => {
    await rig.close();
    dir.remove();
  });

  it('build the same bars, signals and order requests in the same order', async () => {
    const cut = writeCapture(dir.path, 'btcusdt_cut.gz', readCapture(capture!).slice(0, 15_000));
    const server = await rig.server({ data: [cut], speed: 25, paused: true });
    const config = parseConfig(
      {
        seed: 7,
        bars: { spec: '100ms' },
        strategy: { name: 'ema-cross', params: { fast: 2, slow: 5, size: 0.01 } },
        instruments: [{ exchange: 'binance', symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.00001' }],
        execution: { venue: { accounts: { binance: { type: 'margin' } } } },
      },
      'live-equals-replay test',
    );
    const raw = createRawCaptureWriter({ dir: `${dir.path}/raw`, clock: new LiveClock() });
    let live: Observed | undefined;
    const trading = startLiveTrading({
      config,
      feed: {
        url: server.url,
        restUrl: server.restUrl,
        symbols: ['BTCUSDT'],
        channels: ['trade', 'bookTicker', 'depth'],
        rawTap: raw,
        backoff: { minUs: 5_000, maxUs: 100_000, factor: 2, jitter: 0.2, resetAfterUs: 1_000_000 },
        staleTimeoutMs: 5_000,
        connectTimeoutMs: 2_000,
        restTimeoutMs: 2_000,
      },
      onSystem: (system) => void (live = observe(system)),
    });
    const feed = () => trading.handle.source as BinanceFeed | null;
    await waitUntil(() => feed() !== null && feed()!.connected && feed()!.stats.snapshots > 0, 5_000, 'the feed to connect and sync its book');
    server.resume();
    // The server closes every connection (1000) at the end of its data: by then the feed has
    // received every frame, and once its buffer is empty the pipeline has been offered every record.
    await waitUntil(() => server.stats.replay.ended && trading.feed.stats.reconnects > 0 && trading.feed.stats.buffered === 0, 20_000, 'the end of the served data');
    // A record that reached the bars actor later than the grace would be carried into the next bar
    // live, where the replay puts it in its own: say so if the machine stalled that long.
    const liveBars = await trading.pipeline.bars.ask<BarsStats>({ type: 'bars_stats' }, { timeout: 5_000_000 });
    // A live run keeps no fill list (memory stays flat over a long run); fills are counted.
    const liveExecution = await trading.pipeline.execution.ask<ExecutionSnapshot>({ type: 'exec_snapshot' }, { timeout: 5_000_000 });
    expect(liveExecution.fills).toEqual([]);
    expect(liveExecution.fillCount).toBeGreaterThan(0);
    const pumped = await trading.stop();
    raw.seal();
    await raw.close();
    expect(pumped).toMatchObject({ sourceFailures: 0, restarts: 0, offerFailures: 0, abandoned: 0 });

    const files = raw.completed;
    expect(files).toHaveLength(1);
    let replayed: Observed | undefined;
    const outcome = await runBacktest({
      input: { kind: 'files', data: [`${files[0]}@BTCUSDT`], format: 'binance' },
      config,
      sets: [],
      onSystem: (system) => void (replayed = observe(system)),
    });
    expect(outcome.dataIssues.malformed).toBe(0);

    // Enough happened for the comparison to mean something.
    expect(live!.bars.length).toBeGreaterThan(30);
    expect(live!.signals.length).toBeGreaterThan(2);
    expect(live!.orders.length).toBeGreaterThan(2);
    expect(liveBars.carried, 'records that lagged past the bar grace live (a stalled machine), so bars cannot match').toBe(0);
    expect(replayed!.bars).toEqual(live!.bars);
    expect(replayed!.signals).toEqual(live!.signals);
    expect(replayed!.orders).toEqual(live!.orders);

    // Fills: the stated tolerance.
    for (const [id, order] of live!.final) {
      const other = replayed!.final.get(id)!;
      expect(other.status, id).toBe(order.status);
      if (order.avgFillPrice !== undefined && other.avgFillPrice !== undefined) {
        const a = Number(order.avgFillPrice);
        const b = Number(other.avgFillPrice);
        expect(Math.abs(a - b) / b, `${id} average fill ${a} live vs ${b} replayed`).toBeLessThan(0.001);
      }
    }
  }, 40_000);
});
