/**
 * The backtest's replay throughput: the full pipeline (replay driver on a simulated clock → bars
 * `1s` → `ema-cross` → planner → risk (quantity, position and price-band checks) → execution →
 * paper venue), wired as `runBacktest` wires it, over at least a million records of the Binance
 * spot capture (about 200,000 with `--quick`; see `binance-corpus.ts`), in records per second.
 *
 * Baseline: a hand-fused loop doing the same work in one function with the same decoder: decode
 * each line (`BinanceCaptureDecoder`), keep the L2 book from the depth snapshot and diffs (our
 * `OrderBook`, as the pipeline's book actor does: its counters are in every report), build 1 s
 * engine-time bars from trades, update the two EMAs
 * (our `EMA` class) on each bar's close, detect the crossing, check the order against the same
 * limits with plain comparisons, and fill it at the touch of the first quote after the venue
 * latency. The physical limit of this work in one thread; the target (DESIGN.md) is half of it.
 *
 * Both sides read the same in-memory text (gzip is out of both) and both split it into lines and
 * decode every line. Both must report the same records, bars, signals and book diffs applied, or the run throws: a
 * benchmark that disagrees with itself measures nothing. Orders and fills are compared too and
 * reported (the fused loop models the planner's cancels only roughly).
 *
 * Each side: a warm-up on one repeat, then rounds interleaved with the baseline (`interleave`);
 * the rows are medians of CPU time (`backtest end to end`) and of wall time, with the CPU range printed.
 */
import type { BarsStats } from '../actors/bars/bars-actor.js';
import type { ExecutionSnapshot } from '../actors/execution/orders/execution-actor.js';
import type { PlannerStats } from '../actors/execution/planner/planner-actor.js';
import { EMA } from '../actors/indicators/ema.js';
import type { RiskStats } from '../actors/risk/risk-actor.js';
import { EmaCrossParams, emaCross } from '../actors/strategies/ema-cross.js';
import { STRATEGY_STATS, type StrategyStats } from '../actors/strategies/strategy-api.js';
import { parseConfig } from '../src/app/config.js';
import { spawnTradingPipeline } from '../src/app/trading-pipeline.js';
import { createInstrument, type Instrument } from '../src/model/instrument.js';
import { instrumentKey } from '../src/model/instrument-key.js';
import type { MarketRecord } from '../src/model/records.js';
import type { ActorRef } from '../src/runtime/actor.js';
import { BACKTEST_ROOT_SUPERVISION } from '../src/app/pipeline-supervision.js';
import { OrderBook } from '../src/model/order-book.js';
import { BOOKS_STATS, type BooksStats } from '../actors/books/book-actor.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import { SimulatedClock } from '../src/runtime/clock.js';
import { replay } from '../streams/replay-driver.js';
import { BinanceCaptureDecoder } from '../streams/venues/binance/binance-capture.js';
import { CORPUS_SYMBOL, loadBinanceCorpus, memorySource } from './binance-corpus.js';
import { interleave, quick, report, row } from './harness.js';

const TARGET_RECORDS = quick ? 200_000 : 1_000_000;
const ROUNDS = quick ? 3 : 5;
const BAR_US = 1_000_000;

// One config for both sides: the fused loop reads its limits, latency and EMA periods from here.
const config = parseConfig(
  {
    bars: { spec: '1s' },
    strategy: { name: 'ema-cross' },
    instruments: [{ symbol: CORPUS_SYMBOL, exchange: 'binance', priceIncrement: '0.01', sizeIncrement: '0.00001' }],
    risk: { maxOrderQuantity: '10', maxPosition: '100', priceBand: { maxDeviation: '5%' } },
    // Whole fills at the touch, the same rule the fused loop applies, on a margin account: ema-cross
    // goes short, which Binance spot's default cash account refuses (the fused loop keeps no account).
    execution: { venue: { partialFills: false, accounts: { binance: { type: 'margin' } } } },
  },
  'backtest bench',
);
const params = EmaCrossParams.parse(config.strategy.params);
const limits = {
  maxQuantity: Number(config.risk.maxOrderQuantity),
  maxPosition: Number(config.risk.maxPosition),
  band: Number(config.risk.priceBand!.maxDeviation),
  latencyUs: config.execution.venue.latencyUs,
};

/** What each side counts; records, bars and signals must agree. */
interface Counts {
  records: number;
  /** Depth diffs applied to the L2 book. */
  bookDiffs: number;
  bars: number;
  signals: number;
  orders: number;
  approved: number;
  fills: number;
}

/** Receive time (µs) of the first line: the simulated clock's start, as `runBacktest` takes it. */
function firstTsRecv(text: Buffer): number {
  return Number(BigInt(text.toString('latin1', 0, text.indexOf(32))) / 1000n);
}

/** The full pipeline, spawned and driven as `runBacktest` does, from an in-memory source. */
async function pipeline(texts: readonly Buffer[]): Promise<Counts> {
  const spec = config.instruments[0]!;
  const instrument = createInstrument({ ...spec, source: 'config' });
  const instruments = new Map<string, Instrument>([[instrumentKey(spec.exchange ?? 'binance', spec.symbol), instrument]]);
  const quotePrecision = Math.max(2, instrument.quotePrecision);
  const clock = new SimulatedClock(firstTsRecv(texts[0]!));
  const system = createActorSystem({ clock, seed: config.seed, supervision: BACKTEST_ROOT_SUPERVISION });
  const { execution, strategy, bars, risk, planner, books } = spawnTradingPipeline(system, {
    config,
    instruments,
    quotePrecision,
    strategy: emaCross,
    params,
    interval: config.bars.spec,
    keepFills: true,
  });

  const source = memorySource(texts, config.replay.chunkSize);
  const result = await replay(system, source, { speed: 'max' });
  await source.close();
  if (result.failure !== null) throw result.failure;
  const ask = async <R>(ref: ActorRef<any>, message: unknown): Promise<R> => {
    const reply = ref.ask<R>(message, { timeout: 60_000_000 });
    system.runUntilIdle();
    return reply;
  };
  await ask(bars, { type: 'bars_flush' });
  system.runUntilIdle();
  const barsStats = await ask<BarsStats>(bars, { type: 'bars_stats' });
  const strategyStats = await ask<StrategyStats>(strategy, STRATEGY_STATS);
  const plannerStats = await ask<PlannerStats>(planner, { type: 'planner_stats' });
  const riskStats = await ask<RiskStats>(risk, { type: 'risk_stats' });
  const exec = await ask<ExecutionSnapshot>(execution, { type: 'exec_snapshot' });
  const booksStats = await ask<BooksStats>(books, BOOKS_STATS);
  await system.stop();
  return {
    records: result.records,
    bookDiffs: booksStats.books.reduce((sum, b) => sum + b.applied, 0),
    bars: barsStats.emitted,
    signals: strategyStats.signals,
    orders: plannerStats.orders,
    approved: riskStats.approved,
    fills: exec.fillCount,
  };
}

/**
 * The same work in one function. Engine time is each record's `tsRecv`; a bar [o, o + 1 s) closes
 * when the first record at or after its end arrives (or at the end of input), and its decision is
 * made at its end, as the pipeline's timer makes it. An order made at `t` reaches the venue at
 * `t + latency` and fills whole at the first quote at or after that, at the ask for a buy and the
 * bid for a sell. A new signal cancels a pending order that works against it (the planner's rule,
 * simplified to one pending order).
 */
function fused(texts: readonly Buffer[]): Counts {
  const decoder = new BinanceCaptureDecoder({ symbol: CORPUS_SYMBOL });
  const out: MarketRecord[] = [];
  const book = new OrderBook('binance', CORPUS_SYMBOL);
  const fast = new EMA(params.fast, { seed: params.seed });
  const slow = new EMA(params.slow, { seed: params.seed });
  const size = params.size;
  const { maxQuantity, maxPosition, band, latencyUs } = limits;
  let records = 0;
  let bars = 0;
  let signals = 0;
  let orders = 0;
  let approved = 0;
  let fills = 0;
  let barEnd = -1; // end of the forming bar, -1 when none
  let close = 0;
  let bid = 0;
  let ask = 0;
  let target = 0;
  let position = 0;
  let pending = 0; // signed size of the order travelling to or resting at the venue
  let arrival = 0;

  const onBar = (at: number): void => {
    bars++;
    const f = fast.update(close);
    const s = slow.update(close);
    if (f === undefined || s === undefined) return;
    const next = f > s ? size : f < s ? (params.longOnly ? 0 : -size) : target;
    if (next === target) return;
    signals++;
    target = next;
    const need = target - position;
    if (pending !== 0 && (Math.sign(pending) !== Math.sign(need) || Math.abs(pending) > Math.abs(need))) pending = 0;
    const delta = need - pending;
    if (delta === 0) return;
    orders++;
    // Risk: quantity, position after the order, price band of the expected fill against the mid.
    const mid = (bid + ask) / 2;
    const price = delta > 0 ? ask : bid;
    const after = Math.abs(position + pending + delta);
    if (Math.abs(delta) >= maxQuantity) return;
    if (after >= maxPosition && after > Math.abs(position + pending)) return;
    if (!(mid > 0) || Math.abs(price - mid) >= band * mid) return;
    approved++;
    pending += delta;
    arrival = at + latencyUs;
  };

  for (let k = 0; k < texts.length; k++) {
    const text = texts[k]!;
    const length = text.length;
    for (let start = 0; start < length; ) {
      let end = text.indexOf(10, start);
      if (end < 0) end = length;
      out.length = 0;
      decoder.decode(text, start, end, out);
      start = end + 1;
      for (let i = 0; i < out.length; i++) {
        const r = out[i]!;
        records++;
        const t = r.tsRecv;
        if (barEnd >= 0 && t >= barEnd) {
          const at = barEnd;
          barEnd = -1;
          onBar(at);
        }
        if (r.type === 'book_change') {
          book.applyChange(r);
        } else if (r.type === 'depth_snapshot') {
          book.applySnapshot(r);
        } else if (r.type === 'trade') {
          if (barEnd < 0) barEnd = t - (t % BAR_US) + BAR_US;
          close = r.price;
        } else if (r.type === 'book_ticker') {
          bid = r.bidPrice;
          ask = r.askPrice;
          if (pending !== 0 && t >= arrival && r.askAmount > 0 && r.bidAmount > 0) {
            position += pending;
            pending = 0;
            fills++;
          }
        }
      }
    }
  }
  if (barEnd >= 0) onBar(barEnd);
  return { records, bookDiffs: book.applied, bars, signals, orders, approved, fills };
}

function check(what: string, ours: Counts, theirs: Counts): void {
  for (const key of ['records', 'bookDiffs', 'bars', 'signals'] as const) {
    if (ours[key] !== theirs[key]) throw new Error(`${what}: ${key} differ: pipeline ${ours[key]}, fused loop ${theirs[key]}`);
  }
  for (const key of ['orders', 'approved', 'fills'] as const) {
    if (ours[key] !== theirs[key]) console.log(`note (${what}): ${key} differ: pipeline ${ours[key]}, fused loop ${theirs[key]}`);
  }
}

async function main(): Promise<void> {
  const corpus = loadBinanceCorpus('backtest bench', TARGET_RECORDS);
  console.log(
    `${corpus.repeats} × ${corpus.linesPerRepeat.toLocaleString('en-US')} lines = ${corpus.totalLines.toLocaleString('en-US')} records (${corpus.megabytes.toFixed(0)} MB of text in memory)`,
  );
  const warm = corpus.texts.slice(0, 1);
  check('warm-up', await pipeline(warm), fused(warm));

  // Interleaved rounds, CPU and wall medians (harness `interleave`): the fused loop's speed swings
  // by a third from one process to the next on this machine (JIT), and a best pass hid that.
  let ours: Counts | undefined;
  let theirs: Counts | undefined;
  const timings = await interleave(
    [
      { name: 'pipeline', run: () => pipeline(corpus.texts), check: (c) => void (ours = c as Counts) },
      { name: 'fused', run: () => fused(corpus.texts), check: (c) => void (theirs = c as Counts) },
    ],
    ROUNDS,
    0,
  );
  check('rounds', ours!, theirs!);
  const [p, f] = timings as [(typeof timings)[0], (typeof timings)[0]];
  const rate = (seconds: number) => corpus.totalLines / seconds;
  const range = (t: (typeof timings)[0]) => {
    const rates = t.samples.map((x) => rate(x.cpuSeconds));
    return `${Math.round(Math.min(...rates)).toLocaleString('en-US')}–${Math.round(Math.max(...rates)).toLocaleString('en-US')}`;
  };
  console.log(`CPU records/s over ${ROUNDS} rounds: pipeline ${range(p)}, fused ${range(f)}`);
  const c = ours!;
  console.log(`both sides: ${c.records} records, ${c.bookDiffs} book diffs applied, ${c.bars} bars, ${c.signals} signals; pipeline ${c.orders} orders, ${c.approved} approved, ${c.fills} fills`);
  report([
    row('backtest end to end', 'records/s', rate(p.medianCpuSeconds), rate(f.medianCpuSeconds)),
    row('backtest end to end, wall', 'records/s', rate(p.medianWallSeconds), rate(f.medianWallSeconds)),
  ]);
}

await main();
