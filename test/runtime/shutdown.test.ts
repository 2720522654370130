import { describe, expect, it } from 'vitest';
import { defineActor, defineSupervisor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SECOND, SimulatedClock } from '../../src/runtime/clock.js';

describe('shutdown', () => {
  it('stops children in reverse start order and forces one that ignores stop past its deadline', async () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    const stops: string[] = [];
    const polite = defineActor<void, null, string>({
      name: 'polite',
      init: () => null,
      receive: (s) => s,
      onStop: (_s, ctx) => {
        stops.push(`${ctx.self.path}@${ctx.clock.now()}`);
      },
    });
    const stubborn = defineActor<void, null, string>({
      name: 'stubborn',
      init: () => null,
      receive: (s) => s,
      onStop: (_s, ctx) => {
        stops.push(`${ctx.self.path}@${ctx.clock.now()}`);
        return new Promise<void>(() => {}); // never finishes its flush
      },
    });
    system.spawn(
      defineSupervisor({
        name: 'sup',
        children: [
          { actor: polite, name: 'c1' },
          { actor: stubborn, name: 'c2', shutdownUs: 2 * SECOND },
          { actor: polite, name: 'c3' },
        ],
      }),
    );
    let ended = false;
    const termination = system.stop().then((t) => {
      ended = true;
      return t;
    });
    expect(stops).toEqual(['sup/c3@0', 'sup/c2@0']);
    clock.advanceTo(SECOND);
    await Promise.resolve();
    expect(ended).toBe(false);
    expect(stops).toHaveLength(2); // c1 waits for c2
    clock.advanceTo(3 * SECOND);
    expect(stops).toEqual(['sup/c3@0', 'sup/c2@0', `sup/c1@${2 * SECOND}`]);
    expect(await termination).toEqual({ kind: 'stopped' });
    expect(system.inspect()).toEqual([]);
  });

  it('drains mailboxes before stopping and refuses offers once stopping', async () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    const seen: number[] = [];
    const sink = system.spawn(
      defineActor<void, null, number>({ name: 'sink', init: () => null, receive: (s, m) => (seen.push(m), s) }),
    );
    for (let i = 0; i < 5; i++) expect(system.offer(sink, i)).toBe(true);
    const stopped = system.stop();
    expect(system.offer(sink, 99)).toBe(false);
    await stopped;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });
});
