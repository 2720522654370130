/**
 * The replay driver: feeds a pull source into an actor system on a simulated clock, record by
 * record. Before each record it advances the clock to the record's `tsRecv` with the system's
 * idle primitive (`advanceTo`), so every message caused by earlier records is processed and every
 * timer due by then has fired at its own instant; then it publishes the record on
 * `md.<exchange>.<symbol>.<type>`. Every actor therefore sees the same messages in the same order
 * on every run, whatever the chunk size or mailbox capacities.
 *
 * Speed: `max` runs as fast as the work allows (no promise per record, only one per chunk read).
 * A factor paces engine time against a wall clock given by the composition root (`Pacer`), since
 * nothing under `streams/` reads the OS clock.
 *
 * Records must come in `tsRecv` order (sources and the merge guarantee it); one that goes back in
 * time is still delivered, at the current engine time, and counted in `outOfOrder`.
 */
import type { MarketRecord } from '../src/model/records.js';
import type { ActorSystem } from '../src/runtime/actor-system.js';
import { TickflowError } from '../src/runtime/errors.js';
import type { RecordSource } from './record-source.js';
import { TopicCache } from './topic-cache.js';

/** Wall-clock pacing for replays slower than `max`. Times in microseconds. */
export interface Pacer {
  now(): number;
  sleep(us: number): Promise<void>;
}

/** Options of `replay`. */
export interface ReplayOptions {
  /** `max` (default) or a multiple of real time (2 = twice as fast as recorded). */
  readonly speed?: 'max' | number;
  /** Required when `speed` is a number. */
  readonly pacer?: Pacer;
  /** Called for each record before it is published (counting, instrument inference). */
  readonly onRecord?: (record: MarketRecord) => void;
  /** Stop early after this many records. */
  readonly limit?: number;
}

/** What a replay did. */
export interface ReplayResult {
  readonly records: number;
  readonly outOfOrder: number;
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
  /** The error that ended the source early, if any (records before it were replayed). */
  readonly failure: TickflowError | null;
}

/** Replays `source` into `system` (which must run on a `SimulatedClock`). */
export async function replay(system: ActorSystem, source: RecordSource, options: ReplayOptions = {}): Promise<ReplayResult> {
  if (system.clock.kind !== 'simulated') throw new TickflowError('CLOCK_NOT_SIMULATED', 'replay needs an actor system on a SimulatedClock');
  const speed = options.speed ?? 'max';
  if (speed !== 'max' && (options.pacer === undefined || !(speed > 0))) {
    throw new TickflowError('CONFIG_INVALID', `replay speed must be 'max' or a positive number with a pacer, got ${String(speed)}`);
  }
  const topics = new TopicCache();
  const onRecord = options.onRecord;
  const limit = options.limit ?? Infinity;
  let records = 0;
  let outOfOrder = 0;
  let firstTs: number | undefined;
  let lastTs: number | undefined;
  let failure: TickflowError | null = null;
  let wallStart = 0;
  for (;;) {
    let chunk: readonly MarketRecord[] | null;
    try {
      chunk = await source.next();
    } catch (error) {
      failure = error instanceof TickflowError ? error : new TickflowError('DATA_FILE_UNREADABLE', String(error), { file: source.name });
      break;
    }
    if (chunk === null) break;
    for (let i = 0; i < chunk.length && records < limit; i++) {
      const record = chunk[i]!;
      const t = record.tsRecv;
      if (firstTs === undefined) {
        firstTs = t;
        if (speed !== 'max') wallStart = options.pacer!.now();
      }
      if (lastTs !== undefined && t < lastTs) outOfOrder++;
      else lastTs = t;
      if (speed !== 'max') {
        const due = wallStart + (t - firstTs) / speed;
        const wait = due - options.pacer!.now();
        if (wait > 0) await options.pacer!.sleep(wait);
      }
      while (!system.advanceTo(t)) await system.settled();
      onRecord?.(record);
      const topic = topics.topicOf(record);
      while (!system.offer(topic, record)) {
        if (!system.isAccepting) return { records, outOfOrder, firstTs, lastTs, failure };
        system.runUntilIdle();
        if (system.hasRoom()) continue;
        // Still full after a run to idle: only time can free room (a mailbox held by an actor
        // waiting out its restart backoff). A live source would be paused until then, so the
        // record arrives late, at the next timer's instant; with no timer, wait for pending I/O.
        const next = system.nextTimerDue();
        if (next !== Infinity) {
          while (!system.advanceTo(next)) await system.settled();
        } else {
          await system.whenRoom();
        }
      }
      records++;
    }
    if (records >= limit) break;
  }
  while (!system.advanceTo(lastTs ?? system.clock.now())) await system.settled();
  return { records, outOfOrder, firstTs, lastTs, failure };
}
