/**
 * Continuity of a live feed per stream: each trade and depth diff is judged in sequence, a
 * duplicate, or past a gap, against the last one seen for its symbol. The judgement is the same
 * whichever connection the record came on, so it de-duplicates across reconnects and rollovers.
 *
 * Rules (Binance):
 * - Trades: ids are contiguous per symbol (spot, and USD-M in our captures: every USD-M `@trade`
 *   is a `MARKET` trade; turn `checkTradeIds` off for a venue whose published ids skip). An id at or
 *   below the last is a duplicate; one above `last + 1` is a gap of `id - last - 1` ids.
 * - Spot depth diffs chain by `U = previous u + 1`; USD-M diffs by `pu = previous u`. A diff whose
 *   `u` is at or below the last `u` is a duplicate; any other break is a gap (ids skipped: `U - last
 *   - 1` on spot, `pu - last` on USD-M).
 * The first record of a symbol starts its chain. Gaps are counted per stream and reported as data
 * issues; duplicates are counted per stream. What to do about a gap (a depth resync) is the
 * sequencer's business.
 */
import type { BookChange, MarketRecord, Trade } from '../../src/model/records.js';
import type { TickflowErrorCode } from '../../src/runtime/errors.js';
import type { MutableFeedStats, StreamCounters } from './feed-stats.js';

/** The record continues its stream. */
export const IN_SEQUENCE = 0;
/** The first record of its stream (nothing to compare with). */
export const FIRST = 1;
/** Already seen (same or older id): drop it. */
export const DUPLICATE = 2;
/** Ids are missing before it; it is kept and starts the chain again from its own id. */
export const GAP = 3;

/** What `checkTrade` / `checkDepth` decided. Plain numbers: cheap to return and compare. */
export type SequenceVerdict = typeof IN_SEQUENCE | typeof FIRST | typeof DUPLICATE | typeof GAP;

/**
 * The code data-gap issues carry: `DATA_GAP`, its own code so a listener can tell ids the venue
 * skipped (the stream goes on; depth is resynced from REST) from a file cut short (`DATA_TRUNCATED`).
 */
export const GAP_ISSUE_CODE: TickflowErrorCode = 'DATA_GAP';

/** Last ids of one symbol. Fields set in the constructor, in one order (one hidden class). */
class SymbolSequence {
  tradeId: number;
  depthU: number;
  readonly tradeStream: string;
  readonly depthStream: string;
  readonly trade: StreamCounters;
  readonly depth: StreamCounters;

  constructor(symbol: string, depthStream: string, stats: MutableFeedStats) {
    this.tradeId = -1;
    this.depthU = -1;
    this.tradeStream = `${symbol.toLowerCase()}@trade`;
    this.depthStream = `${symbol.toLowerCase()}@${depthStream}`;
    this.trade = stats.stream(this.tradeStream);
    this.depth = stats.stream(this.depthStream);
  }
}

/** Per-symbol sequence state of one feed. */
export class GapDetector {
  private readonly bySymbol: Map<string, SymbolSequence>;
  private readonly stats: MutableFeedStats;
  private readonly depthStream: string;
  private readonly checkTradeIds: boolean;

  constructor(stats: MutableFeedStats, depthStream: string, checkTradeIds: boolean) {
    this.bySymbol = new Map();
    this.stats = stats;
    this.depthStream = depthStream;
    this.checkTradeIds = checkTradeIds;
  }

  /** Judges a trade by its id (see the file comment); counts duplicates and gaps. */
  checkTrade(trade: Trade): SequenceVerdict {
    const s = this.sequence(trade.symbol);
    const id = Number(trade.id);
    const last = s.tradeId;
    if (last < 0) {
      s.tradeId = id;
      return FIRST;
    }
    if (id <= last) {
      s.trade.duplicates++;
      this.stats.duplicates++;
      return DUPLICATE;
    }
    s.tradeId = id;
    if (id === last + 1 || !this.checkTradeIds) return IN_SEQUENCE;
    this.gap(s.trade, id - last - 1, `${s.tradeStream}: trade id gap: ${last} then ${id} (${id - last - 1} missing)`);
    return GAP;
  }

  /** Judges a depth diff by its update ids (see the file comment); counts duplicates and gaps. */
  checkDepth(diff: BookChange): SequenceVerdict {
    const s = this.sequence(diff.symbol);
    const last = s.depthU;
    if (last < 0) {
      s.depthU = diff.lastUpdateId;
      return FIRST;
    }
    if (diff.lastUpdateId <= last) {
      s.depth.duplicates++;
      this.stats.duplicates++;
      return DUPLICATE;
    }
    s.depthU = diff.lastUpdateId;
    const futures = diff.prevUpdateId >= 0;
    if (futures ? diff.prevUpdateId === last : diff.firstUpdateId === last + 1) return IN_SEQUENCE;
    const missing = Math.max(0, futures ? diff.prevUpdateId - last : diff.firstUpdateId - last - 1);
    const link = futures ? `pu ${diff.prevUpdateId}` : `U ${diff.firstUpdateId}`;
    this.gap(s.depth, missing, `${s.depthStream}: depth update gap: u ${last} then ${link} (${missing} update ids missing)`);
    return GAP;
  }

  /** True when a record with this id was already judged (a rollover's overlap test). */
  isSeen(record: MarketRecord): boolean {
    if (record.type === 'trade') {
      const s = this.bySymbol.get(record.symbol);
      return s !== undefined && s.tradeId >= 0 && Number(record.id) <= s.tradeId;
    }
    if (record.type === 'book_change') {
      const s = this.bySymbol.get(record.symbol);
      return s !== undefined && s.depthU >= 0 && record.lastUpdateId <= s.depthU;
    }
    return false;
  }

  /** The per-stream counters of a symbol's depth stream. */
  depthCounters(symbol: string): StreamCounters {
    return this.sequence(symbol).depth;
  }

  /** The depth stream name of a symbol (for issues). */
  depthStreamOf(symbol: string): string {
    return this.sequence(symbol).depthStream;
  }

  private gap(counters: StreamCounters, missing: number, message: string): void {
    counters.gaps++;
    counters.missing += missing;
    this.stats.gaps++;
    this.stats.issue(GAP_ISSUE_CODE, message);
  }

  private sequence(symbol: string): SymbolSequence {
    let s = this.bySymbol.get(symbol);
    if (s === undefined) {
      s = new SymbolSequence(symbol, this.depthStream, this.stats);
      this.bySymbol.set(symbol, s);
    }
    return s;
  }
}
