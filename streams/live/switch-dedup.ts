/**
 * The fallback feed's one pass over every record it delivers, so that a switch between sources
 * neither repeats nor rewinds anything:
 *
 * - `trade`: by trade id per symbol (`Dedup`): an id not above the last delivered is a duplicate.
 *   Ids that are not whole numbers cannot be ordered and pass.
 * - `book_change`: by final update id `u` per symbol (`Dedup`, stream `depth`).
 * - `depth_snapshot`: skipped when the book downstream is already at or past its `lastUpdateId`
 *   (a new socket's snapshot older than the diffs already delivered would take the book back, and
 *   the diffs between would then be refused as duplicates); otherwise delivered, and the depth key
 *   moves to it.
 * - `book_ticker`: records carry no update id (the stream's `u` is not kept), and a quote is a
 *   latest value, not an event, so it is judged by receive time and value: a quote received
 *   before the last delivered one of its symbol is stale (a socket's backlog after a failback, older
 *   than the poller's last answer), and a quote from another source equal to the last delivered
 *   one is the same quote seen twice. Within one source equal quotes pass (the source decided).
 * - anything else passes.
 *
 * `filter` also keeps engine time from going backwards across sources: a record received before
 * the last one delivered (a probe's backlog, delivered after a failback) is copied with the last
 * receive time, the time the engine actually gets it, and counted in `restamped`, as the socket
 * feed's own buffer does within one source.
 *
 * Keys are the symbol alone, not the exchange: one fallback feed serves one venue's symbols.
 * Memory is bounded by `maxKeys` per kind (see `Dedup`).
 */
import type { BookTicker, MarketRecord } from '../../src/model/records.js';
import { Dedup } from './dedup.js';

/** The last quote delivered for a symbol; one object per symbol, updated in place. */
interface LastQuote {
  tsRecv: number;
  bidPrice: number;
  bidAmount: number;
  askPrice: number;
  askAmount: number;
  source: number;
}

/** Judges records across sources (see the file comment). */
export class SwitchDedup {
  readonly ids: Dedup;
  /** Trades and depth diffs refused as already delivered. */
  duplicates: number;
  /** Depth snapshots older than the book downstream. */
  staleSnapshots: number;
  /** Quotes received before the last delivered one of their symbol. */
  staleQuotes: number;
  /** Quotes equal to the last delivered one, from another source. */
  repeatedQuotes: number;
  /** Records delivered with a later receive time than they came with (see the file comment). */
  restamped: number;
  private lastTsRecv: number;
  private readonly quotes: Map<string, LastQuote>;
  private readonly maxKeys: number;

  /** Throws `TickflowError('CONFIG_INVALID')` unless `maxKeys` is a whole number ≥ 1. */
  constructor(maxKeys = 1024) {
    this.ids = new Dedup({ maxKeys });
    this.duplicates = 0;
    this.staleSnapshots = 0;
    this.staleQuotes = 0;
    this.repeatedQuotes = 0;
    this.restamped = 0;
    this.lastTsRecv = Number.NEGATIVE_INFINITY;
    this.quotes = new Map();
    this.maxKeys = maxKeys;
  }

  /**
   * What of `chunk`, read from source number `source`, is delivered, in order, restamped where it
   * must be. The chunk itself when everything passes unchanged (no copy on the common path).
   */
  filter(chunk: readonly MarketRecord[], source: number): readonly MarketRecord[] {
    let out: MarketRecord[] | null = null;
    for (let i = 0; i < chunk.length; i++) {
      const record = chunk[i] as MarketRecord;
      const keep = this.accept(record, source);
      let r = record;
      if (keep) {
        if (record.tsRecv < this.lastTsRecv) {
          r = { ...record, tsRecv: this.lastTsRecv };
          this.restamped++;
        } else {
          this.lastTsRecv = record.tsRecv;
        }
      }
      if (out === null) {
        if (keep && r === record) continue;
        out = chunk.slice(0, i);
      }
      if (keep) out.push(r);
    }
    return out ?? chunk;
  }

  /** True when `record`, read from source number `source`, is to be delivered; it is then remembered. */
  accept(record: MarketRecord, source: number): boolean {
    switch (record.type) {
      case 'trade': {
        const id = Number(record.id);
        if (!Number.isSafeInteger(id) || this.ids.accept('trade', record.symbol, id)) return true;
        this.duplicates++;
        return false;
      }
      case 'book_change':
        if (this.ids.accept('depth', record.symbol, record.lastUpdateId)) return true;
        this.duplicates++;
        return false;
      case 'depth_snapshot': {
        const last = this.ids.last('depth', record.symbol);
        if (last !== undefined && record.lastUpdateId <= last) {
          this.staleSnapshots++;
          return false;
        }
        this.ids.advance('depth', record.symbol, record.lastUpdateId);
        return true;
      }
      case 'book_ticker':
        return this.quote(record, source);
      default:
        return true;
    }
  }

  private quote(q: BookTicker, source: number): boolean {
    const last = this.quotes.get(q.symbol);
    if (last === undefined) {
      if (this.quotes.size >= this.maxKeys) this.quotes.delete(this.quotes.keys().next().value as string);
      this.quotes.set(q.symbol, { tsRecv: q.tsRecv, bidPrice: q.bidPrice, bidAmount: q.bidAmount, askPrice: q.askPrice, askAmount: q.askAmount, source });
      return true;
    }
    if (q.tsRecv < last.tsRecv) {
      this.staleQuotes++;
      return false;
    }
    if (source !== last.source && q.bidPrice === last.bidPrice && q.bidAmount === last.bidAmount && q.askPrice === last.askPrice && q.askAmount === last.askAmount) {
      this.repeatedQuotes++;
      return false;
    }
    last.tsRecv = q.tsRecv;
    last.bidPrice = q.bidPrice;
    last.bidAmount = q.bidAmount;
    last.askPrice = q.askPrice;
    last.askAmount = q.askAmount;
    last.source = source;
    return true;
  }
}
