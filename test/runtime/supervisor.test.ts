import { describe, expect, it } from 'vitest';
import { defineActor, defineSupervisor, type ChildSpec } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { HOUR, MILLISECOND, SECOND, SimulatedClock } from '../../src/runtime/clock.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import type { SupervisionPolicy } from '../../src/runtime/supervision.js';
import { askNow, counterActor, countersOf } from './fixtures.js';

/** A system with a top supervisor that records what escalates to it and stops the child. */
function harness(children: ChildSpec[], supervision: Partial<SupervisionPolicy>) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const escalated: unknown[] = [];
  system.spawn(
    defineSupervisor({
      name: 'top',
      supervision: {
        decide: (error) => {
          escalated.push(error);
          return 'stop';
        },
      },
      children: [{ actor: defineSupervisor({ name: 'sup', supervision, children }) }],
    }),
  );
  const ref = (name: string) => system.lookup(`top/sup/${name}`)!;
  return { clock, system, escalated, ref };
}

describe('supervision', () => {
  it('restarts only the failed child under one-for-one and gives up after the intensity', async () => {
    const counter = counterActor();
    const { system, escalated, ref } = harness(
      [
        { actor: counter, name: 'c1' },
        { actor: counter, name: 'c2' },
      ],
      { strategy: 'one-for-one', maxRestarts: 2, withinUs: HOUR },
    );
    const c1 = ref('c1');
    const c2 = ref('c2');
    c1.tell('inc');
    c2.tell('inc');
    c2.tell('inc');
    c1.tell('crash');
    system.runUntilIdle();
    expect(await askNow(system, c1, 'get')).toBe(0); // fresh state
    expect(await askNow(system, c2, 'get')).toBe(2); // untouched
    expect(countersOf(system, 'top/sup/c1').restarts).toBe(1);
    expect(countersOf(system, 'top/sup/c2').restarts).toBe(0);
    c1.tell('crash');
    system.runUntilIdle();
    expect(escalated).toHaveLength(0);
    c1.tell('crash');
    system.runUntilIdle();
    expect(escalated).toHaveLength(1);
    expect(isTickflowError(escalated[0], 'SUPERVISOR_GAVE_UP')).toBe(true);
    expect(system.lookup('top/sup/c2')).toBeUndefined();
    expect(system.lookup('top/sup')).toBeUndefined();
  });

  it('stops and restarts every child under one-for-all', async () => {
    const events: string[] = [];
    const counter = counterActor(events);
    const { system, ref } = harness(
      [
        { actor: counter, name: 'c1' },
        { actor: counter, name: 'c2' },
      ],
      { strategy: 'one-for-all', maxRestarts: 5, withinUs: HOUR },
    );
    ref('c2').tell('inc');
    ref('c1').tell('crash');
    system.runUntilIdle();
    expect(await askNow(system, ref('c2'), 'get')).toBe(0);
    expect(countersOf(system, 'top/sup/c1').restarts).toBe(1);
    expect(countersOf(system, 'top/sup/c2').restarts).toBe(1);
    // Without beforeRestart a restart cleans up with onStop, old incarnations in reverse start order.
    expect(events).toEqual(['top/sup/c1:start', 'top/sup/c2:start', 'top/sup/c2:stop', 'top/sup/c1:stop', 'top/sup/c1:start', 'top/sup/c2:start']);
  });

  it('restarts the failed child and those started after it under rest-for-one', async () => {
    const counter = counterActor();
    const { system, ref } = harness(
      ['c1', 'c2', 'c3'].map((name) => ({ actor: counter, name })),
      { strategy: 'rest-for-one', maxRestarts: 5, withinUs: HOUR },
    );
    for (const name of ['c1', 'c2', 'c3']) ref(name).tell('inc');
    system.runUntilIdle();
    ref('c2').tell('crash');
    system.runUntilIdle();
    expect(await askNow(system, ref('c1'), 'get')).toBe(1);
    expect(await askNow(system, ref('c2'), 'get')).toBe(0);
    expect(await askNow(system, ref('c3'), 'get')).toBe(0);
    expect(countersOf(system, 'top/sup/c1').restarts).toBe(0);
    expect(countersOf(system, 'top/sup/c3').restarts).toBe(1);
  });

  it('escalates when a child whose start always fails exhausts the intensity, and stops its siblings', () => {
    const events: string[] = [];
    const ok = counterActor(events);
    const broken = counterActor(events, { failStart: true });
    const { system, escalated } = harness(
      [
        { actor: ok, name: 'c1' },
        { actor: broken, name: 'c2' },
        { actor: ok, name: 'c3' },
      ],
      { maxRestarts: 3, withinUs: SECOND },
    );
    system.runUntilIdle();
    expect(escalated).toHaveLength(1);
    expect(isTickflowError(escalated[0], 'SUPERVISOR_GAVE_UP')).toBe(true);
    expect(events.filter((e) => e === 'top/sup/c2:start')).toHaveLength(4); // first start + 3 restarts
    expect(events).toContain('top/sup/c1:stop');
    expect(events).toContain('top/sup/c3:stop');
    expect(events.indexOf('top/sup/c3:stop')).toBeLessThan(events.indexOf('top/sup/c1:stop'));
    expect(system.inspect().filter((s) => s.path.startsWith('top/sup'))).toEqual([]);
  });

  it('restarts a transient child only after a failure and never restarts a temporary one', async () => {
    const counter = counterActor();
    const { system, ref } = harness(
      [
        { actor: counter, name: 'perm', restart: 'permanent' },
        { actor: counter, name: 'trans', restart: 'transient' },
        { actor: counter, name: 'temp', restart: 'temporary' },
        { actor: counter, name: 'trans2', restart: 'transient' },
      ],
      { strategy: 'one-for-all', maxRestarts: 10, withinUs: HOUR },
    );
    ref('trans').tell('exit');
    system.runUntilIdle();
    expect(system.lookup('top/sup/trans')).toBeUndefined(); // normal exit: not restarted
    ref('trans2').tell('crash');
    system.runUntilIdle();
    expect(countersOf(system, 'top/sup/trans2').restarts).toBe(1); // failure: restarted
    expect(system.lookup('top/sup/temp')).toBeUndefined(); // stopped with its siblings, not restarted
    expect(countersOf(system, 'top/sup/perm').restarts).toBe(1);
    ref('perm').tell('exit');
    system.runUntilIdle();
    expect(await askNow(system, ref('perm'), 'get')).toBe(0); // permanent: restarted even after a normal exit
  });

  it('survives a crash every 2.1 s with intensity 1 per second (sliding window)', () => {
    const counter = counterActor();
    const { clock, system, escalated, ref } = harness([{ actor: counter, name: 'c1' }], { maxRestarts: 1, withinUs: SECOND });
    for (let i = 1; i <= 4; i++) {
      clock.advanceTo(i * 2_100 * MILLISECOND);
      ref('c1').tell('crash');
      system.runUntilIdle();
    }
    expect(escalated).toEqual([]);
    expect(countersOf(system, 'top/sup/c1').restarts).toBe(4);
    ref('c1').tell('crash'); // a second crash inside the same second is one too many
    system.runUntilIdle();
    expect(escalated).toHaveLength(1);
  });

  it('resets state on restart and keeps it on resume, counting the failed message', async () => {
    const counter = counterActor();
    const { system, ref } = harness(
      [
        { actor: counter, name: 'restarted' },
        { actor: counter, name: 'resumed' },
      ],
      { decide: (_e, child) => (child === 'resumed' ? 'resume' : 'restart') },
    );
    for (const name of ['restarted', 'resumed']) {
      ref(name).tell('inc');
      ref(name).tell('crash');
      ref(name).tell('inc');
    }
    system.runUntilIdle();
    expect(await askNow(system, ref('restarted'), 'get')).toBe(1);
    expect(await askNow(system, ref('resumed'), 'get')).toBe(2);
    for (const name of ['restarted', 'resumed']) {
      const c = countersOf(system, `top/sup/${name}`);
      expect(c.failed).toBe(1);
      expect(c.processed).toBe(3); // inc, inc, get
    }
    expect(countersOf(system, 'top/sup/resumed').restarts).toBe(0);
  });

  it('waits min, 2 x min, ... capped at max between restarts, resets after a stable period, and stashes meanwhile', () => {
    const starts: number[] = [];
    const clock = new SimulatedClock(0);
    const seen: number[] = [];
    const worker = defineActor<void, null, number | 'crash'>({
      name: 'w',
      init: () => null,
      onStart: (s, ctx) => {
        starts.push(ctx.clock.now());
        return s;
      },
      receive: (s, m) => {
        if (m === 'crash') throw new Error('boom');
        seen.push(m);
        return s;
      },
    });
    const system = createActorSystem({ clock });
    const dead: unknown[] = [];
    system.deadLetters.subscribe((d) => dead.push(d.message));
    system.spawn(
      defineSupervisor({
        name: 'sup',
        supervision: {
          maxRestarts: 100,
          withinUs: HOUR,
          stashCapacity: 2,
          backoff: { minUs: 100 * MILLISECOND, maxUs: 500 * MILLISECOND, factor: 2, jitter: 0.1, resetAfterUs: 10 * SECOND },
        },
        children: [{ actor: worker, name: 'w' }],
      }),
    );
    const w = system.lookup('sup/w')!;
    const delays: number[] = [];
    for (let i = 0; i < 5; i++) {
      const crashedAt = clock.now();
      w.tell('crash');
      system.runUntilIdle();
      if (i === 0) {
        for (const m of [1, 2, 3]) w.tell(m); // during backoff: 1 and 2 stashed, 3 dead-lettered
      }
      clock.advanceTo(crashedAt + SECOND);
      delays.push(starts.at(-1)! - crashedAt);
    }
    const floors = [100, 200, 400, 500, 500].map((ms) => ms * MILLISECOND);
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(floors[i]!);
      expect(d).toBeLessThanOrEqual(Math.min(500 * MILLISECOND, floors[i]! * 1.1));
    });
    expect(seen).toEqual([1, 2]);
    expect(dead).toEqual([3]);
    // Stable for longer than the reset period: back to min.
    clock.advanceTo(clock.now() + 11 * SECOND);
    const crashedAt = clock.now();
    w.tell('crash');
    system.runUntilIdle();
    clock.advanceTo(crashedAt + SECOND);
    const last = starts.at(-1)! - crashedAt;
    expect(last).toBeGreaterThanOrEqual(100 * MILLISECOND);
    expect(last).toBeLessThanOrEqual(110 * MILLISECOND);
  });

  it('stops the system with the reason when the root gives up', async () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock, supervision: { maxRestarts: 0, withinUs: SECOND } });
    const c = system.spawn(counterActor());
    c.tell('crash');
    system.runUntilIdle();
    const end = await system.terminated;
    expect(end.kind).toBe('failed');
    expect(end.kind === 'failed' && isTickflowError(end.error, 'SUPERVISOR_GAVE_UP')).toBe(true);
    expect(system.isAccepting).toBe(false);
  });
});
