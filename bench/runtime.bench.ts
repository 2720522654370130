/**
 * Runtime throughput: N messages (1,000,000; 200,000 with `--quick`) through a chain of 4 actors
 * with backpressure mailboxes of capacity 1024 (three stages each add 1 and `ctx.send` to the next;
 * the sink sums `m + 1`), beside three baselines doing the same arithmetic:
 *   (a) `ringBaseline`: 4 stages of preallocated ring buffers drained in a loop once per microtask,
 *       frozen (never edited) so ratios over it compare across versions;
 *   (c) `tightRing`: the same algorithm driven the same way, written as tightly as we can (indices
 *       and the sum in locals, no per-element typed-array or closure state), about 1.8x (a);
 *   (b) an RxJS Subject piped through 4 maps.
 * The chain's actors define `receiveBatch` (the hot-actor path the runtime offers); the same chain
 * with `receive` alone is measured too (the "receive per message" rows).
 * The runtime runs on the live dispatcher (a source offering under admission control, awaiting
 * `whenRoom()` when refused) and on the simulated one (driven synchronously by `runUntilIdle()`, as
 * a backtest runs it). One more row runs the simulated chain with sampled tracing on (a trace sink,
 * one offer in `TRACE_EVERY` traced through the four actors, as the daemon's `metrics.traceEvery`
 * does), beside the same chain untraced: the ratio is what tracing costs.
 *
 * Method: all contenders run in one process, interleaved in rounds (`interleave` in harness.ts):
 * 3 warm-up rounds, then 7 measured rounds (5 with `--quick`), each round running every contender
 * once in the same order. Each run is timed on process CPU time (user + system) and on wall time;
 * rows report medians over the rounds, as throughput in M msg/s. CPU time is the headline because
 * the machine is shared: wall time also counts time other processes held the cores. Every run's
 * sum is checked against the expected sum, and a mismatch aborts the benchmark. After the table,
 * one line per contender lists its per-round figures so the spread is visible.
 *
 * Live drain (issue 13; `liveDrainRows`): one message offered from outside, then drained, `DRAINS`
 * times (the daemon's common case: one socket frame, one record, one drain), beside a FROZEN model
 * of the scheduling the dispatcher used before (`queueMicrotask` per drain, a ready array emptied
 * with `length = 0`). Each iteration is `offer; await null`: the drain, queued first, runs before
 * the loop resumes. Two rows, each from interleaved rounds (a subject that receives on the sender's
 * stack, the runtime, the model) with medians:
 *   - `live drain allocation`: bytes per drain from V8's sampling heap profiler (32-byte interval,
 *     objects already collected included, so the collector's timing does not matter), minus the
 *     same loop's bytes with the receiving subject (`await null` and the timestamp allocate too);
 *   - `live drain latency p50`: from just before the offer to the start of `receive`, per
 *     iteration (`performance.now()`), the round's p50, profiler off. The timing's own cost is the
 *     p50 printed for the subject that receives on the sender's stack (not subtracted).
 * This file is past 300 lines: the rows belong to the runtime's bench, and its helpers are here
 * because the bench harness is shared by every benchmark.
 */
import { Session } from 'node:inspector/promises';
import { Subject, map } from 'rxjs';
import { defineActor, type ActorContext, type ActorRef } from '../src/runtime/actor.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import { SimulatedClock } from '../src/runtime/clock.js';
import { Trace, type TraceSink } from '../src/runtime/trace.js';
import { interleave, median, quick, report, row, sampledAllocation, type BenchRow, type ContenderTimings } from './harness.js';

const N = quick ? 200_000 : 1_000_000;
const CAPACITY = 1024;
const ROUNDS = quick ? 5 : 7;
const WARMUP = 3;
const expectedSum = (N * (N - 1)) / 2 + 4 * N;
/** One offer in this many is traced in the tracing row (the daemon's default `metrics.traceEvery`). */
const TRACE_EVERY = 1000;

/**
 * (a) Four stages of preallocated ring buffers, drained in a loop once per microtask.
 * FROZEN: this body must not change (not even to make it faster), so that the runtime's ratio over
 * (a) stays comparable across versions of this file and of the runtime. Tighter code goes in (c).
 */
async function ringBaseline(): Promise<number> {
  const size = CAPACITY;
  const mask = size - 1;
  const rings = [new Float64Array(size), new Float64Array(size), new Float64Array(size), new Float64Array(size)];
  const heads = new Int32Array(4);
  const tails = new Int32Array(4);
  let sum = 0;
  let produced = 0;
  return new Promise((resolve) => {
    const step = (): void => {
      // Fill stage 0 up to capacity, then push everything through stages 1..3 and the sink.
      const r0 = rings[0]!;
      while (produced < N && tails[0]! - heads[0]! < size) r0[tails[0]!++ & mask] = produced++;
      for (let s = 0; s < 3; s++) {
        const from = rings[s]!;
        const to = rings[s + 1]!;
        let h = heads[s]!;
        const t = tails[s]!;
        let tt = tails[s + 1]!;
        while (h < t) to[tt++ & mask] = from[h++ & mask]! + 1;
        heads[s] = h;
        tails[s + 1] = tt;
      }
      const last = rings[3]!;
      let h = heads[3]!;
      const t = tails[3]!;
      while (h < t) sum += last[h++ & mask]! + 1;
      heads[3] = h;
      if (produced < N) queueMicrotask(step);
      else resolve(sum);
    };
    queueMicrotask(step);
  });
}

/**
 * (c) The algorithm of (a), driven once per microtask the same way, written tightly: one
 * Float64Array per stage allocated once, indices and the sink's sum in local numbers. Every step
 * fills stage 0 with up to `CAPACITY` messages and drains every ring, so each ring is empty when a
 * step starts: its head is 0 and its tail is the batch size `n`, nothing wraps and no mask is
 * needed, which lets V8 drop the bounds checks (measured: about 1.8x faster than (a)).
 */
function tightRing(): Promise<number> {
  const size = CAPACITY;
  const r0 = new Float64Array(size);
  const r1 = new Float64Array(size);
  const r2 = new Float64Array(size);
  const r3 = new Float64Array(size);
  let sum = 0;
  let produced = 0;
  return new Promise((resolve) => {
    const step = (): void => {
      const p = produced;
      const n = Math.min(size, N - p);
      for (let i = 0; i < n; i++) r0[i] = p + i;
      for (let i = 0; i < n; i++) r1[i] = r0[i]! + 1;
      for (let i = 0; i < n; i++) r2[i] = r1[i]! + 1;
      for (let i = 0; i < n; i++) r3[i] = r2[i]! + 1;
      let s = sum;
      for (let i = 0; i < n; i++) s += r3[i]! + 1;
      sum = s;
      produced = p + n;
      if (produced < N) queueMicrotask(step);
      else resolve(s);
    };
    queueMicrotask(step);
  });
}

/** (b) An RxJS Subject through four maps. */
function rxjsBaseline(): number {
  let sum = 0;
  const subject = new Subject<number>();
  subject
    .pipe(
      map((x) => x + 1),
      map((x) => x + 1),
      map((x) => x + 1),
      map((x) => x + 1),
    )
    .subscribe((x) => (sum += x));
  for (let i = 0; i < N; i++) subject.next(i);
  subject.complete();
  return sum;
}

/**
 * The chain. `batched` gives each actor a `receiveBatch` (the hot-actor path: one call per
 * contiguous mailbox slice) besides its `receive`; without it every message is one `receive` call.
 */
function chain(system: ReturnType<typeof createActorSystem>, onDone: (sum: number) => void, batched: boolean): ActorRef<number> {
  const sink = system.spawn(
    defineActor<void, { sum: number; n: number }, number>({
      name: 'sink',
      init: () => ({ sum: 0, n: 0 }),
      receive: (s, m) => {
        s.sum += m + 1;
        if (++s.n === N) onDone(s.sum);
        return s;
      },
      ...(batched
        ? {
            receiveBatch: (s: { sum: number; n: number }, ms: readonly number[], from: number, to: number) => {
              let sum = s.sum;
              for (let i = from; i < to; i++) sum += ms[i]! + 1;
              s.sum = sum;
              s.n += to - from;
              if (s.n === N) onDone(s.sum);
              return s;
            },
          }
        : {}),
    }),
    { mailbox: { capacity: CAPACITY, overflow: 'backpressure' } },
  );
  let next: ActorRef<number> = sink;
  for (let i = 3; i >= 1; i--) {
    const to = next;
    next = system.spawn(
      defineActor<void, null, number>({
        name: `stage${i}`,
        init: () => null,
        receive: (s, m, ctx) => {
          ctx.send(to, m + 1);
          return s;
        },
        ...(batched
          ? {
              receiveBatch: (s: null, ms: readonly number[], from: number, end: number, ctx: ActorContext<number>) => {
                for (let i = from; i < end; i++) ctx.send(to, ms[i]! + 1);
                return s;
              },
            }
          : {}),
      }),
      { mailbox: { capacity: CAPACITY, overflow: 'backpressure' } },
    );
  }
  return next;
}

async function runtimeLive(batched: boolean): Promise<number> {
  const system = createActorSystem();
  let finished!: (sum: number) => void;
  const done = new Promise<number>((resolve) => (finished = resolve));
  const head = chain(system, (sum) => finished(sum), batched);
  for (let i = 0; i < N; i++) {
    while (!system.offer(head as never, i)) {
      // A stopped or failed system refuses forever and `whenRoom()` resolves at once: do not spin.
      if (!system.isAccepting) throw new Error(`runtime live: system stopped accepting after ${i} of ${N} offers`);
      await system.whenRoom();
    }
  }
  const sum = await done;
  await system.stop();
  return sum;
}

function runtimeSimulated(batched: boolean): number {
  const system = createActorSystem({ clock: new SimulatedClock(0) });
  let result = 0;
  const head = chain(system, (sum) => (result = sum), batched);
  for (let i = 0; i < N; i++) {
    if (!system.offer(head as never, i)) {
      system.runUntilIdle();
      // Once idle every mailbox is empty, so a second refusal means the system is broken: fail, not loop.
      if (!system.offer(head as never, i)) throw new Error(`runtime simulated: offer ${i} refused after runUntilIdle()`);
    }
  }
  system.runUntilIdle();
  return result;
}

/** `runtimeSimulated(true)` with a trace sink and one offer in `TRACE_EVERY` traced; checks every hop arrived. */
function runtimeSimulatedTraced(): number {
  let hops = 0;
  const sink: TraceSink = { hop: () => void hops++ };
  const system = createActorSystem({ clock: new SimulatedClock(0), traceSink: sink });
  let result = 0;
  const head = chain(system, (sum) => (result = sum), true);
  const offer = (i: number): boolean => (i % TRACE_EVERY === 0 ? system.offerTraced(head as never, i, new Trace(i, 0)) : system.offer(head as never, i));
  for (let i = 0; i < N; i++) {
    if (!offer(i)) {
      system.runUntilIdle();
      if (!offer(i)) throw new Error(`runtime simulated traced: offer ${i} refused after runUntilIdle()`);
    }
  }
  system.runUntilIdle();
  if (hops !== 4 * Math.ceil(N / TRACE_EVERY)) throw new Error(`runtime simulated traced: ${hops} hops, expected ${4 * Math.ceil(N / TRACE_EVERY)}`);
  return result;
}

const DRAINS = quick ? 10_000 : 50_000;
const DRAIN_ROUNDS = quick ? 5 : 9;
/** Latency rounds are short (a few ms each) and noisier: more of them. */
const LATENCY_ROUNDS = quick ? 21 : 41;

/** A sender and receiver of one message per drain; `received[i]` is when message `i` was received. */
interface DrainSubject {
  send(i: number): void;
  readonly received: Float64Array;
}

/**
 * FROZEN: the live scheduling before issue 13, reduced to what it did per drain: the receiving cell
 * pushed to a ready array that each drain empties with `length = 0` (which drops its storage), the
 * drain queued with `queueMicrotask`. The cell's inbox is a preallocated array (the runtime's
 * mailbox is a ring, which allocates nothing per message). Never edit it: it is the baseline of the
 * live drain rows.
 */
class QueueMicrotaskScheduling implements DrainSubject {
  readonly received = new Float64Array(DRAINS);
  private readonly ready: { queued: number }[] = [];
  private readonly cell = { queued: 0 };
  private readonly inbox: number[] = new Array<number>(1024).fill(0);
  private scheduled = false;

  send(i: number): void {
    this.inbox[this.cell.queued++] = i;
    if (this.cell.queued === 1) this.ready.push(this.cell);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.drain);
    }
  }

  private readonly drain = (): void => {
    this.scheduled = false;
    for (let c = 0; c < this.ready.length; c++) {
      const cell = this.ready[c]!;
      for (let k = 0; k < cell.queued; k++) this.received[this.inbox[k]!] = performance.now();
      cell.queued = 0;
    }
    this.ready.length = 0;
  };
}

/** The runtime: a live system with one actor, offered to from outside. */
function runtimeDrains(): DrainSubject & { system: ReturnType<typeof createActorSystem> } {
  const system = createActorSystem();
  const received = new Float64Array(DRAINS);
  const sink = system.spawn(defineActor<void, null, number>({ name: 'drain-sink', init: () => null, receive: (s, m) => ((received[m] = performance.now()), s) }));
  return {
    system,
    received,
    send: (i) => {
      if (!system.offer(sink as never, i)) throw new Error(`live drain: offer ${i} refused`);
    },
  };
}

/** Receives on the sender's stack, scheduling nothing: what the loop and the timestamp cost alone. */
class SyncReceive implements DrainSubject {
  readonly received = new Float64Array(DRAINS);

  send(i: number): void {
    this.received[i] = performance.now();
  }
}

/** `DRAINS` iterations of send-then-await; fills `latency` (ms); checks every message arrived. */
async function drainLoop(subject: DrainSubject, latency: Float64Array): Promise<void> {
  const received = subject.received;
  received.fill(NaN);
  for (let i = 0; i < DRAINS; i++) {
    const t0 = performance.now();
    subject.send(i);
    await null;
    latency[i] = received[i]! - t0;
  }
  if (!received.every((t) => t >= 0)) throw new Error('live drain: a message was not received before the loop resumed');
}

/** Sampled bytes allocated while `run` runs (objects already collected included). */
/** The live drain rows (see the file comment), with their per-round figures printed. */
async function liveDrainRows(): Promise<BenchRow[]> {
  const runtime = runtimeDrains();
  const subjects: [string, DrainSubject][] = [
    ["no scheduling (receive on the sender's stack)", new SyncReceive()],
    ['runtime', runtime],
    ['queueMicrotask model (frozen)', new QueueMicrotaskScheduling()],
  ];
  const bytes = subjects.map(() => [] as number[]);
  const p50 = subjects.map(() => [] as number[]);
  const latency = new Float64Array(DRAINS);
  // Latency rounds first, before the profiler ever runs: interleaved with profiled runs, the
  // model's p50 moved between about 170 and 330 ns from round to round (measured).
  for (let r = 0; r < WARMUP + LATENCY_ROUNDS; r++) {
    for (let i = 0; i < subjects.length; i++) {
      await drainLoop(subjects[i]![1], latency);
      if (r >= WARMUP) p50[i]!.push(median(Array.from(latency)) * 1e6);
    }
  }
  const session = new Session();
  session.connect();
  for (let r = 0; r < DRAIN_ROUNDS; r++) {
    for (let i = 0; i < subjects.length; i++) bytes[i]!.push(await sampledAllocation(session, () => drainLoop(subjects[i]![1], latency), 32));
  }
  session.disconnect();
  await runtime.system.stop();
  const perDrain = (i: number) => (median(bytes[i]!) - median(bytes[0]!)) / DRAINS;
  console.log(`\nlive drain (${DRAINS.toLocaleString('en-US')} drains a round; latency: ${LATENCY_ROUNDS} rounds after ${WARMUP} warm-up; bytes: ${DRAIN_ROUNDS} rounds after those):`);
  for (let i = 0; i < subjects.length; i++) {
    const lat = p50[i]!.map((x) => x.toFixed(0)).join(' ');
    console.log(`${subjects[i]![0]}: bytes per iteration [${bytes[i]!.map((x) => (x / DRAINS).toFixed(1)).join(' ')}]  p50 ns [${lat}]`);
  }
  return [row('live drain allocation', 'bytes', perDrain(1), perDrain(2)), row('live drain latency p50, send from outside to receive', 'ns', median(p50[1]!), median(p50[2]!))];
}

function checkSum(name: string): (result: unknown) => void {
  return (result) => {
    if (result !== expectedSum) throw new Error(`${name}: sum ${String(result)} != ${expectedSum}`);
  };
}

const RING = 'ring-buffer baseline (a)';
const TIGHT = 'tight ring baseline (c)';
const RX = 'rxjs Subject + 4 maps';
const LIVE = 'runtime 4-actor chain (live dispatcher)';
const SIM = 'runtime 4-actor chain (simulated dispatcher)';
const LIVE_PM = 'runtime 4-actor chain, receive per message (live dispatcher)';
const SIM_PM = 'runtime 4-actor chain, receive per message (simulated dispatcher)';
const SIM_TRACED = `runtime 4-actor chain, 1 in ${TRACE_EVERY} traced (simulated) vs untraced`;

function perRound(t: ContenderTimings): string {
  const ms = (xs: readonly number[]) => xs.map((x) => (x * 1000).toFixed(1)).join(' ');
  const cpu = ms(t.samples.map((s) => s.cpuSeconds));
  const wall = ms(t.samples.map((s) => s.wallSeconds));
  return `${t.name}: cpu ms [${cpu}]  wall ms [${wall}]`;
}

async function main(): Promise<void> {
  const contenders = [
    { name: RING, run: ringBaseline },
    { name: TIGHT, run: tightRing },
    { name: RX, run: rxjsBaseline },
    { name: LIVE, run: () => runtimeLive(true) },
    { name: SIM, run: () => runtimeSimulated(true) },
    { name: LIVE_PM, run: () => runtimeLive(false) },
    { name: SIM_PM, run: () => runtimeSimulated(false) },
    { name: SIM_TRACED, run: runtimeSimulatedTraced },
  ].map((c) => ({ ...c, check: checkSum(c.name) }));
  const timings = await interleave(contenders, ROUNDS, WARMUP);
  const byName = new Map(timings.map((t) => [t.name, t]));
  const drainRows = await liveDrainRows();
  const cpuRate = (name: string) => N / byName.get(name)!.medianCpuSeconds / 1e6;
  const wallRate = (name: string) => N / byName.get(name)!.medianWallSeconds / 1e6;
  report([
    row(LIVE, 'M msg/s', cpuRate(LIVE), cpuRate(RING)),
    row(SIM, 'M msg/s', cpuRate(SIM), cpuRate(RING)),
    row(`${LIVE} vs tight ring (c)`, 'M msg/s', cpuRate(LIVE), cpuRate(TIGHT)),
    row(`${SIM} vs tight ring (c)`, 'M msg/s', cpuRate(SIM), cpuRate(TIGHT)),
    row(`${LIVE}, wall`, 'M msg/s', wallRate(LIVE), wallRate(RING)),
    row(`${SIM}, wall`, 'M msg/s', wallRate(SIM), wallRate(RING)),
    row(LIVE_PM, 'M msg/s', cpuRate(LIVE_PM), cpuRate(RING)),
    row(SIM_PM, 'M msg/s', cpuRate(SIM_PM), cpuRate(RING)),
    row(SIM_TRACED, 'M msg/s', cpuRate(SIM_TRACED), cpuRate(SIM)),
    row(RX, 'M msg/s', cpuRate(RX), cpuRate(RING)),
    row(RING, 'M msg/s', cpuRate(RING), cpuRate(RING)),
    row(TIGHT, 'M msg/s', cpuRate(TIGHT), cpuRate(RING)),
    ...drainRows,
  ]);
  console.log(`\nper round (${ROUNDS} rounds after ${WARMUP} warm-up, N = ${N.toLocaleString('en-US')}; rows above are medians):`);
  for (const t of timings) console.log(perRound(t));
  console.log('target: runtime chain >= 0.6 of (a) on CPU, live and simulated (the chain rows use receiveBatch; the per-message rows show plain receive)');
}

await main();
