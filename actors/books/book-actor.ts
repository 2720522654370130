/**
 * The book actor: keeps one `OrderBook` per (exchange, symbol) from the `depth_snapshot` and
 * `book_change` records on the bus, and publishes conflated top-N snapshots (`BookSnapshot`) on
 * `md.<exchange>.<symbol>.book`.
 *
 * One actor for every instrument it sees, like the bars actor, rather than one per instrument:
 * instruments are often known only from the data (DESIGN.md, Data model), so the composition root
 * cannot spawn per-instrument children up front; one subscription, one timer and one mailbox
 * serve them all; and per-symbol actors would buy no parallelism on one thread. The cost is that a
 * failure restarts every book at once (each is then invalid until its next snapshot).
 *
 * Conflation. A book that changed (a diff applied, a snapshot, a gap) is marked dirty; dirty books
 * are published together at the next multiple of `publishEveryUs` on the engine clock (a
 * `ctx.clock` timer, armed only while something is dirty, so an idle book costs nothing and a
 * replay is not held by a periodic timer). Each book is published at most once per period, with
 * its state at that instant. `publishEveryUs: 0` publishes after every change instead. A gap
 * publishes the book once with `valid: false`; an invalid book is not published again until its
 * next snapshot.
 *
 * Restart: the books are lost and stay invalid until each one's next snapshot (live, the feed
 * fetches one; a recording holds one near its start only, so a restart during a backtest leaves
 * the books invalid for the rest of the run, and the stats say so).
 */
import { z } from 'zod';
import { OrderBook, type BookSnapshot } from '../../src/model/order-book.js';
import { recordTypeTopic, type MarketRecord } from '../../src/model/records.js';
import { defineActor, type ActorContext } from '../../src/runtime/actor.js';

/** Config of the book actor. */
export const BooksActorConfig = z.object({
  /** Levels per side in each published snapshot. */
  depth: z.int().positive().default(10),
  /** Publication period, µs of engine time; 0 publishes after every change. */
  publishEveryUs: z.int().nonnegative().default(100_000),
  /** Topic prefix to build from (default every market-data topic). */
  prefix: z.string().default('md'),
});
export type BooksActorConfig = z.input<typeof BooksActorConfig>;

/** Timer message: a publication instant came. */
export interface BooksTick {
  readonly type: 'books_tick';
}
/** Asks for counters; replies `BooksStats`. */
export interface BooksStatsQuery {
  readonly type: 'books_stats';
}
/** Counters of one book. */
export interface BookStats {
  readonly exchange: string;
  readonly symbol: string;
  readonly valid: boolean;
  readonly lastUpdateId: number;
  readonly snapshots: number;
  readonly applied: number;
  readonly dropped: number;
  readonly gaps: number;
  readonly unsynced: number;
  readonly bidLevels: number;
  readonly askLevels: number;
}
/** The book actor's reply to `books_stats`: books sorted by exchange then symbol. */
export interface BooksStats {
  /** `BookSnapshot`s published. */
  readonly published: number;
  readonly books: readonly BookStats[];
}
export type BooksMessage = MarketRecord | BooksTick | BooksStatsQuery;

/** The inspection message, ready to `ask`. */
export const BOOKS_STATS: BooksStatsQuery = Object.freeze({ type: 'books_stats' });

/** A book with what the actor keeps beside it. */
class BookEntry {
  readonly book: OrderBook;
  /** `md.<exchange>.<symbol>.book`, built once. */
  readonly topic: string;
  dirty: boolean;
  /** Whether the last snapshot published said valid (an invalid book is published once). */
  publishedValid: boolean;

  constructor(exchange: string, symbol: string) {
    // Every field set here, in one order (one hidden class).
    this.book = new OrderBook(exchange, symbol);
    this.topic = `md.${exchange}.${symbol}.book`;
    this.dirty = false;
    this.publishedValid = false;
  }
}

interface BooksState {
  readonly depth: number;
  readonly period: number;
  readonly prefix: string;
  readonly byExchange: Map<string, Map<string, BookEntry>>;
  /** Books changed since the last publication, in order of first change. */
  readonly dirty: BookEntry[];
  /** The entry of the last lookup: one symbol's stream skips both map lookups. */
  last: BookEntry | undefined;
  armed: boolean;
  published: number;
}

const TICK: BooksTick = { type: 'books_tick' };

/** The book actor definition. */
export const bookActor = defineActor<z.output<typeof BooksActorConfig>, BooksState, BooksMessage>({
  name: 'books',
  config: BooksActorConfig,
  init: (config) => ({
    depth: config.depth,
    period: config.publishEveryUs,
    prefix: config.prefix,
    byExchange: new Map(),
    dirty: [],
    last: undefined,
    armed: false,
    published: 0,
  }),
  onStart: (state, ctx) => {
    // Depth only: trades, quotes, bars and its own snapshots never change a book.
    ctx.subscribe(recordTypeTopic(state.prefix, 'depth_snapshot'));
    ctx.subscribe(recordTypeTopic(state.prefix, 'book_change'));
    return state;
  },
  receive: (state, message, ctx) => {
    switch (message.type) {
      case 'depth_snapshot': {
        const entry = entryOf(state, message.exchange, message.symbol);
        entry.book.applySnapshot(message);
        markDirty(state, entry, ctx);
        return state;
      }
      case 'book_change': {
        const entry = entryOf(state, message.exchange, message.symbol);
        const result = entry.book.applyChange(message);
        if (result === 'applied' || result === 'gap') markDirty(state, entry, ctx);
        return state;
      }
      case 'books_tick':
        state.armed = false;
        publishDirty(state, ctx);
        return state;
      case 'books_stats':
        ctx.reply(stats(state));
        return state;
      default:
        return state; // trades, quotes, bars: not ours
    }
  },
});

function entryOf(state: BooksState, exchange: string, symbol: string): BookEntry {
  const last = state.last;
  if (last !== undefined && last.book.symbol === symbol && last.book.exchange === exchange) return last;
  let bySymbol = state.byExchange.get(exchange);
  if (bySymbol === undefined) {
    bySymbol = new Map();
    state.byExchange.set(exchange, bySymbol);
  }
  let entry = bySymbol.get(symbol);
  if (entry === undefined) {
    entry = new BookEntry(exchange, symbol);
    bySymbol.set(symbol, entry);
  }
  state.last = entry;
  return entry;
}

function markDirty(state: BooksState, entry: BookEntry, ctx: ActorContext<BooksMessage>): void {
  if (!entry.dirty) {
    entry.dirty = true;
    state.dirty.push(entry);
  }
  if (state.period === 0) {
    publishDirty(state, ctx);
  } else if (!state.armed) {
    state.armed = true;
    // The next multiple of the period: publication instants do not depend on when data began.
    const now = ctx.clock.now();
    ctx.clock.startTimerAt('publish', (Math.floor(now / state.period) + 1) * state.period, TICK);
  }
}

function publishDirty(state: BooksState, ctx: ActorContext<BooksMessage>): void {
  const now = ctx.clock.now();
  const dirty = state.dirty;
  for (let i = 0; i < dirty.length; i++) {
    const entry = dirty[i]!;
    entry.dirty = false;
    const book = entry.book;
    if (!book.valid && !entry.publishedValid) continue; // said so already
    const top = book.valid ? book.topN(state.depth) : { bids: [], asks: [] };
    const snapshot: BookSnapshot = {
      type: 'book_snapshot',
      exchange: book.exchange,
      symbol: book.symbol,
      ts: book.ts,
      tsRecv: now,
      depth: state.depth,
      valid: book.valid,
      lastUpdateId: book.lastUpdateId,
      bids: top.bids,
      asks: top.asks,
    };
    entry.publishedValid = book.valid;
    state.published++;
    ctx.publish(entry.topic, snapshot);
  }
  dirty.length = 0;
}

function stats(state: BooksState): BooksStats {
  const books: BookStats[] = [];
  for (const bySymbol of state.byExchange.values()) {
    for (const { book } of bySymbol.values()) {
      books.push({
        exchange: book.exchange,
        symbol: book.symbol,
        valid: book.valid,
        lastUpdateId: book.lastUpdateId,
        snapshots: book.snapshots,
        applied: book.applied,
        dropped: book.dropped,
        gaps: book.gaps,
        unsynced: book.unsynced,
        bidLevels: book.bidLevels,
        askLevels: book.askLevels,
      });
    }
  }
  books.sort((a, b) => compare(a.exchange, b.exchange) || compare(a.symbol, b.symbol));
  return { published: state.published, books };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
