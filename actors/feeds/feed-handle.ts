/**
 * `FeedHandle`: what a feed actor reads through. The composition root creates one per configured
 * feed, around a source factory, and passes it to the feed actor's config, so it outlives the
 * actor's incarnations: the `RecordSource` it owns (socket, sequencer continuity: last trade ids,
 * depth chain, book validity; the source's counters), the one chunk in flight and the feed's
 * counters all survive a restart of the actor.
 *
 * Pumps. `pump(epoch, admission)` takes one chunk with `next()` and offers every record on its
 * `md.<exchange>.<symbol>.<type>` topic under admission control: a refused offer waits for
 * `whenRoom()` and offers the same record again (as `pumpSource` does). Pumps run one at a time:
 * a pump requested while another is in flight starts when that one has settled. So the source is
 * never read concurrently, and a new incarnation of the actor never offers what its predecessor's
 * pump already offered: it resumes at the first record not yet accepted.
 *
 * Epochs. Each incarnation `attach`es and gets a new epoch; a queued pump of an older epoch reads
 * nothing (`stale`). The runtime delivers a pipe's outcome to whatever incarnation is current
 * when it settles (stashed during a restart), so the actor also compares epochs and ignores an
 * outcome of its predecessor's pump (counted in `staleOutcomes`).
 *
 * Failures. A record whose offer throws was not delivered (`ActorSystem.offer` publishes to every
 * subscriber or none): it stays first in line and the pump rejects, so the actor fails and the
 * record is offered again by the next incarnation. A rejected `next()` (or a throwing factory)
 * means the source itself failed: it is closed, and the next pump opens a new one through the
 * factory, which is told where to resume (`FeedResume`). Anything else (an actor crash, a
 * sibling's restart) keeps the source as it is.
 *
 * Close. `close()` stops intake: no pump starts after it. The pump in flight finishes (its
 * records offered, or given up when the system stops accepting: the rest of the chunk is counted
 * as `abandoned`); a pump blocked in `next()` is released by closing the source, as a source that
 * waits for data (a socket) would otherwise hold the stop. The source is closed once. A later
 * `attach` (the actor spawned again after its supervisor restarted) reopens it through the factory.
 */
import type { MarketRecord } from '../../src/model/records.js';
import { TickflowError } from '../../src/runtime/errors.js';
import type { RecordSource } from '../../streams/record-source.js';
import { TopicCache } from '../../streams/topic-cache.js';
import type { FeedAdmission, FeedSourceFactory } from './feed-ports.js';
import type { FeedStats, FeedStatus } from './feed-stats.js';

/** Options of `createFeedHandle`. */
export interface FeedHandleOptions {
  /** The feed's name, for stats and errors. */
  readonly name: string;
  readonly open: FeedSourceFactory;
  /**
   * Awaited after each chunk, before the pump settles. For sources that never wait on I/O (in
   * memory, simulated), the composition root passes a yield to the event loop (`setImmediate`);
   * by default there is none, so a simulated run has no macrotask per chunk.
   */
  readonly yieldBetweenChunks?: () => Promise<void>;
}

/** How a pump ended. `chunk`: a chunk was fully accepted, pump again. The rest: do not. */
export type PumpResult = 'chunk' | 'end' | 'interrupted' | 'closed' | 'stale';

const EMPTY: readonly MarketRecord[] = [];
const noop = (): void => undefined;

/** See the file comment. */
export class FeedHandle {
  readonly name: string;
  private readonly open: FeedSourceFactory;
  private readonly yieldBetweenChunks: (() => Promise<void>) | undefined;
  private readonly topics: TopicCache;
  private current: RecordSource | null;
  /** Set once `current` is closed (or closing); a new source is opened on the next pump. */
  private currentClosed: Promise<void> | null;
  private lastFailure: unknown;
  private chunk: readonly MarketRecord[];
  private position: number;
  private lastOffered: MarketRecord | undefined;
  /** Settles when the last requested pump (or close) has: the next one chains on it. */
  private tail: Promise<unknown>;
  /** The epoch with a pump requested and not settled, or -1. */
  private pendingEpoch: number;
  private epoch: number;
  private attaches: number;
  private closing: boolean;
  private ended: boolean;
  private endWaiters: (() => void)[];
  private state: FeedStatus;
  private records: number;
  private chunks: number;
  private refusals: number;
  private recreations: number;
  private sourceFailures: number;
  private offerFailures: number;
  private abandoned: number;
  private sourceCloses: number;
  private staleOutcomes: number;

  constructor(options: FeedHandleOptions) {
    // Every field is assigned here, in one order (one hidden class for all handles).
    this.name = options.name;
    this.open = options.open;
    this.yieldBetweenChunks = options.yieldBetweenChunks;
    this.topics = new TopicCache();
    this.current = null;
    this.currentClosed = null;
    this.lastFailure = undefined;
    this.chunk = EMPTY;
    this.position = 0;
    this.lastOffered = undefined;
    this.tail = Promise.resolve();
    this.pendingEpoch = -1;
    this.epoch = 0;
    this.attaches = 0;
    this.closing = false;
    this.ended = false;
    this.endWaiters = [];
    this.state = 'idle';
    this.records = 0;
    this.chunks = 0;
    this.refusals = 0;
    this.recreations = 0;
    this.sourceFailures = 0;
    this.offerFailures = 0;
    this.abandoned = 0;
    this.sourceCloses = 0;
    this.staleOutcomes = 0;
  }

  /** The source in use (or last used), for inspection. */
  get source(): RecordSource | null {
    return this.current;
  }

  /** A new incarnation takes the feed over: returns its epoch. Reopens intake after a close. */
  attach(): number {
    this.attaches++;
    this.closing = false;
    return ++this.epoch;
  }

  /**
   * Requests one pump for `epoch` (see the file comment); it starts once the pump in flight, if
   * any, has settled. Rejects with the source's or the offer's error. One pump per epoch at a
   * time: a second request before the first settled is the caller's bug and throws at once.
   */
  pump(epoch: number, admission: FeedAdmission): Promise<PumpResult> {
    if (this.pendingEpoch === epoch) {
      throw new TickflowError('ACTOR_FAILED', `feed ${this.name}: a pump is already pending for this incarnation`, { feed: this.name, epoch });
    }
    this.pendingEpoch = epoch;
    const run = this.tail.then(() => this.pumpGuarded(epoch, admission));
    this.tail = run.then(noop, noop);
    return run;
  }

  /** The actor ignored an outcome of an earlier incarnation's pump. */
  noteStaleOutcome(): void {
    this.staleOutcomes++;
  }

  /** Resolves when the source has ended (`next()` gave null outside a close). */
  whenEnded(): Promise<void> {
    if (this.ended) return Promise.resolve();
    return new Promise((resolve) => this.endWaiters.push(resolve));
  }

  /** Stops intake, lets the pump in flight finish, closes the source once (see the file comment). */
  close(): Promise<void> {
    this.closing = true;
    // Released by the close: `next()` then resolves null (RecordSource contract).
    if (this.state === 'reading') void this.closeSource();
    const run = this.tail.then(() => this.finishClose());
    this.tail = run;
    return run;
  }

  /** A snapshot of the counters, with the source's own stats. */
  stats(): FeedStats {
    return {
      name: this.name,
      status: this.state,
      records: this.records,
      chunks: this.chunks,
      refusals: this.refusals,
      restarts: Math.max(0, this.attaches - 1),
      recreations: this.recreations,
      sourceFailures: this.sourceFailures,
      offerFailures: this.offerFailures,
      abandoned: this.abandoned,
      sourceCloses: this.sourceCloses,
      staleOutcomes: this.staleOutcomes,
      source: this.current === null ? null : this.current.stats,
    };
  }

  /** Clears the pending mark before the pump's promise settles, so its outcome may ask for the next. */
  private async pumpGuarded(epoch: number, admission: FeedAdmission): Promise<PumpResult> {
    try {
      return await this.pumpOnce(epoch, admission);
    } finally {
      if (this.pendingEpoch === epoch) this.pendingEpoch = -1;
    }
  }

  private async pumpOnce(epoch: number, admission: FeedAdmission): Promise<PumpResult> {
    if (epoch !== this.epoch) return 'stale';
    if (this.closing) return 'closed';
    if (this.position >= this.chunk.length) {
      if (this.ended) return 'end';
      const source = this.openSource();
      this.state = 'reading';
      let chunk: readonly MarketRecord[] | null;
      try {
        chunk = await source.next();
      } catch (error) {
        this.state = 'idle';
        this.sourceFailures++;
        this.lastFailure = error;
        await this.closeSource();
        throw error;
      }
      if (chunk === null) {
        if (this.closing) return 'closed';
        this.state = 'ended';
        this.ended = true;
        const waiters = this.endWaiters;
        this.endWaiters = [];
        for (const w of waiters) w();
        return 'end';
      }
      this.chunk = chunk;
      this.position = 0;
      this.chunks++;
    }
    const result = await this.offerChunk(admission);
    if (result === 'chunk' && this.yieldBetweenChunks !== undefined) await this.yieldBetweenChunks();
    return result;
  }

  /** Offers the rest of the chunk in order; a refusal waits for room and offers the same record again. */
  private async offerChunk(admission: FeedAdmission): Promise<PumpResult> {
    const chunk = this.chunk;
    const topics = this.topics;
    this.state = 'offering';
    while (this.position < chunk.length) {
      const record = chunk[this.position]!;
      let accepted: boolean;
      try {
        accepted = admission.offer(topics.topicOf(record), record);
      } catch (error) {
        // Not delivered: it stays first in line for the next pump.
        this.state = 'idle';
        this.offerFailures++;
        throw error;
      }
      if (accepted) {
        this.position++;
        this.records++;
        this.lastOffered = record;
        continue;
      }
      if (!admission.isAccepting) {
        // The system stops: the rest stays here and is counted as abandoned at the close.
        this.state = 'idle';
        return 'interrupted';
      }
      this.refusals++;
      this.state = 'waiting';
      await admission.whenRoom();
      this.state = 'offering';
    }
    this.chunk = EMPTY;
    this.position = 0;
    this.state = 'idle';
    return 'chunk';
  }

  /** The current source, or a new one from the factory when there is none or it was closed. */
  private openSource(): RecordSource {
    if (this.current !== null && this.currentClosed === null) return this.current;
    const recreation = this.current === null ? 0 : this.recreations + 1;
    let source: RecordSource;
    try {
      source = this.open({ recreation, offered: this.records, lastOffered: this.lastOffered, failure: this.lastFailure });
    } catch (error) {
      this.sourceFailures++;
      this.lastFailure = error;
      throw error;
    }
    if (recreation > 0) this.recreations++;
    this.current = source;
    this.currentClosed = null;
    this.lastFailure = undefined;
    this.ended = false;
    return source;
  }

  /** Closes the current source once; a close that rejects is kept as the last failure. */
  private closeSource(): Promise<void> {
    if (this.current === null) return Promise.resolve();
    if (this.currentClosed !== null) return this.currentClosed;
    this.sourceCloses++;
    this.currentClosed = this.current.close().catch((error: unknown) => {
      this.lastFailure = error;
    });
    return this.currentClosed;
  }

  private async finishClose(): Promise<void> {
    // A close that an attach has since reopened must not close the source the new incarnation uses.
    if (!this.closing) return;
    this.state = 'closing';
    this.abandoned += this.chunk.length - this.position;
    this.chunk = EMPTY;
    this.position = 0;
    await this.closeSource();
    if (this.closing) this.state = 'closed';
  }
}

/** Creates a feed handle (see `FeedHandle`). Opens nothing until the first pump. */
export function createFeedHandle(options: FeedHandleOptions): FeedHandle {
  return new FeedHandle(options);
}
