/**
 * Passes each record once when the same stream arrives from two sources, as it does while a
 * fallback chain switches (or a socket rolls over: the new connection opens before the old one
 * closes). Records are keyed per (stream, symbol) by an id that only grows: the trade id for
 * trades, the final update id `u` for depth diffs. An id is accepted only when it is greater than
 * the last one accepted for its key; anything else is a duplicate (or arrived late, which for a
 * monotonic stream is the same thing) and is counted, never passed.
 *
 * Memory is bounded: at most `maxKeys` keys (default 1024) are remembered. A new key beyond that
 * evicts the least recently used one, counted in `evictions`; an evicted key starts afresh, so its
 * next id is accepted whatever it is (one duplicate could then pass). Size `maxKeys` above the
 * number of (stream, symbol) pairs a feed carries and eviction never happens.
 *
 * A gap (an id skipped) is not this class's business: it accepts the larger id and the gap
 * detector reports the hole. After a resync (a depth snapshot) call `reset` or `advance` so the
 * key follows the snapshot's `lastUpdateId`.
 */
import { TickflowError } from '../../src/runtime/errors.js';

/** Options of a `Dedup`. */
export interface DedupOptions {
  /** Most (stream, symbol) keys remembered; default 1024. A whole number ≥ 1. */
  readonly maxKeys?: number;
}

/** "Nothing accepted yet" (every safe integer, negative ones too, is a valid id). */
const UNSET = Number.NEGATIVE_INFINITY;

interface Entry {
  last: number;
  used: number;
  duplicates: number;
}

/** A bounded de-duplicator of monotonic ids per (stream, symbol). */
export class Dedup {
  readonly maxKeys: number;
  /** Ids accepted, duplicates refused, ids refused for not being safe integers, keys evicted. */
  accepted: number;
  duplicates: number;
  invalid: number;
  evictions: number;
  // Fields initialised in one order (one hidden class).
  private readonly byStream: Map<string, Map<string, Entry>>;
  private keys: number;
  private tick: number;

  /** Throws `TickflowError('CONFIG_INVALID')` unless `maxKeys` is a whole number ≥ 1. */
  constructor(options: DedupOptions = {}) {
    const maxKeys = options.maxKeys ?? 1024;
    if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new TickflowError('CONFIG_INVALID', `dedup maxKeys must be a whole number ≥ 1, got ${maxKeys}`, { maxKeys });
    this.maxKeys = maxKeys;
    this.accepted = 0;
    this.duplicates = 0;
    this.invalid = 0;
    this.evictions = 0;
    this.byStream = new Map();
    this.keys = 0;
    this.tick = 0;
  }

  /**
   * True when `id` is new for (stream, symbol): greater than the last accepted one, or the first
   * seen. It then becomes the last accepted. False for a duplicate (counted in `duplicates`) and
   * for an id that is not a safe integer (counted in `invalid`, state unchanged). Allocates only
   * when a key is first seen.
   */
  accept(stream: string, symbol: string, id: number): boolean {
    if (!Number.isSafeInteger(id)) {
      this.invalid++;
      return false;
    }
    const entry = this.entry(stream, symbol);
    entry.used = ++this.tick;
    // UNSET is -Infinity, below every id: the first id of a key is always accepted.
    if (id <= entry.last) {
      entry.duplicates++;
      this.duplicates++;
      return false;
    }
    entry.last = id;
    this.accepted++;
    return true;
  }

  /** The last accepted id of (stream, symbol), or undefined when none is remembered. */
  last(stream: string, symbol: string): number | undefined {
    const entry = this.byStream.get(stream)?.get(symbol);
    return entry === undefined || entry.last === UNSET ? undefined : entry.last;
  }

  /** Duplicates refused for (stream, symbol) since it was last remembered. */
  duplicatesOf(stream: string, symbol: string): number {
    return this.byStream.get(stream)?.get(symbol)?.duplicates ?? 0;
  }

  /** Treats every id up to `id` as delivered (after a snapshot with `lastUpdateId = id`). Never moves a key back. */
  advance(stream: string, symbol: string, id: number): void {
    if (!Number.isSafeInteger(id)) return;
    const entry = this.entry(stream, symbol);
    entry.used = ++this.tick;
    if (entry.last === UNSET || id > entry.last) entry.last = id;
  }

  /** Forgets (stream, symbol): its next id is accepted whatever it is. */
  reset(stream: string, symbol: string): void {
    const symbols = this.byStream.get(stream);
    if (symbols === undefined || !symbols.delete(symbol)) return;
    this.keys--;
    if (symbols.size === 0) this.byStream.delete(stream);
  }

  /** Keys remembered (at most `maxKeys`). */
  get size(): number {
    return this.keys;
  }

  private entry(stream: string, symbol: string): Entry {
    const known = this.byStream.get(stream)?.get(symbol);
    if (known !== undefined) return known;
    // Evict first: eviction may drop a stream's emptied map, which must not be the one we fill.
    if (this.keys >= this.maxKeys) this.evictLeastRecentlyUsed();
    let symbols = this.byStream.get(stream);
    if (symbols === undefined) {
      symbols = new Map();
      this.byStream.set(stream, symbols);
    }
    const entry: Entry = { last: UNSET, used: 0, duplicates: 0 };
    symbols.set(symbol, entry);
    this.keys++;
    return entry;
  }

  /** O(keys), only when a new key arrives at the bound: the per-record path stays two map lookups. */
  private evictLeastRecentlyUsed(): void {
    let oldest: Entry | undefined;
    let oldestStream = '';
    let oldestSymbol = '';
    for (const [stream, symbols] of this.byStream) {
      for (const [symbol, entry] of symbols) {
        if (oldest === undefined || entry.used < oldest.used) {
          oldest = entry;
          oldestStream = stream;
          oldestSymbol = symbol;
        }
      }
    }
    if (oldest === undefined) return;
    this.reset(oldestStream, oldestSymbol);
    this.evictions++;
  }
}
