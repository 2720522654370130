/**
 * The ports of a projection writer (`projection-actor.ts`): the journal it follows and the store it
 * applies entries to (PostgreSQL, Redis), given by the composition root (DESIGN.md: actors that
 * touch the outside receive their I/O ports; they never import `src/io`).
 *
 * Exactly once: the store keeps its own cursor (the `seq` of the last entry applied) and moves it
 * in the same transaction as the entries, so a crash of the writer, of the store or of the
 * connection between them replays from the cursor and writes nothing twice; the entries' natural
 * keys make a replay of an applied batch a no-op as well.
 */
import type { WalEntry } from '../../src/model/wal-entry.js';

/** Reads journal entries after a position (`src/io/journal/wal.ts`'s `WalReader`). */
export interface ProjectionReader {
  /** Up to `max` entries after the position; [] when the journal has no more yet. */
  read(max: number): WalEntry[];
  close(): void;
}

/** The journal, as a projection sees it. */
export interface ProjectionSource {
  /** `seq` of the last entry in the journal. */
  readonly lastSeq: number;
  /** A reader of the entries after `afterSeq`. */
  reader(afterSeq: number): ProjectionReader;
}

/** A store that entries are projected into. */
export interface ProjectionSink {
  /** `postgres`, `redis`: names the writer's metrics and health checks. */
  readonly name: string;
  /**
   * Connects (again, after a failure) and returns the store's cursor: the `seq` of the last entry
   * it applied, 0 when none. Rejects when the store cannot be reached.
   */
  open(): Promise<number>;
  /**
   * Applies `entries` (consecutive, right after the cursor) all or nothing and moves the cursor to
   * the last one. Rejects, having applied nothing, when the store fails; the writer then reopens.
   */
  apply(entries: readonly WalEntry[]): Promise<void>;
  /** Releases the connection; the writer calls it before reopening and at stop. */
  close(): Promise<void>;
}
