/**
 * The `sequenceFeed` operator: the live feed's continuity stage, after decoding and the rollover
 * arbiter. Trades and depth diffs go through the `GapDetector` (duplicates dropped, gaps counted
 * and reported); a depth gap, and every new connection, puts the symbol's diffs through the
 * `BinanceDepthSync` (REST snapshot, then the held diffs), so what comes out is a book-ready
 * sequence. Quotes and anything else pass unchanged. Order is kept except where the depth sync
 * holds a symbol's diffs behind its snapshot; nothing else is ever held here.
 */
import { Observable, type MonoTypeOperatorFunction, type Subscriber } from 'rxjs';
import type { BookChange, DepthSnapshot, MarketRecord } from '../../src/model/records.js';
import { BinanceDepthSync, type DepthSyncHost, type DepthSyncOptions } from './binance-depth-sync.js';
import type { MutableFeedStats } from './feed-stats.js';
import { DUPLICATE, GAP, GAP_ISSUE_CODE, type GapDetector } from './gap-detector.js';

/** The state behind `sequenceFeed`: one per feed, shared by all its connections. */
export class FeedSequencer implements DepthSyncHost {
  private readonly gaps: GapDetector;
  private readonly stats: MutableFeedStats;
  private readonly sync: BinanceDepthSync | null;
  private readonly depthSymbols: readonly string[];
  private out: Subscriber<MarketRecord> | null;

  /** `sync` null: no depth channel, no snapshots. `depthSymbols`: the symbols synced at each connect. */
  constructor(gaps: GapDetector, stats: MutableFeedStats, sync: DepthSyncOptions | null, depthSymbols: readonly string[]) {
    this.gaps = gaps;
    this.stats = stats;
    this.sync = sync === null ? null : new BinanceDepthSync(sync, stats, this);
    this.depthSymbols = sync === null ? [] : depthSymbols;
    this.out = null;
  }

  /** True when a record with this id has been judged already (see `GapDetector.isSeen`). */
  isSeen(record: MarketRecord): boolean {
    return this.gaps.isSeen(record);
  }

  /** A new connection (not a rollover) is open: resync every depth symbol, as Binance asks. */
  connected(): void {
    for (const symbol of this.depthSymbols) this.sync!.start(symbol, 'connect');
  }

  /** One record from the connections (the operator's upstream). */
  next(record: MarketRecord): void {
    if (record.type === 'trade') {
      if (this.gaps.checkTrade(record) === DUPLICATE) return;
    } else if (record.type === 'book_change') {
      return this.depth(record);
    }
    this.out?.next(record);
  }

  /** Downstream of the depth sync. */
  emit(record: DepthSnapshot | BookChange): void {
    this.out?.next(record);
  }

  /** Stops the depth sync's requests and retries. */
  close(): void {
    this.sync?.close();
    this.out = null;
  }

  attach(out: Subscriber<MarketRecord>): void {
    this.out = out;
  }

  detach(out: Subscriber<MarketRecord>): void {
    if (this.out === out) this.out = null;
  }

  private depth(diff: BookChange): void {
    const verdict = this.gaps.checkDepth(diff);
    if (verdict === DUPLICATE) return;
    if (this.sync === null) return void this.out?.next(diff);
    if (verdict === GAP && this.sync.start(diff.symbol, 'gap')) {
      this.gaps.depthCounters(diff.symbol).resyncs++;
      this.stats.resyncs++;
      this.stats.issue(GAP_ISSUE_CODE, `${this.gaps.depthStreamOf(diff.symbol)}: resyncing the book from a REST snapshot after the gap`);
    }
    this.sync.accept(diff);
  }
}

/**
 * Runs records through `sequencer` (see the file comment). One subscription at a time: the feed
 * subscribes once and keeps it for its life. Never errors; completes when its source does.
 */
export function sequenceFeed(sequencer: FeedSequencer): MonoTypeOperatorFunction<MarketRecord> {
  return (source) =>
    new Observable<MarketRecord>((subscriber) => {
      sequencer.attach(subscriber);
      const subscription = source.subscribe({
        next: (record) => sequencer.next(record),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        sequencer.detach(subscriber);
      };
    });
}
