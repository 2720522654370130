/**
 * The source-to-actor bridge for live (wall-clock) systems: pulls chunks from a source and offers
 * each record on its `md.<exchange>.<symbol>.<type>` topic. When an offer is refused (a
 * `backpressure` mailbox is full) it waits for the system's room signal and offers again, and it
 * reads the next chunk only after the current one is fully accepted. So at most one chunk is
 * held here, and what was read but not processed is bounded by the mailbox capacities plus one
 * chunk (DESIGN.md, admission control). Between chunks it yields to the event loop, so a live
 * daemon keeps serving its sockets and timers while a source is fast.
 */
import type { MarketRecord } from '../src/model/records.js';
import type { ActorSystem } from '../src/runtime/actor-system.js';
import { TickflowError } from '../src/runtime/errors.js';
import type { RecordSource } from './record-source.js';
import { TopicCache } from './topic-cache.js';

/** What a pump did. */
export interface PumpResult {
  readonly records: number;
  /** Offers refused (each followed by a wait for room). */
  readonly refusals: number;
  /** True when the system stopped accepting before the source ended. */
  readonly interrupted: boolean;
  readonly failure: TickflowError | null;
}

/** Options of `pumpSource`. */
export interface PumpOptions {
  /** Called for each record once the system accepted it. */
  readonly onAccepted?: (record: MarketRecord) => void;
}

/** Offers every record of `source` to `system` under admission control. */
export async function pumpSource(system: ActorSystem, source: RecordSource, options: PumpOptions = {}): Promise<PumpResult> {
  const topics = new TopicCache();
  let records = 0;
  let refusals = 0;
  for (;;) {
    let chunk: readonly MarketRecord[] | null;
    try {
      chunk = await source.next();
    } catch (error) {
      const failure = error instanceof TickflowError ? error : new TickflowError('DATA_FILE_UNREADABLE', String(error), { file: source.name });
      return { records, refusals, interrupted: false, failure };
    }
    if (chunk === null) return { records, refusals, interrupted: false, failure: null };
    for (let i = 0; i < chunk.length; i++) {
      const record = chunk[i]!;
      const topic = topics.topicOf(record);
      while (!system.offer(topic, record)) {
        if (!system.isAccepting) {
          await source.close();
          return { records, refusals, interrupted: true, failure: null };
        }
        refusals++;
        await system.whenRoom();
      }
      records++;
      options.onAccepted?.(record);
    }
    // Let timers and I/O run between chunks: a source that never waits on I/O (an in-memory or
    // simulated one) would otherwise keep the event loop busy with microtasks alone.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
