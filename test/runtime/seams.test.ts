/**
 * The seams between supervision, mailboxes, the bus, timers, asks and stops: the places where two
 * rules meet (a restart and a stop, an overflow and a restart, a timer and a crash). Written ahead
 * of the runtime rewrite that implements them; each test states one rule of the runtime contract
 * (DESIGN.md) as observable behaviour. Everything runs under a `SimulatedClock`, except the cases
 * that compare it with the live clock, which wait a few bounded real milliseconds.
 */
import { describe, expect, it } from 'vitest';
import { defineActor, defineSupervisor, type ActorRef } from '../../src/runtime/actor.js';
import type { ActorCell } from '../../src/runtime/actor-cell.js';
import { createActorSystem, type ActorSystem } from '../../src/runtime/actor-system.js';
import { HOUR, MILLISECOND, MINUTE, SECOND, SimulatedClock } from '../../src/runtime/clock.js';
import type { DeadLetter } from '../../src/runtime/dead-letters.js';
import { isTickflowError, TickflowError } from '../../src/runtime/errors.js';
import type { SupervisionPolicy } from '../../src/runtime/supervision.js';
import { fixedBackoff, flush, outcomeOf, simulated, supervised, track, type Tracked } from './fixtures.js';

// ---- Helpers ---------------------------------------------------------------------------------

/** Stops a simulated system, driving time a bounded number of steps; true once it has stopped. */
async function stopSimulated(system: ActorSystem, clock: SimulatedClock): Promise<boolean> {
  let done = false;
  void system.stop().then(() => (done = true));
  for (let i = 0; i < 5 && !done; i++) {
    await flush(system);
    clock.advanceTo(clock.now() + 10 * SECOND);
  }
  await flush(system);
  return done;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function counters(system: ActorSystem, ref: ActorRef<any>) {
  const snap = system.inspectActor(ref);
  if (snap === undefined) throw new Error(`no snapshot of ${ref.path}`);
  return snap.counters;
}

function accounted(c: { processed: number; dropped: number; conflated: number; failed: number; deadLettered: number }): number {
  return c.processed + c.dropped + c.conflated + c.failed + c.deadLettered;
}

const byNumber = (a: number, b: number) => a - b;


type CounterMsg = 'inc' | 'crash' | 'get';

/** Counts `inc`, throws on `crash`, answers `get` with its count. */
const counter = defineActor<void, { n: number }, CounterMsg>({
  name: 'counter',
  init: () => ({ n: 0 }),
  receive(state, msg, ctx) {
    if (msg === 'crash') throw new Error(`boom in ${ctx.self.path}`);
    if (msg === 'get') {
      ctx.reply(state.n);
      return state;
    }
    return { n: state.n + 1 };
  },
});

// ---- 1. fail overflow ------------------------------------------------------------------------

describe('a fail mailbox that overflows', () => {
  it('fails once for a burst, with one decision, and stashes or dead-letters what arrives while failed or restarting', () => {
    const { clock, system, dead } = simulated();
    let decisions = 0;
    const seen: number[] = [];
    const worker = defineActor<void, null, number>({ name: 'w', init: () => null, receive: (s, m) => (seen.push(m), s) });
    system.spawn(
      defineSupervisor({
        name: 'sup',
        supervision: {
          decide: () => {
            decisions++;
            return 'restart';
          },
          maxRestarts: 10,
          withinUs: HOUR,
          stashCapacity: 3,
          backoff: fixedBackoff(100 * MILLISECOND),
        },
        children: [{ actor: worker, name: 'w', mailbox: { capacity: 2, overflow: 'fail' } }],
      }),
    );
    const w = system.lookup<number>('sup/w')!;
    // The actor has not run: 1 and 2 fill the mailbox, 3 is refused (the failure), 4..10 arrive while it is failed.
    for (let i = 1; i <= 10; i++) w.tell(i);
    system.runUntilIdle();
    expect(system.inspectActor(w)?.status).toBe('restarting');
    for (let i = 11; i <= 13; i++) w.tell(i); // during the backoff, the stash already full
    clock.advanceTo(SECOND);

    expect(decisions).toBe(1);
    const snap = system.inspectActor(w)!;
    expect(snap.status).toBe('running');
    expect(snap.counters).toMatchObject({ failed: 1, restarts: 1, received: 13 });
    expect(snap.mailboxDepth + snap.stashed).toBe(0);
    expect(accounted(snap.counters)).toBe(13);
    // Queued messages survive the restart, then the stash is delivered; the rest are dead letters, once each.
    expect(seen).toEqual([1, 2, 4, 5, 6]);
    const letters = dead.filter((d) => d.recipient === 'sup/w');
    expect(letters.map((d) => d.message)).toEqual([7, 8, 9, 10, 11, 12, 13]);
    expect(letters.every((d) => d.reason === 'stash-overflow')).toBe(true);
    expect(snap.counters.deadLettered).toBe(letters.length);
  });
});

// ---- 2. escalate, then resume ----------------------------------------------------------------

describe('escalation', () => {
  it('resumes the child when its supervisor escalates and the grandparent resumes', async () => {
    const { system } = simulated();
    system.spawn(
      defineSupervisor({
        name: 'top',
        supervision: { decide: () => 'resume' },
        children: [
          { actor: defineSupervisor({ name: 'mid', supervision: { decide: () => 'escalate' }, children: [{ actor: counter, name: 'c' }] }) },
        ],
      }),
    );
    const c = system.lookup<CounterMsg>('top/mid/c')!;
    c.tell('inc');
    c.tell('crash');
    c.tell('inc');
    system.runUntilIdle();
    const reply = track(c.ask('get'));
    await flush(system);

    expect(outcomeOf(reply)).toBe('resolved');
    expect(reply.value).toBe(2); // state kept, the message after the crash processed
    expect(system.inspectActor(c)?.status).toBe('running');
    expect(system.inspect().filter((s) => s.status !== 'running')).toEqual([]);
    expect(counters(system, c)).toMatchObject({ processed: 3, failed: 1, restarts: 0 });
  });
});

// ---- 3. stop during a restart's backoff --------------------------------------------------------

describe('a stop while a restart waits in backoff', () => {
  it.each(['parent ctx.stop', 'system.stopActor', 'system.stop'] as const)(
    'runs nothing without state, never restarts, and dead-letters what was queued or stashed (%s)',
    async (how) => {
      const { clock, system, dead } = simulated();
      const withoutState: string[] = [];
      let inits = 0;
      const child = defineActor<void, { n: number }, string>({
        name: 'c',
        init: () => (inits++, { n: 0 }),
        receive: (s, m) => {
          if (s === undefined) {
            withoutState.push(`receive ${m}`);
            return s;
          }
          if (m === 'crash') throw new Error('boom');
          return { n: s.n + 1 };
        },
        onStop: (s) => {
          if (s === undefined) withoutState.push('onStop');
        },
      });
      let childRef: ActorRef<string> | undefined;
      const parent = defineActor<void, null, 'stop-child'>({
        name: 'p',
        supervision: { maxRestarts: 10, withinUs: HOUR, stashCapacity: 10, backoff: fixedBackoff(10 * SECOND) },
        children: [{ actor: child, name: 'c' }],
        init: () => null,
        receive: (s, _m, ctx) => {
          ctx.stop(childRef!);
          return s;
        },
      });
      const p = system.spawn(parent, { name: 'p' });
      const c = system.lookup<string>('p/c')!;
      childRef = c;
      c.tell('crash');
      c.tell('a'); // queued behind the crash: waits in the mailbox through the backoff
      c.tell('b');
      system.runUntilIdle();
      expect(system.inspectActor(c)?.status).toBe('restarting');
      c.tell('d'); // stashed
      c.tell('e');
      clock.advanceTo(SECOND); // still inside the 10 s backoff

      if (how === 'parent ctx.stop') {
        p.tell('stop-child');
        system.runUntilIdle();
      } else if (how === 'system.stopActor') {
        system.stopActor(c);
        system.runUntilIdle();
      } else {
        expect(await stopSimulated(system, clock)).toBe(true);
      }
      await flush(system);
      expect(system.inspectActor(c)?.status).toBe('stopped');
      c.tell('late');
      clock.advanceTo(clock.now() + MINUTE); // far past the backoff: the pending restart would have run by now
      await flush(system);

      expect(withoutState).toEqual([]);
      expect(inits).toBe(1);
      expect(system.inspectActor(c)?.status).toBe('stopped');
      expect(counters(system, c)).toMatchObject({ processed: 0, failed: 1, deadLettered: 5, received: 6, restarts: 0 });
      const letters = dead.filter((d) => d.recipient === 'p/c');
      expect(letters.map((d) => d.message).sort()).toEqual(['a', 'b', 'd', 'e', 'late']);
      expect(letters.every((d) => d.reason === 'stopped' || d.reason === 'unprocessed')).toBe(true);
    },
  );
});

// ---- 4. group restarts -----------------------------------------------------------------------

describe('group restarts', () => {
  it('starts A, B and C once each, in order, at the later restart when A fails during the backoff of B (rest-for-one)', () => {
    const { clock, system } = simulated();
    const events: string[] = [];
    const nameOf = (path: string) => path.split('/')[1]!;
    const member = defineActor<void, { alive: true }, 'crash'>({
      name: 'm',
      init: () => ({ alive: true }),
      onStart: (s, ctx) => (events.push(`start ${nameOf(ctx.self.path)} @${ctx.clock.now()}`), s),
      beforeRestart: (s, _e, ctx) => {
        events.push(`beforeRestart ${nameOf(ctx.self.path)}${s === undefined ? ' without state' : ''}`);
      },
      onStop: (_s, ctx) => {
        events.push(`onStop ${nameOf(ctx.self.path)}`);
      },
      receive: () => {
        throw new Error('boom');
      },
    });
    system.spawn(
      defineSupervisor({
        name: 'sup',
        supervision: {
          strategy: 'rest-for-one',
          maxRestarts: 10,
          withinUs: HOUR,
          backoff: { minUs: SECOND, maxUs: 10 * SECOND, factor: 2, jitter: 0, resetAfterUs: 0 },
        },
        children: ['a', 'b', 'c'].map((name) => ({ actor: member, name })),
      }),
    );
    events.length = 0; // forget the first starts
    system.lookup('sup/b')!.tell('crash'); // B and C wait 1 s
    system.runUntilIdle();
    clock.advanceTo(500 * MILLISECOND);
    system.lookup('sup/a')!.tell('crash'); // A, B and C wait again, from 0.5 s
    system.runUntilIdle();
    clock.advanceTo(MINUTE);

    const starts = events.filter((e) => e.startsWith('start'));
    expect(starts.map((e) => e.split(' ')[1])).toEqual(['a', 'b', 'c']);
    const instants = new Set(starts.map((e) => Number(e.split('@')[1])));
    expect(instants.size).toBe(1);
    expect([...instants][0]).toBeGreaterThanOrEqual(1_500 * MILLISECOND); // not at 1 s, the superseded restart
    expect(events.filter((e) => e.startsWith('beforeRestart')).sort()).toEqual(['beforeRestart a', 'beforeRestart b', 'beforeRestart c']);
    expect(events.filter((e) => e.startsWith('onStop'))).toEqual([]); // beforeRestart is defined: no onStop on restart
    for (const name of ['a', 'b', 'c']) expect(counters(system, system.lookup(`sup/${name}`)!).restarts).toBe(1);
  });

  it.each(['both fail to start', 'both mailboxes overflow'] as const)(
    'ignores the second of two failures in one pass under one-for-all: one decision, one restart each, intensity counted once (%s)',
    (how) => {
      const { system } = simulated();
      let decisions = 0;
      const onStarts = new Map<string, number>();
      const member = defineActor<void, null, number>({
        name: 'm',
        init: () => null,
        onStart: (s, ctx) => {
          const n = (onStarts.get(ctx.self.path) ?? 0) + 1;
          onStarts.set(ctx.self.path, n);
          if (how === 'both fail to start' && n === 1) throw new Error('first start fails');
          return s;
        },
        receive: (s) => s,
      });
      system.spawn(
        defineSupervisor({
          name: 'sup',
          supervision: { strategy: 'one-for-all', maxRestarts: 1, withinUs: HOUR, decide: () => {
            decisions++;
            return 'restart';
          } },
          children: ['x', 'y'].map((name) => ({ actor: member, name, mailbox: { capacity: 1, overflow: 'fail' as const } })),
        }),
      );
      if (how === 'both mailboxes overflow') {
        for (const name of ['x', 'y']) {
          const ref = system.lookup<number>(`sup/${name}`)!;
          ref.tell(1);
          ref.tell(2); // refused: the child fails before anything runs
        }
      }
      system.runUntilIdle();

      expect(decisions).toBe(1);
      expect(system.inspect().map((s) => `${s.path} ${s.status}`).sort()).toEqual(['sup running', 'sup/x running', 'sup/y running']);
      expect(onStarts).toEqual(new Map([['sup/x', 2], ['sup/y', 2]]));
      for (const name of ['x', 'y']) expect(counters(system, system.lookup(`sup/${name}`)!).restarts).toBe(1);
    },
  );
});

// ---- 5. subscriptions across restarts ----------------------------------------------------------

describe('subscriptions across restarts', () => {
  it('stashes what is published during the backoff, dead-letters the excess, and delivers later publishes once', () => {
    const { clock, system, dead } = simulated();
    let incarnation = 0;
    const seen: string[] = [];
    const listener = defineActor<void, { incarnation: number }, string>({
      name: 'l',
      init: () => ({ incarnation: ++incarnation }),
      onStart: (s, ctx) => (ctx.subscribe('x'), s),
      receive: (s, m) => {
        if (m === 'crash') throw new Error('boom');
        seen.push(`${s.incarnation}:${m}`);
        return s;
      },
    });
    const l = supervised<string>(system, listener, 'l', { maxRestarts: 10, withinUs: HOUR, stashCapacity: 3, backoff: fixedBackoff(SECOND) });
    system.publish('x.t', 'p1');
    system.runUntilIdle();
    l.tell('crash');
    system.runUntilIdle();
    for (const m of ['p2', 'p3', 'p4', 'p5', 'p6']) system.publish('x.t', m); // during the backoff
    clock.advanceTo(5 * SECOND);
    system.publish('x.t', 'p7');
    system.publish('x.t', 'p8');
    system.runUntilIdle();

    expect(seen).toEqual(['1:p1', '2:p2', '2:p3', '2:p4', '2:p7', '2:p8']);
    const letters = dead.filter((d) => d.recipient === 'sup/l');
    expect(letters.map((d) => `${d.reason}:${String(d.message)}`)).toEqual(['stash-overflow:p5', 'stash-overflow:p6']);
    expect(counters(system, l)).toMatchObject({ processed: 6, failed: 1, deadLettered: 2, received: 9, restarts: 1 });
  });

  it('keeps a wiring subscription across a restart without the actor subscribing again', () => {
    const { system } = simulated();
    const seen: string[] = [];
    const plain = defineActor<void, null, string>({
      name: 'w',
      init: () => null,
      receive: (s, m) => {
        if (m === 'crash') throw new Error('boom');
        seen.push(m);
        return s;
      },
    });
    const w = system.spawn(plain, { name: 'w' });
    system.subscribe(w, 'y');
    system.publish('y.t', 'before');
    w.tell('crash');
    system.runUntilIdle();
    expect(counters(system, w).restarts).toBe(1);
    system.publish('y.t', 'after');
    system.runUntilIdle();
    expect(seen).toEqual(['before', 'after']);
  });
});

// ---- 6. nothing after onStop -----------------------------------------------------------------

describe('a pending onStop', () => {
  it.each(['system.stopActor', 'system.stop'] as const)('dead-letters a message sent while onStop is pending, never processing it (%s)', async (how) => {
    const { clock, system, dead } = simulated();
    const processed: string[] = [];
    let release: (() => void) | undefined;
    const flusher = defineActor<void, null, string>({
      name: 'f',
      init: () => null,
      receive: (s, m) => (processed.push(m), s),
      onStop: () => new Promise<void>((resolve) => (release = resolve)),
    });
    const f = system.spawn(flusher, { name: 'f' });
    f.tell('before');
    // Not stopSimulated: driving time now would pass the 5 s shutdown deadline and force the stop.
    const stopping = how === 'system.stop' ? track(system.stop()) : undefined;
    if (how === 'system.stopActor') system.stopActor(f);
    system.runUntilIdle();
    await flush(system);
    expect(release).toBeDefined(); // onStop has begun
    f.tell('late');
    system.runUntilIdle();
    await flush(system);
    release!();
    await flush(system);
    if (stopping !== undefined) expect(outcomeOf(stopping)).toBe('resolved');
    expect(clock.now()).toBe(0);

    expect(processed).toEqual(['before']);
    const letters = dead.filter((d) => d.recipient === 'f');
    expect(letters.map((d) => d.message)).toEqual(['late']);
    expect(['stopped', 'unprocessed']).toContain(letters[0]?.reason);
    expect(system.inspectActor(f)?.status).toBe('stopped');
    expect(counters(system, f)).toMatchObject({ processed: 1, deadLettered: 1, received: 2 });
  });
});

// ---- 7. a restart cleans up ------------------------------------------------------------------

/** A cleanup hook that stays pending until `release()`, noting both ends in `events`. */
function pendingCleanup(events: string[]) {
  let resolveHook: (() => void) | undefined;
  return {
    start(): Promise<void> {
      events.push('cleanup-start');
      return new Promise<void>((resolve) => (resolveHook = resolve));
    },
    release(): void {
      events.push('cleanup-done');
      resolveHook!();
    },
  };
}

describe('restart cleanup', () => {
  it('runs onStop of the failed incarnation when there is no beforeRestart, and awaits it before the next init', async () => {
    const { system } = simulated();
    const events: string[] = [];
    const cleanup = pendingCleanup(events);
    const actor = defineActor<void, null, 'crash'>({
      name: 'a',
      init: () => (events.push('init'), null),
      receive: () => {
        throw new Error('boom');
      },
      onStop: () => cleanup.start(),
    });
    const a = system.spawn(actor, { name: 'a' });
    a.tell('crash');
    system.runUntilIdle();
    await flush(system);
    expect(events).toEqual(['init', 'cleanup-start']); // the next init waits for the cleanup
    cleanup.release();
    await flush(system);
    expect(events).toEqual(['init', 'cleanup-start', 'cleanup-done', 'init']);
    expect(system.inspectActor(a)?.status).toBe('running');
  });

  it('runs an async beforeRestart instead of onStop and awaits it before the next init', async () => {
    const { system } = simulated();
    const events: string[] = [];
    const cleanup = pendingCleanup(events);
    const actor = defineActor<void, null, 'crash'>({
      name: 'a',
      init: () => (events.push('init'), null),
      receive: () => {
        throw new Error('boom');
      },
      beforeRestart: () => cleanup.start(),
      onStop: () => {
        events.push('onStop');
      },
    });
    const a = system.spawn(actor, { name: 'a' });
    a.tell('crash');
    system.runUntilIdle();
    await flush(system);
    expect(events).toEqual(['init', 'cleanup-start']);
    cleanup.release();
    await flush(system);
    expect(events).toEqual(['init', 'cleanup-start', 'cleanup-done', 'init']);
  });

  it('keeps the data of a writer that flushes in onStop across a restart', async () => {
    const { clock, system } = simulated();
    const sink: number[] = [];
    const writer = defineActor<void, { buffer: number[] }, number | 'crash'>({
      name: 'writer',
      init: () => ({ buffer: [] }),
      receive: (s, m) => {
        if (m === 'crash') throw new Error('disk hiccup');
        return { buffer: [...s.buffer, m] };
      },
      onStop: (s) => {
        sink.push(...s.buffer);
      },
    });
    const w = system.spawn(writer, { name: 'writer' });
    for (const m of [1, 2, 3, 'crash', 4] as const) w.tell(m);
    system.runUntilIdle();
    await flush(system);
    expect(counters(system, w).restarts).toBe(1);
    expect(await stopSimulated(system, clock)).toBe(true);
    expect(sink).toEqual([1, 2, 3, 4]);
  });
});

// ---- 8. asks always settle -------------------------------------------------------------------

describe('asks', () => {
  type DeferMsg = 'ask' | 'answer' | 'exit';
  /** Keeps the asker of `ask` and answers it on `answer`; stops itself on `exit`. */
  const deferrer = defineActor<void, { asker: ActorRef<unknown> | undefined }, DeferMsg>({
    name: 'deferrer',
    init: () => ({ asker: undefined }),
    receive: (s, m, ctx) => {
      if (m === 'ask') return { asker: ctx.asker };
      if (m === 'answer') s.asker?.tell(42);
      if (m === 'exit') ctx.stop();
      return s;
    },
  });

  it('resolves a deferred reply sent later to ctx.asker', async () => {
    const { system } = simulated();
    const d = system.spawn(deferrer, { name: 'd' });
    const reply = track(d.ask('ask'));
    system.runUntilIdle();
    await flush(system);
    expect(outcomeOf(reply)).toBe('pending');
    d.tell('answer');
    await flush(system);
    expect(outcomeOf(reply)).toBe('resolved');
    expect(reply.value).toBe(42);
  });

  it.each(['system.stopActor', 'self-stop'] as const)('rejects at once with ASK_TARGET_STOPPED when the target stops before its deferred reply (%s)', async (how) => {
    const { system } = simulated();
    const d = system.spawn(deferrer, { name: 'd', restart: 'temporary' });
    const reply = track(d.ask('ask'));
    system.runUntilIdle();
    await flush(system);
    expect(outcomeOf(reply)).toBe('pending');
    if (how === 'system.stopActor') system.stopActor(d);
    else d.tell('exit');
    await flush(system); // no time passes: the 5 s timeout cannot be what settles it
    expect(outcomeOf(reply)).toBe('ASK_TARGET_STOPPED');
  });

  it('rejects an ask pending when the system stops with SYSTEM_STOPPED (simulated clock)', async () => {
    const { clock, system } = simulated();
    const mute = system.spawn(defineActor<void, null, string>({ name: 'mute', init: () => null, receive: (s) => s }));
    const reply = track(mute.ask('hello?', { timeout: HOUR }));
    system.runUntilIdle();
    expect(await stopSimulated(system, clock)).toBe(true);
    expect(outcomeOf(reply)).toBe('SYSTEM_STOPPED');
  });

  it('rejects an ask pending when the system stops with SYSTEM_STOPPED (live clock)', async () => {
    const system = createActorSystem();
    const mute = system.spawn(defineActor<void, null, string>({ name: 'mute', init: () => null, receive: (s) => s }));
    const reply = track(mute.ask('hello?', { timeout: HOUR }));
    await Promise.race([system.stop(), sleep(200)]);
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(outcomeOf(reply)).toBe('SYSTEM_STOPPED');
  });

  type Keyed = { readonly k: string; readonly v: number };
  /** Replies `ok:<v>` to every message. */
  const echo = defineActor<void, null, Keyed | string>({
    name: 'echo',
    init: () => null,
    receive: (s, m, ctx) => (ctx.reply(`ok:${typeof m === 'string' ? m : m.v}`), s),
  });

  it.each(['dropNewest', 'dropOldest', 'conflate (same key)', 'conflate (new key at capacity)'] as const)(
    'fails at once with ASK_DROPPED when %s discards the asked message',
    async (policy) => {
      const { system } = simulated();
      const conflateKey = (m: Keyed) => m.k;
      const mailbox =
        policy === 'dropNewest' || policy === 'dropOldest'
          ? { capacity: 1, overflow: policy }
          : { capacity: policy === 'conflate (same key)' ? 2 : 1, overflow: 'conflate' as const, conflateKey };
      const ref = system.spawn(echo, { name: 'echo', mailbox });
      let reply: Tracked<unknown>;
      switch (policy) {
        case 'dropNewest':
          ref.tell('first');
          reply = track(ref.ask('get'));
          break;
        case 'dropOldest':
          reply = track(ref.ask('get'));
          ref.tell('newer');
          break;
        case 'conflate (same key)':
          reply = track(ref.ask({ k: 'a', v: 1 }));
          ref.tell({ k: 'a', v: 2 });
          break;
        case 'conflate (new key at capacity)':
          reply = track(ref.ask({ k: 'a', v: 1 }));
          ref.tell({ k: 'b', v: 2 });
          break;
      }
      for (let i = 0; i < 10; i++) await Promise.resolve(); // the system has not run: the discard alone settles it
      expect(outcomeOf(reply)).toBe('ASK_DROPPED');
      system.runUntilIdle();
      expect(accounted(counters(system, ref))).toBe(2);
    },
  );

  it('fails at once with ASK_DROPPED when the stash bound refuses the asked message during a restart', async () => {
    const { system, dead } = simulated();
    const child = defineActor<void, null, string>({
      name: 'c',
      init: () => null,
      receive: (s, m, ctx) => {
        if (m === 'crash') throw new Error('boom');
        ctx.reply(`ok:${m}`);
        return s;
      },
    });
    const c = supervised<string>(system, child, 'c', { maxRestarts: 10, withinUs: HOUR, stashCapacity: 1, backoff: fixedBackoff(SECOND) });
    c.tell('crash');
    system.runUntilIdle();
    c.tell('stashed');
    const reply = track(c.ask('refused'));
    await flush(system);
    expect(outcomeOf(reply)).toBe('ASK_DROPPED');
    expect(dead.map((d) => `${d.reason}:${String(d.message)}`)).toEqual(['stash-overflow:refused']);
  });
});

// ---- 9. timers of an earlier incarnation -------------------------------------------------------

describe('timers across a restart', () => {
  type TimerMsg = 'arm' | 'crash' | 'tick' | 'after';

  /**
   * `arm` sets two timers due at the same instant, `crash` then `tick`, so under the live clock both
   * messages are queued before the crash is processed. Returns what each incarnation processed and
   * the dead letters.
   */
  async function staleTimerRun(mode: 'live' | 'simulated') {
    const clock = mode === 'simulated' ? new SimulatedClock(0) : undefined;
    const system = createActorSystem(clock === undefined ? {} : { clock });
    const dead: string[] = [];
    system.deadLetters.subscribe((d) => dead.push(`${d.reason}:${String(d.message)}`));
    const log: string[] = [];
    let incarnations = 0;
    const actor = defineActor<void, { incarnation: number }, TimerMsg>({
      name: 't',
      init: () => ({ incarnation: ++incarnations }),
      receive: (s, m, ctx) => {
        log.push(`${s.incarnation}:${m}`);
        if (m === 'arm') {
          const at = ctx.clock.now() + 2 * MILLISECOND;
          ctx.clock.startTimerAt('a', at, 'crash');
          ctx.clock.startTimerAt('b', at, 'tick');
        }
        if (m === 'crash') throw new Error('boom');
        return s;
      },
    });
    system.spawn(defineSupervisor({ name: 'sup', supervision: { maxRestarts: 10, withinUs: HOUR }, children: [{ actor, name: 't' }] }));
    const t = system.lookup<TimerMsg>('sup/t')!;
    t.tell('arm');
    if (clock !== undefined) {
      system.runUntilIdle();
      clock.advanceTo(10 * MILLISECOND);
      t.tell('after');
      system.runUntilIdle();
    } else {
      // Bounded real waits (at most ~170 ms): the timers are due after 2 ms.
      for (let i = 0; i < 6 && incarnations < 2; i++) await sleep(20);
      await sleep(20); // room for a stale tick to reach the new incarnation, if it would
      t.tell('after');
      for (let i = 0; i < 3 && !log.includes('2:after'); i++) await sleep(10);
    }
    const c = counters(system, t);
    await Promise.race([system.stop(), sleep(100)]);
    return { log, dead, counters: { processed: c.processed, failed: c.failed, deadLettered: c.deadLettered, restarts: c.restarts, received: c.received } };
  }

  // Whether the tick reaches the mailbox at all is the dispatcher's choice (fire both due timers,
  // then drain; or drain after each); if it does, it must be a stale-timer dead letter, counted.
  it('never delivers a timer message of the failed incarnation under the live clock, dead-lettering it as stale-timer', async () => {
    const live = await staleTimerRun('live');
    expect(live.log).toEqual(['1:arm', '1:crash', '2:after']);
    expect(live.dead.every((d) => d === 'stale-timer:tick')).toBe(true);
    expect(live.counters).toMatchObject({ processed: 2, failed: 1, restarts: 1, deadLettered: live.dead.length, received: 3 + live.dead.length });
  });

  it('never delivers a timer message of the failed incarnation under the simulated clock', async () => {
    const sim = await staleTimerRun('simulated');
    expect(sim.log).toEqual(['1:arm', '1:crash', '2:after']);
    expect(sim.dead.every((d) => d === 'stale-timer:tick')).toBe(true);
    expect(sim.counters).toMatchObject({ processed: 2, failed: 1, restarts: 1, deadLettered: sim.dead.length, received: 3 + sim.dead.length });
  });

  it('gives the same outcome under the live and the simulated clock', async () => {
    const sim = await staleTimerRun('simulated');
    const live = await staleTimerRun('live');
    expect(sim).toEqual(live);
  });
});

// ---- 10. conflate memory ---------------------------------------------------------------------

describe('a conflating mailbox', () => {
  it('stays bounded in memory under a million sends of two keys before it drains', () => {
    const { system } = simulated();
    type Quote = { readonly k: number };
    let processed = 0;
    const ref = system.spawn(defineActor<void, null, Quote>({ name: 'quotes', init: () => null, receive: (s) => (processed++, s) }), {
      mailbox: { capacity: 4, overflow: 'conflate', conflateKey: (m: Quote) => m.k },
    });
    // Two message objects, reused: the test allocates nothing per send, so heap growth is the mailbox's.
    const messages: Quote[] = [{ k: 0 }, { k: 1 }];
    (globalThis as { gc?: () => void }).gc?.();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 1_000_000; i++) ref.tell(messages[i & 1]!);
    const grown = process.memoryUsage().heapUsed - before;
    const snap = system.inspectActor(ref)!;
    expect(snap.mailboxDepth).toBeLessThanOrEqual(4);
    expect(snap.counters.conflated + snap.counters.dropped + snap.mailboxDepth).toBe(1_000_000);
    // The ring itself stays within twice the capacity (tombstones are compacted); the heap check
    // is looser because other work in the process (JIT, earlier tests' garbage) moves heapUsed.
    expect((ref as unknown as ActorCell).mailbox.footprint).toBeLessThanOrEqual(8);
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    system.runUntilIdle();
    expect(processed).toBe(2);
  });
});

// ---- 12. small ones --------------------------------------------------------------------------

describe('counting and isolation', () => {
  it('counts a failed start under startFailures, not as a received message', () => {
    const { system } = simulated();
    let starts = 0;
    const flaky = defineActor<void, null, string>({
      name: 'flaky',
      init: () => null,
      onStart: (s) => {
        if (++starts === 1) throw new Error('not yet');
        return s;
      },
      receive: (s) => s,
    });
    const ref = system.spawn(flaky, { name: 'flaky' });
    system.runUntilIdle();
    expect(counters(system, ref)).toMatchObject({ received: 0, startFailures: 1, failed: 0, restarts: 1 });
    expect(system.inspectActor(ref)?.status).toBe('running');
    ref.tell('m');
    system.runUntilIdle();
    expect(counters(system, ref)).toMatchObject({ received: 1, processed: 1, startFailures: 1 });
  });

  it('delivers a publish to every other subscriber when one subscriber’s conflate key throws, and fails only that one', () => {
    const { system } = simulated();
    type Tick = { readonly k: number; readonly poison: boolean };
    const seen = new Map<string, number[]>();
    let decisions = 0;
    const sub = defineActor<void, null, Tick>({
      name: 's',
      init: () => null,
      receive: (s, m, ctx) => (seen.set(ctx.self.path, [...(seen.get(ctx.self.path) ?? []), m.k]), s),
    });
    const publisher = defineActor<void, null, Tick>({ name: 'pub', init: () => null, receive: (s, m, ctx) => (ctx.publish('q.t', m), s) });
    system.spawn(
      defineSupervisor({
        name: 'sup',
        supervision: { decide: () => {
            decisions++;
            return 'restart';
          }, maxRestarts: 10, withinUs: HOUR },
        children: [
          { actor: sub, name: 'a' },
          {
            actor: sub,
            name: 'b',
            mailbox: {
              capacity: 8,
              overflow: 'conflate',
              conflateKey: (m: Tick) => {
                if (m.poison) throw new Error('no key');
                return m.k;
              },
            },
          },
          { actor: sub, name: 'c' },
          { actor: publisher, name: 'pub' },
        ],
      }),
    );
    const [a, b, c, pub] = ['a', 'b', 'c', 'pub'].map((n) => system.lookup<Tick>(`sup/${n}`)!) as [ActorRef<Tick>, ActorRef<Tick>, ActorRef<Tick>, ActorRef<Tick>];
    for (const ref of [a, b, c]) system.subscribe(ref, 'q');
    expect(() => system.publish('q.t', { k: 1, poison: true })).not.toThrow();
    system.runUntilIdle();
    pub.tell({ k: 2, poison: true }); // the same from inside an actor: the publisher does not fail
    system.runUntilIdle();
    system.publish('q.t', { k: 3, poison: false });
    system.runUntilIdle();

    expect(seen.get('sup/a')).toEqual([1, 2, 3]);
    expect(seen.get('sup/c')).toEqual([1, 2, 3]);
    expect(seen.get('sup/b')).toEqual([3]);
    expect(counters(system, b)).toMatchObject({ failed: 2, restarts: 2, processed: 1, received: 3 });
    expect(counters(system, pub)).toMatchObject({ failed: 0, processed: 1 });
    expect(decisions).toBe(2);
  });

  it('keeps dispatching when a dead-letter listener throws', () => {
    const { system } = simulated();
    system.deadLetters.subscribe(() => {
      throw new Error('listener bug');
    });
    const seen: string[] = [];
    const recorder = defineActor<void, null, string>({
      name: 'r',
      init: () => null,
      receive: (s, m, ctx) => {
        if (m === 'exit') ctx.stop();
        else seen.push(`${ctx.self.path}:${m}`);
        return s;
      },
    });
    const gone = system.spawn(recorder, { name: 'gone', restart: 'temporary' });
    system.stopActor(gone);
    system.runUntilIdle();
    const quitter = system.spawn(recorder, { name: 'quitter', restart: 'temporary' });
    const relay = system.spawn(
      defineActor<void, null, string>({ name: 'relay', init: () => null, receive: (s, m, ctx) => (ctx.send(gone, m), seen.push(`relay:${m}`), s) }),
      { name: 'relay' },
    );
    const other = system.spawn(recorder, { name: 'other' });
    quitter.tell('exit');
    quitter.tell('q1'); // dead letters when the quitter stops, inside the dispatcher
    quitter.tell('q2');
    relay.tell('r1'); // each is a dead letter recorded inside relay's receive
    relay.tell('r2');
    other.tell('o1');
    other.tell('o2');

    expect(() => system.runUntilIdle()).not.toThrow();
    expect(seen.filter((s) => s.startsWith('relay:'))).toEqual(['relay:r1', 'relay:r2']);
    expect(seen.filter((s) => s.startsWith('other:'))).toEqual(['other:o1', 'other:o2']);
    expect(counters(system, quitter)).toMatchObject({ processed: 1, deadLettered: 2 });
    expect(counters(system, gone)).toMatchObject({ deadLettered: 2 });
    expect(counters(system, relay)).toMatchObject({ processed: 2, failed: 0 });
    expect(system.deadLetters.count).toBe(4);
  });

  it('refuses a supervisor whose static child has an invalid config with CONFIG_INVALID, leaving nothing behind', () => {
    const { system } = simulated();
    const inits: string[] = [];
    const plain = (name: string) => defineActor<void, null, never>({ name, init: () => (inits.push(name), null), receive: (s) => s });
    const strict = defineActor<{ n: number }, null, never>({
      name: 'strict',
      config: {
        parse: () => {
          throw new Error('n: expected a number');
        },
      },
      init: () => (inits.push('strict'), null),
      receive: (s) => s,
    });
    const tree = defineSupervisor({
      name: 'tree',
      children: [
        { actor: plain('first'), name: 'first' },
        { actor: strict, name: 'strict', config: { n: 'one' as unknown as number } },
        { actor: plain('third'), name: 'third' },
      ],
    });
    let thrown: unknown;
    try {
      system.spawn(tree, { name: 'tree' });
    } catch (error) {
      thrown = error;
    }
    expect(isTickflowError(thrown, 'CONFIG_INVALID')).toBe(true);
    expect(system.inspect().filter((s) => s.path === 'tree' || s.path.startsWith('tree/'))).toEqual([]);
    expect(system.lookup('tree')).toBeUndefined();
    expect(inits).toEqual([]);
  });
});
