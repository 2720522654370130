/**
 * Core-path latency on the live clock: trades of the Binance spot capture offered at a paced
 * 10,000 and 50,000 per second through the whole pipeline (bars `1s`, the `bench-every-trade`
 * strategy, planner, risk with quantity, position and price-band checks, execution, paper venue)
 * on `createActorSystem()`'s default `LiveClock` and live dispatcher. Latency runs from each
 * record's scheduled time to the risk verdict and to the execution actor's receive of the order;
 * p50 / p99 / p99.9 / max in µs with hdr-histogram-js. Target (DESIGN.md): p99 under 100 µs and
 * p99.9 under 1 ms at 50,000 per second.
 *
 * Pacing. Record `i` is due at `t0 + i / rate` (its `tsRecv` is that instant on the engine clock)
 * and is offered when due: the loop spins on `performance.now()` while the next record is close,
 * and yields to the event loop (`setImmediate`) while it is far or at least once a millisecond, so
 * the system's OS timers (venue latency, bar closes) fire as they would in a daemon. After each
 * offer it yields one microtask, which lets the dispatcher's drain run first. Records are never
 * sent in bursts to catch up: a late loop shows up as latency, as it would for a live feed.
 *
 * Measuring inside the actors without touching them: the strategy, planner, risk and execution
 * are spawned from wrapper definitions (the originals spread, `receive`/`init` wrapped). The
 * scheduled time sits in a side table keyed by the record object; the strategy wrapper carries it
 * to the `TargetPosition` it publishes, the planner wrapper to the `NewOrder` it sends; risk
 * records `performance.now()` after its `receive` of the order returns (the verdict is sent), and
 * execution when its `receive` starts. A trade whose target leaves nothing to order (the position
 * already equals it after a fill) yields a decision but no order, and no sample; the coverage is
 * printed.
 *
 * Baseline: the same decision logic called directly, in the same paced loop: market snapshot and
 * mark, the strategy's flip, `planWithCancels`, `RiskGuard.check`, then the order registry's create
 * and submit (and a reject, so no order stays open: `bookOrder`), with the same stamps taken at the
 * same points.
 *
 * Capacity row: the same runs with every record due at once (the loop never waits), in records
 * per second from the first offer to the last order reaching execution. A paced rate above it has
 * no steady state: latency then grows with the length of the run, and the rows say so.
 */
import { build, type Histogram } from 'hdr-histogram-js';
import { barsActor } from '../actors/bars/bars-actor.js';
import { executionActor } from '../actors/execution/orders/execution-actor.js';
import type { OrderRequest } from '../actors/execution/execution-messages.js';
import { planWithCancels } from '../actors/execution/planner/order-planner.js';
import { paperVenueActor } from '../actors/execution/venues/paper/paper-venue-actor.js';
import { plannerActor } from '../actors/execution/planner/planner-actor.js';
import { riskActor, type RiskStats } from '../actors/risk/risk-actor.js';
import { parseRiskConfig } from '../actors/risk/risk-config.js';
import { benchEveryTrade } from '../actors/strategies/bench-every-trade.js';
import type { NewOrder } from '../src/model/order.js';
import type { Trade } from '../src/model/records.js';
import type { TargetPosition } from '../src/model/signal.js';
import type { ActorContext, ActorDefinition, ActorRef } from '../src/runtime/actor.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import { CORPUS_SYMBOL, decodeTrades, loadBinanceCorpus } from './binance-corpus.js';
import { quick, report, row, type BenchRow } from './harness.js';
import { bookOrder, CASH, directParts, EXCHANGE, INSTRUMENT, INSTRUMENTS, KEY, QUOTE_PRECISION, RISK } from './core-path-setup.js';

const RATES = [10_000, 50_000];
/** A paced rate in records per second, or `max`: everything due at once. */
type Rate = number | 'max';
/** Records of the capacity run: as many as the 50k/s run offers. */
const CAPACITY_RATE = 50_000;
const SECONDS = quick ? 1 : 3;
const WARM_SECONDS = quick ? 0.5 : 1;
const TOPIC = `md.${EXCHANGE}.${CORPUS_SYMBOL}.trade`;
/** Yield to the event loop while the next record is at least this far off (ms). */
const FAR_MS = 0.25;
/** ...and at least this often (ms), so OS timers fire even at full load. */
const MAX_BUSY_MS = 1;


/** Latencies of one run (ns), and when its first record was offered and its last order reached execution (ms). */
interface Run {
  readonly toRisk: Histogram;
  readonly toExecution: Histogram;
  readonly offerLateness: Histogram;
  readonly offered: number;
  refusals: number;
  firstOfferAt: number;
  lastExecutionAt: number;
  note: string;
}

function histogram(): Histogram {
  return build({ lowestDiscernibleValue: 1, highestTrackableValue: 60e9, numberOfSignificantValueDigits: 3 });
}

function newRun(offered: number): Run {
  return { toRisk: histogram(), toExecution: histogram(), offerLateness: histogram(), offered, refusals: 0, firstOfferAt: 0, lastExecutionAt: 0, note: '' };
}

function ns(fromMs: number, toMs: number): number {
  return Math.max(1, Math.round((toMs - fromMs) * 1e6));
}

/**
 * `n` trades of the capture, cycled, each re-stamped with its due time on the engine clock. Called
 * once everything is spawned; the first record is due a little after the last one is built. At
 * rate `max` every record is due at once (the capacity run: the loop never waits).
 */
function schedule(base: readonly Trade[], n: number, rate: Rate): { trades: Trade[]; due: Float64Array } {
  const originUs = performance.timeOrigin * 1000;
  const trades = new Array<Trade>(n);
  const due = new Float64Array(n);
  const t0 = performance.now() + 20 + n / 5_000; // ms: building takes well under 1 ms per 5,000 records
  for (let i = 0; i < n; i++) {
    const b = base[i % base.length]!;
    due[i] = rate === 'max' ? t0 : t0 + (i * 1000) / rate;
    const us = Math.floor(originUs + due[i]! * 1000);
    // Fields in the decoder's order, so these records share its hidden class.
    trades[i] = { type: 'trade', exchange: b.exchange, symbol: b.symbol, ts: us, tsRecv: us, id: b.id, price: b.price, amount: b.amount, side: b.side };
  }
  return { trades, due };
}

const macrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Offers record `i` at `due[i]` (see the file comment). `offer` returns false when refused
 * (admission control); the loop then waits for `room()` and counts the refusal.
 */
async function paced(due: Float64Array, run: Run, offer: (i: number) => boolean, room: () => Promise<void>): Promise<void> {
  let lastYield = performance.now();
  for (let i = 0; i < due.length; i++) {
    const at = due[i]!;
    for (let now = performance.now(); now < at; now = performance.now()) {
      if (at - now >= FAR_MS || now - lastYield >= MAX_BUSY_MS) {
        await macrotask();
        lastYield = performance.now();
      }
    }
    const offeredAt = performance.now();
    if (i === 0) run.firstOfferAt = offeredAt;
    run.offerLateness.recordValue(ns(at, offeredAt));
    while (!offer(i)) {
      run.refusals++;
      await room();
    }
    await null; // the dispatcher's drain (a microtask queued by the offer) runs before we go on
    if (performance.now() - lastYield >= MAX_BUSY_MS) {
      await macrotask();
      lastYield = performance.now();
    }
  }
}

/** An `ActorContext` that reports what goes through `send` and `publish`, then delegates. */
class WatchedContext implements ActorContext<any> {
  constructor(
    private readonly inner: ActorContext<any>,
    private readonly onOut: (message: unknown) => void,
  ) {}
  get self(): ActorRef<any> {
    return this.inner.self;
  }
  get asker(): ActorRef<unknown> | undefined {
    return this.inner.asker;
  }
  get clock(): ActorContext<any>['clock'] {
    return this.inner.clock;
  }
  get random(): ActorContext<any>['random'] {
    return this.inner.random;
  }
  get log(): ActorContext<any>['log'] {
    return this.inner.log;
  }
  send<T>(to: ActorRef<T>, message: T): void {
    this.onOut(message);
    this.inner.send(to, message);
  }
  reply(message: unknown): void {
    this.inner.reply(message);
  }
  publish(topic: string, message: unknown): void {
    this.onOut(message);
    this.inner.publish(topic, message);
  }
  subscribe(prefix: string): void {
    this.inner.subscribe(prefix);
  }
  unsubscribe(prefix: string): void {
    this.inner.unsubscribe(prefix);
  }
  spawn: ActorContext<any>['spawn'] = (definition, options) => this.inner.spawn(definition, options);
  stop(ref?: ActorRef<never>): void {
    this.inner.stop(ref);
  }
  pipe: ActorContext<any>['pipe'] = (promise, toMessage) => this.inner.pipe(promise, toMessage);
}

type AnyDefinition = ActorDefinition<any, any, any>;

/** The whole pipeline on the live clock, with the stamping wrappers; `due` keyed by record. */
async function pipelineRun(base: readonly Trade[], n: number, rate: Rate): Promise<Run> {
  const run = newRun(n);
  const scheduled = new Map<Trade, number>();
  const targetDue = new Map<TargetPosition, number>();
  const orderDue = new Map<NewOrder, number>();
  let handling: number | undefined; // due time of the trade the strategy is handling
  let planning: number | undefined; // due time behind the target the planner is handling

  const strategy: AnyDefinition = {
    ...benchEveryTrade,
    // The runner keeps the context it is built with and publishes through it.
    init: (config, ctx) =>
      benchEveryTrade.init(
        config,
        new WatchedContext(ctx, (m) => {
          if (handling !== undefined && (m as TargetPosition).type === 'target') targetDue.set(m as TargetPosition, handling);
        }),
      ),
    receive: (runner, message, ctx) => {
      if (message.type === 'trade') {
        handling = scheduled.get(message);
        scheduled.delete(message);
      } else handling = undefined;
      return benchEveryTrade.receive(runner, message, ctx);
    },
  };
  let plannerCtx: WatchedContext | undefined;
  const planner: AnyDefinition = {
    ...plannerActor,
    receive: (state, message, ctx) => {
      if (message.type === 'target') {
        planning = targetDue.get(message);
        targetDue.delete(message);
      } else planning = undefined;
      plannerCtx ??= new WatchedContext(ctx, (m) => {
        if (planning !== undefined && (m as OrderRequest).type === 'order_request') orderDue.set((m as OrderRequest).order, planning);
      });
      return plannerActor.receive(state, message, plannerCtx);
    },
  };
  const risk: AnyDefinition = {
    ...riskActor,
    receive: (state, message, ctx) => {
      const next = riskActor.receive(state, message, ctx);
      if (message.type === 'order_request') {
        const at = orderDue.get(message.order);
        if (at !== undefined) run.toRisk.recordValue(ns(at, performance.now()));
      }
      return next;
    },
  };
  const execution: AnyDefinition = {
    ...executionActor,
    receive: (state, message, ctx) => {
      if (message.type === 'order_request' || message.type === 'order_denied') {
        const at = orderDue.get(message.order);
        if (at !== undefined) {
          const now = performance.now();
          run.toExecution.recordValue(ns(at, now));
          run.lastExecutionAt = now;
          orderDue.delete(message.order);
        }
      }
      return executionActor.receive(state, message, ctx);
    },
  };

  const system = createActorSystem();
  const venueRef = system.spawn(paperVenueActor, { config: { venue: {}, instruments: INSTRUMENTS, quotePrecision: QUOTE_PRECISION } });
  const executionRef = system.spawn(execution, {
    config: {
      instruments: INSTRUMENTS,
      quotePrecision: QUOTE_PRECISION,
      initialCash: CASH,
      approval: 'auto',
      approvalTimeoutUs: 60_000_000,
      venue: venueRef as ActorRef<never>,
      venueTopic: 'venue.paper',
      keepFills: false,
    },
  });
  const riskRef = system.spawn(risk, {
    config: { risk: parseRiskConfig(RISK), instruments: INSTRUMENTS, quotePrecision: QUOTE_PRECISION, initialCash: CASH, execution: executionRef as ActorRef<never> },
  });
  system.spawn(planner, { config: { instruments: INSTRUMENTS, risk: riskRef as ActorRef<never> } });
  system.spawn(strategy, { name: 'strategy', config: { exchange: EXCHANGE, symbols: [CORPUS_SYMBOL] } });
  system.spawn(barsActor, { config: { spec: '1s' } });

  const { trades, due } = schedule(base, n, rate);
  for (let i = 0; i < n; i++) scheduled.set(trades[i]!, due[i]!);
  await paced(due, run, (i) => system.offer(TOPIC, trades[i]), () => system.whenRoom());
  await new Promise((resolve) => setTimeout(resolve, 20)); // venue latency timers, last drains
  const stats = await riskRef.ask<RiskStats>({ type: 'risk_stats' });
  const denied = Object.values(stats.denials).reduce((a, b) => a + b, 0);
  run.note = `${stats.approved} approved, ${denied} denied`;
  await system.stop();
  return run;
}

/** The same decisions called directly, in the same paced loop. */
async function directRun(base: readonly Trade[], n: number, rate: Rate): Promise<Run> {
  const run = newRun(n);
  const { clock, guard, portfolio, market, registry, nextId } = directParts();
  const size = 1;
  let target = 0;
  let approved = 0;
  const { trades, due } = schedule(base, n, rate);
  const decide = (i: number): boolean => {
    const trade = trades[i]!;
    const at = due[i]!;
    market.observe(trade);
    portfolio.mark(KEY, trade.price);
    target = target > 0 ? -size : size;
    const engineNow = clock.now();
    const t: TargetPosition = { type: 'target', exchange: trade.exchange, symbol: trade.symbol, ts: engineNow, strategy: 'strategy', target, orderType: 'market', limitPrice: undefined };
    // No venue here: the position stays flat and nothing stays open, so every trade is one order.
    const plan = planWithCancels(t, 0, [], INSTRUMENT, nextId);
    for (const order of plan.orders) {
      const verdict = guard.check(order, { now: engineNow, instrument: INSTRUMENT, portfolio, market: market.get(KEY) });
      run.toRisk.recordValue(ns(at, performance.now()));
      if (verdict.ok) approved++;
      const reached = performance.now();
      run.toExecution.recordValue(ns(at, reached));
      run.lastExecutionAt = reached;
      bookOrder(registry, order, clock);
    }
    return true;
  };
  await paced(due, run, decide, () => Promise.resolve());
  run.note = `${approved} approved`;
  return run;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function measure(base: readonly Trade[], rate: Rate, seconds: number, direct: boolean): Promise<Run> {
  gc();
  const n = Math.round((rate === 'max' ? CAPACITY_RATE : rate) * seconds);
  return direct ? directRun(base, n, rate) : pipelineRun(base, n, rate);
}

const us = (h: Histogram, p: number): number => (p === 100 ? h.maxValue : h.getValueAtPercentile(p)) / 1000;

function describe(label: string, run: Run): void {
  const f = (h: Histogram) => `p50 ${us(h, 50).toFixed(1)} p99 ${us(h, 99).toFixed(1)} p99.9 ${us(h, 99.9).toFixed(1)} max ${us(h, 100).toFixed(0)} µs (n=${h.totalCount})`;
  console.log(`${label}: ${run.offered} offered, ${run.refusals} refused, ${run.note}`);
  console.log(`  offer lateness ${f(run.offerLateness)}`);
  console.log(`  to risk        ${f(run.toRisk)}`);
  console.log(`  to execution   ${f(run.toExecution)}`);
}

async function main(): Promise<void> {
  const corpus = loadBinanceCorpus('core-path bench', 1);
  const base = decodeTrades(corpus.texts[0]!);
  console.log(`${base.length.toLocaleString('en-US')} trades of the capture, cycled; ${SECONDS} s per rate after ${WARM_SECONDS} s of warm-up`);
  const rows: BenchRow[] = [];
  // Capacity first (it warms everything up too): how many records per second the live pipeline
  // takes when nothing waits; above it, paced latency grows without bound.
  const capacity = (r: Run): number => r.offered / ((r.lastExecutionAt - r.firstOfferAt) / 1000);
  await measure(base, 'max', WARM_SECONDS, false);
  await measure(base, 'max', WARM_SECONDS, true);
  const ourCapacity = capacity(await measure(base, 'max', SECONDS, false));
  const directCapacity = capacity(await measure(base, 'max', SECONDS, true));
  console.log(`capacity (unpaced): pipeline ${Math.round(ourCapacity).toLocaleString('en-US')} records/s, direct ${Math.round(directCapacity).toLocaleString('en-US')} records/s`);
  rows.push(row('core-path capacity (live, unpaced)', 'records/s', ourCapacity, directCapacity));
  for (const rate of RATES) {
    await measure(base, rate, WARM_SECONDS, false);
    await measure(base, rate, WARM_SECONDS, true);
    const ours = await measure(base, rate, SECONDS, false);
    const direct = await measure(base, rate, SECONDS, true);
    const k = `${rate / 1000}k/s`;
    describe(`pipeline @${k}`, ours);
    describe(`direct   @${k}`, direct);
    for (const [stage, pick] of [
      ['to risk', (r: Run) => r.toRisk],
      ['to execution', (r: Run) => r.toExecution],
    ] as const) {
      for (const [label, p] of [
        ['p50', 50],
        ['p99', 99],
        ['p99.9', 99.9],
        ['max', 100],
      ] as const) {
        rows.push(row(`core-path ${label} @${k} (${stage})`, 'µs', us(pick(ours), p), us(pick(direct), p)));
      }
    }
  }
  report(rows);
}

await main();
