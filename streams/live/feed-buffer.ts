/**
 * The live feed's bounded record buffer: the end of its RxJS pipeline (an `Observer`) and what
 * `next()` drains in chunks. It never drops: bounding is the job of the water marks, which pause
 * the sockets (TCP then pushes back on the venue) when the buffer reaches `highWaterMark` and
 * resume them when `next()` has taken it down to `lowWaterMark`. So the buffer exceeds the high
 * mark only by what was already read when the sockets paused: at most one socket read (64 KiB of
 * frames) per open socket, plus what a rollover or resync releases at once.
 *
 * Engine time never goes backwards within a feed: a record whose `tsRecv` is older than the last
 * one buffered (released late, after waiting for a REST snapshot or for a rollover to line up) is
 * copied with the last `tsRecv`, the time the engine actually gets it, and counted in `restamped`.
 */
import type { Observer } from 'rxjs';
import type { MarketRecord } from '../../src/model/records.js';
import type { MutableFeedStats } from './feed-stats.js';

/** Told when the buffer crosses its water marks. */
export interface FeedBufferHost {
  /** The buffer reached the high-water mark: stop reading. */
  bufferHigh(): void;
  /** It drained to the low-water mark: read again. */
  bufferLow(): void;
}

/** A FIFO of records with water marks; one reader (`take`/`whenData`), any number of writers. */
export class FeedBuffer implements Observer<MarketRecord> {
  private readonly host: FeedBufferHost;
  private readonly stats: MutableFeedStats;
  private readonly high: number;
  private readonly low: number;
  private items: MarketRecord[];
  private head: number;
  private lastTsRecv: number;
  private paused: boolean;
  private ended: boolean;
  private wake: (() => void) | null;
  private waiting: Promise<void> | null;

  constructor(host: FeedBufferHost, stats: MutableFeedStats, highWaterMark: number, lowWaterMark: number) {
    // Every field set here, in one order (one hidden class).
    this.host = host;
    this.stats = stats;
    this.high = highWaterMark;
    this.low = lowWaterMark;
    this.items = [];
    this.head = 0;
    this.lastTsRecv = 0;
    this.paused = false;
    this.ended = false;
    this.wake = null;
    this.waiting = null;
  }

  /** Records held now. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** True after `end()`. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Appends one record (the pipeline's `next`); ignored after `end()`. */
  next(record: MarketRecord): void {
    if (this.ended) return;
    if (record.tsRecv < this.lastTsRecv) {
      record = { ...record, tsRecv: this.lastTsRecv };
      this.stats.restamped++;
    } else {
      this.lastTsRecv = record.tsRecv;
    }
    this.items.push(record);
    const size = this.items.length - this.head;
    const stats = this.stats;
    stats.delivered++;
    stats.buffered = size;
    if (size > stats.peakBuffered) stats.peakBuffered = size;
    if (!this.paused && size >= this.high) {
      this.paused = true;
      this.host.bufferHigh();
    }
    if (this.wake !== null) this.signal();
  }

  error(): void {
    // The pipeline never errors on data (bad frames are counted); nothing to do.
  }

  complete(): void {
    // Sockets come and go; only `end()` ends the buffer.
  }

  /** Removes and returns up to `max` records (oldest first); an empty array when there are none. */
  take(max: number): MarketRecord[] {
    const end = Math.min(this.items.length, this.head + max);
    const chunk = this.items.slice(this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 4096 && this.head * 2 >= this.items.length) {
      // Drop the taken prefix now and then, not per chunk: a copy of what remains, amortised.
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    const size = this.items.length - this.head;
    this.stats.buffered = size;
    if (this.paused && size <= this.low) {
      this.paused = false;
      this.host.bufferLow();
    }
    return chunk;
  }

  /**
   * Resolves once a record is buffered or the buffer ends (at once if either is already so).
   * Callers waiting together share one promise: all are woken, none is forgotten.
   */
  whenData(): Promise<void> {
    if (this.size > 0 || this.ended) return Promise.resolve();
    this.waiting ??= new Promise((resolve) => {
      this.wake = resolve;
    });
    return this.waiting;
  }

  /** Ends the buffer: drops what it holds, and wakes a waiting reader. */
  end(): void {
    this.ended = true;
    this.items = [];
    this.head = 0;
    this.stats.buffered = 0;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    this.waiting = null;
    wake?.();
  }
}
