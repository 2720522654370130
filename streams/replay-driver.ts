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
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MarketRecord } from '../src/model/records.js';
import type { ActorSystem } from '../src/runtime/actor-system.js';
import { TickflowError } from '../src/runtime/errors.js';
import { countRecordType, emptyTypeCounts, type RecordSource, type RecordTypeCounts } from './record-source.js';
import { TopicCache } from './topic-cache.js';

/**
 * Records between two turns of the event loop when a `signal` is given. A source that never does
 * I/O (the simulated market, text in memory) resolves every `next()` in a microtask, and a signal
 * handler (Ctrl-C) only runs on a turn of the loop: without these turns it would run after the
 * replay. Yielding between chunks is what a file read does anyway, so the run stays deterministic.
 */
export const ABORT_CHECK_RECORDS = 8192;

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
  /**
   * Stop early once aborted (Ctrl-C): checked before each record, so a record being delivered is
   * delivered whole and none after it is; what was delivered is still drained as at the end of
   * the input. `onRecord` may abort it: the record it was called with is the last one replayed.
   */
  readonly signal?: AbortSignal | undefined;
}

/** What a replay did. */
export interface ReplayResult {
  readonly records: number;
  readonly outOfOrder: number;
  readonly firstTs: number | undefined;
  readonly lastTs: number | undefined;
  /** The error that ended the source early, if any (records before it were replayed). */
  readonly failure: TickflowError | null;
  /** True when `signal` stopped the replay before the source was seen to end (its next chunk not read, or a record of it not delivered). */
  readonly aborted: boolean;
  /**
   * The records delivered, by type. A source's own counts (`stats.byType`) include what it read
   * ahead, which a replay stopped early never delivered; these do not.
   */
  readonly delivered: Readonly<RecordTypeCounts>;
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
  // A flag the abort event sets, so the check per record is a variable read, not a getter call.
  const signal = options.signal;
  let aborted = signal?.aborted === true;
  const onAbort = (): void => {
    aborted = true;
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let stopped = false;
  const delivered = emptyTypeCounts();
  let nextYield = ABORT_CHECK_RECORDS;
  for (;;) {
    if (signal !== undefined && records >= nextYield) {
      nextYield = records + ABORT_CHECK_RECORDS;
      await nextTurn();
    }
    if (aborted) {
      stopped = true;
      break;
    }
    let chunk: readonly MarketRecord[] | null;
    try {
      chunk = await source.next();
    } catch (error) {
      failure = error instanceof TickflowError ? error : new TickflowError('DATA_FILE_UNREADABLE', String(error), { file: source.name });
      break;
    }
    if (chunk === null) break;
    for (let i = 0; i < chunk.length && records < limit; i++) {
      if (aborted) {
        stopped = true;
        break;
      }
      const record = chunk[i]!;
      const t = record.tsRecv;
      if (firstTs === undefined) {
        firstTs = t;
        if (speed !== 'max') wallStart = options.pacer!.now();
      }
      if (speed !== 'max') {
        const due = wallStart + (t - firstTs) / speed;
        const wait = due - options.pacer!.now();
        if (wait > 0) await options.pacer!.sleep(wait);
        // Aborted while waiting for the record's time: it is not delivered.
        if (aborted) {
          stopped = true;
          break;
        }
      }
      if (lastTs !== undefined && t < lastTs) outOfOrder++;
      else lastTs = t;
      while (!system.advanceTo(t)) await system.settled();
      onRecord?.(record);
      const topic = topics.topicOf(record);
      while (!system.offer(topic, record)) {
        if (!system.isAccepting) {
          signal?.removeEventListener('abort', onAbort);
          return { records, outOfOrder, firstTs, lastTs, failure, aborted: false, delivered };
        }
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
      countRecordType(delivered, record);
    }
    if (stopped || records >= limit) break;
  }
  signal?.removeEventListener('abort', onAbort);
  while (!system.advanceTo(lastTs ?? system.clock.now())) await system.settled();
  return { records, outOfOrder, firstTs, lastTs, failure, aborted: stopped, delivered };
}
