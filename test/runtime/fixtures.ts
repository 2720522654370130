/** Small actors and helpers shared by the runtime tests. */
import { defineActor, defineSupervisor, type ActorDefinition, type ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import type { DeadLetter } from '../../src/runtime/dead-letters.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { SupervisionPolicy } from '../../src/runtime/supervision.js';

/** Messages of the counter actor. */
export type CounterMsg = 'inc' | 'crash' | 'get' | 'exit';

/**
 * Counts `inc`; throws on `crash`; replies its count to `get`; stops itself on `exit`. Every
 * lifecycle event goes to `events` (shared by the test) as `<path>:<event>`.
 */
export function counterActor(events: string[] = [], options: { failStart?: boolean } = {}) {
  return defineActor<void, { n: number }, CounterMsg>({
    name: 'counter',
    init: () => ({ n: 0 }),
    onStart(state, ctx) {
      events.push(`${ctx.self.path}:start`);
      if (options.failStart === true) throw new Error('cannot start');
      return state;
    },
    onStop(_state, ctx) {
      events.push(`${ctx.self.path}:stop`);
    },
    receive(state, msg, ctx) {
      switch (msg) {
        case 'crash':
          throw new Error(`boom in ${ctx.self.path}`);
        case 'get':
          ctx.reply(state.n);
          return state;
        case 'exit':
          ctx.stop();
          return state;
        default:
          return { n: state.n + 1 };
      }
    },
  });
}

/** Asks under a simulated clock: sends, runs the system to idle, then awaits the reply. */
export async function askNow<R>(system: ActorSystem, ref: ActorRef<any>, msg: unknown): Promise<R> {
  const reply = ref.ask<R>(msg);
  system.runUntilIdle();
  return reply;
}

/** The counters of one actor by path. */
export function countersOf(system: ActorSystem, path: string) {
  const snap = system.inspect().find((s) => s.path === path);
  if (snap === undefined) throw new Error(`no actor ${path}`);
  return snap.counters;
}

/** A simulated system that records every dead letter. */
export function simulated(options: { supervision?: Partial<SupervisionPolicy> } = {}) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock, ...options });
  const dead: DeadLetter[] = [];
  system.deadLetters.subscribe((letter) => dead.push(letter));
  return { clock, system, dead };
}

/** Lets promise callbacks (ask settlements, awaited hooks) run, then runs to idle. Bounded. */
export async function flush(system: ActorSystem): Promise<void> {
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 10; i++) await Promise.resolve();
    system.runUntilIdle();
  }
}

/** A promise's outcome, readable without awaiting it (an unsettled ask must not hang the test). */
export interface Tracked<T> {
  state: 'pending' | 'resolved' | 'rejected';
  value?: T;
  error?: unknown;
}

export function track<T>(promise: Promise<T>): Tracked<T> {
  const t: Tracked<T> = { state: 'pending' };
  promise.then(
    (value) => {
      t.state = 'resolved';
      t.value = value;
    },
    (error: unknown) => {
      t.state = 'rejected';
      t.error = error;
    },
  );
  return t;
}

/** `pending`, `resolved`, or the rejection's code: one value, so a failure message says which. */
export function outcomeOf(t: Tracked<unknown>): string {
  if (t.state !== 'rejected') return t.state;
  return t.error instanceof TickflowError ? t.error.code : `non-tickflow error: ${String(t.error)}`;
}

/** A fixed backoff: every restart waits `us`. */
export function fixedBackoff(us: number): SupervisionPolicy['backoff'] {
  return { minUs: us, maxUs: us, factor: 1, jitter: 0, resetAfterUs: 0 };
}

/**
 * Spawns `actor` as the only child, named `name`, of a supervisor `sup` with `supervision`, and
 * returns the child's ref (`sup/<name>`).
 */
export function supervised<M>(system: ActorSystem, actor: ActorDefinition<any, any, any>, name: string, supervision: Partial<SupervisionPolicy>): ActorRef<M> {
  system.spawn(defineSupervisor({ name: 'sup', supervision, children: [{ actor, name }] }));
  return system.lookup<M>(`sup/${name}`)!;
}
