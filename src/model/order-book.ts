/**
 * The L2 order book of one instrument: sorted price levels per side, rebuilt from a depth snapshot
 * and the incremental diffs that follow it, by Binance's sequencing rules. Pure and synchronous;
 * the book actor (`actors/books/book-actor.ts`) owns one per (exchange, symbol).
 *
 * Sequencing (`applyChange`). A diff carries `firstUpdateId` (`U`), `lastUpdateId` (`u`) and, on
 * USD-M futures, `prevUpdateId` (`pu`, -1 where the venue sends none: that selects the rules).
 * `last` below is the book's `lastUpdateId`: the snapshot's, then the last applied diff's `u`.
 * - Spot: a diff with `u <= last` is `dropped` (already in the book). The first diff after the
 *   snapshot must have `U <= last + 1` (and `u >= last + 1`, since it was not dropped); every
 *   later one `U === last + 1`. Otherwise it is a `gap`.
 * - USD-M: before the first applied diff, `u < last` is `dropped` and the first applied one must
 *   have `U <= last <= u`. After it, a diff with `u <= last` is `dropped` (a repeat) and every
 *   other must have `pu === last`. Otherwise it is a `gap`.
 * A gap makes the book invalid: its levels are cleared (no stale reads).
 *
 * Buffering. While the book is invalid (before the first snapshot, or after a gap) diffs are
 * `buffered`, as Binance's procedure asks: the snapshot is fetched after the stream is opened, so
 * the diff that straddles its `lastUpdateId` usually arrives before it (in the captures it does).
 * A snapshot replays the buffer through the rules above. The buffer keeps the latest
 * `maxBuffered` diffs (the oldest go first: a snapshot is newer than them anyway). Counters:
 * every diff received is, at any time, counted once in `applied`, `dropped` or `unsynced` (buffered
 * now, or evicted from the buffer unapplied); `gaps` counts sequence breaks (the diff that broke the
 * sequence is buffered: a fresher snapshot may still need it).
 *
 * Layout. Each side is a list of blocks of parallel arrays sorted so the best level is last: bids
 * by price ascending, asks by price descending (`BookSide`). Prices are JavaScript numbers (market data,
 * DESIGN.md): the venue's decimal strings parse to the same double every time, so equal price text
 * is an equal number and levels are matched by `===`.
 */
import type { BookChange, BookLevel, DepthSnapshot } from './records.js';

/** What `applyChange` did with a diff. */
export type BookApplyResult = 'applied' | 'dropped' | 'gap' | 'buffered';

/** Diffs an invalid book keeps for the next snapshot, by default. */
export const DEFAULT_MAX_BUFFERED = 1000;

/** The fields of a `depth_snapshot` the book uses. */
export type BookSnapshotInput = Pick<DepthSnapshot, 'ts' | 'lastUpdateId' | 'bids' | 'asks'>;

/** The fields of a `book_change` the book uses. */
export type BookChangeInput = Pick<BookChange, 'ts' | 'firstUpdateId' | 'lastUpdateId' | 'prevUpdateId' | 'bids' | 'asks'>;

/**
 * Read-only access to a book, shared by `OrderBook` and the strategy's view of a published
 * snapshot. Prices and amounts are numbers; `NaN` means "not known" (an empty side, or a price
 * beyond the levels a snapshot carries).
 */
export interface BookReader {
  /** Highest bid price; `NaN` when there are no bids. */
  bestBid(): number;
  /** Lowest ask price; `NaN` when there are no asks. */
  bestAsk(): number;
  /** Amount resting at exactly `price` on either side; 0 when no level is there. */
  depthAt(price: number): number;
  /**
   * `(bidAmount - askAmount) / (bidAmount + askAmount)` over the best `levels` levels of each
   * side, in [-1, 1] (positive: more bid than ask); `NaN` when both are empty.
   */
  imbalance(levels: number): number;
}

/**
 * A conflated top-N book, published by the book actor on `md.<exchange>.<symbol>.book` (tardis-dev
 * calls this type `book_snapshot`). `ts` is the venue time of the last diff applied, `tsRecv` the
 * engine time of publication. An invalid book (no snapshot yet, or a gap) is published once with
 * `valid: false` and no levels. Levels are best first.
 */
export interface BookSnapshot {
  readonly type: 'book_snapshot';
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly tsRecv: number;
  readonly depth: number;
  readonly valid: boolean;
  readonly lastUpdateId: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** Most levels a block of a `BookSide` holds; a fuller one splits in two. */
const BLOCK = 64;

/** A run of a side's levels, sorted ascending by key (see `BookSide`). Never empty while held. */
class Block {
  readonly keys: number[];
  readonly amounts: number[];

  constructor(keys: number[], amounts: number[]) {
    this.keys = keys;
    this.amounts = amounts;
  }
}

/**
 * One side of a book. Keys are the price for bids and minus the price for asks (negation is
 * exact), so both sides are sorted ascending by key with the best level last and share one search.
 *
 * Levels are kept in blocks of at most `BLOCK`, in key order: a level inserted or removed moves
 * only the levels after it in its own block (and a block split or emptied moves the list of
 * blocks, a sixty-fourth as long). Binance depth diffs touch levels all through a book of a
 * thousand or more, a third of them at prices not in it: in one sorted array each moved hundreds
 * of levels, and applying diffs was a third of a backtest's CPU on data whose book stays valid.
 */
class BookSide {
  private blocks: Block[];
  private readonly sign: number;
  private count: number;

  constructor(ask: boolean) {
    // Every field set here, in one order (one hidden class for both sides).
    this.blocks = [];
    this.sign = ask ? -1 : 1;
    this.count = 0;
  }

  get size(): number {
    return this.count;
  }

  /** Index of the block where `key` is or would go: the last whose first key is <= `key`, else 0. */
  private blockOf(key: number): number {
    const blocks = this.blocks;
    let hi = blocks.length - 1;
    // Most updates land near the top: check the best block first.
    if (hi <= 0 || blocks[hi]!.keys[0]! <= key) return hi;
    let lo = 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (blocks[mid]!.keys[0]! <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Sets the level at `price`; amount 0 removes it. */
  set(price: number, amount: number): void {
    const key = this.sign * price;
    if (this.blocks.length === 0) {
      if (amount !== 0) {
        this.blocks.push(new Block([key], [amount]));
        this.count = 1;
      }
      return;
    }
    const b = this.blockOf(key);
    const block = this.blocks[b]!;
    const keys = block.keys;
    const amounts = block.amounts;
    const i = search(keys, key);
    if (i >= 0) {
      if (amount !== 0) {
        amounts[i] = amount;
        return;
      }
      const last = keys.length - 1;
      for (let j = i; j < last; j++) {
        keys[j] = keys[j + 1]!;
        amounts[j] = amounts[j + 1]!;
      }
      keys.pop();
      amounts.pop();
      this.count--;
      if (keys.length === 0) this.blocks.splice(b, 1);
      return;
    }
    if (amount === 0) return;
    const at = -i - 1;
    keys.push(0);
    amounts.push(0);
    for (let j = keys.length - 1; j > at; j--) {
      keys[j] = keys[j - 1]!;
      amounts[j] = amounts[j - 1]!;
    }
    keys[at] = key;
    amounts[at] = amount;
    this.count++;
    if (keys.length > BLOCK) {
      const half = keys.length >>> 1;
      this.blocks.splice(b + 1, 0, new Block(keys.splice(half), amounts.splice(half)));
    }
  }

  /** Replaces every level (a snapshot); later duplicates of a price win, zero amounts are skipped. */
  reset(levels: readonly BookLevel[]): void {
    const byKey = new Map<number, number>();
    for (let i = 0; i < levels.length; i++) byKey.set(this.sign * levels[i]!.price, levels[i]!.amount);
    const keys = [...byKey.keys()].filter((k) => byKey.get(k)! !== 0).sort((a, b) => a - b);
    // Blocks three-quarters full, so the first inserts split none.
    const per = (BLOCK * 3) >>> 2;
    this.blocks = [];
    for (let i = 0; i < keys.length; i += per) {
      const part = keys.slice(i, i + per);
      this.blocks.push(new Block(part, part.map((k) => byKey.get(k)!)));
    }
    this.count = keys.length;
  }

  clear(): void {
    this.blocks = [];
    this.count = 0;
  }

  best(): number {
    const blocks = this.blocks;
    if (blocks.length === 0) return NaN;
    const keys = blocks[blocks.length - 1]!.keys;
    return this.sign * keys[keys.length - 1]!;
  }

  amountAt(price: number): number {
    if (this.blocks.length === 0) return 0;
    const key = this.sign * price;
    const block = this.blocks[this.blockOf(key)]!;
    const i = search(block.keys, key);
    return i >= 0 ? block.amounts[i]! : 0;
  }

  /** Total amount of the best `levels` levels. */
  sum(levels: number): number {
    let total = 0;
    let left = levels;
    const blocks = this.blocks;
    for (let b = blocks.length - 1; b >= 0 && left > 0; b--) {
      const amounts = blocks[b]!.amounts;
      for (let i = amounts.length - 1; i >= 0 && left > 0; i--, left--) total += amounts[i]!;
    }
    return total;
  }

  /** The best `n` levels, best first. */
  top(n: number): BookLevel[] {
    const out: BookLevel[] = [];
    const blocks = this.blocks;
    for (let b = blocks.length - 1; b >= 0 && out.length < n; b--) {
      const { keys, amounts } = blocks[b]!;
      for (let i = keys.length - 1; i >= 0 && out.length < n; i--) out.push({ price: this.sign * keys[i]!, amount: amounts[i]! });
    }
    return out;
  }

  /** Price of the `rank`-th best level (0 is the best); the caller keeps `rank < size`. */
  priceAt(rank: number): number {
    const blocks = this.blocks;
    let r = rank;
    for (let b = blocks.length - 1; ; b--) {
      const keys = blocks[b]!.keys;
      if (r < keys.length) return this.sign * keys[keys.length - 1 - r]!;
      r -= keys.length;
    }
  }

  /** Amount of the `rank`-th best level (0 is the best); the caller keeps `rank < size`. */
  amountOfRank(rank: number): number {
    const blocks = this.blocks;
    let r = rank;
    for (let b = blocks.length - 1; ; b--) {
      const amounts = blocks[b]!.amounts;
      if (r < amounts.length) return amounts[amounts.length - 1 - r]!;
      r -= amounts.length;
    }
  }

  /** Price of the worst level; the caller keeps `size > 0`. */
  worst(): number {
    return this.sign * this.blocks[0]!.keys[0]!;
  }
}

/** Index of `key` in the ascending `keys`, or `-(insertion point) - 1` when absent. */
function search(keys: readonly number[], key: number): number {
  let lo = 0;
  let hi = keys.length - 1;
  // Most updates land near the top: check the last level first.
  if (hi >= 0 && keys[hi]! < key) return -(hi + 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const k = keys[mid]!;
    if (k < key) lo = mid + 1;
    else if (k > key) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** The L2 book of one instrument. See the file comment for the sequencing rules. */
export class OrderBook implements BookReader {
  readonly exchange: string;
  readonly symbol: string;
  /** The snapshot's `lastUpdateId`, then the last applied diff's `u`; -1 before any snapshot. */
  lastUpdateId: number;
  /** Venue time of the last snapshot or diff applied (µs); -1 before any. */
  ts: number;
  /** True from a snapshot until a gap. */
  valid: boolean;
  /** Snapshots applied. */
  snapshots: number;
  /** Diffs applied. */
  applied: number;
  /** Diffs dropped as already in the book. */
  dropped: number;
  /** Sequence breaks (each made the book invalid). */
  gaps: number;
  /** Diffs not applied for want of a valid base: buffered now, or evicted from the buffer. */
  unsynced: number;
  private readonly bids: BookSide;
  private readonly asks: BookSide;
  /** A diff has been applied since the last snapshot (the "first event" rule is behind us). */
  private synced: boolean;
  /** Diffs received while invalid, from `pendingStart` on (a queue without per-diff shifting). */
  private pending: BookChangeInput[];
  private pendingStart: number;
  private readonly maxBuffered: number;

  constructor(exchange: string, symbol: string, maxBuffered = DEFAULT_MAX_BUFFERED) {
    // Every field set here, in one order (one hidden class for all books).
    this.exchange = exchange;
    this.symbol = symbol;
    this.lastUpdateId = -1;
    this.ts = -1;
    this.valid = false;
    this.snapshots = 0;
    this.applied = 0;
    this.dropped = 0;
    this.gaps = 0;
    this.unsynced = 0;
    this.bids = new BookSide(false);
    this.asks = new BookSide(true);
    this.synced = false;
    this.pending = [];
    this.pendingStart = 0;
    this.maxBuffered = Math.max(0, Math.floor(maxBuffered));
  }

  /** Diffs waiting for a snapshot. */
  get buffered(): number {
    return this.pending.length - this.pendingStart;
  }

  /** Replaces the book with `snapshot`; the book becomes valid at its `lastUpdateId`. */
  applySnapshot(snapshot: BookSnapshotInput): void {
    this.bids.reset(snapshot.bids);
    this.asks.reset(snapshot.asks);
    this.lastUpdateId = snapshot.lastUpdateId;
    this.ts = snapshot.ts;
    this.valid = true;
    this.synced = false;
    this.snapshots++;
    if (this.buffered > 0) this.replay();
  }

  /** Applies one diff by the sequencing rules; returns (and counts) what became of it. */
  applyChange(change: BookChangeInput): BookApplyResult {
    if (!this.valid) {
      this.buffer(change);
      return 'buffered';
    }
    const last = this.lastUpdateId;
    const first = change.firstUpdateId;
    const u = change.lastUpdateId;
    let inSequence: boolean;
    if (change.prevUpdateId >= 0) {
      // USD-M futures: the first diff straddles `last`; later ones chain by `pu`.
      if (this.synced ? u <= last : u < last) {
        this.dropped++;
        return 'dropped';
      }
      inSequence = this.synced ? change.prevUpdateId === last : first <= last;
    } else {
      // Spot: the first diff straddles `last + 1`; later ones start right after the previous.
      if (u <= last) {
        this.dropped++;
        return 'dropped';
      }
      inSequence = this.synced ? first === last + 1 : first <= last + 1;
    }
    if (!inSequence) {
      this.valid = false;
      this.bids.clear();
      this.asks.clear();
      this.gaps++;
      this.buffer(change);
      return 'gap';
    }
    const bids = change.bids;
    for (let i = 0; i < bids.length; i++) this.bids.set(bids[i]!.price, bids[i]!.amount);
    const asks = change.asks;
    for (let i = 0; i < asks.length; i++) this.asks.set(asks[i]!.price, asks[i]!.amount);
    this.lastUpdateId = u;
    this.ts = change.ts;
    this.synced = true;
    this.applied++;
    return 'applied';
  }

  private buffer(change: BookChangeInput): void {
    this.unsynced++;
    if (this.maxBuffered === 0) return;
    if (this.buffered === this.maxBuffered) this.pending[this.pendingStart++] = undefined as never; // evict the oldest
    if (this.pendingStart >= this.maxBuffered) {
      this.pending = this.pending.slice(this.pendingStart);
      this.pendingStart = 0;
    }
    this.pending.push(change);
  }

  /** Runs the buffered diffs through the rules after a snapshot; those still unusable buffer again. */
  private replay(): void {
    const pending = this.pending;
    const start = this.pendingStart;
    this.pending = [];
    this.pendingStart = 0;
    for (let i = start; i < pending.length; i++) {
      this.unsynced--;
      this.applyChange(pending[i]!);
    }
  }

  /** Number of bid levels. */
  get bidLevels(): number {
    return this.bids.size;
  }

  /** Number of ask levels. */
  get askLevels(): number {
    return this.asks.size;
  }

  bestBid(): number {
    return this.bids.best();
  }

  bestAsk(): number {
    return this.asks.best();
  }

  depthAt(price: number): number {
    // A price is on one side only in a consistent book; bids first, as crossing books do not
    // happen once synced.
    const bid = this.bids.amountAt(price);
    return bid !== 0 ? bid : this.asks.amountAt(price);
  }

  imbalance(levels: number): number {
    const bid = this.bids.sum(levels);
    const ask = this.asks.sum(levels);
    const total = bid + ask;
    return total === 0 ? NaN : (bid - ask) / total;
  }

  /** The best `n` levels of each side, best first (fresh arrays). */
  topN(n: number): { bids: BookLevel[]; asks: BookLevel[] } {
    return { bids: this.bids.top(n), asks: this.asks.top(n) };
  }

  /** Number of levels on one side (`ask` true for asks). */
  levelCount(ask: boolean): number {
    return ask ? this.asks.size : this.bids.size;
  }

  /** Price of the `i`-th best level of one side (0 is the best, below `levelCount`), without allocating. */
  levelPrice(ask: boolean, i: number): number {
    const side = ask ? this.asks : this.bids;
    return i === side.size - 1 ? side.worst() : side.priceAt(i);
  }

  /** Amount of the `i`-th best level of one side (0 is the best, below `levelCount`). */
  levelAmount(ask: boolean, i: number): number {
    return (ask ? this.asks : this.bids).amountOfRank(i);
  }

  /** Amount resting at exactly `price` on one side; 0 when no level is there. */
  sideAmountAt(ask: boolean, price: number): number {
    return ask ? this.asks.amountAt(price) : this.bids.amountAt(price);
  }
}
