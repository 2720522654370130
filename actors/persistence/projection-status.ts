/**
 * How a projection writer (`projection-actor.ts`) is asked, and what it reports: its state, how far
 * its store is behind the journal, and its counters. The daemon's `/readyz` and metrics read it
 * through the `projection_status` ask; its graceful stop reads `ProjectionDrainReply` through
 * `projection_drain`. Plain data, so it crosses the ask unchanged and serialises as it is.
 */

/**
 * The writer's state:
 * - `opening`: the first `open()` since the actor started is in flight;
 * - `up`: the store is open; the writer applies batches or waits for the journal to grow;
 * - `down`: an `open()` or `apply()` failed; the writer waits out its backoff and reopens, and stays
 *   `down` until an `open()` succeeds (retries in between do not leave the state).
 */
export type ProjectionState = 'opening' | 'up' | 'down';

/** The reply to `projection_status`. Counters are per incarnation of the actor. */
export interface ProjectionStatus {
  /** The sink's name (`postgres`, `redis`). */
  readonly name: string;
  readonly state: ProjectionState;
  /**
   * `seq` of the last entry the store holds, as this writer last knew it (from `open()`, then
   * moved by each applied batch); 0 before the first `open()` succeeds.
   */
  readonly cursor: number;
  /** `seq` of the last entry in the journal, read when the status is asked. */
  readonly journalSeq: number;
  /** `journalSeq - cursor`: the entries the store has yet to receive. */
  readonly lag: number;
  /** Entries of batches whose `apply()` succeeded. */
  readonly appliedEntries: number;
  /** Batches whose `apply()` succeeded. */
  readonly batches: number;
  /** `open()` and `apply()` calls that failed, one per call. */
  readonly failures: number;
  /** Times the writer went `down` (from `opening` or `up`): one per outage, however many retries it took. */
  readonly outages: number;
  /** The message of the most recent failure; kept after recovery, for the operator. */
  readonly lastError?: string;
  /** Engine time (µs) the current outage began; present only while `down`. */
  readonly downSinceUs?: number;
}

/**
 * The reply to `projection_drain`: `caughtUp` when the store's cursor reached the journal's
 * `lastSeq` as of the request; false when the store was or went down, or the deadline passed, or
 * the writer stopped first. `cursor` is the writer's cursor when it replied.
 */
export interface ProjectionDrainReply {
  readonly caughtUp: boolean;
  readonly cursor: number;
}

/** Asks a projection writer for its `ProjectionStatus`. */
export interface ProjectionStatusQuery {
  readonly type: 'projection_status';
}

/**
 * Asks a projection writer to reply a `ProjectionDrainReply` once the store's cursor reaches the
 * journal's `lastSeq` as of this request: at once when it already has, or when the store is down.
 * A writer waiting on its idle poll reads the journal at once. At `deadlineUs` (engine time), if
 * given, it replies `caughtUp: false`; the caller's ask timeout should leave room for that.
 */
export interface ProjectionDrainRequest {
  readonly type: 'projection_drain';
  readonly deadlineUs?: number;
}
