/** Small actors and helpers shared by the runtime tests. */
import { defineActor, type ActorRef } from '../../src/runtime/actor.js';
import type { ActorSystem } from '../../src/runtime/actor-system.js';

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
