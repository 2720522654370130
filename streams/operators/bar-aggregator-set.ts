/**
 * Bar aggregation over a stream of many instruments: one `BarAggregator` per (exchange, symbol),
 * created on the first record of that instrument, all on one engine clock. The bars actor can use
 * this directly with one timer (`nextDeadline()` is the earliest over all instruments), and the
 * `bars` RxJS operator is built on it.
 */
import type { BookTicker, Trade, TradeBar } from '../../src/model/records.js';
import { BarAggregator, NO_BARS, NO_DEADLINE } from './bar-aggregator.js';
import type { BarSpec } from './bar-spec.js';

/**
 * Per-instrument bar aggregators behind one input. Every record moves engine time for every
 * instrument (time is global: a quiet symbol's bar closes when any record, or `onTime`, passes its
 * end). Records of the family the spec does not build from (quotes for trade bars, trades for quote
 * bars) only move time and count in `ignored`; they create no aggregator.
 *
 * Ordering: the bars returned by one call are sorted by `tsRecv` (when they became known), ties in
 * the order the instruments were first seen, then oldest first within an instrument. The sort runs
 * only when a call closes more than one bar.
 */
export class BarAggregatorSet {
  readonly spec: BarSpec;
  private readonly byExchange: Map<string, Map<string, BarAggregator>>;
  private readonly all: BarAggregator[];
  // One-entry cache: consecutive records of one instrument skip the map lookups.
  private lastExchange: string;
  private lastSymbol: string;
  private lastAggregator: BarAggregator | null;
  // Never above the true earliest deadline; may be below it until the next sweep recomputes it.
  private minDeadline: number;
  private ignoredCount: number;

  constructor(spec: BarSpec) {
    // All fields set here, in declaration order (V8 hidden classes).
    this.spec = spec;
    this.byExchange = new Map();
    this.all = [];
    this.lastExchange = '';
    this.lastSymbol = '';
    this.lastAggregator = null;
    this.minDeadline = NO_DEADLINE;
    this.ignoredCount = 0;
  }

  /** Late records, summed over instruments. */
  get late(): number {
    let n = 0;
    for (const a of this.all) n += a.late;
    return n;
  }

  /** Records carried into a later bar on engine time, summed over instruments. */
  get carried(): number {
    let n = 0;
    for (const a of this.all) n += a.carried;
    return n;
  }

  /** Ignored records, summed over instruments, plus records of the other family. */
  get ignored(): number {
    let n = this.ignoredCount;
    for (const a of this.all) n += a.ignored;
    return n;
  }

  /** Bars delivered, summed over instruments. */
  get emitted(): number {
    let n = 0;
    for (const a of this.all) n += a.emitted;
    return n;
  }

  /** The aggregators, in the order their instruments were first seen. */
  aggregators(): readonly BarAggregator[] {
    return this.all;
  }

  /** The aggregator of one instrument, if a record of it has been seen. */
  get(exchange: string, symbol: string): BarAggregator | undefined {
    return this.byExchange.get(exchange)?.get(symbol);
  }

  /** Feeds a trade or quote of any instrument; returns the bars closed (usually `NO_BARS`). */
  onRecord(record: Trade | BookTicker): readonly TradeBar[] {
    let out: TradeBar[] | null = null;
    if (record.tsRecv >= this.minDeadline) out = this.sweep(record.tsRecv);
    const wanted = this.spec.kind === 'quote' ? record.type === 'book_ticker' : record.type === 'trade';
    if (!wanted) {
      this.ignoredCount++;
    } else {
      const aggregator = this.lookup(record.exchange, record.symbol);
      const own = aggregator.onRecord(record);
      if (own.length > 0) {
        out = out === null ? own.slice() : out.concat(own);
        this.recomputeDeadline();
      } else {
        const deadline = aggregator.nextDeadline();
        if (deadline < this.minDeadline) this.minDeadline = deadline;
      }
    }
    return out === null ? NO_BARS : sortByTsRecv(out);
  }

  /** Feeds a trade: `onRecord` under the name the single-instrument aggregator uses. */
  onTrade(trade: Trade): readonly TradeBar[] {
    return this.onRecord(trade);
  }

  /** Feeds a best bid/offer: `onRecord` under the name the single-instrument aggregator uses. */
  onQuote(quote: BookTicker): readonly TradeBar[] {
    return this.onRecord(quote);
  }

  /** Moves engine time to `now` for every instrument; returns the time bars due by it. */
  onTime(now: number): readonly TradeBar[] {
    if (now < this.minDeadline) return NO_BARS;
    const out = this.sweep(now);
    return out === null ? NO_BARS : sortByTsRecv(out);
  }

  /** The earliest engine time at which a bar of any instrument is due, or `NO_DEADLINE`. */
  nextDeadline(): number {
    return this.minDeadline;
  }

  /** End of input: closes every forming bar of every instrument. */
  flush(): readonly TradeBar[] {
    let out: TradeBar[] | null = null;
    for (const a of this.all) {
      const bars = a.flush();
      if (bars.length > 0) out = out === null ? bars.slice() : out.concat(bars);
    }
    this.minDeadline = NO_DEADLINE;
    return out === null ? NO_BARS : sortByTsRecv(out);
  }

  private sweep(now: number): TradeBar[] | null {
    let out: TradeBar[] | null = null;
    let min = NO_DEADLINE;
    for (const a of this.all) {
      const bars = a.onTime(now);
      if (bars.length > 0) out = out === null ? bars.slice() : out.concat(bars);
      const deadline = a.nextDeadline();
      if (deadline < min) min = deadline;
    }
    this.minDeadline = min;
    return out;
  }

  private recomputeDeadline(): void {
    let min = NO_DEADLINE;
    for (const a of this.all) {
      const deadline = a.nextDeadline();
      if (deadline < min) min = deadline;
    }
    this.minDeadline = min;
  }

  private lookup(exchange: string, symbol: string): BarAggregator {
    if (this.lastAggregator !== null && symbol === this.lastSymbol && exchange === this.lastExchange) {
      return this.lastAggregator;
    }
    let symbols = this.byExchange.get(exchange);
    if (symbols === undefined) {
      symbols = new Map();
      this.byExchange.set(exchange, symbols);
    }
    let aggregator = symbols.get(symbol);
    if (aggregator === undefined) {
      aggregator = new BarAggregator(this.spec, exchange, symbol);
      symbols.set(symbol, aggregator);
      this.all.push(aggregator);
    }
    this.lastExchange = exchange;
    this.lastSymbol = symbol;
    this.lastAggregator = aggregator;
    return aggregator;
  }
}

function byTsRecv(a: TradeBar, b: TradeBar): number {
  return a.tsRecv - b.tsRecv;
}

// Array.prototype.sort is stable, so ties keep instrument order, then time order within one.
function sortByTsRecv(bars: TradeBar[]): TradeBar[] {
  if (bars.length > 1) bars.sort(byTsRecv);
  return bars;
}

/** Creates a multi-instrument aggregator for one spec (parsed with `parseBarSpec`). */
export function createBarAggregatorSet(spec: BarSpec): BarAggregatorSet {
  return new BarAggregatorSet(spec);
}
