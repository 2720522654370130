import { describe, expect, it } from 'vitest';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { LiveClock, SECOND, SimulatedClock } from '../../src/runtime/clock.js';
import { createRandom } from '../../src/runtime/random.js';

describe('clock and timers', () => {
  it('fires timers due up to t in time order, each at its own instant, before time reaches t', () => {
    const clock = new SimulatedClock(1_000);
    const system = createActorSystem({ clock });
    const fired: string[] = [];
    system.spawn(
      defineActor<void, null, string>({
        name: 'timers',
        init: () => null,
        onStart: (s, ctx) => {
          ctx.clock.startTimer('b', 2 * SECOND, 'b');
          ctx.clock.startTimer('a', SECOND, 'a');
          ctx.clock.startTimer('p', 700_000, 'p', true);
          ctx.clock.startTimer('gone', 500, 'gone');
          ctx.clock.cancelTimer('gone');
          return s;
        },
        receive: (s, m, ctx) => {
          fired.push(`${m}@${ctx.clock.now() - 1_000}`);
          if (m === 'b') ctx.clock.cancelTimer('p');
          return s;
        },
      }),
    );
    expect(clock.advanceTo(1_000 + 3 * SECOND)).toBe(true);
    expect(fired).toEqual(['p@700000', 'a@1000000', 'p@1400000', 'b@2000000']);
    expect(clock.now()).toBe(1_000 + 3 * SECOND);
  });

  it('holds the advance while piped I/O is pending', async () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    let release!: (v: number) => void;
    const results: string[] = [];
    const io = system.spawn(
      defineActor<void, null, { start: true } | { done: number }>({
        name: 'io',
        init: () => null,
        receive: (s, m, ctx) => {
          if ('start' in m) ctx.pipe(new Promise<number>((r) => (release = r)), (o) => ({ done: o.ok ? o.value : -1 }));
          else results.push(`${m.done}@${ctx.clock.now()}`);
          return s;
        },
      }),
    );
    io.tell({ start: true });
    expect(system.advanceTo(SECOND)).toBe(false);
    expect(clock.now()).toBe(0);
    release(42);
    await system.settled();
    expect(results).toEqual(['42@0']);
    expect(system.advanceTo(SECOND)).toBe(true);
  });

  it('runs on the live clock with OS timers', async () => {
    const system = createActorSystem({ clock: new LiveClock() });
    const before = Date.now() * 1000;
    const done = new Promise<number>((resolve) => {
      system.spawn(
        defineActor<void, null, string>({
          name: 'live',
          init: () => null,
          onStart: (s, ctx) => (ctx.clock.startTimer('t', 20_000, 'fire'), s),
          receive: (s, _m, ctx) => (resolve(ctx.clock.now()), s),
        }),
      );
    });
    const firedAt = await done;
    expect(firedAt - before).toBeGreaterThanOrEqual(15_000);
    await system.stop();
  });

  it('draws the same numbers from the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(createRandom(43).next()).not.toBe(xs[0]);
    expect(a.fork('x').next()).toBe(createRandom(42).fork('x').next());
  });
});
