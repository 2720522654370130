import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectionActor, type ProjectionActorConfig, type ProjectionMessage } from '../../../actors/persistence/projection-actor.js';
import type { ProjectionReader, ProjectionSink, ProjectionSource } from '../../../actors/persistence/projection-ports.js';
import type { ProjectionDrainReply, ProjectionStatus } from '../../../actors/persistence/projection-status.js';
import type { WalEntry } from '../../../src/model/wal-entry.js';
import { defineActor, defineSupervisor, type ActorRef } from '../../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../../src/runtime/actor-system.js';
import { MILLISECOND, SECOND, SimulatedClock } from '../../../src/runtime/clock.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { track } from '../../runtime/fixtures.js';

const T0 = 1_700_000_000 * SECOND;
const STORE_DOWN = 'connection refused';
const noJitter = { minUs: 100 * MILLISECOND, maxUs: 5 * SECOND, factor: 2, jitter: 0 };

function entry(seq: number): WalEntry {
  return { seq, ts: T0 + seq, kind: 'audit', command: 'test', by: 'test', ok: true, detail: `#${seq}` };
}

function seqs(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
}

/**
 * The journal in memory. `readable` (default: all) lets `lastSeq` run ahead of what readers see,
 * as a journal does while its newest entries are still being written.
 */
class MemorySource implements ProjectionSource {
  readonly entries: WalEntry[] = [];
  readable = Infinity;
  readonly readersFrom: number[] = [];
  openReaders = 0;

  constructor(count: number) {
    this.append(count);
  }

  get lastSeq(): number {
    return this.entries.length;
  }

  append(count: number): void {
    for (let i = 0; i < count; i++) this.entries.push(entry(this.entries.length + 1));
  }

  reader(afterSeq: number): ProjectionReader {
    this.readersFrom.push(afterSeq);
    this.openReaders++;
    let position = afterSeq;
    return {
      read: (max) => {
        const end = Math.min(this.entries.length, this.readable, position + max);
        const batch = this.entries.slice(position, end);
        position = Math.max(position, end);
        return batch;
      },
      close: () => {
        this.openReaders--;
      },
    };
  }
}

/** How the fake store answers one call: `lost-ack` commits then rejects; `throw` throws instead of rejecting. */
type Step = 'ok' | 'fail' | 'lost-ack' | 'throw' | 'hang';

/**
 * A store in memory with its cursor, answering each `open()` and `apply()` by the next step of its
 * plan (then `ok`). It records what the writer did wrong rather than throwing, so a test sees it.
 */
class FakeSink implements ProjectionSink {
  readonly name = 'fake';
  cursor = 0;
  connected = false;
  readonly applied: number[] = [];
  readonly batchSizes: number[] = [];
  readonly openTimes: number[] = [];
  readonly hung: { resolve: () => void; reject: (error: Error) => void }[] = [];
  readonly violations: string[] = [];
  openPlan: Step[] = [];
  applyPlan: Step[] = [];
  readonly applyTimes: number[] = [];
  closes = 0;
  /** `open()` and `apply()` calls answered with a failure (rejected or thrown). */
  failuresGiven = 0;
  inFlight = 0;
  maxInFlight = 0;
  onApply: (() => void) | undefined = undefined;

  constructor(private readonly clock: SimulatedClock) {}

  open(): Promise<number> {
    this.openTimes.push(this.clock.now());
    if (this.connected) this.violations.push('open while open');
    const step = this.openPlan.shift() ?? 'ok';
    if (step === 'throw') throw this.failure();
    if (step !== 'ok') return Promise.reject(this.failure());
    this.connected = true;
    return Promise.resolve(this.cursor);
  }

  apply(entries: readonly WalEntry[]): Promise<void> {
    this.onApply?.();
    this.applyTimes.push(this.clock.now());
    if (!this.connected) this.violations.push('apply on a closed store');
    entries.forEach((e, i) => {
      if (e.seq !== this.cursor + 1 + i) this.violations.push(`seq ${e.seq} after cursor ${this.cursor}`);
    });
    const step = this.applyPlan.shift() ?? 'ok';
    if (step === 'throw') throw this.failure();
    if (step === 'ok' || step === 'lost-ack') {
      this.applied.push(...entries.map((e) => e.seq));
      this.batchSizes.push(entries.length);
      this.cursor = entries[entries.length - 1]!.seq;
    }
    if (step === 'ok') return this.tracked(Promise.resolve());
    if (step === 'hang') return this.tracked(new Promise<void>((resolve, reject) => this.hung.push({ resolve, reject })));
    return this.tracked(Promise.reject(this.failure()));
  }

  close(): Promise<void> {
    this.closes++;
    this.connected = false;
    return Promise.resolve();
  }

  private failure(): Error {
    this.failuresGiven++;
    return new Error(STORE_DOWN);
  }

  /** Counts calls in flight as the writer sees them: until their outcome could reach it. */
  private tracked(promise: Promise<void>): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const done = (): void => {
      this.inFlight--;
    };
    promise.then(done, done);
    return promise;
  }
}

interface Rig {
  system: ActorSystem;
  clock: SimulatedClock;
  source: MemorySource;
  sink: FakeSink;
  ref: ActorRef<ProjectionMessage>;
}

function rig(entries: number, config: Partial<ProjectionActorConfig> = {}, prepare?: (sink: FakeSink) => void): Rig {
  const clock = new SimulatedClock(T0);
  const system = createActorSystem({ clock });
  const source = new MemorySource(entries);
  const sink = new FakeSink(clock);
  prepare?.(sink);
  const ref = system.spawn(projectionActor, { name: 'postgres', config: { backoff: noJitter, ...config, source, sink } });
  return { system, clock, source, sink, ref };
}

/** Advances to `t`, letting piped I/O settle whenever it holds the clock. */
async function runTo(system: ActorSystem, t: number): Promise<void> {
  for (let step = 0; step < 10_000; step++) {
    if (system.advanceTo(t)) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  throw new Error(`the system did not settle before ${t}`);
}

/** Lets I/O settle for a few rounds without moving time, for when some of it hangs on purpose. */
async function letIoRun(system: ActorSystem): Promise<void> {
  for (let round = 0; round < 20; round++) {
    system.runUntilIdle();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** Time between consecutive calls. */
function gaps(times: readonly number[]): number[] {
  return times.slice(1).map((t, i) => t - times[i]!);
}

async function status(r: Pick<Rig, 'system' | 'ref'>): Promise<ProjectionStatus> {
  const reply = r.ref.ask<ProjectionStatus>({ type: 'projection_status' });
  r.system.runUntilIdle();
  return reply;
}

describe('projection actor', () => {
  it('applies every entry in journal order, in batches of at most batchMax, and reports it', async () => {
    const r = rig(25, { batchMax: 10 });
    await runTo(r.system, T0);
    expect(r.sink.applied).toEqual(seqs(1, 25));
    expect(r.sink.batchSizes).toEqual([10, 10, 5]);
    expect(r.sink.violations).toEqual([]);
    expect(r.sink.maxInFlight).toBe(1);
    expect(await status(r)).toEqual({
      name: 'fake', state: 'up', cursor: 25, journalSeq: 25, lag: 0, appliedEntries: 25, batches: 3, failures: 0, outages: 0,
      lastError: undefined, downSinceUs: undefined,
    });
  });

  it('starts after the cursor the store holds', async () => {
    const r = rig(12, { batchMax: 4 }, (sink) => {
      sink.cursor = 7;
      sink.applied.push(...seqs(1, 7));
    });
    await runTo(r.system, T0);
    expect(r.source.readersFrom).toEqual([7]);
    expect(r.sink.applied).toEqual(seqs(1, 12));
    expect(r.sink.batchSizes).toEqual([4, 1]);
    expect(await status(r)).toMatchObject({ cursor: 12, appliedEntries: 5, batches: 2 });
  });

  it('follows entries appended later, reading again after idlePollUs', async () => {
    const r = rig(5, { idlePollUs: 20 * MILLISECOND });
    await runTo(r.system, T0);
    expect(r.sink.applied).toEqual(seqs(1, 5));
    r.source.append(3);
    expect(await status(r)).toMatchObject({ state: 'up', cursor: 5, journalSeq: 8, lag: 3 });
    await runTo(r.system, T0 + 20 * MILLISECOND - 1);
    expect(r.sink.applied).toEqual(seqs(1, 5));
    await runTo(r.system, T0 + 20 * MILLISECOND);
    expect(r.sink.applied).toEqual(seqs(1, 8));
    expect(await status(r)).toMatchObject({ cursor: 8, lag: 0, batches: 2 });
  });

  it('goes down on a failed apply, closes reader and store, and reopens after the backoff from the store cursor', async () => {
    const r = rig(30, { batchMax: 10 }, (sink) => (sink.applyPlan = ['ok', 'fail']));
    await runTo(r.system, T0);
    expect(r.sink.applied).toEqual(seqs(1, 10));
    expect(await status(r)).toEqual({
      name: 'fake', state: 'down', cursor: 10, journalSeq: 30, lag: 20, appliedEntries: 10, batches: 1, failures: 1, outages: 1,
      lastError: STORE_DOWN, downSinceUs: T0,
    });
    expect(r.source.openReaders).toBe(0);
    expect(r.sink.closes).toBe(1);
    await runTo(r.system, T0 + 100 * MILLISECOND - 1);
    expect(r.sink.openTimes).toEqual([T0]);
    await runTo(r.system, T0 + 100 * MILLISECOND);
    expect(r.sink.openTimes).toEqual([T0, T0 + 100 * MILLISECOND]);
    expect(r.source.readersFrom).toEqual([0, 10]);
    expect(r.sink.applied).toEqual(seqs(1, 30));
    expect(r.sink.violations).toEqual([]);
    expect(await status(r)).toEqual({
      name: 'fake', state: 'up', cursor: 30, journalSeq: 30, lag: 0, appliedEntries: 30, batches: 3, failures: 1, outages: 1,
      lastError: STORE_DOWN, downSinceUs: undefined,
    });
  });

  it('counts a failure per attempt and an outage once per outage, a sink that throws included', async () => {
    const r = rig(20, { batchMax: 10 }, (sink) => (sink.openPlan = ['fail', 'throw', 'fail']));
    await runTo(r.system, T0);
    expect(await status(r)).toMatchObject({ state: 'down', failures: 1, outages: 1, cursor: 0, lag: 20, downSinceUs: T0 });
    await runTo(r.system, T0 + 100 * MILLISECOND);
    expect(await status(r)).toMatchObject({ state: 'down', failures: 2, outages: 1, downSinceUs: T0 });
    await runTo(r.system, T0 + 300 * MILLISECOND);
    expect(await status(r)).toMatchObject({ state: 'down', failures: 3, outages: 1, downSinceUs: T0 });
    await runTo(r.system, T0 + 700 * MILLISECOND);
    expect(await status(r)).toMatchObject({ state: 'up', failures: 3, outages: 1, cursor: 20, downSinceUs: undefined });
    r.sink.applyPlan = ['throw'];
    r.source.append(5);
    await runTo(r.system, T0 + 800 * MILLISECOND);
    expect(await status(r)).toMatchObject({ state: 'down', failures: 4, outages: 2, cursor: 20, lag: 5 });
    expect(r.system.inspectActor(r.ref as ActorRef<never>)!.counters.failed).toBe(0); // failures are states, not throws
  });

  it('waits longer after each consecutive failure, up to maxUs', async () => {
    const r = rig(3, {}, (sink) => (sink.openPlan = Array<Step>(8).fill('fail')));
    await runTo(r.system, T0 + 30 * SECOND);
    expect(gaps(r.sink.openTimes)).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000].map((ms) => ms * MILLISECOND));
    expect(r.sink.applied).toEqual(seqs(1, 3));
  });

  it('starts the backoff again from minUs after each applied batch', async () => {
    const r = rig(3, { batchMax: 1 }, (sink) => (sink.applyPlan = ['fail', 'ok', 'fail', 'ok', 'fail']));
    await runTo(r.system, T0 + 10 * SECOND);
    // Each reopen applies one batch, and the next one fails at that same instant.
    expect(gaps(r.sink.openTimes)).toEqual([100, 100, 100].map((ms) => ms * MILLISECOND));
    expect(r.sink.applied).toEqual(seqs(1, 3));
  });

  it('starts the backoff again from minUs once a reopened store is found caught up', async () => {
    const r = rig(3, {}, (sink) => {
      sink.cursor = 3;
      sink.openPlan = ['fail', 'fail', 'fail'];
    });
    await runTo(r.system, T0 + 10 * SECOND);
    expect(gaps(r.sink.openTimes)).toEqual([100, 200, 400].map((ms) => ms * MILLISECOND));
    r.sink.applyPlan = ['fail'];
    r.source.append(1);
    await runTo(r.system, T0 + 20 * SECOND);
    expect(r.sink.applyTimes).toHaveLength(2); // 4 failed, then 4 again
    expect(r.sink.openTimes.at(-1)).toBe(r.sink.applyTimes[0]! + 100 * MILLISECOND);
    expect(r.sink.applied).toEqual([4]);
  });

  it('draws jitter from its seeded stream: delays within [base, base * (1 + jitter)] and the same on every run', async () => {
    const delays = async (): Promise<number[]> => {
      const clock = new SimulatedClock(T0);
      const system = createActorSystem({ clock, seed: 42 });
      const sink = new FakeSink(clock);
      sink.openPlan = Array<Step>(5).fill('fail');
      system.spawn(projectionActor, { config: { source: new MemorySource(1), sink } });
      await runTo(system, T0 + 10 * SECOND);
      return gaps(sink.openTimes);
    };
    const first = await delays();
    expect(first).toHaveLength(5);
    first.forEach((d, k) => {
      const base = 100 * MILLISECOND * 2 ** k;
      expect(d).toBeGreaterThanOrEqual(base);
      expect(d).toBeLessThanOrEqual(base * 1.2);
    });
    expect(new Set(first.map((d, k) => d / 2 ** k)).size).toBeGreaterThan(1); // jittered, not a fixed ladder
    expect(await delays()).toEqual(first);
  });

  it('ignores the late outcome of a call made by an incarnation a restart replaced', async () => {
    const clock = new SimulatedClock(T0);
    const system = createActorSystem({ clock });
    const source = new MemorySource(20);
    const sink = new FakeSink(clock);
    sink.applyPlan = ['hang'];
    const crasher = defineActor<void, null, 'crash'>({
      name: 'crasher',
      init: () => null,
      receive: () => {
        throw new Error('sibling crashed');
      },
    });
    system.spawn(
      defineSupervisor({
        name: 'persistence',
        supervision: { strategy: 'one-for-all' },
        children: [
          { actor: projectionActor, name: 'postgres', config: { source, sink, batchMax: 10, backoff: noJitter } },
          { actor: crasher, name: 'crasher' },
        ],
      }),
    );
    await letIoRun(system);
    expect(sink.hung).toHaveLength(1); // the first batch's apply hangs
    system.lookup<'crash'>('persistence/crasher')!.tell('crash');
    await letIoRun(system);
    expect(sink.openTimes).toHaveLength(2); // the new incarnation reopened and caught up
    expect(sink.applied).toEqual(seqs(1, 20));
    sink.hung[0]!.reject(new Error('connection closed')); // the old call fails, long after
    await runTo(system, T0 + 10 * SECOND);
    const ref = system.lookup<ProjectionMessage>('persistence/postgres')!;
    const s = await status({ system, ref });
    expect(s).toMatchObject({ state: 'up', cursor: 20, failures: 0, outages: 0, lastError: undefined });
    expect(sink.openTimes).toHaveLength(2);
    expect(sink.violations).toEqual([]);
  });

  it('replies to a drain once the cursor reaches the journal end as of the request', async () => {
    const r = rig(50, { batchMax: 10 });
    let applies = 0;
    r.sink.onApply = () => {
      if (++applies === 1) r.source.append(10); // grows while draining: not part of the target
    };
    const reply = track(r.ref.ask<ProjectionDrainReply>({ type: 'projection_drain' }, { timeout: 60 * SECOND }));
    await letIoRun(r.system);
    expect(reply.value).toEqual({ caughtUp: true, cursor: 50 }); // 60 had it waited for the entries appended since
    await runTo(r.system, T0);
    expect(r.sink.applied).toEqual(seqs(1, 60));
  });

  it('reads at once for a drain rather than waiting for the idle poll', async () => {
    const r = rig(5, { idlePollUs: SECOND });
    await runTo(r.system, T0);
    r.source.append(5);
    const reply = track(r.ref.ask<ProjectionDrainReply>({ type: 'projection_drain' }));
    await letIoRun(r.system);
    expect(reply.value).toEqual({ caughtUp: true, cursor: 10 });
    expect(r.clock.now()).toBe(T0);
  });

  it('answers a drain with caughtUp false at once while down, and when the store goes down during it', async () => {
    const r = rig(30, { batchMax: 10 }, (sink) => (sink.applyPlan = ['ok', 'fail']));
    const during = track(r.ref.ask<ProjectionDrainReply>({ type: 'projection_drain' }));
    await runTo(r.system, T0);
    expect(during.value).toEqual({ caughtUp: false, cursor: 10 });
    const whileDown = track(r.ref.ask<ProjectionDrainReply>({ type: 'projection_drain' }));
    r.system.runUntilIdle();
    await Promise.resolve();
    expect(whileDown.value).toEqual({ caughtUp: false, cursor: 10 });
  });

  it('answers a drain with caughtUp false at its deadline when the journal end is not readable yet', async () => {
    const r = rig(10);
    r.source.readable = 6;
    await runTo(r.system, T0);
    const reply = track(r.ref.ask<ProjectionDrainReply>({ type: 'projection_drain', deadlineUs: T0 + SECOND }, { timeout: 2 * SECOND }));
    await runTo(r.system, T0 + SECOND - 1);
    expect(reply.state).toBe('pending');
    await runTo(r.system, T0 + SECOND);
    await Promise.resolve();
    expect(reply.value).toEqual({ caughtUp: false, cursor: 6 });
  });

  it('closes the reader and the store when it stops', async () => {
    const r = rig(5);
    await runTo(r.system, T0);
    expect(r.sink.connected).toBe(true);
    const stopped = r.system.stop();
    await runTo(r.system, T0);
    await stopped;
    expect(r.source.openReaders).toBe(0);
    expect(r.sink.closes).toBe(1);
    expect(r.sink.connected).toBe(false);
  });

  it('refuses a bad config at spawn with CONFIG_INVALID', () => {
    const clock = new SimulatedClock(T0);
    const system = createActorSystem({ clock });
    let error: unknown;
    try {
      system.spawn(projectionActor, { config: { source: new MemorySource(0), sink: new FakeSink(clock), batchMax: 0 } });
    } catch (thrown) {
      error = thrown;
    }
    expect(isTickflowError(error, 'CONFIG_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/batchMax/);
  });

  it('puts every entry in the store exactly once, in order, whatever the store does (property)', async () => {
    const step = fc.constantFrom<Step>('ok', 'ok', 'fail', 'lost-ack', 'throw');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 1, max: 7 }),
        fc.array(step, { maxLength: 12 }),
        fc.array(fc.constantFrom<Step>('ok', 'fail', 'throw'), { maxLength: 4 }),
        async (initial, later, batchMax, applyPlan, openPlan) => {
          const r = rig(initial, { batchMax, idlePollUs: 100 * MILLISECOND }, (sink) => {
            sink.applyPlan = [...applyPlan]; // copies: the sink consumes its plans, fast-check reports the originals
            sink.openPlan = [...openPlan];
          });
          await runTo(r.system, T0 + SECOND);
          r.source.append(later);
          const total = initial + later;
          // At most 16 failures, each backoff at most 5 s: long enough to recover from all of them.
          await runTo(r.system, T0 + 120 * SECOND);
          expect(r.sink.applied).toEqual(seqs(1, total));
          expect(r.sink.violations).toEqual([]);
          expect(r.sink.maxInFlight).toBeLessThanOrEqual(1);
          expect(Math.max(0, ...r.sink.batchSizes)).toBeLessThanOrEqual(batchMax);
          const s = await status(r);
          expect(s).toMatchObject({ state: 'up', cursor: total, lag: 0, failures: r.sink.failuresGiven });
          expect(r.source.openReaders).toBe(1);
          await r.system.stop();
        },
      ),
      { numRuns: 100 },
    );
  });
});
