/**
 * Test doubles for the feed actor: an in-memory `RecordSource` over a shared "venue" (the record
 * sequence, the failures to inject, and what every source instance did), admission wrappers that
 * throw on chosen records, a recording consumer and a driver for the simulated clock.
 */
import type { MarketRecord, Trade } from '../../../src/model/records.js';
import { defineActor, type ActorRef } from '../../../src/runtime/actor.js';
import type { ActorSystem } from '../../../src/runtime/actor-system.js';
import { TickflowError } from '../../../src/runtime/errors.js';
import { MutableSourceStats, type RecordSource } from '../../../streams/record-source.js';
import type { FeedAdmission, FeedResume } from '../../../actors/feeds/feed-ports.js';

/** `n` trades `r0`..`r<n-1>`, alternating two symbols (two topics). */
export function trades(n: number): Trade[] {
  const out: Trade[] = [];
  for (let i = 0; i < n; i++) {
    out.push({ type: 'trade', exchange: 'test', symbol: i % 2 === 0 ? 'AAA' : 'BBB', ts: i, tsRecv: i, id: `r${i}`, price: 100 + i, amount: 1, side: 'buy' });
  }
  return out;
}

/** The venue behind every fake source of one feed. */
export class FakeVenue {
  readonly records: readonly MarketRecord[];
  readonly chunkSize: number;
  /** Positions at which the next `next()` rejects, once each. */
  readonly failReadAt: Set<number>;
  readonly sources: FakeSource[] = [];
  readonly resumes: FeedResume[] = [];
  /** `next()` called while another call of any source of this venue was pending. */
  overlaps = 0;
  reading = 0;

  constructor(records: readonly MarketRecord[], chunkSize: number, failReadAt: Iterable<number> = []) {
    this.records = records;
    this.chunkSize = chunkSize;
    this.failReadAt = new Set(failReadAt);
  }

  /** The factory given to `createFeedHandle`: resumes at the first record not yet offered. */
  readonly open = (resume: FeedResume): FakeSource => {
    this.resumes.push(resume);
    const source = new FakeSource(this, resume.offered);
    this.sources.push(source);
    return source;
  };
}

/** One connection to the venue: reads from `from` on; `continuity` stands for a sequencer's state. */
export class FakeSource implements RecordSource {
  readonly name = 'fake';
  readonly stats = new MutableSourceStats('fake', 'fake');
  readonly continuity = { lastId: '' };
  closes = 0;
  private position: number;

  constructor(
    private readonly venue: FakeVenue,
    from: number,
  ) {
    this.position = from;
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    const venue = this.venue;
    if (venue.reading > 0) venue.overlaps++;
    venue.reading++;
    try {
      await Promise.resolve(); // an asynchronous read, as a socket's or a file's
      if (this.closes > 0 || this.position >= venue.records.length) {
        this.stats.done = true;
        return null;
      }
      if (venue.failReadAt.delete(this.position)) throw new TickflowError('IO_UNAVAILABLE', `fake read failed at ${this.position}`);
      const chunk = venue.records.slice(this.position, this.position + venue.chunkSize);
      this.position += chunk.length;
      this.stats.records += chunk.length;
      this.continuity.lastId = (chunk[chunk.length - 1] as Trade).id;
      return chunk;
    } finally {
      venue.reading--;
    }
  }

  async close(): Promise<void> {
    this.closes++;
    this.stats.done = true;
  }
}

/** The system as a `FeedAdmission`, except that offering a record whose id is in `throwOn` throws (once, or always). */
export function faultyAdmission(system: ActorSystem, throwOn: Iterable<string>, always = false): FeedAdmission {
  const ids = new Set(throwOn);
  return {
    offer(topic, record) {
      const id = (record as Trade).id;
      if (always ? ids.has(id) : ids.delete(id)) throw new Error(`injected offer failure at ${id}`);
      return system.offer(topic, record);
    },
    whenRoom: () => system.whenRoom(),
    get isAccepting() {
      return system.isAccepting;
    },
  };
}

/** A top-level consumer of `pattern` (default every `md` topic) with a `backpressure` mailbox of `capacity`; ids land in `seen`. */
export function spawnConsumer(system: ActorSystem, capacity: number, seen: string[], pattern = 'md'): ActorRef<MarketRecord> {
  const ref = system.spawn(
    defineActor<void, null, MarketRecord>({
      name: pattern === 'md' ? 'consumer' : `consumer-${pattern}`,
      init: () => null,
      receive: (state, record) => {
        seen.push((record as Trade).id);
        return state;
      },
    }),
    { mailbox: { capacity, overflow: 'backpressure' } },
  );
  system.subscribe(ref as ActorRef<never>, pattern);
  return ref;
}

/** A sibling that throws on `crash`, to restart the feed under one-for-all. */
export const crasher = defineActor<void, null, 'crash'>({
  name: 'crasher',
  init: () => null,
  receive: () => {
    throw new Error('sibling crashed');
  },
});

/** Lets pending pumps run (promise callbacks and one event-loop turn), without running the system. */
export async function letPumpsRun(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Advances the simulated clock to `t` while pumps are in flight: each `advanceTo` runs the system
 * to idle (making room) and refuses to move time while piped I/O is pending; between tries the
 * pumps run. `onStep` runs before each try (to inject events mid-run).
 */
export async function runTo(system: ActorSystem, t: number, onStep?: (step: number) => void): Promise<void> {
  for (let step = 0; step < 100_000; step++) {
    onStep?.(step);
    if (system.hasEnded || system.advanceTo(t)) return;
    await letPumpsRun();
  }
  throw new Error(`the system did not settle before ${t}`);
}
