import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { observeTopic } from '../../streams/observe-topic.js';

describe('observeTopic', () => {
  it('emits what actors publish under a prefix, in order, and stops its actor on unsubscribe', async () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    const publisher = system.spawn(
      defineActor<void, null, number>({
        name: 'pub',
        init: () => null,
        receive: (s, n, ctx) => {
          ctx.publish(`ind.x.AAA.${n % 2 === 0 ? 'even' : 'odd'}`, n);
          ctx.publish('other.topic', -n);
          return s;
        },
      }),
    );
    const values = firstValueFrom(observeTopic<number>(system, 'ind.x', { name: 'probe' }).pipe(take(4), toArray()));
    for (let i = 1; i <= 5; i++) publisher.tell(i);
    system.runUntilIdle();
    expect(await values).toEqual([1, 2, 3, 4]);
    system.runUntilIdle();
    expect(system.lookup('probe')).toBeUndefined(); // take(4) unsubscribed: the forwarder stopped
  });
});
