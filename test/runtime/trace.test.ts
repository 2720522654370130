import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineActor, defineSupervisor, type ActorContext, type ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import type { DeadLetter } from '../../src/runtime/dead-letters.js';
import type { OverflowPolicy } from '../../src/runtime/mailbox.js';
import type { Directive } from '../../src/runtime/supervision.js';
import { MAX_TRACE_DEPTH, Trace, type TraceSink } from '../../src/runtime/trace.js';

interface Hop {
  readonly id: number;
  readonly path: string;
  readonly sentUs: number;
  readonly doneUs: number;
  readonly depth: number;
}

function recordingSink(): { sink: TraceSink; hops: Hop[] } {
  const hops: Hop[] = [];
  return { hops, sink: { hop: (trace, path, sentUs, doneUs, depth) => void hops.push({ id: trace.id, path, sentUs, doneUs, depth }) } };
}

/** Records what it receives, then forwards `n + 1` to `next` (when it has one). */
function stage(name: string, seen: unknown[], next?: () => ActorRef<number> | undefined) {
  return defineActor<void, null, number>({
    name,
    init: () => null,
    receive(state, msg, ctx) {
      seen.push(msg);
      const to = next?.();
      if (to !== undefined) ctx.send(to, msg + 1);
      return state;
    },
  });
}

/** A chain a → b → c spawned at top level, in a simulated system with `sink`. */
function chain(sink: TraceSink | undefined) {
  const clock = new SimulatedClock(1_000);
  const system = createActorSystem({ clock, ...(sink === undefined ? {} : { traceSink: sink }) });
  const seen = { a: [] as unknown[], b: [] as unknown[], c: [] as unknown[] };
  const c = system.spawn(stage('c', seen.c));
  const b = system.spawn(stage('b', seen.b, () => c));
  const a = system.spawn(stage('a', seen.a, () => b));
  return { clock, system, seen, a, b, c };
}

describe('sampled tracing', () => {
  it('reports one hop per actor of a traced offer, in causal order, with send and finish instants', () => {
    const { sink, hops } = recordingSink();
    const { clock, system, seen, a } = chain(sink);
    clock.set(2_000);
    expect(system.offerTraced(a as ActorRef<never>, 1, new Trace(7, 1_500))).toBe(true);
    system.runUntilIdle();
    expect(seen).toEqual({ a: [1], b: [2], c: [3] });
    expect(hops).toEqual([
      { id: 7, path: 'a', sentUs: 2_000, doneUs: 2_000, depth: 1 },
      { id: 7, path: 'b', sentUs: 2_000, doneUs: 2_000, depth: 2 },
      { id: 7, path: 'c', sentUs: 2_000, doneUs: 2_000, depth: 3 },
    ]);
  });

  it('reports nothing for untraced messages, and a system without a sink ignores traces', () => {
    const { sink, hops } = recordingSink();
    const traced = chain(sink);
    traced.system.offer(traced.a as ActorRef<never>, 1);
    traced.a.tell(10);
    traced.system.runUntilIdle();
    expect(hops).toEqual([]);
    expect(traced.seen.c).toEqual([3, 12]);

    const plain = chain(undefined);
    plain.system.offerTraced(plain.a as ActorRef<never>, 1, new Trace(1, 0));
    plain.system.runUntilIdle();
    expect(plain.seen.c).toEqual([3]);
  });

  it('follows a publish made while handling a traced message to every subscriber', () => {
    const { sink, hops } = recordingSink();
    const system = createActorSystem({ clock: new SimulatedClock(0), traceSink: sink });
    const got: string[] = [];
    const listener = (name: string) => defineActor<void, null, string>({ name, init: () => null, receive: (s, m) => (got.push(`${name}:${m}`), s) });
    const x = system.spawn(listener('x'));
    const y = system.spawn(listener('y'));
    system.subscribe(x as ActorRef<never>, 'out');
    system.subscribe(y as ActorRef<never>, 'out.sub');
    const relay = system.spawn(defineActor<void, null, string>({ name: 'relay', init: () => null, receive: (s, m, ctx) => (ctx.publish('out.sub.t', m.toUpperCase()), s) }));
    system.subscribe(relay as ActorRef<never>, 'in');
    system.offerTraced('in', 'hi', new Trace(3, 0));
    system.runUntilIdle();
    expect(got).toEqual(['x:HI', 'y:HI']);
    expect(hops.map((h) => `${h.path}@${h.depth}`)).toEqual(['relay@1', 'x@2', 'y@2']);
  });

  it('keeps the trace of a message stashed during a restart', () => {
    const { sink, hops } = recordingSink();
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock, traceSink: sink });
    const seen: unknown[] = [];
    const tail = system.spawn(stage('tail', []));
    const flaky = defineActor<void, null, number>({
      name: 'flaky',
      init: () => null,
      receive(state, msg, ctx) {
        if (msg < 0) throw new Error('boom');
        seen.push(msg);
        ctx.send(tail, msg);
        return state;
      },
    });
    system.spawn(
      defineSupervisor({
        name: 'sup',
        supervision: { decide: () => 'restart', maxRestarts: 10, withinUs: 1_000_000, stashCapacity: 8, backoff: { minUs: 1_000, maxUs: 1_000, factor: 1, jitter: 0, resetAfterUs: 0 } },
        children: [{ actor: flaky, name: 'flaky' }],
      }),
    );
    const ref = system.lookup<number>('sup/flaky')!;
    ref.tell(-1);
    system.runUntilIdle(); // failed: restarting after the 1 ms backoff
    system.offerTraced(ref as ActorRef<never>, 5, new Trace(9, 0));
    system.runUntilIdle();
    expect(seen).toEqual([]);
    expect(clock.advanceTo(2_000)).toBe(true);
    expect(seen).toEqual([5]);
    expect(hops.map((h) => `${h.path}@${h.depth}`)).toEqual(['sup/flaky@1', 'tail@2']);
    expect(hops[0]!.doneUs - hops[0]!.sentUs).toBe(1_000);
  });

  it('hands dead letters the payload, not the envelope, and reports no hop for them', () => {
    const { sink, hops } = recordingSink();
    const { system, a, c } = chain(sink);
    const dead: DeadLetter[] = [];
    system.deadLetters.subscribe((letter) => dead.push(letter));
    system.stopActor(c as ActorRef<never>);
    system.runUntilIdle();
    system.offerTraced(a as ActorRef<never>, 1, new Trace(1, 0));
    system.runUntilIdle();
    expect(dead.map((d) => [d.recipient, d.message])).toEqual([['c', 3]]);
    expect(hops.map((h) => h.path)).toEqual(['a', 'b']);
  });

  it('passes the trace to the outcome of I/O piped while handling a traced message', async () => {
    const { sink, hops } = recordingSink();
    const system = createActorSystem({ clock: new SimulatedClock(0), traceSink: sink });
    const outcomes: string[] = [];
    const io = system.spawn(
      defineActor<void, null, string>({
        name: 'io',
        init: () => null,
        receive(state, msg, ctx) {
          if (msg === 'go') ctx.pipe(Promise.resolve('done'), (o) => (o.ok ? o.value : 'error'));
          else outcomes.push(msg);
          return state;
        },
      }),
    );
    system.offerTraced(io as ActorRef<never>, 'go', new Trace(4, 0));
    system.runUntilIdle();
    await system.settled();
    system.runUntilIdle();
    expect(outcomes).toEqual(['done']);
    expect(hops.map((h) => `${h.path}@${h.depth}`)).toEqual(['io@1', 'io@2']);
  });

  it(`stops following a chain after ${MAX_TRACE_DEPTH} hops`, () => {
    const { sink, hops } = recordingSink();
    const system = createActorSystem({ clock: new SimulatedClock(0), traceSink: sink });
    let received = 0;
    const loop = system.spawn(
      defineActor<void, null, number>({
        name: 'loop',
        init: () => null,
        receive(state, msg, ctx) {
          received++;
          if (msg > 0) ctx.send(ctx.self, msg - 1);
          return state;
        },
      }),
    );
    system.offerTraced(loop as ActorRef<never>, 100, new Trace(1, 0));
    system.runUntilIdle();
    expect(received).toBe(101);
    expect(hops).toHaveLength(MAX_TRACE_DEPTH);
  });

  it('contains a throwing sink: the actor neither fails nor loses the message', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0), traceSink: { hop: () => { throw new Error('sink'); } } });
    const seen: unknown[] = [];
    const a = system.spawn(stage('a', seen));
    system.offerTraced(a as ActorRef<never>, 1, new Trace(1, 0));
    system.offerTraced(a as ActorRef<never>, 2, new Trace(2, 0));
    system.runUntilIdle();
    expect(seen).toEqual([1, 2]);
    expect(system.inspectActor(a as ActorRef<never>)!.counters).toMatchObject({ processed: 2, failed: 0 });
  });

  it('never changes what each actor receives, in what order (plain receive), or any counter', () => {
    const policies: OverflowPolicy[] = ['backpressure', 'dropOldest', 'dropNewest', 'conflate', 'fail'];
    fc.assert(
      fc.property(
        fc.constantFrom(...policies),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<Directive>('restart', 'resume', 'stop'),
        fc.boolean(),
        fc.array(fc.record({ n: fc.integer({ min: -3, max: 50 }), traced: fc.boolean(), toTopic: fc.boolean(), pause: fc.boolean(), advance: fc.boolean() }), { maxLength: 60 }),
        (overflow, capacity, directive, batched, script) => {
          const run = (tracing: boolean) => {
            const clock = new SimulatedClock(0);
            const { sink } = recordingSink();
            const system = createActorSystem({ clock, ...(tracing ? { traceSink: sink } : {}) });
            const log: string[] = [];
            const dead: unknown[] = [];
            system.deadLetters.subscribe((letter) => dead.push(letter.message));
            // Batch actors' turns may differ (below), and with them the depth a message finds:
            // only `backpressure`, which never refuses a send, makes their counters comparable.
            const mailbox = { capacity, overflow: batched ? 'backpressure' : overflow, conflateKey: (m: number) => m % 3 };
            const node = (name: string, next: string | undefined) => {
              const receive = (state: null, msg: number, ctx: ActorContext<number>): null => {
                // A batch that throws fails every message of its slice, so where slices end
                // (which envelopes move) is visible in the counters: batched actors never throw.
                if (msg < 0 && !batched) throw new Error('injected');
                log.push(`${name}:${msg}`);
                if (next !== undefined && msg % 2 === 0) ctx.publish(next, msg + 1);
                if (next !== undefined && msg % 5 === 0) ctx.send(ctx.self, -1 - (msg % 2));
                return state;
              };
              // The batch form takes plain messages in slices; envelopes still go one by one.
              const receiveBatch = (state: null, msgs: readonly number[], from: number, to: number, ctx: ActorContext<number>): null => {
                for (let i = from; i < to; i++) receive(state, msgs[i]!, ctx);
                return state;
              };
              return defineActor<void, null, number>({ name, init: () => null, receive, ...(batched ? { receiveBatch } : {}) });
            };
            system.spawn(
              defineSupervisor({
                name: 'sup',
                supervision: { decide: () => directive, maxRestarts: 1_000, withinUs: 1, stashCapacity: 2, backoff: { minUs: 1_000, maxUs: 1_000, factor: 1, jitter: 0, resetAfterUs: 0 } },
                children: [
                  { actor: node('a', 't.b'), name: 'a', mailbox },
                  { actor: node('b', 't.c'), name: 'b', mailbox },
                  { actor: node('c', undefined), name: 'c', mailbox },
                ],
              }),
            );
            system.subscribe(system.lookup('sup/a') as ActorRef<never>, 't.a');
            system.subscribe(system.lookup('sup/b') as ActorRef<never>, 't.b');
            system.subscribe(system.lookup('sup/c') as ActorRef<never>, 't.c');
            system.subscribe(system.lookup('sup/c') as ActorRef<never>, 't.b'); // two subscribers of t.b
            const a = system.lookup<number>('sup/a')!;
            const offers: boolean[] = [];
            let id = 0;
            for (const step of script) {
              const trace = tracing && step.traced ? new Trace(++id, clock.now()) : undefined;
              const target = step.toTopic ? 't.a' : (a as ActorRef<never>);
              offers.push(trace === undefined ? system.offer(target, step.n) : system.offerTraced(target, step.n, trace));
              if (step.pause) system.runUntilIdle();
              if (step.advance) clock.advanceTo(clock.now() + 1_000);
            }
            clock.advanceTo(clock.now() + 10_000);
            const counters = system.inspect().map((s) => ({ path: s.path, status: s.status, depth: s.mailboxDepth, stashed: s.stashed, ...s.counters }));
            // Plain `receive`: the very same global interleaving. A batch actor: the same messages
            // per actor, but an envelope ends a slice, and what the actor sent itself during a
            // slice is queued at the slice's end, so its turns (and so how messages of different
            // senders interleave) may differ; each sender's order is kept (properties.test.ts).
            const perActor = (name: string) => log.filter((l) => l.startsWith(`${name}:`)).sort();
            return { log: batched ? ['a', 'b', 'c'].map(perActor) : log, dead, offers, counters };
          };
          expect(run(true)).toEqual(run(false));
        },
      ),
      { numRuns: 300 },
    );
  });
});
