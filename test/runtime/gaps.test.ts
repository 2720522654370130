/**
 * Gaps found by mutation testing of the runtime: each test pins one rule that no other test
 * observed (a mutation that broke it left the suite green). Simulated clock throughout.
 */
import { describe, expect, it } from 'vitest';
import { defineActor, defineSupervisor, type ActorRef } from '../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../src/runtime/actor-system.js';
import { HOUR, MILLISECOND, SECOND, SimulatedClock } from '../../src/runtime/clock.js';
import type { DeadLetter } from '../../src/runtime/dead-letters.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { SupervisionPolicy } from '../../src/runtime/supervision.js';
import { replay } from '../../streams/replay-driver.js';
import { fixedBackoff, flush, outcomeOf, simulated, supervised, track } from './fixtures.js';
import { createSimulatedMarket } from '../../streams/simulated-market.js';

// ---- Helpers ---------------------------------------------------------------------------------

function snap(system: ActorSystem, ref: ActorRef<any>) {
  const s = system.inspectActor(ref);
  if (s === undefined) throw new Error(`no snapshot of ${ref.path}`);
  return s;
}


/** A decide function that returns `first` once, then `rest`; counts its calls. */
function decider(first: 'escalate' | 'restart', rest: 'resume' | 'restart') {
  const d = { calls: 0, decide: (): 'escalate' | 'restart' | 'resume' => (d.calls++ === 0 ? first : rest) };
  return d;
}

// ---- 1. one failure, one decision ------------------------------------------------------------

describe('a burst that fails an actor', () => {
  it('is one decision when the conflate key throws on every message of the burst and the supervisor escalates', () => {
    const { system } = simulated({ supervision: { decide: () => 'resume' } });
    const d = decider('escalate', 'resume');
    const seen: string[] = [];
    const k = defineActor<void, null, string>({
      name: 'k',
      init: () => null,
      receive: (s, m) => (seen.push(m), s),
      mailbox: {
        capacity: 8,
        overflow: 'conflate',
        conflateKey: (m: string) => {
          if (m === 'bad') throw new Error('bad key');
          return m;
        },
      },
    });
    system.spawn(defineSupervisor({ name: 'p', supervision: { decide: d.decide, maxRestarts: 10, withinUs: HOUR }, children: [{ actor: k, name: 'k' }] }));
    const ref = system.lookup<string>('p/k')!;
    ref.tell('bad');
    ref.tell('bad');
    ref.tell('bad');
    system.runUntilIdle();
    expect(d.calls).toBe(1); // escalate; the grandparent resumed the whole subtree
    expect(snap(system, ref).status).toBe('running');
    expect(snap(system, ref).counters).toMatchObject({ failed: 3, restarts: 0 });
    ref.tell('ok');
    system.runUntilIdle();
    expect(seen).toEqual(['ok']);
  });
});

// ---- 2. escalate then resume: held failures ------------------------------------------------------

describe('failures held while the supervisor is failed', () => {
  it('are decided once the supervisor resumes, so a sibling that failed meanwhile does not stay failed', () => {
    const { system } = simulated({ supervision: { decide: () => 'resume' } });
    const d = decider('escalate', 'restart');
    const child = defineActor<void, null, string>({ name: 'c', init: () => null, receive: (s) => s, mailbox: { capacity: 1, overflow: 'fail' } });
    system.spawn(
      defineSupervisor({
        name: 'p',
        supervision: { decide: d.decide, maxRestarts: 10, withinUs: HOUR },
        children: [
          { actor: child, name: 'a' },
          { actor: child, name: 'b' },
        ],
      }),
    );
    const a = system.lookup<string>('p/a')!;
    const b = system.lookup<string>('p/b')!;
    // Both overflow before anything runs: two failures queued, b's is held while p is failed.
    a.tell('1');
    a.tell('2');
    b.tell('1');
    b.tell('2');
    system.runUntilIdle();
    expect(d.calls).toBe(2); // a: escalate; b (replayed after p resumed): restart
    expect(snap(system, a).status).toBe('running');
    expect(snap(system, b).status).toBe('running');
    expect(snap(system, b).counters.restarts).toBe(1);
  });
});

// ---- 4. group restarts: failures of members already taken down are ignored -----------------------

describe('a group restart', () => {
  it('ignores the queued failure of a sibling it already took down: one decision, one restart each, intensity counted once', () => {
    const { clock, system } = simulated();
    const d = decider('restart', 'restart');
    const child = defineActor<void, null, string>({ name: 'c', init: () => null, receive: (s) => s, mailbox: { capacity: 1, overflow: 'fail' } });
    const p = system.spawn(
      defineSupervisor({
        name: 'p',
        supervision: { strategy: 'one-for-all', decide: d.decide, maxRestarts: 1, withinUs: HOUR, backoff: fixedBackoff(SECOND) },
        children: [
          { actor: child, name: 'a' },
          { actor: child, name: 'b' },
        ],
      }),
    );
    const a = system.lookup<string>('p/a')!;
    const b = system.lookup<string>('p/b')!;
    a.tell('1');
    a.tell('2');
    b.tell('1');
    b.tell('2');
    system.runUntilIdle();
    expect(d.calls).toBe(1);
    clock.advanceTo(2 * SECOND);
    expect(snap(system, p).status).toBe('running');
    expect(snap(system, p).counters.restarts).toBe(0);
    expect(snap(system, a)).toMatchObject({ status: 'running', counters: { restarts: 1 } });
    expect(snap(system, b)).toMatchObject({ status: 'running', counters: { restarts: 1 } });
  });
});

// ---- 6/8. an ask that arrives while onStop is pending ---------------------------------------------

describe('an ask sent while onStop is pending', () => {
  it.each([
    ['system.stopActor', 'ASK_TARGET_STOPPED'],
    ['system.stop', 'SYSTEM_STOPPED'],
  ] as const)('is dead-lettered and rejected at once, before onStop settles (%s → %s)', async (how, code) => {
    const { system, dead } = simulated();
    let release: (() => void) | undefined;
    const f = system.spawn(
      defineActor<void, null, string>({
        name: 'f',
        init: () => null,
        receive: (s, _m, ctx) => (ctx.reply('hi'), s),
        onStop: () => new Promise<void>((resolve) => (release = resolve)),
      }),
      { name: 'f' },
    );
    if (how === 'system.stop') void system.stop();
    else system.stopActor(f);
    system.runUntilIdle();
    await flush(system);
    expect(release).toBeDefined(); // onStop has begun
    const late = track(f.ask('late'));
    await flush(system);
    expect(outcomeOf(late)).toBe(code);
    expect(dead.filter((d) => d.recipient === 'f').map((d) => `${d.reason}:${String(d.message)}`)).toEqual(['stopped:late']);
    release!();
    await flush(system);
  });
});

// ---- 3/8. an ask stashed during a backoff when the actor is stopped ------------------------------

describe('an ask stashed while its target waits out a restart backoff', () => {
  it.each([
    ['system.stopActor', 'ASK_TARGET_STOPPED'],
    ['system.stop', 'SYSTEM_STOPPED'],
  ] as const)('fails when the target is stopped (%s → %s)', async (how, code) => {
    const { system } = simulated();
    const t = defineActor<void, null, string>({
      name: 't',
      init: () => null,
      receive: (s, m, ctx) => {
        if (m === 'crash') throw new Error('boom');
        ctx.reply(m);
        return s;
      },
    });
    const ref = supervised<string>(system, t, 't', { backoff: fixedBackoff(SECOND), maxRestarts: 10, withinUs: HOUR });
    ref.tell('crash');
    system.runUntilIdle();
    expect(snap(system, ref).status).toBe('restarting');
    const asked = track(ref.ask('get'));
    await flush(system);
    expect(outcomeOf(asked)).toBe('pending');
    if (how === 'system.stop') void system.stop();
    else system.stopActor(ref);
    await flush(system);
    expect(outcomeOf(asked)).toBe(code);
  });
});

// ---- 8. an incarnation that crashes before its deferred reply --------------------------------------

describe('a deferred reply', () => {
  it('fails at once with ASK_TARGET_STOPPED when the incarnation that kept ctx.asker crashes and restarts', async () => {
    const { system } = simulated();
    const keeper = defineActor<void, { asker: ActorRef<unknown> | undefined }, string>({
      name: 'keeper',
      init: () => ({ asker: undefined }),
      receive: (s, m, ctx) => {
        if (m === 'crash') throw new Error('boom');
        return { asker: ctx.asker };
      },
    });
    const k = supervised<string>(system, keeper, 'k', { maxRestarts: 10, withinUs: HOUR });
    const asked = track(k.ask('hold'));
    await flush(system);
    expect(outcomeOf(asked)).toBe('pending');
    k.tell('crash');
    await flush(system);
    expect(snap(system, k)).toMatchObject({ status: 'running', counters: { restarts: 1 } });
    expect(outcomeOf(asked)).toBe('ASK_TARGET_STOPPED');
  });
});

// ---- 9. timers across a restart ---------------------------------------------------------------------

describe('timers of a failed incarnation', () => {
  it('never fire during the restart backoff (nothing stashed, no stale-timer letters)', () => {
    const { clock, system, dead } = simulated();
    const log: string[] = [];
    let incarnations = 0;
    const t = defineActor<void, { inc: number }, string>({
      name: 't',
      init: () => ({ inc: ++incarnations }),
      onStart: (s, ctx) => (ctx.clock.startTimer('tick', 10 * MILLISECOND, 'tick', true), s),
      receive: (s, m) => {
        log.push(`${s.inc}:${m}`);
        if (m === 'crash') throw new Error('boom');
        return s;
      },
    });
    const ref = supervised<string>(system, t, 't', { backoff: fixedBackoff(SECOND), maxRestarts: 10, withinUs: HOUR });
    ref.tell('crash');
    system.runUntilIdle();
    clock.advanceTo(500 * MILLISECOND);
    expect(snap(system, ref)).toMatchObject({ status: 'restarting', stashed: 0 });
    clock.advanceTo(1_005 * MILLISECOND);
    expect(snap(system, ref).status).toBe('running');
    expect(dead.filter((d) => d.reason === 'stale-timer')).toEqual([]);
    expect(log).toEqual(['1:crash']);
  });

  it('that were queued while a permanent child waited to exit never reach the restarted incarnation', async () => {
    const { clock, system, dead } = simulated();
    const log: string[] = [];
    let incarnations = 0;
    let release: (() => void) | undefined;
    const slowChild = defineActor<void, null, never>({
      name: 'slow',
      init: () => null,
      receive: (s) => s,
      onStop: () => (release === undefined ? new Promise<void>((resolve) => (release = resolve)) : undefined),
    });
    const ticker = defineActor<void, { inc: number }, string>({
      name: 'ticker',
      init: () => ({ inc: ++incarnations }),
      onStart: (s, ctx) => (ctx.clock.startTimer('tick', MILLISECOND, 'tick', true), s),
      receive: (s, m, ctx) => {
        log.push(`${s.inc}:${m}`);
        if (m === 'quit') ctx.stop();
        return s;
      },
      children: [{ actor: slowChild, name: 'slow' }],
    });
    const ref = supervised<string>(system, ticker, 't', { maxRestarts: 10, withinUs: HOUR });
    ref.tell('quit');
    system.runUntilIdle();
    expect(release).toBeDefined(); // the child's onStop holds the exit
    clock.advanceTo(5 * MILLISECOND); // the periodic timer keeps firing into the held mailbox
    release!();
    await flush(system);
    expect(snap(system, ref)).toMatchObject({ status: 'running', counters: { restarts: 1 } });
    expect(log.filter((l) => l.startsWith('2:'))).toEqual([]);
    const letters = dead.filter((d) => d.recipient === 'sup/t');
    expect(letters.length).toBeGreaterThan(0);
    expect(letters.every((d) => d.message === 'tick' && (d.reason === 'stale-timer' || d.reason === 'unprocessed'))).toBe(true);
  });
});

// ---- receiveBatch ------------------------------------------------------------------------------------

describe('receiveBatch', () => {
  it('defers what the actor sends itself during a batch: nothing of the batch is evicted or skipped', () => {
    const { system } = simulated();
    const seen: string[] = [];
    const b = system.spawn(
      defineActor<void, null, string>({
        name: 'b',
        init: () => null,
        receive: (s, m) => (seen.push(m), s),
        receiveBatch: (s, messages, from, to, ctx) => {
          for (let i = from; i < to; i++) {
            const m = messages[i]!;
            seen.push(m);
            if (!m.startsWith('echo')) ctx.self.tell(`echo${m}`);
          }
          return s;
        },
        mailbox: { capacity: 4, overflow: 'dropOldest' },
      }),
    );
    for (const m of ['1', '2', '3', '4']) b.tell(m);
    system.runUntilIdle();
    expect(seen).toEqual(['1', '2', '3', '4', 'echo1', 'echo2', 'echo3', 'echo4']);
    expect(snap(system, b).counters).toMatchObject({ processed: 8, dropped: 0, received: 8 });
  });

  it('counts every message of a throwing batch as failed', () => {
    const { system } = simulated();
    const b = system.spawn(
      defineActor<void, null, number>({
        name: 'b',
        init: () => null,
        receive: (s) => s,
        receiveBatch: () => {
          throw new Error('batch boom');
        },
      }),
    );
    for (let i = 0; i < 5; i++) b.tell(i);
    system.runUntilIdle();
    expect(snap(system, b).counters).toMatchObject({ processed: 0, failed: 5, received: 5 });
  });
});

// ---- the send fast path --------------------------------------------------------------------------------

describe('the send fast path', () => {
  it('never writes past the ring when the capacity exceeds the initial ring (grows instead)', () => {
    const { system } = simulated();
    const n = 70_000;
    let expected = 0;
    let outOfOrder = 0;
    const r = system.spawn(
      defineActor<void, null, number>({
        name: 'r',
        init: () => null,
        receive: (s, m) => {
          if (m !== expected) outOfOrder++;
          expected = m + 1;
          return s;
        },
        mailbox: { capacity: 100_000, overflow: 'dropNewest' },
      }),
    );
    for (let i = 0; i < n; i++) r.tell(i);
    system.runUntilIdle();
    expect(outOfOrder).toBe(0);
    expect(snap(system, r).counters).toMatchObject({ processed: n, dropped: 0 });
  });

  it('ends the turn when a send to self fails the actor: the failed incarnation processes nothing more', () => {
    const { system } = simulated();
    const log: string[] = [];
    let incarnations = 0;
    const a = defineActor<void, { inc: number }, string>({
      name: 'a',
      init: () => ({ inc: ++incarnations }),
      receive: (s, m, ctx) => {
        log.push(`${s.inc}:${m}`);
        if (m === 'spam') for (const x of ['a', 'b', 'c']) ctx.self.tell(x);
        return s;
      },
      mailbox: { capacity: 2, overflow: 'fail' },
    });
    const ref = supervised<string>(system, a, 'a', { maxRestarts: 10, withinUs: HOUR });
    ref.tell('spam');
    ref.tell('x');
    system.runUntilIdle();
    // 'b' overflowed (failed); 'c' arrived while failed (stashed); 'x' and 'a' wait for the decision.
    expect(log).toEqual(['1:spam', '2:x', '2:a', '2:c']);
    expect(snap(system, ref).counters).toMatchObject({ failed: 1, restarts: 1, processed: 4 });
  });
});

// ---- the replay driver -------------------------------------------------------------------------------

describe('the replay driver', () => {
  it('advances to the next timer when offers are refused because a restarting actor holds a full mailbox', async () => {
    const clock = new SimulatedClock(0);
    const system = createActorSystem({ clock });
    let crashed = false;
    let got = 0;
    const fragile = defineActor<void, null, unknown>({
      name: 'fragile',
      init: () => null,
      onStart: (s, ctx) => (ctx.subscribe('md'), s),
      receive: (s) => {
        if (!crashed) {
          crashed = true;
          throw new Error('first record');
        }
        got++;
        return s;
      },
      mailbox: { capacity: 2, overflow: 'backpressure' },
    });
    system.spawn(defineSupervisor({ name: 'sup', supervision: { backoff: fixedBackoff(SECOND), maxRestarts: 10, withinUs: HOUR }, children: [{ actor: fragile, name: 'f' }] }));
    const records = 50;
    const outcome = await Promise.race([
      replay(system, createSimulatedMarket({ records, chunkSize: 10, seed: 3 })),
      new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 3_000)),
    ]);
    expect(outcome).not.toBe('hung');
    if (outcome === 'hung') return;
    expect(outcome.records).toBe(records);
    system.runUntilIdle();
    expect(got).toBe(records - 1);
  });
});
