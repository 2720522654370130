/**
 * The Redis projection's cursor rules, apart from the sink's I/O so they read and test on their
 * own: whether a batch may be applied at all, which of its entries are new (those at or below the
 * cursor are a replay, skipped: re-writing them would move latest values back), and what the
 * cursor key may hold.
 */
import type { WalEntry } from '../../model/wal-entry.js';
import { TickflowError } from '../../runtime/errors.js';

/**
 * Index of the first entry after `cursor`. The batch must be consecutive, and start at or before
 * `cursor + 1`: a gap would leave entries out of the projection for good. Throws `DATA_GAP`.
 */
export function batchStart(entries: readonly WalEntry[], cursor: number): number {
  if (entries.length === 0) return 0;
  const head = entries[0]!.seq;
  if (head > cursor + 1) {
    throw new TickflowError('DATA_GAP', `redis projection: batch starts at seq ${head}, the cursor is ${cursor} (expected ${cursor + 1})`, { store: 'redis', cursor, first: head });
  }
  for (let i = 1; i < entries.length; i++) {
    const seq = entries[i]!.seq;
    const previous = entries[i - 1]!.seq;
    if (seq !== previous + 1) {
      throw new TickflowError('DATA_GAP', `redis projection: seq ${seq} follows ${previous} in a batch`, { store: 'redis', cursor, seq, previous });
    }
  }
  return Math.max(0, Math.min(entries.length, cursor - head + 1));
}

/** The cursor key's value as a seq (absent: 0). */
export function parseCursor(value: string | null, key: string): number {
  if (value === null) return 0;
  // Digits only: `Number('')` and `Number(' 7')` would pass a looser check.
  const seq = /^\d{1,16}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(seq)) {
    throw new TickflowError('IO_UNAVAILABLE', `redis: ${key} holds ${JSON.stringify(value.slice(0, 40))}, not a seq`, { store: 'redis', key });
  }
  return seq;
}
