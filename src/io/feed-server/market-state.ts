/**
 * What the feed server's REST side knows at the current replay instant, per symbol: the L2 book
 * (`OrderBook`, with Binance's spot and USD-M sequencing rules) and the latest `bookTicker`.
 *
 * Books start from each capture's first depth snapshot, applied before the replay starts: the
 * snapshot lies a few hundred milliseconds into the capture, and a client that asks for the book at
 * once gets it (a snapshot slightly newer than the stream is what Binance's procedure expects; the
 * diffs it already holds are dropped by update id). When the replay reaches the snapshot's line, it
 * is ignored if the book is already at or past its update id, so the book never goes back. Every
 * diff is applied whatever faults do to the frames sent: the exchange's book is the truth a client
 * resyncs to. Prices and amounts are written with the decimals the capture writes them with.
 */
import { OrderBook } from '../../model/order-book.js';
import type { BookLevel, DepthSnapshot } from '../../model/records.js';
import type { FeedEvent, FeedMarket } from './feed-event.js';

/** Decimals of prices and amounts of one symbol, as its messages write them. */
export interface SymbolDecimals {
  readonly price: number;
  readonly amount: number;
}

// Binance spot writes 8 decimals; a symbol seen with no quote yet falls back to that.
const DEFAULT_DECIMALS: SymbolDecimals = { price: 8, amount: 8 };

class SymbolState {
  book: OrderBook;
  /** The latest `bookTicker` message (its JSON), or null before the first. */
  ticker: string | null;
  decimals: SymbolDecimals | null;

  constructor(symbol: string, exchange: string) {
    this.book = new OrderBook(exchange, symbol);
    this.ticker = null;
    this.decimals = null;
  }
}

/** The REST-visible state of every symbol of one server; `reset()` starts a new pass. */
export class MarketState {
  readonly market: FeedMarket;
  /** Latest venue event time seen (ms), for USD-M's `E`; 0 before any. */
  lastEventMs: number;
  private readonly bySymbol: Map<string, SymbolState>;
  private readonly initial: readonly DepthSnapshot[];
  private readonly knownDecimals: Map<string, SymbolDecimals>;

  constructor(market: FeedMarket, initialSnapshots: readonly DepthSnapshot[], symbols: readonly string[], decimals: ReadonlyMap<string, SymbolDecimals> = new Map()) {
    this.market = market;
    this.lastEventMs = 0;
    this.bySymbol = new Map();
    this.initial = initialSnapshots;
    this.knownDecimals = new Map(decimals);
    for (const symbol of symbols) this.state(symbol);
    this.reset();
  }

  /** Forgets the pass: fresh books from the initial snapshots, no tickers. Symbols stay known. */
  reset(): void {
    this.lastEventMs = 0;
    for (const [symbol, state] of this.bySymbol) {
      state.book = new OrderBook(state.book.exchange, symbol);
      state.ticker = null;
    }
    for (const snapshot of this.initial) this.state(snapshot.symbol).book.applySnapshot(snapshot);
  }

  /** Applies one replayed event. */
  apply(event: FeedEvent): void {
    const record = event.record;
    if (record === null) return;
    const state = this.state(record.symbol);
    switch (record.type) {
      case 'book_change':
        state.book.applyChange(record);
        this.seen(record.ts);
        break;
      case 'depth_snapshot':
        if (!(state.book.valid && record.lastUpdateId <= state.book.lastUpdateId)) state.book.applySnapshot(record);
        break;
      case 'book_ticker':
        state.ticker = event.data;
        if (state.decimals === null) state.decimals = decimalsOf(event.data);
        break;
      case 'trade':
        this.seen(record.ts);
        break;
    }
  }

  /** True when the symbol (upper case) has been seen in the data. */
  has(symbol: string): boolean {
    return this.bySymbol.has(symbol);
  }

  /** Every symbol seen, in order of first appearance. */
  symbols(): string[] {
    return [...this.bySymbol.keys()];
  }

  /**
   * The REST depth answer (JSON text) for the best `limit` levels a side, or null while the book
   * is not valid (no snapshot yet, or a gap in the capture itself).
   */
  depthJson(symbol: string, limit: number): string | null {
    const state = this.bySymbol.get(symbol);
    if (state === undefined || !state.book.valid) return null;
    const book = state.book;
    const decimals = state.decimals ?? this.knownDecimals.get(symbol) ?? DEFAULT_DECIMALS;
    const { bids, asks } = book.topN(limit);
    const times = this.market === 'usdm' ? `"E":${this.lastEventMs},"T":${Math.max(0, Math.floor(book.ts / 1000))},` : '';
    return `{"lastUpdateId":${book.lastUpdateId},${times}"bids":${levelsJson(bids, decimals)},"asks":${levelsJson(asks, decimals)}}`;
  }

  /** The REST `bookTicker` answer for one symbol (an object to serialise), or null before its first quote. */
  bookTicker(symbol: string): Record<string, unknown> | null {
    const ticker = this.bySymbol.get(symbol)?.ticker ?? null;
    if (ticker === null) return null;
    const m = JSON.parse(ticker) as Record<string, unknown>;
    const answer: Record<string, unknown> = { symbol, bidPrice: m['b'], bidQty: m['B'], askPrice: m['a'], askQty: m['A'] };
    if (this.market === 'usdm') {
      answer['time'] = m['T'] ?? m['E'];
      answer['lastUpdateId'] = m['u'];
    }
    return answer;
  }

  private state(symbol: string): SymbolState {
    let state = this.bySymbol.get(symbol);
    if (state === undefined) {
      state = new SymbolState(symbol, this.market === 'usdm' ? 'binance-futures' : 'binance');
      const known = this.knownDecimals.get(symbol);
      if (known !== undefined) state.decimals = known;
      this.bySymbol.set(symbol, state);
    }
    return state;
  }

  private seen(tsUs: number): void {
    const ms = Math.floor(tsUs / 1000);
    if (ms > this.lastEventMs) this.lastEventMs = ms;
  }
}

/** Decimals of a `bookTicker` message's best bid price (`b`) and amount (`B`). */
export function decimalsOf(tickerJson: string): SymbolDecimals | null {
  const price = /"b":"\d*(?:\.(\d*))?"/.exec(tickerJson);
  const amount = /"B":"\d*(?:\.(\d*))?"/.exec(tickerJson);
  if (price === null || amount === null) return null;
  return { price: price[1]?.length ?? 0, amount: amount[1]?.length ?? 0 };
}

function levelsJson(levels: readonly BookLevel[], decimals: SymbolDecimals): string {
  let out = '[';
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    out += `${i === 0 ? '' : ','}["${level.price.toFixed(decimals.price)}","${level.amount.toFixed(decimals.amount)}"]`;
  }
  return `${out}]`;
}
