/**
 * Runtime throughput: N messages through a chain of 4 actors with bounded mailboxes (each adds 1,
 * the last sums), beside (a) the physical limit: 4 stages of preallocated ring buffers drained in
 * a loop once per microtask, each stage adding 1; and (b) an RxJS Subject piped through 4 maps.
 * The runtime is measured on the live dispatcher (sources offering under admission control) and
 * on the simulated one (driven synchronously, as a backtest runs it). Ratios are over (a).
 */
import { Subject, map } from 'rxjs';
import { defineActor, type ActorRef } from '../src/runtime/actor.js';
import { createActorSystem } from '../src/runtime/actor-system.js';
import { SimulatedClock } from '../src/runtime/clock.js';
import { quick, report, row, timeIt, timeItAsync } from './harness.js';

const N = quick ? 200_000 : 1_000_000;
const CAPACITY = 1024;
const expectedSum = (N * (N - 1)) / 2 + 4 * N;

/** (a) Four stages of preallocated ring buffers, drained in a loop once per microtask. */
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

function chain(system: ReturnType<typeof createActorSystem>, onDone: (sum: number) => void): ActorRef<number> {
  const sink = system.spawn(
    defineActor<void, { sum: number; n: number }, number>({
      name: 'sink',
      init: () => ({ sum: 0, n: 0 }),
      receive: (s, m) => {
        s.sum += m + 1;
        if (++s.n === N) onDone(s.sum);
        return s;
      },
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
      }),
      { mailbox: { capacity: CAPACITY, overflow: 'backpressure' } },
    );
  }
  return next;
}

async function runtimeLive(): Promise<number> {
  const system = createActorSystem();
  let finished!: (sum: number) => void;
  const done = new Promise<number>((resolve) => (finished = resolve));
  const head = chain(system, (sum) => finished(sum));
  for (let i = 0; i < N; i++) {
    while (!system.offer(head as never, i)) await system.whenRoom();
  }
  const sum = await done;
  await system.stop();
  return sum;
}

function runtimeSimulated(): number {
  const system = createActorSystem({ clock: new SimulatedClock(0) });
  let result = 0;
  const head = chain(system, (sum) => (result = sum));
  for (let i = 0; i < N; i++) {
    if (!system.offer(head as never, i)) {
      system.runUntilIdle();
      system.offer(head as never, i);
    }
  }
  system.runUntilIdle();
  return result;
}

async function main(): Promise<void> {
  // Warm-up rounds so every contender is measured after JIT.
  for (let round = 0; round < 2; round++) {
    await ringBaseline();
    rxjsBaseline();
    await runtimeLive();
    runtimeSimulated();
  }
  let check = 0;
  const ring = await timeItAsync(async () => void (check = await ringBaseline()));
  if (check !== expectedSum) throw new Error(`ring baseline sum ${check} != ${expectedSum}`);
  const rx = timeIt(() => void (check = rxjsBaseline()));
  if (check !== expectedSum) throw new Error(`rxjs sum ${check} != ${expectedSum}`);
  const live = await timeItAsync(async () => void (check = await runtimeLive()));
  if (check !== expectedSum) throw new Error(`runtime live sum ${check} != ${expectedSum}`);
  const sim = timeIt(() => void (check = runtimeSimulated()));
  if (check !== expectedSum) throw new Error(`runtime simulated sum ${check} != ${expectedSum}`);
  const rate = (seconds: number) => N / seconds / 1e6;
  report([
    row('runtime 4-actor chain (live dispatcher)', 'M msg/s', rate(live), rate(ring)),
    row('runtime 4-actor chain (simulated dispatcher)', 'M msg/s', rate(sim), rate(ring)),
    row('rxjs Subject + 4 maps', 'M msg/s', rate(rx), rate(ring)),
    row('ring-buffer baseline (a)', 'M msg/s', rate(ring), rate(ring)),
  ]);
}

await main();
