/**
 * The actor-to-Observable bridge: consumers subscribe to what actors publish with RxJS. Each
 * subscription spawns a small forwarding actor subscribed to the topic prefix; it emits every
 * message into the Observable. Its mailbox is `dropOldest` (default capacity 4,096) so a slow
 * consumer can never stall the system; drops are counted on that actor like any other. The actor
 * stops (draining first) when the subscriber unsubscribes; the Observable completes when the
 * system ends.
 */
import { Observable } from 'rxjs';
import { defineActor } from '../src/runtime/actor.js';
import type { ActorSystem } from '../src/runtime/actor-system.js';

/** Options of `observeTopic`. */
export interface ObserveOptions {
  readonly capacity?: number;
  /** Actor name (default `observer`). */
  readonly name?: string;
}

/** An Observable of every message published on topics under `prefix`. */
export function observeTopic<T = unknown>(system: ActorSystem, prefix: string, options: ObserveOptions = {}): Observable<T> {
  return new Observable<T>((subscriber) => {
    const forwarder = defineActor<void, null, T>({
      name: options.name ?? 'observer',
      init: () => null,
      onStart: (state, ctx) => {
        ctx.subscribe(prefix);
        return state;
      },
      receive: (state, message) => {
        subscriber.next(message);
        return state;
      },
    });
    const ref = system.spawn(forwarder, {
      restart: 'temporary',
      mailbox: { capacity: options.capacity ?? 4096, overflow: 'dropOldest' },
    });
    void system.terminated.then(() => subscriber.complete());
    return () => system.stopActor(ref as never);
  });
}
