/**
 * A tiny real actor that records every message it receives, with the engine time it received it
 * at, for tests that need a fake collaborator (a venue, a bus listener). It can also subscribe to
 * bus prefixes, so one recorder can watch topics too.
 */
import { defineActor, type ActorDefinition } from '../../src/runtime/actor.js';

/** One received message and when (engine time, µs). */
export interface Received<M = unknown> {
  readonly at: number;
  readonly message: M;
}

/**
 * A definition whose instances push `{ at, message }` into `into` and subscribe to `prefixes` at
 * start. The array is the test's; the actor keeps no state of its own.
 */
export function recordingActor<M = unknown>(into: Received<M>[], prefixes: readonly string[] = [], name = 'recorder'): ActorDefinition<void, null, M> {
  return defineActor<void, null, M>({
    name,
    init: () => null,
    onStart: (state, ctx) => {
      for (const prefix of prefixes) ctx.subscribe(prefix);
      return state;
    },
    receive: (state, message, ctx) => {
      into.push({ at: ctx.clock.now(), message });
      return state;
    },
  });
}
