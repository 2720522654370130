/**
 * The live dispatcher's scheduling (`src/runtime/dispatcher.ts`): what senders outside the system
 * may rely on. These tests run on the live clock without timers or sleeps: a drain is a microtask,
 * and the yield after `LIVE_BUDGET` turns is one `setImmediate`, both awaited directly.
 */
import { describe, expect, it } from 'vitest';
import { defineActor, type ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../src/runtime/actor-system.js';
import { LIVE_BUDGET } from '../../src/runtime/dispatcher.js';
import { countersOf } from './fixtures.js';

/** Resolves after the event loop has run one check phase (queued after everything queued so far). */
const nextImmediate = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A live system with actors that log `<name>:<message>` into one shared array. */
function liveLog(options: { throughput?: number } = {}) {
  const system = createActorSystem(options);
  const log: string[] = [];
  const logger = (name: string, capacity = 1024) =>
    system.spawn(
      defineActor<void, null, string | number>({
        name,
        init: () => null,
        receive: (s, m) => {
          log.push(`${name}:${m}`);
          return s;
        },
      }),
      { mailbox: { capacity, overflow: 'backpressure' } },
    );
  return { system, log, logger };
}

async function stopped(system: ActorSystem): Promise<void> {
  expect(await system.stop()).toEqual({ kind: 'stopped' });
}

describe('live dispatcher', () => {
  it('processes a message sent from outside in the next microtask, never on the sender’s stack', async () => {
    const { system, log, logger } = liveLog();
    const a = logger('a');
    let sending = false;
    const onStack: boolean[] = [];
    const probe = system.spawn(defineActor<void, null, string>({ name: 'probe', init: () => null, receive: (s) => (onStack.push(sending), s) }));
    sending = true;
    a.tell(1);
    expect(system.offer(a as ActorRef<never>, 2)).toBe(true);
    probe.tell('x');
    sending = false;
    expect(log).toEqual([]);
    // The drain was queued before this continuation: one microtask later everything has run
    // (a macrotask or `process.nextTick` would not have).
    await Promise.resolve();
    expect(log).toEqual(['a:1', 'a:2']);
    expect(onStack).toEqual([false]);
    await stopped(system);
  });

  it('keeps each sender’s order and gives actors turns in the order they became ready', async () => {
    const { system, log, logger } = liveLog({ throughput: 2 });
    const a = logger('a');
    const b = logger('b');
    for (let i = 0; i < 5; i++) {
      a.tell(i);
      b.tell(i);
    }
    await Promise.resolve();
    // Turns of at most 2 messages, alternating: a busy actor does not starve the other.
    expect(log).toEqual(['a:0', 'a:1', 'b:0', 'b:1', 'a:2', 'a:3', 'b:2', 'b:3', 'a:4', 'b:4']);
    await stopped(system);
  });

  it('processes what a turn sends, and what a receive sends from outside, in the same drain and not nested', async () => {
    const { system, log, logger } = liveLog();
    const b = logger('b');
    let inA = false;
    const nested: boolean[] = [];
    const c = system.spawn(defineActor<void, null, number>({ name: 'c', init: () => null, receive: (s, m) => (nested.push(inA), log.push(`c:${m}`), s) }));
    const a = system.spawn(
      defineActor<void, null, number>({
        name: 'a',
        init: () => null,
        receive: (s, m, ctx) => {
          inA = true;
          log.push(`a:${m}`);
          ctx.send(b, m);
          c.tell(m); // a ref used directly, as wiring code outside the system would
          if (m < 2) ctx.send(ctx.self, m + 1);
          inA = false;
          return s;
        },
      }),
    );
    a.tell(0);
    await Promise.resolve();
    expect(log).toEqual(['a:0', 'b:0', 'c:0', 'a:1', 'b:1', 'c:1', 'a:2', 'b:2', 'c:2']);
    expect(nested).toEqual([false, false, false]);
    await stopped(system);
  });

  it('yields to the event loop after its turn budget and resumes where it stopped', async () => {
    const { system, log, logger } = liveLog({ throughput: 1 });
    const a = logger('a', 8192);
    const total = LIVE_BUDGET + 100;
    const seenByIo: number[] = [];
    setImmediate(() => {
      seenByIo.push(log.length);
      a.tell('during-yield'); // a drain is pending: this joins it, behind what is queued
    });
    for (let i = 0; i < total; i++) a.tell(i);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(log).toHaveLength(LIVE_BUDGET); // one message per turn, one budget per drain
    await nextImmediate();
    expect(seenByIo).toEqual([LIVE_BUDGET]);
    expect(log).toHaveLength(total + 1);
    expect(log.slice(-2)).toEqual([`a:${total - 1}`, 'a:during-yield']);
    await stopped(system);
  });

  it('keeps draining after an actor throws, and later sends still schedule a drain', async () => {
    const { system, log, logger } = liveLog();
    const b = logger('b');
    const flaky = system.spawn(
      defineActor<void, null, string>({
        name: 'flaky',
        init: () => null,
        receive: (s, m) => {
          if (m === 'boom') throw new Error('boom');
          log.push(`flaky:${m}`);
          return s;
        },
      }),
    );
    flaky.tell('x');
    flaky.tell('boom');
    flaky.tell('y');
    b.tell(1);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(log).toEqual(['flaky:x', 'b:1', 'flaky:y']); // restarted (no backoff), mailbox kept
    expect(countersOf(system, 'flaky')).toMatchObject({ processed: 2, failed: 1, restarts: 1 });
    flaky.tell('z');
    b.tell(2);
    await Promise.resolve();
    expect(log.slice(3)).toEqual(['flaky:z', 'b:2']);
    await stopped(system);
  });

  it('drains what is queued when stopped before a pending drain runs, then refuses offers', async () => {
    const { system, log, logger } = liveLog();
    const a = logger('a');
    a.tell(1);
    a.tell(2);
    const termination = system.stop();
    expect(log).toEqual([]);
    expect(system.offer(a as ActorRef<never>, 3)).toBe(false);
    expect(await termination).toEqual({ kind: 'stopped' });
    expect(log).toEqual(['a:1', 'a:2']);
  });

  it('drains everything when stopped while a drain is yielding', async () => {
    const { system, log, logger } = liveLog({ throughput: 1 });
    const a = logger('a', 8192);
    const total = LIVE_BUDGET + 10;
    for (let i = 0; i < total; i++) a.tell(i);
    await Promise.resolve();
    expect(log).toHaveLength(LIVE_BUDGET);
    expect(await system.stop()).toEqual({ kind: 'stopped' });
    expect(log).toHaveLength(total);
    expect(log.at(-1)).toBe(`a:${total - 1}`);
  });
});
