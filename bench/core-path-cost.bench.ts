/**
 * What one record costs on the core path, in CPU and in allocation, beside the same decision
 * logic called directly (issue 13's budgets: at most 5 µs of CPU and 0.5 KB allocated per record,
 * an order on every trade). Rows `core-path CPU per record` (µs) and `core-path allocation per
 * record` (bytes), plus `core-path capacity` (records/s from the CPU figure).
 *
 * Pipeline contender: the daemon's trading pipeline (`spawnTradingPipeline`: books, bars `1s`, the
 * one-lot-per-trade strategy below, planner, risk with quantity, position and price-band checks,
 * execution, paper venue) in a live-clock actor system, fed N trades of the Binance spot capture
 * (re-stamped with the system clock, as a live feed stamps them) through `pumpSource` as fast as
 * admission allows, until every mailbox is empty. The strategy adds one lot of target per trade, so
 * every trade is one order (checked: the run's order count is printed beside the records). Direct contender: market snapshot and mark, the
 * strategy's target, `planWithCancels` (as if every earlier order had filled), `RiskGuard.check`,
 * the order registry's create and submit (then a reject, so none stays open: `bookOrder`), called in a loop: one order per trade, no venue.
 *
 * CPU: `process.cpuUsage` (user + system, so GC threads count) over each run, divided by the
 * records, medians of interleaved rounds with their range. Allocation: V8's sampling heap profiler
 * (`HeapProfiler.startSampling` with objects collected by minor and major GC included, 512-byte
 * sampling interval) over one run of each, the sampled bytes divided by the records: an estimate
 * whose error shrinks with the run's length, not affected by when the collector runs. The CPU row
 * also says how many actor messages a record cost (`messagesPerRecord`: every delivery to every actor).
 */
import { Session } from 'node:inspector/promises';
import { z } from 'zod';
import { defineStrategy } from '../actors/strategies/define-strategy.js';
import type { ExecutionSnapshot } from '../actors/execution/orders/execution-actor.js';
import { planWithCancels } from '../actors/execution/planner/order-planner.js';
import { parseConfig } from '../src/app/config.js';
import { spawnTradingPipeline } from '../src/app/trading-pipeline.js';
import type { MarketRecord, Trade } from '../src/model/records.js';
import type { TargetPosition } from '../src/model/signal.js';
import { createActorSystem, type ActorSystem } from '../src/runtime/actor-system.js';
import { LiveClock } from '../src/runtime/clock.js';
import type { RecordSource, SourceStats } from '../streams/record-source.js';
import { pumpSource } from '../streams/source-bridge.js';
import { decodeTrades, loadBinanceCorpus } from './binance-corpus.js';
import { interleave, quick, report, row, sampledAllocation } from './harness.js';
import { bookOrder, CASH, directParts, EXCHANGE, INSTRUMENT, INSTRUMENTS, KEY, QUOTE_PRECISION, RISK } from './core-path-setup.js';

const N = quick ? 20_000 : 100_000;
const ROUNDS = quick ? 3 : 7;
const CONFIG = parseConfig({ cash: CASH, bars: { spec: '1s' }, risk: RISK, execution: { venue: { type: 'paper', accounts: { binance: { type: 'margin' } } } } }, 'core-path cost bench');

/**
 * One more lot on every trade: the target only grows, so the planner orders one lot per trade
 * whatever is still in flight (a flipping target would wait for cancels while orders travel to the
 * venue, and most trades would make no order: not the path under test).
 */
const LOT = 0.00001;
const ramp = defineStrategy({
  name: 'bench-ramp',
  description: 'benchmark only: one more lot of target on every trade',
  params: z.object({}),
  init: () => null,
  onTrade(_s, trade, api) {
    api.target(trade.symbol, Math.round((api.currentTarget(trade.symbol) + LOT) / LOT) * LOT);
  },
});

/** `n` trades of the capture, cycled, stamped with `clock` as they are read (a live feed's records). */
function feed(base: readonly Trade[], n: number, clock: LiveClock): RecordSource {
  let made = 0;
  return {
    name: 'capture',
    stats: {} as SourceStats,
    async next() {
      if (made >= n) return null;
      const chunk: MarketRecord[] = [];
      for (let i = 0; i < 256 && made < n; i++, made++) {
        const b = base[made % base.length]!;
        const t = clock.now();
        chunk.push({ type: 'trade', exchange: b.exchange, symbol: b.symbol, ts: t, tsRecv: t, id: b.id, price: b.price, amount: b.amount, side: b.side });
      }
      return chunk;
    },
    async close() {},
  };
}

async function idle(system: ActorSystem): Promise<void> {
  for (;;) {
    await new Promise((resolve) => setImmediate(resolve));
    if (system.inspect().every((a) => a.mailboxDepth === 0)) return;
  }
}

/** Actor messages per record in the last pipeline run (every delivery to every actor). */
let messagesPerRecord = 0;

/** One pipeline run of `n` trades; returns the orders that reached execution. */
async function pipelineRun(base: readonly Trade[], n: number): Promise<number> {
  const clock = new LiveClock();
  const system = createActorSystem({ clock });
  const pipeline = spawnTradingPipeline(system, { config: CONFIG, instruments: INSTRUMENTS, quotePrecision: QUOTE_PRECISION, strategy: ramp as never, params: {}, interval: '1s', keepFills: false });
  await pumpSource(system, feed(base, n, clock));
  await idle(system);
  messagesPerRecord = system.inspect().reduce((sum, a) => sum + a.counters.received, 0) / n;
  const snapshot = await pipeline.execution.ask<ExecutionSnapshot>({ type: 'exec_snapshot' }, { timeout: 10_000_000 });
  await system.stop();
  return Object.values(snapshot.ordersByStatus).reduce((a, b) => a + b, 0);
}

/** The same decisions called directly; returns the orders made. */
function directRun(base: readonly Trade[], n: number): number {
  const { clock, guard, portfolio, market, registry, nextId } = directParts();
  let lots = 0;
  let orders = 0;
  for (let i = 0; i < n; i++) {
    const b = base[i % base.length]!;
    const t = clock.now();
    const trade: Trade = { type: 'trade', exchange: b.exchange, symbol: b.symbol, ts: t, tsRecv: t, id: b.id, price: b.price, amount: b.amount, side: b.side };
    market.observe(trade);
    portfolio.mark(KEY, trade.price);
    lots++;
    const signal: TargetPosition = { type: 'target', exchange: EXCHANGE, symbol: trade.symbol, ts: t, strategy: 'strategy', target: lots * LOT, orderType: 'market', limitPrice: undefined };
    // As if every earlier order had filled: one lot to order, as in the pipeline.
    const plan = planWithCancels(signal, lots - 1, [], INSTRUMENT, nextId);
    for (const order of plan.orders) {
      guard.check(order, { now: t, instrument: INSTRUMENT, portfolio, market: market.get(KEY) });
      bookOrder(registry, order, clock);
      orders++;
    }
  }
  return orders;
}

async function main(): Promise<void> {
  const corpus = loadBinanceCorpus('core-path cost bench', 1);
  const base = decodeTrades(corpus.texts[0]!);
  let pipelineOrders = 0;
  let directOrders = 0;
  const timings = await interleave(
    [
      { name: 'direct', run: () => directRun(base, N), check: (n) => void (directOrders = n as number) },
      { name: 'pipeline', run: () => pipelineRun(base, N), check: (n) => void (pipelineOrders = n as number) },
    ],
    ROUNDS,
    1,
  );
  const [direct, pipeline] = timings as [(typeof timings)[0], (typeof timings)[0]];
  const perRecord = (s: number) => (s / N) * 1e6;
  const spread = (t: (typeof timings)[0]) => `${perRecord(Math.min(...t.samples.map((x) => x.cpuSeconds))).toFixed(2)}–${perRecord(Math.max(...t.samples.map((x) => x.cpuSeconds))).toFixed(2)} µs`;
  console.log(`${N.toLocaleString('en-US')} trades a run; orders: pipeline ${pipelineOrders.toLocaleString('en-US')}, direct ${directOrders.toLocaleString('en-US')}`);
  console.log(`CPU per record over ${ROUNDS} rounds: pipeline ${spread(pipeline)}, direct ${spread(direct)}`);
  console.log(`actor messages per record: ${messagesPerRecord.toFixed(2)}`);
  const session = new Session();
  session.connect();
  const directBytes = (await sampledAllocation(session, () => directRun(base, N), 512)) / N;
  const pipelineBytes = (await sampledAllocation(session, () => pipelineRun(base, N), 512)) / N;
  session.disconnect();
  const cpuUs = perRecord(pipeline.medianCpuSeconds);
  const directUs = perRecord(direct.medianCpuSeconds);
  report([
    Object.assign(row('core-path CPU per record', 'us', cpuUs, directUs), { messagesPerRecord: Math.round(messagesPerRecord * 100) / 100 }),
    row('core-path allocation per record', 'bytes', pipelineBytes, directBytes),
    row('core-path capacity', 'records/s', 1e6 / cpuUs, 1e6 / directUs),
  ]);
}

await main();
