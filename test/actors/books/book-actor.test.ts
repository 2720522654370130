import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BOOKS_STATS, bookActor, type BooksActorConfig, type BooksStats } from '../../../actors/books/book-actor.js';
import { defineStrategy } from '../../../actors/strategies/define-strategy.js';
import { parseConfig } from '../../../src/app/config.js';
import type { BookSnapshot } from '../../../src/model/order-book.js';
import { topicOf, type BookChange, type BookLevel, type DepthSnapshot, type MarketRecord, type Trade } from '../../../src/model/records.js';
import { defineActor } from '../../../src/runtime/actor.js';
import { createActorSystem } from '../../../src/runtime/actor-system.js';
import { SimulatedClock } from '../../../src/runtime/clock.js';
import { askNow } from '../../runtime/fixtures.js';

const MS = 1000;
const lv = (price: number, amount: number): BookLevel => ({ price, amount });

function depth(t: number, lastUpdateId: number, bids: BookLevel[], asks: BookLevel[], symbol = 'AAA'): DepthSnapshot {
  return { type: 'depth_snapshot', exchange: 'x', symbol, ts: t, tsRecv: t, lastUpdateId, bids, asks };
}
function diff(t: number, first: number, last: number, bids: BookLevel[] = [], asks: BookLevel[] = [], symbol = 'AAA'): BookChange {
  return { type: 'book_change', exchange: 'x', symbol, ts: t, tsRecv: t, isSnapshot: false, firstUpdateId: first, lastUpdateId: last, prevUpdateId: -1, bids, asks };
}
function trade(t: number): Trade {
  return { type: 'trade', exchange: 'x', symbol: 'AAA', ts: t, tsRecv: t, id: String(t), price: 100, amount: 1, side: 'buy' };
}

/** A system with the book actor and a sink of every `.book` publication with its engine time. */
function harness(config: BooksActorConfig = {}) {
  const clock = new SimulatedClock(0);
  const system = createActorSystem({ clock });
  const published: { at: number; book: BookSnapshot }[] = [];
  system.spawn(
    defineActor<void, null, BookSnapshot>({
      name: 'sink',
      init: () => null,
      onStart: (s, ctx) => (ctx.subscribe('md'), s),
      receive: (s, m, ctx) => (m.type === 'book_snapshot' && published.push({ at: ctx.clock.now(), book: m }), s),
    }),
  );
  const books = system.spawn(bookActor, { name: 'books', config });
  return {
    system,
    books,
    published,
    feed(records: readonly MarketRecord[]) {
      for (const r of records) {
        clock.advanceTo(r.tsRecv);
        system.publish(topicOf(r), r);
        system.runUntilIdle();
      }
    },
    advanceTo(t: number) {
      clock.advanceTo(t);
      system.runUntilIdle();
    },
  };
}

describe('book actor', () => {
  it('publishes conflated top-N snapshots on md.<exchange>.<symbol>.book at multiples of the period', () => {
    const h = harness({ depth: 2, publishEveryUs: 100 * MS });
    h.feed([
      depth(10 * MS, 100, [lv(99, 1), lv(98, 2), lv(97, 3)], [lv(101, 1), lv(102, 2)]),
      diff(20 * MS, 101, 101, [lv(99, 5)]),
      diff(50 * MS, 102, 103, [lv(100, 1)], [lv(101, 0)]),
    ]);
    expect(h.published).toEqual([]); // nothing before the first instant
    h.feed([diff(130 * MS, 104, 104, [], [lv(103, 4)])]);
    expect(h.published).toHaveLength(1);
    expect(h.published[0]!.at).toBe(100 * MS);
    expect(h.published[0]!.book).toEqual({
      type: 'book_snapshot', exchange: 'x', symbol: 'AAA', ts: 50 * MS, tsRecv: 100 * MS, depth: 2, valid: true, lastUpdateId: 103,
      bids: [lv(100, 1), lv(99, 5)], asks: [lv(102, 2)],
    });
    h.advanceTo(1000 * MS);
    // One more, at 200 ms, for the change at 130 ms; none after: nothing changed since.
    expect(h.published.map((p) => [p.at, p.book.lastUpdateId])).toEqual([[100 * MS, 103], [200 * MS, 104]]);
    expect(h.published[1]!.book.asks).toEqual([lv(102, 2), lv(103, 4)]);
  });

  it('publishes after every change with a zero period', () => {
    const h = harness({ depth: 1, publishEveryUs: 0 });
    h.feed([depth(1, 10, [lv(1, 1)], [lv(2, 1)]), diff(2, 11, 11, [lv(1.5, 1)]), diff(3, 5, 9)]);
    expect(h.published.map((p) => [p.at, p.book.bids])).toEqual([[1, [lv(1, 1)]], [2, [lv(1.5, 1)]]]); // the stale diff changed nothing
  });

  it('publishes a gap once as invalid, counts it, and recovers at the next snapshot', async () => {
    const h = harness({ depth: 1, publishEveryUs: 0 });
    h.feed([
      diff(1, 1, 9), // before any snapshot: buffered, and stale at it
      depth(2, 10, [lv(1, 1)], [lv(2, 1)]),
      diff(3, 11, 12),
      diff(4, 14, 15), // 13 missing
      diff(5, 16, 16),
    ]);
    expect(h.published.map((p) => p.book.valid)).toEqual([true, true, false]);
    expect(h.published[2]!.book).toMatchObject({ bids: [], asks: [] });
    let stats = await askNow<BooksStats>(h.system, h.books, BOOKS_STATS);
    expect(stats.books).toEqual([
      { exchange: 'x', symbol: 'AAA', valid: false, lastUpdateId: 12, snapshots: 1, applied: 1, dropped: 1, gaps: 1, unsynced: 2, bidLevels: 0, askLevels: 0 },
    ]);
    h.feed([depth(6, 15, [lv(1, 3)], [])]);
    stats = await askNow<BooksStats>(h.system, h.books, BOOKS_STATS);
    // The buffered 14..15 is stale at 15, 16 follows it.
    expect(stats.books[0]).toMatchObject({ valid: true, lastUpdateId: 16, snapshots: 2, applied: 2, dropped: 2, gaps: 1, unsynced: 0 });
    expect(stats.published).toBe(4);
    expect(h.published.at(-1)!.book).toMatchObject({ valid: true, bids: [lv(1, 3)] });
  });

  it('keeps one book per exchange and symbol', async () => {
    const h = harness({ publishEveryUs: 0 });
    h.feed([depth(1, 10, [lv(1, 1)], [], 'AAA'), depth(2, 50, [lv(7, 1)], [], 'BBB'), diff(3, 11, 11, [lv(2, 1)], [], 'AAA')]);
    const stats = await askNow<BooksStats>(h.system, h.books, BOOKS_STATS);
    expect(stats.books.map((b) => [b.symbol, b.lastUpdateId, b.bidLevels])).toEqual([['AAA', 11, 2], ['BBB', 50, 1]]);
    expect(new Set(h.published.map((p) => `${p.book.symbol}`))).toEqual(new Set(['AAA', 'BBB']));
  });

  it('lets a strategy read the last valid book, and not an invalid one', () => {
    const seen: (string | undefined)[] = [];
    const reader = defineStrategy({
      name: 'reader',
      params: z.object({}),
      init: () => null,
      onTrade(_s, t, api) {
        const book = api.book(t.symbol);
        seen.push(book === undefined ? undefined : `${book.bestBid()}/${book.bestAsk()} ${book.depthAt(99)} ${book.imbalance(5).toFixed(2)}`);
      },
    });
    const h = harness({ depth: 5, publishEveryUs: 100 * MS });
    h.system.spawn(reader, { name: 'strategy', config: { exchange: 'x', symbols: ['AAA'] } });
    h.feed([
      trade(1 * MS), // no book yet
      depth(10 * MS, 100, [lv(99, 3), lv(98, 1)], [lv(101, 1)]),
      trade(50 * MS), // the book is not published before 100 ms
      trade(150 * MS),
      diff(160 * MS, 105, 106), // a gap
      trade(250 * MS),
    ]);
    expect(seen).toEqual([undefined, undefined, '99/101 3 0.60', undefined]);
  });

  it('is configured by books.depth and books.publishEvery, a duration', () => {
    expect(parseConfig({}, 'test').books).toEqual({ depth: 10, publishEvery: 100_000 });
    expect(parseConfig({ books: { depth: 5, publishEvery: '1s' } }, 'test').books).toEqual({ depth: 5, publishEvery: 1_000_000 });
    expect(() => parseConfig({ books: { publishEvery: 100 } }, 'test')).toThrow(/books\.publishEvery/);
  });
});
