/**
 * Binance's procedure for an L2 book from a diff stream, done in the feed so what leaves it is a
 * clean sequence a book applies without buffering of its own: at (re)connect and after a depth gap,
 * hold the symbol's diffs, fetch a REST snapshot, drop the held diffs it already covers, check that
 * the first one left straddles it, then emit the snapshot followed by the held diffs.
 *
 * - Straddle rule for the first diff after a snapshot with `lastUpdateId` L: spot `U <= L + 1 <= u`,
 *   USD-M `U <= L <= u`. Diffs older than that (spot `u <= L`, USD-M `u < L`) are dropped and
 *   counted in `staleDiffs`. A first diff past L + 1 means the snapshot is older than the stream:
 *   it is fetched again (Binance: "restart the process").
 * - At most `maxHeld` diffs are held per symbol; past that the oldest go (a later snapshot covers
 *   them), counted in `staleDiffs`. A new gap while a snapshot is on its way discards the held diffs
 *   before the break; the answer in flight is then checked against what follows the break.
 * - A failed request (network, timeout, status, body) is counted and retried after the backoff
 *   delay, or after `Retry-After` when a 429/418 names a longer wait; each failure is a data issue.
 *   Requests never overlap for one symbol. `close()` aborts everything; nothing is emitted after it.
 */
import type { BookChange, DepthSnapshot } from '../../src/model/records.js';
import { backoffDelay, type BackoffPolicy } from '../../src/runtime/backoff.js';
import type { Clock } from '../../src/runtime/clock.js';
import type { Random } from '../../src/runtime/random.js';
import type { BinanceMarket, FeedFetch } from './binance-feed-options.js';
import { requestDepthSnapshot, type SnapshotAttempt } from './binance-depth-snapshot.js';
import type { MutableFeedStats } from './feed-stats.js';
import type { FeedTimers, TimerHandle } from './feed-timers.js';

/** Where synced records go (the sequencer's downstream). */
export interface DepthSyncHost {
  emit(record: DepthSnapshot | BookChange): void;
}

/** What the sync needs to ask for snapshots. */
export interface DepthSyncOptions {
  readonly market: BinanceMarket;
  readonly restUrl: string;
  readonly limit: number;
  readonly exchange: string;
  readonly fetch: FeedFetch;
  readonly clock: Clock;
  readonly timers: FeedTimers;
  readonly timeoutMs: number;
  readonly backoff: BackoffPolicy;
  readonly random: Random;
  readonly maxHeld: number;
}

/** Why a sync started: a new connection (counted in `snapshots`) or a gap (also in the stream's `resyncs`). */
export type SyncReason = 'connect' | 'gap';

/** One symbol's state. Fields set in the constructor, in one order. */
class SymbolDepth {
  readonly symbol: string;
  /** Waiting for a snapshot: diffs are held. */
  syncing: boolean;
  /** A snapshot was emitted and no diff yet: the next must straddle `lastUpdateId`. */
  awaitingFirst: boolean;
  lastUpdateId: number;
  held: BookChange[];
  /** A request is in flight (a retry armed is `timer`). */
  busy: boolean;
  /** Bumped when the answer in flight must be ignored (a newer sync began). */
  generation: number;
  attempt: number;
  timer: TimerHandle | null;

  constructor(symbol: string) {
    this.symbol = symbol;
    this.syncing = false;
    this.awaitingFirst = false;
    this.lastUpdateId = -1;
    this.held = [];
    this.busy = false;
    this.generation = 0;
    this.attempt = 0;
    this.timer = null;
  }
}

/** The depth sync of one feed, all symbols. */
export class BinanceDepthSync {
  private readonly options: DepthSyncOptions;
  private readonly stats: MutableFeedStats;
  private readonly host: DepthSyncHost;
  private readonly bySymbol: Map<string, SymbolDepth>;
  private readonly abort: AbortController;
  private closed: boolean;

  constructor(options: DepthSyncOptions, stats: MutableFeedStats, host: DepthSyncHost) {
    this.options = options;
    this.stats = stats;
    this.host = host;
    this.bySymbol = new Map();
    this.abort = new AbortController();
    this.closed = false;
  }

  /** True while `symbol`'s diffs are held for a snapshot. */
  isSyncing(symbol: string): boolean {
    return this.bySymbol.get(symbol)?.syncing ?? false;
  }

  /**
   * Starts holding `symbol`'s diffs and asks for a snapshot; returns true when it did. While a
   * snapshot is already on its way, a new gap only discards the diffs held before it (any snapshot
   * that fits the diffs after the gap covers them): the answer is still checked by the straddle
   * rule, and asked again if it predates the gap.
   */
  start(symbol: string, reason: SyncReason): boolean {
    if (this.closed) return false;
    const s = this.state(symbol);
    if (s.syncing) {
      if (reason === 'gap') {
        this.stats.staleDiffs += s.held.length;
        s.held = [];
      }
      return false;
    }
    s.syncing = true;
    s.awaitingFirst = false;
    s.generation++;
    s.attempt = 0;
    if (s.timer !== null) {
      this.options.timers.clearTimeout(s.timer);
      s.timer = null;
    }
    void this.request(s, s.generation);
    return true;
  }

  /** Takes one diff that is not a duplicate: holds it, checks it against a fresh snapshot, or emits it. */
  accept(diff: BookChange): void {
    const s = this.bySymbol.get(diff.symbol);
    if (s === undefined || (!s.syncing && !s.awaitingFirst)) {
      this.host.emit(diff);
      return;
    }
    if (s.syncing) {
      if (s.held.length >= this.options.maxHeld) {
        s.held.shift();
        this.stats.staleDiffs++;
      }
      s.held.push(diff);
      return;
    }
    const verdict = this.straddles(diff, s.lastUpdateId);
    if (verdict < 0) this.stats.staleDiffs++;
    else if (verdict === 0) {
      s.awaitingFirst = false;
      this.host.emit(diff);
    } else {
      // The stream is past the snapshot: it was stale when it arrived. Ask again, holding from here.
      this.stats.issue('DATA_TRUNCATED', `${diff.symbol} depth: snapshot lastUpdateId ${s.lastUpdateId} is older than the stream (first diff U ${diff.firstUpdateId}); fetching again`);
      this.start(diff.symbol, 'connect');
      s.held.push(diff);
    }
  }

  /** Aborts requests and retries; nothing is emitted after this. */
  close(): void {
    this.closed = true;
    this.abort.abort();
    for (const s of this.bySymbol.values()) {
      if (s.timer !== null) this.options.timers.clearTimeout(s.timer);
      s.timer = null;
      s.held = [];
    }
  }

  private async request(s: SymbolDepth, generation: number): Promise<void> {
    if (s.busy) return; // the request in flight will see the new generation and ask again
    s.busy = true;
    const o = this.options;
    let attempt: SnapshotAttempt;
    try {
      attempt = await requestDepthSnapshot({
        restUrl: o.restUrl,
        market: o.market,
        symbol: s.symbol,
        limit: o.limit,
        exchange: o.exchange,
        fetch: o.fetch,
        clock: o.clock,
        timers: o.timers,
        timeoutMs: o.timeoutMs,
        signal: this.abort.signal,
      });
    } finally {
      s.busy = false;
    }
    if (this.closed || !s.syncing) return;
    if (generation !== s.generation) return void this.request(s, s.generation);
    if (attempt.ok) return this.release(s, attempt.snapshot);
    this.stats.snapshotFailures++;
    if (attempt.status === 429 || attempt.status === 418) this.stats.restRateLimited++;
    const backoffUs = backoffDelay(o.backoff, s.attempt++, o.random);
    const waitUs = Math.max(backoffUs, attempt.retryAfterUs ?? 0);
    this.stats.issue('IO_UNAVAILABLE', `${s.symbol} depth snapshot failed (${attempt.reason}); retrying in ${Math.round(waitUs / 1000)} ms`);
    s.timer = o.timers.setTimeout(() => {
      s.timer = null;
      if (!this.closed && s.syncing) void this.request(s, s.generation);
    }, waitUs / 1000);
  }

  /** Applies Binance's procedure to the held diffs and emits the snapshot and what follows it. */
  private release(s: SymbolDepth, snapshot: DepthSnapshot): void {
    const held = s.held;
    const last = snapshot.lastUpdateId;
    let from = 0;
    while (from < held.length && this.straddles(held[from]!, last) < 0) from++;
    if (from < held.length && this.straddles(held[from]!, last) > 0) {
      // Older than the diffs we hold: ask again (Binance: restart the process).
      this.stats.staleDiffs += from;
      s.held = held.slice(from);
      this.stats.issue('DATA_TRUNCATED', `${s.symbol} depth: snapshot lastUpdateId ${last} is older than the held diffs (U ${held[from]!.firstUpdateId}); fetching again`);
      s.generation++;
      void this.request(s, s.generation);
      return;
    }
    this.stats.staleDiffs += from;
    s.held = [];
    s.syncing = false;
    s.attempt = 0;
    s.lastUpdateId = last;
    s.awaitingFirst = from === held.length;
    this.stats.snapshots++;
    this.host.emit(snapshot);
    for (let i = from; i < held.length; i++) this.host.emit(held[i]!);
  }

  /** -1: older than the snapshot; 0: the straddling first diff; 1: past it (the snapshot is too old). */
  private straddles(diff: BookChange, last: number): number {
    if (this.options.market === 'usdm') {
      if (diff.lastUpdateId < last) return -1;
      return diff.firstUpdateId <= last ? 0 : 1;
    }
    if (diff.lastUpdateId <= last) return -1;
    return diff.firstUpdateId <= last + 1 ? 0 : 1;
  }

  private state(symbol: string): SymbolDepth {
    let s = this.bySymbol.get(symbol);
    if (s === undefined) {
      s = new SymbolDepth(symbol);
      this.bySymbol.set(symbol, s);
    }
    return s;
  }
}
