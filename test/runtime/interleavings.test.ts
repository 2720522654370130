/**
 * The runtime invariants of `properties.test.ts`, under random interleavings of crashes, restarts,
 * stops, publishes and asks across a supervisor's children (random overflow policy, capacity,
 * strategy, directive, backoff and stash bound), all under a `SimulatedClock`:
 *
 * - every message that reaches an actor ends in exactly one counter (processed, dropped,
 *   conflated, failed or dead-lettered), nothing left queued or stashed once the system stopped;
 * - every ask settles: with the reply, or rejected with a runtime code.
 *
 * The test counts its own sends per actor cell (a restart of the supervisor replaces its
 * children's cells, so each is counted apart). A publish counts once for every actor subscribed
 * (by wiring, `system.subscribe`) at publish time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineActor, defineSupervisor, type ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { HOUR, MILLISECOND, SECOND, SimulatedClock } from '../../src/runtime/clock.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { OverflowPolicy } from '../../src/runtime/mailbox.js';
import type { Directive, SupervisionStrategy } from '../../src/runtime/supervision.js';

interface Msg {
  readonly id: number;
  readonly key: number;
  readonly crash: boolean;
}

type Step =
  | { readonly kind: 'tell'; readonly child: number; readonly key: number }
  | { readonly kind: 'crash'; readonly child: number }
  | { readonly kind: 'publish'; readonly key: number }
  | { readonly kind: 'ask'; readonly child: number; readonly key: number; readonly timeoutUs: number }
  | { readonly kind: 'stop'; readonly child: number }
  | { readonly kind: 'advance'; readonly us: number }
  | { readonly kind: 'idle' };

const NAMES = ['c0', 'c1', 'c2'] as const;
const POLICIES: OverflowPolicy[] = ['backpressure', 'dropOldest', 'dropNewest', 'conflate', 'fail'];
/** How an ask may fail; anything else (or no outcome) breaks the invariant. */
const ASK_CODES = ['ASK_TIMEOUT', 'ASK_TARGET_STOPPED', 'ASK_DROPPED', 'ACTOR_FAILED', 'SYSTEM_STOPPED'];

const child = fc.nat(NAMES.length - 1);
const key = fc.nat(2);
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('tell' as const), child, key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), child }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('publish' as const), key }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('ask' as const),
      child,
      key,
      // Short ones time out during the run; an hour outlives it, so only the stop can settle them.
      timeoutUs: fc.constantFrom(MILLISECOND, 50 * MILLISECOND, HOUR),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('stop' as const), child }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('advance' as const), us: fc.integer({ min: 0, max: 20 * MILLISECOND }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'idle' as const }) },
);

const supervisionArb = fc.record({
  strategy: fc.constantFrom<SupervisionStrategy>('one-for-one', 'one-for-all', 'rest-for-one'),
  directive: fc.constantFrom<Directive>('restart', 'resume', 'stop', 'escalate'),
  backoffMs: fc.integer({ min: 0, max: 3 }),
  stashCapacity: fc.integer({ min: 0, max: 3 }),
  maxRestarts: fc.integer({ min: 1, max: 10 }),
});

const childArb = fc.record({
  overflow: fc.constantFrom(...POLICIES),
  capacity: fc.integer({ min: 1, max: 4 }),
  subscribed: fc.constantFrom(true, true, false), // mostly wired: publishes across restarts are the point
});

/** Lets promise callbacks run. Bounded. */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

/** Fixed, so a run is reproducible; change it locally to explore other interleavings. */
const SEED = 1;

describe('runtime invariants under interleavings', () => {
  it('accounts for every message and settles every ask across random crashes, restarts, stops, publishes and asks', async () => {
    await fc.assert(
      fc.asyncProperty(
        supervisionArb,
        fc.tuple(childArb, childArb, childArb),
        fc.array(stepArb, { minLength: 5, maxLength: 40, size: 'medium' }),
        async (sup, children, script) => {
          const clock = new SimulatedClock(0);
          const system = createActorSystem({ clock, seed: 11 });
          const worker = defineActor<void, null, Msg>({
            name: 'worker',
            init: () => null,
            receive: (s, m, ctx) => {
              if (m.crash) throw new Error('injected');
              ctx.reply(m.id); // answers an ask, does nothing for a plain message
              return s;
            },
          });
          system.spawn(
            defineSupervisor({
              name: 'sup',
              supervision: {
                strategy: sup.strategy,
                decide: () => sup.directive,
                maxRestarts: sup.maxRestarts,
                withinUs: SECOND,
                stashCapacity: sup.stashCapacity,
                backoff: { minUs: sup.backoffMs * MILLISECOND, maxUs: 10 * MILLISECOND, factor: 2, jitter: 0.5, resetAfterUs: 0 },
              },
              children: children.map((c, i) => ({
                actor: worker,
                name: NAMES[i]!,
                mailbox: { capacity: c.capacity, overflow: c.overflow, conflateKey: (m: Msg) => m.key },
              })),
            }),
          );

          // Sends per cell: `exact` surely reached it; `maybe` went to a stopped cell, where a
          // runtime may refuse before counting (an ask to a stopped actor; a publish to a stopped
          // subscriber whose subscription ended with it).
          const sent = new Map<ActorRef<Msg>, { exact: number; maybe: number }>();
          const current: (ActorRef<Msg> | undefined)[] = NAMES.map(() => undefined);
          const wired: ActorRef<Msg>[] = [];
          const asks: { id: number; outcome: { state: 'pending' | 'resolved' | 'rejected'; value?: unknown; error?: unknown } }[] = [];
          const stopped = (ref: ActorRef<Msg>) => system.inspectActor(ref)?.status === 'stopped';
          const count = (ref: ActorRef<Msg>, sure: boolean) => {
            const entry = sent.get(ref)!;
            if (sure) entry.exact++;
            else entry.maybe++;
          };
          // A supervisor restart spawns new child cells: pick them up (and wire them) before each step.
          const refresh = () => {
            NAMES.forEach((name, i) => {
              const ref = system.lookup<Msg>(`sup/${name}`);
              if (ref === undefined || ref === current[i]) return;
              current[i] = ref;
              sent.set(ref, { exact: 0, maybe: 0 });
              if (children[i]!.subscribed) {
                system.subscribe(ref, 'x');
                wired.push(ref);
              }
            });
          };

          let nextId = 0;
          for (const step of script) {
            refresh();
            switch (step.kind) {
              case 'tell':
              case 'crash': {
                const ref = current[step.child];
                if (ref === undefined) break;
                ref.tell({ id: nextId++, key: step.kind === 'tell' ? step.key : 0, crash: step.kind === 'crash' });
                count(ref, true);
                break;
              }
              case 'publish':
                for (const ref of wired) count(ref, !stopped(ref));
                system.publish('x.t', { id: nextId++, key: step.key, crash: false });
                break;
              case 'ask': {
                const ref = current[step.child];
                if (ref === undefined) break;
                count(ref, !stopped(ref));
                const id = nextId++;
                const outcome: (typeof asks)[number]['outcome'] = { state: 'pending' };
                ref.ask({ id, key: step.key, crash: false }, { timeout: step.timeoutUs }).then(
                  (value) => Object.assign(outcome, { state: 'resolved', value }),
                  (error: unknown) => Object.assign(outcome, { state: 'rejected', error }),
                );
                asks.push({ id, outcome });
                break;
              }
              case 'stop': {
                const ref = current[step.child];
                if (ref !== undefined) system.stopActor(ref);
                break;
              }
              case 'advance':
                clock.advanceTo(clock.now() + step.us);
                break;
              case 'idle':
                system.runUntilIdle();
                break;
            }
          }

          // Far enough for every backoff and short ask timeout, not for the hour-long ones.
          clock.advanceTo(clock.now() + 100 * SECOND);
          for (const snap of system.inspect()) expect(`${snap.path} ${snap.status}`).toBe(`${snap.path} running`);
          let ended = false;
          void system.stop().then(() => (ended = true));
          for (let i = 0; i < 5 && !ended; i++) {
            await microtasks();
            clock.advanceTo(clock.now() + 10 * SECOND);
          }
          await microtasks();
          expect(ended).toBe(true);

          for (const [ref, want] of sent) {
            const snap = system.inspectActor(ref)!;
            const c = snap.counters;
            const total = c.processed + c.dropped + c.conflated + c.failed + c.deadLettered;
            expect(snap.status).toBe('stopped');
            expect(c.received).toBe(total); // nothing left queued or stashed
            expect(total).toBeGreaterThanOrEqual(want.exact);
            expect(total).toBeLessThanOrEqual(want.exact + want.maybe);
          }
          for (const { id, outcome } of asks) {
            expect(outcome.state).not.toBe('pending');
            if (outcome.state === 'resolved') expect(outcome.value).toBe(id);
            else {
              const code = outcome.error instanceof TickflowError ? outcome.error.code : String(outcome.error);
              expect(ASK_CODES).toContain(code);
            }
          }
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });
});
