import { describe, expect, it } from 'vitest';
import { defineSupervisor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { HOUR, SimulatedClock } from '../../src/runtime/clock.js';
import { isTickflowError } from '../../src/runtime/errors.js';
import type { Directive } from '../../src/runtime/supervision.js';
import { askNow, counterActor } from './fixtures.js';

/**
 * top (decides `topDirective` for sup, recording what it is asked)
 *   └ sup (decides `supDirective` for its children, recording what it is asked)
 *       ├ c1
 *       └ c2
 */
function harness(supDirective: Directive, topDirective: Directive) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const events: string[] = [];
  const counter = counterActor(events);
  const supAsked: { error: unknown; child: string }[] = [];
  const topAsked: { error: unknown; child: string }[] = [];
  system.spawn(
    defineSupervisor({
      name: 'top',
      supervision: {
        maxRestarts: 10,
        withinUs: HOUR,
        decide: (error, child) => {
          topAsked.push({ error, child });
          return topDirective;
        },
      },
      children: [
        {
          actor: defineSupervisor({
            name: 'sup',
            supervision: {
              maxRestarts: 10,
              withinUs: HOUR,
              decide: (error, child) => {
                supAsked.push({ error, child });
                return supDirective;
              },
            },
            children: [
              { actor: counter, name: 'c1' },
              { actor: counter, name: 'c2' },
            ],
          }),
        },
      ],
    }),
  );
  return { clock, system, events, supAsked, topAsked };
}

/** Gives both children some state, then crashes c1; returns the error c1 threw. */
function crashC1(system: ReturnType<typeof harness>['system'], supAsked: { error: unknown }[]): unknown {
  const c1 = system.lookup('top/sup/c1')!;
  const c2 = system.lookup('top/sup/c2')!;
  c1.tell('inc');
  c2.tell('inc');
  c2.tell('inc');
  system.runUntilIdle();
  c1.tell('crash');
  system.runUntilIdle();
  expect(supAsked).toHaveLength(1);
  return supAsked[0]!.error;
}

describe('escalation', () => {
  it('fails the supervisor and asks the grandparent with an ESCALATED error naming the child and the cause', () => {
    const { system, supAsked, topAsked } = harness('escalate', 'restart');
    const original = crashC1(system, supAsked);
    expect(original).toBeInstanceOf(Error);
    expect((original as Error).message).toBe('boom in top/sup/c1');
    expect(supAsked[0]!.child).toBe('c1');

    expect(topAsked).toHaveLength(1);
    const { error, child } = topAsked[0]!;
    expect(child).toBe('sup');
    expect(isTickflowError(error, 'ESCALATED')).toBe(true);
    if (!isTickflowError(error)) return;
    expect(error.context.actor).toBe('top/sup/c1');
    expect(error.cause).toBe(original);
  });

  it('restarts the supervisor and all its children with fresh state when the grandparent decides restart', async () => {
    const { system, events, supAsked } = harness('escalate', 'restart');
    const sup = system.lookup('top/sup')!;
    events.length = 0;
    crashC1(system, supAsked);

    expect(system.inspectActor(sup)!.status).toBe('running');
    expect(system.inspectActor(sup)!.counters.restarts).toBe(1);
    // Both children were stopped (last started first) with the old supervisor, then started again in order.
    expect(events).toEqual(['top/sup/c2:stop', 'top/sup/c1:stop', 'top/sup/c1:start', 'top/sup/c2:start']);
    const c1 = system.lookup('top/sup/c1');
    const c2 = system.lookup('top/sup/c2');
    expect(c1).toBeDefined();
    expect(c2).toBeDefined();
    expect(system.inspectActor(c1!)!.status).toBe('running');
    expect(await askNow(system, c1!, 'get')).toBe(0);
    expect(await askNow(system, c2!, 'get')).toBe(0); // the sibling had 2: it was restarted too
  });

  it('removes the supervisor subtree when the grandparent decides stop', () => {
    const { system, supAsked, topAsked } = harness('escalate', 'stop');
    crashC1(system, supAsked);
    expect(topAsked).toHaveLength(1);
    expect(system.lookup('top/sup')).toBeUndefined();
    expect(system.lookup('top/sup/c1')).toBeUndefined();
    expect(system.lookup('top/sup/c2')).toBeUndefined();
    expect(system.lookup('top')).toBeDefined();
  });

  it('differs from stop, which removes only the failed child and never involves the grandparent', async () => {
    const { system, events, supAsked, topAsked } = harness('stop', 'restart');
    const sup = system.lookup('top/sup')!;
    events.length = 0;
    crashC1(system, supAsked);

    expect(topAsked).toEqual([]);
    expect(system.lookup('top/sup/c1')).toBeUndefined();
    expect(events).toEqual(['top/sup/c1:stop']);
    expect(system.inspectActor(sup)!.counters.restarts).toBe(0);
    expect(await askNow(system, system.lookup('top/sup/c2')!, 'get')).toBe(2); // sibling untouched
  });
});
