import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import { TimerQueue, type TimerEntry } from '../../src/runtime/timer-queue.js';

const noop = (): void => {};

function drain(queue: TimerQueue): TimerEntry[] {
  const out: TimerEntry[] = [];
  for (let e = queue.pop(); e !== undefined; e = queue.pop()) out.push(e);
  return out;
}

describe('TimerQueue', () => {
  it('pops timers due at the same instant in insertion order, interleaved with others', () => {
    const queue = new TimerQueue();
    const order: string[] = [];
    // 30 timers at 100 added among timers at 50 and 200, so the heap must reorder around them.
    for (let i = 0; i < 30; i++) {
      queue.add(100, () => order.push(`same${i}`));
      if (i % 3 === 0) queue.add(200, () => order.push(`late${i}`));
      if (i % 4 === 0) queue.add(50, () => order.push(`early${i}`));
    }
    for (const e of drain(queue)) e.fire();
    const expected = [
      ...[0, 4, 8, 12, 16, 20, 24, 28].map((i) => `early${i}`),
      ...Array.from({ length: 30 }, (_, i) => `same${i}`),
      ...[0, 3, 6, 9, 12, 15, 18, 21, 24, 27].map((i) => `late${i}`),
    ];
    expect(order).toEqual(expected);
  });

  it('reports the earliest live due and skips cancelled entries', () => {
    const queue = new TimerQueue();
    expect(queue.peekDue()).toBe(Infinity);
    const a = queue.add(10, noop);
    const b = queue.add(10, noop);
    queue.add(20, noop);
    a.live = false;
    expect(queue.peekDue()).toBe(10);
    expect(queue.pop()).toBe(b);
    expect(queue.peekDue()).toBe(20);
  });

  it('pops live entries by (due, seq) ascending and never pops a cancelled one (model check)', () => {
    type Op = { kind: 'add'; due: number } | { kind: 'cancel'; pick: number } | { kind: 'pop' };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), due: fc.integer({ min: 0, max: 8 }) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('pop' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const queue = new TimerQueue();
        const added: TimerEntry[] = [];
        const live = new Set<TimerEntry>();
        const byOrder = (x: TimerEntry, y: TimerEntry) => x.due - y.due || x.seq - y.seq;
        const modelMin = () => [...live].sort(byOrder)[0];
        for (const o of ops) {
          if (o.kind === 'add') {
            const e = queue.add(o.due, noop);
            added.push(e);
            live.add(e);
          } else if (o.kind === 'cancel') {
            if (added.length === 0) continue;
            const e = added[o.pick % added.length]!;
            e.live = false;
            live.delete(e);
          } else {
            const want = modelMin();
            expect(queue.peekDue()).toBe(want?.due ?? Infinity);
            const got = queue.pop();
            expect(got).toBe(want);
            if (got !== undefined) live.delete(got);
          }
        }
        const rest = drain(queue);
        expect(rest.every((e) => e.live)).toBe(true);
        for (let i = 1; i < rest.length; i++) expect(byOrder(rest[i - 1]!, rest[i]!)).toBeLessThan(0);
        expect(rest).toEqual([...live].sort(byOrder));
      }),
    );
  });
});

describe('actor timers at the same instant', () => {
  it('arrive in the order they were started, a replaced timer counting as started last', () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    const got: string[] = [];
    system.spawn(
      defineActor<void, null, string>({
        name: 'timers',
        init: () => null,
        onStart: (s, ctx) => {
          ctx.clock.startTimer('x', 2_000, 'x@2000');
          for (const key of ['a', 'b', 'c', 'd', 'e']) ctx.clock.startTimer(key, 1_000, key);
          ctx.clock.startTimer('early', 500, 'early@500');
          ctx.clock.startTimerAt('f', 1_000, 'f');
          ctx.clock.startTimer('g', 1_000, 'g');
          ctx.clock.startTimer('b', 1_000, 'b2'); // replaces b: now set after g
          return s;
        },
        receive: (s, m, ctx) => {
          got.push(`${m}:${ctx.clock.now()}`);
          return s;
        },
      }),
    );
    clock.advanceTo(3_000);
    expect(got).toEqual(['early@500:500', 'a:1000', 'c:1000', 'd:1000', 'e:1000', 'f:1000', 'g:1000', 'b2:1000', 'x@2000:2000']);
  });
});
