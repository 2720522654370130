/**
 * What a feed reports (the reply to `feed_stats`): the counters its `FeedHandle` keeps across
 * the actor's incarnations, and the source's own stats.
 */
import type { SourceStats } from '../../streams/record-source.js';

/**
 * Where the feed's pump stands: `idle` between pumps, `reading` in `next()`, `offering` a chunk,
 * `waiting` for room after a refused offer, `ended` (the source has no more), `closing`, `closed`.
 */
export type FeedStatus = 'idle' | 'reading' | 'offering' | 'waiting' | 'ended' | 'closing' | 'closed';

/** Counters of one feed since its handle was created. */
export interface FeedStats {
  readonly name: string;
  readonly status: FeedStatus;
  /** Records accepted by the system, each counted once. */
  readonly records: number;
  /** Chunks taken from sources. */
  readonly chunks: number;
  /** Offers refused (each followed by a wait for room). */
  readonly refusals: number;
  /** Incarnations of the feed actor after the first. */
  readonly restarts: number;
  /** Sources opened through the factory after the first (after a failure or a close). */
  readonly recreations: number;
  /** `next()` rejections and factory throws. */
  readonly sourceFailures: number;
  /** Offers that threw (the record was offered again by the next incarnation). */
  readonly offerFailures: number;
  /** Records read but never accepted because the system stopped accepting before the close. */
  readonly abandoned: number;
  /** Sources closed (each at most once). */
  readonly sourceCloses: number;
  /** Pump outcomes of an earlier incarnation, ignored by the current one. */
  readonly staleOutcomes: number;
  /** The current (or last) source's stats; null before the first pump. */
  readonly source: SourceStats | null;
}
