import { describe, expect, it } from 'vitest';
import { defineActor } from '../../src/runtime/actor.js';
import { createActorSystem } from '../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../src/runtime/clock.js';
import type { MailboxConfig } from '../../src/runtime/mailbox.js';
import { countersOf } from './fixtures.js';

type Msg = { readonly key: string; readonly v: number };

function recorder(mailbox: Partial<MailboxConfig>) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const seen: string[] = [];
  const ref = system.spawn(
    defineActor<void, null, Msg>({
      name: 'r',
      init: () => null,
      receive: (s, m) => {
        seen.push(`${m.key}${m.v}`);
        return s;
      },
    }),
    { mailbox },
  );
  return { system, seen, ref };
}

describe('mailbox overflow policies (capacity 2, actor busy, 3 sent)', () => {
  const three: Msg[] = [
    { key: 'a', v: 1 },
    { key: 'b', v: 2 },
    { key: 'a', v: 3 },
  ];

  it('dropOldest keeps the newest', () => {
    const { system, seen, ref } = recorder({ capacity: 2, overflow: 'dropOldest' });
    for (const m of three) ref.tell(m);
    system.runUntilIdle();
    expect(seen).toEqual(['b2', 'a3']);
    expect(countersOf(system, 'r')).toMatchObject({ received: 3, processed: 2, dropped: 1 });
  });

  it('dropNewest keeps the oldest', () => {
    const { system, seen, ref } = recorder({ capacity: 2, overflow: 'dropNewest' });
    for (const m of three) ref.tell(m);
    system.runUntilIdle();
    expect(seen).toEqual(['a1', 'b2']);
    expect(countersOf(system, 'r')).toMatchObject({ processed: 2, dropped: 1 });
  });

  it('conflate keeps the latest per key, in arrival order of the survivors', () => {
    const { system, seen, ref } = recorder({ capacity: 2, overflow: 'conflate', conflateKey: (m: Msg) => m.key });
    for (const m of three) ref.tell(m);
    system.runUntilIdle();
    expect(seen).toEqual(['b2', 'a3']);
    expect(countersOf(system, 'r')).toMatchObject({ processed: 2, conflated: 1, dropped: 0 });
  });

  it('conflate drops the oldest when a new key arrives at a full mailbox', () => {
    const { system, seen, ref } = recorder({ capacity: 2, overflow: 'conflate', conflateKey: (m: Msg) => m.key });
    for (const m of [{ key: 'a', v: 1 }, { key: 'b', v: 2 }, { key: 'c', v: 3 }]) ref.tell(m);
    system.runUntilIdle();
    expect(seen).toEqual(['b2', 'c3']);
    expect(countersOf(system, 'r')).toMatchObject({ processed: 2, dropped: 1 });
  });

  it('fail fails the actor, counting the refused message', () => {
    const { system, seen, ref } = recorder({ capacity: 2, overflow: 'fail' });
    for (const m of three) ref.tell(m);
    system.runUntilIdle();
    expect(seen).toEqual(['a1', 'b2']); // the mailbox survives the restart
    expect(countersOf(system, 'r')).toMatchObject({ processed: 2, failed: 1, restarts: 1 });
  });

  it('backpressure refuses offers at capacity, signals room, and never refuses actor sends', async () => {
    const { system, seen, ref } = recorder({ capacity: 2, overflow: 'backpressure' });
    expect(system.offer(ref, three[0])).toBe(true);
    expect(system.offer(ref, three[1])).toBe(true);
    expect(system.offer(ref, three[2])).toBe(false);
    expect(system.hasRoom()).toBe(false);
    let room = false;
    const signalled = system.whenRoom().then(() => (room = true));
    await Promise.resolve();
    expect(room).toBe(false);
    system.runUntilIdle();
    await signalled;
    expect(room).toBe(true);
    expect(system.offer(ref, three[2])).toBe(true);
    // An actor sending 5 messages into the same capacity-2 mailbox: all delivered.
    const burst = system.spawn(
      defineActor<void, null, 'go'>({
        name: 'burst',
        init: () => null,
        receive: (s, _m, ctx) => {
          for (let v = 10; v < 15; v++) ctx.send(ref, { key: 'x', v });
          return s;
        },
      }),
    );
    burst.tell('go');
    system.runUntilIdle();
    expect(seen).toEqual(['a1', 'b2', 'a3', 'x10', 'x11', 'x12', 'x13', 'x14']);
    expect(countersOf(system, 'r').dropped).toBe(0);
  });
});
