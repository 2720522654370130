import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { feedActor, type FeedMessage } from '../../../actors/feeds/feed-actor.js';
import { createFeedHandle, type FeedHandle } from '../../../actors/feeds/feed-handle.js';
import type { FeedAdmission } from '../../../actors/feeds/feed-ports.js';
import type { FeedStats } from '../../../actors/feeds/feed-stats.js';
import { feedsSupervisor } from '../../../actors/feeds/feeds-supervisor.js';
import { defineSupervisor, type ActorRef } from '../../../src/runtime/actor.js';
import { createActorSystem, type ActorSystem } from '../../../src/runtime/actor-system.js';
import type { BackoffPolicy } from '../../../src/runtime/backoff.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { TickflowError, isTickflowError } from '../../../src/runtime/errors.js';
import type { SupervisionPolicy } from '../../../src/runtime/supervision.js';
import { askNow, countersOf } from '../../runtime/fixtures.js';
import { crasher, FakeVenue, faultyAdmission, letPumpsRun, runTo, spawnConsumer, trades } from './fake-feed.js';

const FEED = 'feeds/binance';
const ids = (n: number): string[] => trades(n).map((t) => t.id);
const backoff = (minUs: number, jitter = 0): BackoffPolicy => ({ minUs, maxUs: 1_000_000, factor: 2, jitter, resetAfterUs: 0 });

interface Rig {
  system: ActorSystem;
  venue: FakeVenue;
  handle: FeedHandle;
  seen: string[];
  feed: () => ActorRef<FeedMessage>;
}

/**
 * A simulated system with a consumer of every `md` topic (a `backpressure` mailbox of
 * `capacity`) and a `feeds` supervisor holding one feed actor over `venue` (plus the crasher
 * sibling when asked).
 */
function rig(options: {
  venue: FakeVenue;
  capacity?: number;
  supervision?: Partial<SupervisionPolicy>;
  admission?: (system: ActorSystem) => FeedAdmission;
  withCrasher?: boolean;
  rootEscalates?: boolean;
}): Rig {
  const system = createActorSystem({ clock: new SimulatedClock(0), ...(options.rootEscalates === true ? { supervision: { decide: () => 'escalate' } } : {}) });
  const seen: string[] = [];
  spawnConsumer(system, options.capacity ?? 1024, seen);
  const handle = createFeedHandle({ name: 'binance', open: options.venue.open });
  const admission = options.admission?.(system) ?? system;
  const supervision = { maxRestarts: 100, withinUs: 60_000_000, ...options.supervision };
  if (options.withCrasher === true) {
    system.spawn(
      defineSupervisor({
        name: 'feeds',
        supervision,
        children: [
          { actor: feedActor, name: 'binance', config: { source: handle, admission } },
          { actor: crasher, name: 'crasher' },
        ],
      }),
    );
  } else {
    system.spawn(feedsSupervisor({ feeds: [handle], admission, supervision }));
  }
  return { system, venue: options.venue, handle, seen, feed: () => system.lookup<FeedMessage>(FEED)! };
}

describe('feed actor', () => {
  it('offers every record on its topic exactly once, in order, and reports its counters', async () => {
    const { system, venue, handle, seen, feed } = rig({ venue: new FakeVenue(trades(50), 7) });
    const onlyA: string[] = [];
    spawnConsumer(system, 1024, onlyA, 'md.test.AAA');
    await runTo(system, 0);
    expect(seen).toEqual(ids(50));
    expect(onlyA).toEqual(ids(50).filter((_, i) => i % 2 === 0)); // each record on md.<exchange>.<symbol>.<type>
    const stats = await askNow<FeedStats>(system, feed(), { type: 'feed_stats' });
    expect(stats).toMatchObject({ name: 'binance', status: 'ended', records: 50, chunks: 8, refusals: 0, restarts: 0, recreations: 0, sourceFailures: 0, offerFailures: 0, abandoned: 0 });
    expect(stats.source).toBe(venue.sources[0]!.stats);
    expect(venue.sources).toHaveLength(1);
    expect(venue.overlaps).toBe(0);
    await expect(handle.whenEnded()).resolves.toBeUndefined();
  });

  it('waits for room when a backpressure mailbox is full, counting refusals, and loses nothing', async () => {
    const { system, handle, seen } = rig({ venue: new FakeVenue(trades(40), 10), capacity: 2 });
    await letPumpsRun(); // the pump runs, the system does not: the consumer's mailbox fills
    expect(handle.stats()).toMatchObject({ status: 'waiting', records: 2, refusals: 1 });
    expect(seen).toEqual([]);
    let deepest = 0;
    await runTo(system, 0, () => {
      deepest = Math.max(deepest, system.inspect().find((s) => s.path === 'consumer')!.mailboxDepth);
    });
    expect(seen).toEqual(ids(40));
    expect(deepest).toBe(2); // filled to capacity, never past it
    const stats = handle.stats();
    expect(stats.records).toBe(40);
    // Each chunk of 10: refused after r0-r1, r2-r3, r4-r5, r6-r7; r8-r9 end the chunk, and the
    // consumer drains before the next pump.
    expect(stats.refusals).toBe(16);
  });

  it('restarts after the configured backoff when an offer throws, offering no record twice and keeping the source', async () => {
    const venue = new FakeVenue(trades(50), 7);
    const { system, handle, seen } = rig({ venue, supervision: { backoff: backoff(10_000) }, admission: (s) => faultyAdmission(s, ['r10', 'r20']) });
    await runTo(system, 0);
    expect(seen).toEqual(ids(10)); // r10 was not delivered
    expect(countersOf(system, FEED).restarts).toBe(0);
    expect(system.nextTimerDue()).toBe(10_000);
    await runTo(system, 9_999);
    expect(countersOf(system, FEED).restarts).toBe(0);
    await runTo(system, 10_000);
    expect(countersOf(system, FEED).restarts).toBe(1);
    expect(seen).toEqual(ids(20)); // resumed at r10, failed again at r20
    expect(system.nextTimerDue()).toBe(10_000 + 20_000); // second consecutive restart: doubled
    await runTo(system, 29_999);
    expect(countersOf(system, FEED).restarts).toBe(1);
    await runTo(system, 30_000);
    expect(countersOf(system, FEED).restarts).toBe(2);
    expect(seen).toEqual(ids(50));
    expect(venue.sources).toHaveLength(1); // the continuity state was not rebuilt
    expect(handle.source).toBe(venue.sources[0]);
    expect(venue.sources[0]!.continuity.lastId).toBe('r49');
    expect(handle.stats()).toMatchObject({ records: 50, restarts: 2, offerFailures: 2, recreations: 0, sourceFailures: 0, sourceCloses: 0 });
  });

  it('recreates the source through the factory after next() rejects, resuming at the first record not offered', async () => {
    const venue = new FakeVenue(trades(50), 7, [21]);
    const { system, handle, seen } = rig({ venue, supervision: { backoff: backoff(5_000) } });
    await runTo(system, 0);
    expect(seen).toEqual(ids(21));
    expect(venue.sources[0]!.closes).toBe(1); // the failed source is closed before anything else
    await runTo(system, 5_000);
    expect(seen).toEqual(ids(50));
    expect(venue.sources).toHaveLength(2);
    expect(venue.resumes[1]).toMatchObject({ recreation: 1, offered: 21 });
    expect(venue.resumes[1]!.lastOffered).toMatchObject({ id: 'r20' });
    expect(isTickflowError(venue.resumes[1]!.failure, 'IO_UNAVAILABLE')).toBe(true);
    expect(handle.source).toBe(venue.sources[1]);
    expect(venue.sources[1]!.continuity).not.toBe(venue.sources[0]!.continuity);
    expect(countersOf(system, FEED).restarts).toBe(1);
    expect(handle.stats()).toMatchObject({ records: 50, restarts: 1, recreations: 1, sourceFailures: 1, sourceCloses: 1 });
  });

  // Under a simulated clock a backoff timer cannot fire while a pump's pipe is pending (pending I/O
  // holds the advance), so only an immediate restart overlaps the pump in flight, as any restart
  // may under the live clock.
  it.each([{ backoffUs: 0 }, { backoffUs: 5_000 /* the stale outcome is stashed during the backoff */ }])('lets a pump in flight finish before a restarted incarnation reads, and ignores its stale outcome (backoff $backoffUs)', async ({ backoffUs }) => {
    const venue = new FakeVenue(trades(60), 10);
    const { system, handle, seen } = rig({ venue, capacity: 2, withCrasher: true, supervision: { strategy: 'one-for-all', backoff: backoff(backoffUs) } });
    await letPumpsRun();
    expect(handle.stats()).toMatchObject({ status: 'waiting', records: 2 }); // a pump is in flight, mid-chunk
    system.lookup<'crash'>('feeds/crasher')!.tell('crash');
    await runTo(system, 1_000_000);
    expect(countersOf(system, FEED).restarts).toBe(1);
    expect(seen).toEqual(ids(60));
    expect(venue.overlaps).toBe(0);
    expect(venue.sources).toHaveLength(1);
    expect(handle.stats()).toMatchObject({ records: 60, chunks: 6, restarts: 1, staleOutcomes: 1 });
  });

  it('closes the source exactly once when the system stops, giving up the rest of the chunk in flight', async () => {
    const venue = new FakeVenue(trades(40), 10);
    const { system, handle, seen } = rig({ venue, capacity: 2 });
    await letPumpsRun();
    expect(handle.stats().status).toBe('waiting');
    const termination = await system.stop();
    expect(termination).toEqual({ kind: 'stopped' });
    expect(venue.sources).toHaveLength(1);
    expect(venue.sources[0]!.closes).toBe(1);
    const stats = handle.stats();
    expect(stats).toMatchObject({ status: 'closed', sourceCloses: 1, records: 2, abandoned: 8, chunks: 1 });
    expect(seen).toEqual(ids(2)); // what was accepted was processed: the mailboxes drained
  });

  it('closes an ended source once at the stop, and reads nothing after it', async () => {
    const venue = new FakeVenue(trades(5), 2);
    const { system, handle } = rig({ venue });
    await runTo(system, 0);
    await system.stop();
    expect(venue.sources[0]!.closes).toBe(1);
    expect(handle.stats()).toMatchObject({ status: 'closed', records: 5, sourceCloses: 1, abandoned: 0 });
  });

  it('escalates when restarts exceed the intensity, and closes the source once', async () => {
    const venue = new FakeVenue(trades(20), 4);
    const { system, handle, seen } = rig({
      venue,
      rootEscalates: true,
      supervision: { maxRestarts: 2, withinUs: 60_000_000, backoff: backoff(1_000) },
      admission: (s) => faultyAdmission(s, ['r5'], true),
    });
    await runTo(system, 10_000_000);
    const termination = await system.terminated;
    expect(termination.kind).toBe('failed');
    const codes: string[] = [];
    for (let e: unknown = termination.kind === 'failed' ? termination.error : undefined; e instanceof Error; e = e.cause) {
      if (e instanceof TickflowError) codes.push(e.code);
    }
    expect(codes).toContain('SUPERVISOR_GAVE_UP');
    expect(seen).toEqual(ids(5));
    expect(handle.stats()).toMatchObject({ restarts: 2, offerFailures: 3, records: 5 });
    await letPumpsRun();
    expect(venue.sources[0]!.closes).toBe(1);
  });

  it('runs under the live clock without a driver, restarting after a crash', async () => {
    const system = createActorSystem();
    const seen: string[] = [];
    spawnConsumer(system, 3, seen);
    const venue = new FakeVenue(trades(300), 16, [96]); // reads start at multiples of 16
    const handle = createFeedHandle({ name: 'binance', open: venue.open, yieldBetweenChunks: letPumpsRun });
    system.spawn(feedsSupervisor({ feeds: [handle], admission: faultyAdmission(system, ['r40']), supervision: { backoff: backoff(1_000) } }));
    await handle.whenEnded();
    await system.stop();
    expect(seen).toEqual(ids(300));
    expect(venue.overlaps).toBe(0);
    expect(handle.stats()).toMatchObject({ records: 300, restarts: 2, offerFailures: 1, sourceFailures: 1, recreations: 1, status: 'closed' });
    expect(venue.sources.map((s) => s.closes)).toEqual([1, 1]);
  });

  it('rejects a config without a FeedHandle at spawn', () => {
    const system = createActorSystem({ clock: new SimulatedClock(0) });
    expect(() => system.spawn(feedActor, { config: { admission: system } })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('delivers exactly the source records in order for random crash points, chunk sizes and capacities', async () => {
    const exercised = { restarts: 0, staleOutcomes: 0, recreations: 0, refusals: 0 };
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 6 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { maxLength: 5 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 59 }), { maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 40 }), { maxLength: 3 }),
        fc.constantFrom(0, 0, 1_000, 5_000), // 0: restarts overlap the pump in flight (see above)
        async (n, chunkSize, capacity, offerCrashes, readFailures, siblingCrashSteps, minUs) => {
          const venue = new FakeVenue(trades(n), chunkSize, readFailures);
          const { system, handle, seen } = rig({
            venue,
            capacity,
            withCrasher: true,
            supervision: { strategy: 'one-for-all', backoff: backoff(minUs, 0.5) },
            admission: (s) => faultyAdmission(s, offerCrashes.map((i) => `r${i}`)),
          });
          const crash = new Set(siblingCrashSteps);
          await runTo(system, 100_000_000, (step) => {
            if (crash.has(step)) system.lookup<'crash'>('feeds/crasher')?.tell('crash');
          });
          expect(seen).toEqual(ids(n));
          expect(venue.overlaps).toBe(0);
          const stats = handle.stats();
          expect(stats.records).toBe(n);
          if (stats.restarts > 0) exercised.restarts++;
          if (stats.staleOutcomes > 0) exercised.staleOutcomes++;
          if (stats.recreations > 0) exercised.recreations++;
          if (stats.refusals > 0) exercised.refusals++;
          await system.stop();
          expect(venue.sources.every((s) => s.closes === 1)).toBe(true);
          expect(stats.recreations).toBe(venue.sources.length - 1);
        },
      ),
      { numRuns: 150 },
    );
    // The property is not vacuous: restarts mid-pump, recreations and waits all happened.
    expect(Object.values(exercised).every((runs) => runs > 0)).toBe(true);
  });
});
