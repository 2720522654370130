import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OrderBook, type BookChangeInput } from '../../src/model/order-book.js';
import type { BookLevel } from '../../src/model/records.js';

const lv = (price: number, amount: number): BookLevel => ({ price, amount });

function snapshot(lastUpdateId: number, bids: BookLevel[], asks: BookLevel[]) {
  return { ts: 1, lastUpdateId, bids, asks };
}

function spot(first: number, last: number, bids: BookLevel[] = [], asks: BookLevel[] = []): BookChangeInput {
  return { ts: 2, firstUpdateId: first, lastUpdateId: last, prevUpdateId: -1, bids, asks };
}

function usdm(first: number, last: number, prev: number, bids: BookLevel[] = [], asks: BookLevel[] = []): BookChangeInput {
  return { ts: 2, firstUpdateId: first, lastUpdateId: last, prevUpdateId: prev, bids, asks };
}

/** The book as plain maps, the reference the properties compare with. */
class RefBook {
  readonly bids = new Map<number, number>();
  readonly asks = new Map<number, number>();
  load(bids: readonly BookLevel[], asks: readonly BookLevel[]): void {
    this.bids.clear();
    this.asks.clear();
    this.apply(bids, asks);
  }
  apply(bids: readonly BookLevel[], asks: readonly BookLevel[]): void {
    for (const l of bids) (l.amount === 0 ? this.bids.delete(l.price) : this.bids.set(l.price, l.amount));
    for (const l of asks) (l.amount === 0 ? this.asks.delete(l.price) : this.asks.set(l.price, l.amount));
  }
  sorted(): { bids: BookLevel[]; asks: BookLevel[] } {
    const bids = [...this.bids].map(([price, amount]) => ({ price, amount })).sort((a, b) => b.price - a.price);
    const asks = [...this.asks].map(([price, amount]) => ({ price, amount })).sort((a, b) => a.price - b.price);
    return { bids, asks };
  }
}

// Prices on a 0.01 grid (as a venue's decimal strings parse), amounts with 0 (a removal) likely.
const price = fc.integer({ min: 1, max: 400 }).map((t) => t / 100);
const amount = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 1000 }).map((q) => q / 1000));
const levels = fc.array(fc.record({ price, amount }), { maxLength: 12 });
const diffs = fc.array(fc.record({ bids: levels, asks: levels, span: fc.integer({ min: 0, max: 5 }) }), { maxLength: 40 });

describe('OrderBook', () => {
  it('reads best bid and ask, depth at a price, imbalance and top levels', () => {
    const book = new OrderBook('x', 'AAA');
    expect(book.bestBid()).toBeNaN();
    book.applySnapshot(snapshot(10, [lv(99, 1), lv(100, 2), lv(98, 3)], [lv(101, 4), lv(103, 1), lv(102, 0)]));
    expect(book.valid).toBe(true);
    expect(book.bestBid()).toBe(100);
    expect(book.bestAsk()).toBe(101);
    expect(book.depthAt(99)).toBe(1);
    expect(book.depthAt(103)).toBe(1);
    expect(book.depthAt(102)).toBe(0);
    expect(book.imbalance(1)).toBeCloseTo((2 - 4) / 6);
    expect(book.imbalance(10)).toBeCloseTo((6 - 5) / 11);
    expect(book.topN(2)).toEqual({ bids: [lv(100, 2), lv(99, 1)], asks: [lv(101, 4), lv(103, 1)] });
    expect(book.applyChange(spot(11, 12, [lv(100, 0), lv(100.5, 7)], [lv(101, 0)]))).toBe('applied');
    expect(book.bestBid()).toBe(100.5);
    expect(book.bestAsk()).toBe(103);
    expect(book.depthAt(100)).toBe(0);
    expect(book.lastUpdateId).toBe(12);
  });

  it('applies spot diffs: drops u <= lastUpdateId, takes a first diff with U <= lastUpdateId + 1 <= u, then U = previous u + 1', () => {
    const book = new OrderBook('binance', 'AAA');
    expect(book.applyChange(spot(1, 5))).toBe('buffered'); // before any snapshot; dropped at it
    book.applySnapshot(snapshot(100, [lv(1, 1)], [lv(2, 1)]));
    expect(book.applyChange(spot(90, 100))).toBe('dropped');
    expect(book.applyChange(spot(95, 103, [lv(1, 5)]))).toBe('applied'); // straddles 101
    expect(book.applyChange(spot(104, 104))).toBe('applied');
    expect(book.applyChange(spot(100, 104))).toBe('dropped'); // a repeat
    expect(book.applyChange(spot(106, 107))).toBe('gap'); // 105 missing
    expect(book.valid).toBe(false);
    expect(book.bestBid()).toBeNaN();
    expect(book.applyChange(spot(105, 105))).toBe('buffered');
    // Every diff is counted once: applied, dropped, or unsynced (the gap diff and the one after).
    expect([book.applied, book.dropped, book.gaps, book.unsynced]).toEqual([2, 3, 1, 2]);
    book.applySnapshot(snapshot(200, [lv(1, 1)], []));
    expect(book.valid).toBe(true);
    expect([book.dropped, book.unsynced]).toEqual([5, 0]); // the buffer was stale
    expect(book.applyChange(spot(201, 202))).toBe('applied');
  });

  it('marks a spot book invalid when the first diff starts after lastUpdateId + 1', () => {
    const book = new OrderBook('binance', 'AAA');
    book.applySnapshot(snapshot(100, [], []));
    expect(book.applyChange(spot(102, 110))).toBe('gap');
    expect(book.gaps).toBe(1);
    const exact = new OrderBook('binance', 'AAA');
    exact.applySnapshot(snapshot(100, [], []));
    expect(exact.applyChange(spot(101, 110))).toBe('applied');
  });

  it('applies USD-M diffs: drops u < lastUpdateId, takes a first diff with U <= lastUpdateId <= u, then chains pu', () => {
    const book = new OrderBook('binance-futures', 'AAA');
    book.applySnapshot(snapshot(100, [lv(1, 1)], [lv(2, 1)]));
    expect(book.applyChange(usdm(90, 99, 89))).toBe('dropped');
    expect(book.applyChange(usdm(95, 100, 94, [lv(1, 3)]))).toBe('applied'); // u = lastUpdateId counts
    expect(book.applyChange(usdm(104, 120, 100))).toBe('applied'); // U jumps; pu chains
    expect(book.applyChange(usdm(121, 130, 119))).toBe('gap');
    expect(book.depthAt(1)).toBe(0);
    const late = new OrderBook('binance-futures', 'AAA');
    late.applySnapshot(snapshot(100, [], []));
    expect(late.applyChange(usdm(101, 110, 100))).toBe('gap'); // U > lastUpdateId on the first diff
  });

  it('equals a reference map after a snapshot and in-sequence spot diffs', () => {
    fc.assert(
      fc.property(levels, levels, fc.integer({ min: 0, max: 1e9 }), diffs, (bids, asks, start, changes) => {
        const book = new OrderBook('binance', 'AAA');
        const ref = new RefBook();
        book.applySnapshot(snapshot(start, bids, asks));
        ref.load(bids, asks);
        let last = start;
        for (const c of changes) {
          expect(book.applyChange(spot(last + 1, last + 1 + c.span, c.bids, c.asks))).toBe('applied');
          ref.apply(c.bids, c.asks);
          last += 1 + c.span;
        }
        expect(book.topN(1000)).toEqual(ref.sorted());
        expect(book.valid).toBe(true);
      }),
    );
  });

  // A narrow range (levels removed and back often) and a wide one with big snapshots and diffs
  // (sides of hundreds of levels: the blocks of a side split, empty and go).
  const narrowChurn = fc.array(fc.record({ price: fc.integer({ min: 1, max: 60 }).map((t) => t / 100), amount }), { maxLength: 20 });
  const widePrice = fc.integer({ min: 1, max: 600 }).map((t) => t / 100);
  const wideChurn = fc.array(fc.record({ price: widePrice, amount }), { minLength: 20, maxLength: 60 });
  const wideSnapshot = fc.array(fc.record({ price: widePrice, amount: fc.integer({ min: 1, max: 1000 }).map((q) => q / 1000) }), { minLength: 150, maxLength: 400 });
  const books = fc.oneof(
    fc.tuple(narrowChurn, narrowChurn, fc.array(fc.record({ bids: narrowChurn, asks: narrowChurn }), { maxLength: 60 })),
    fc.tuple(wideSnapshot, wideSnapshot, fc.array(fc.record({ bids: wideChurn, asks: wideChurn }), { minLength: 10, maxLength: 40 })),
  );

  it('reads like the reference after every diff, through every reader (levels by rank, depth, imbalance, best), however many levels churn', () => {
    fc.assert(
      fc.property(books, ([bids, asks, changes]) => {
        const book = new OrderBook('binance', 'AAA');
        const ref = new RefBook();
        book.applySnapshot(snapshot(0, bids, asks));
        ref.load(bids, asks);
        let last = 0;
        for (const c of changes) {
          last++;
          expect(book.applyChange(spot(last, last, c.bids, c.asks))).toBe('applied');
          ref.apply(c.bids, c.asks);
          const want = ref.sorted();
          for (const [ask, side] of [[false, want.bids], [true, want.asks]] as const) {
            expect(book.levelCount(ask)).toBe(side.length);
            // Every rank of a small side; the best 30 and the worst 10 of a large one.
            for (let i = 0; i < side.length; i = i === 29 && side.length > 80 ? side.length - 10 : i + 1) {
              expect(book.levelPrice(ask, i)).toBe(side[i]!.price);
              expect(book.levelAmount(ask, i)).toBe(side[i]!.amount);
              expect(book.sideAmountAt(ask, side[i]!.price)).toBe(side[i]!.amount);
            }
          }
          expect(book.bidLevels).toBe(want.bids.length);
          expect(book.askLevels).toBe(want.asks.length);
          expect(book.bestBid()).toBe(want.bids[0]?.price ?? NaN);
          expect(book.bestAsk()).toBe(want.asks[0]?.price ?? NaN);
          const sum = (side: readonly BookLevel[], n: number) => side.slice(0, n).reduce((t, l) => t + l.amount, 0);
          for (const n of [1, 3, 100]) {
            const total = sum(want.bids, n) + sum(want.asks, n);
            expect(book.imbalance(n)).toBe(total === 0 ? NaN : (sum(want.bids, n) - sum(want.asks, n)) / total);
          }
          expect(book.topN(5)).toEqual({ bids: want.bids.slice(0, 5), asks: want.asks.slice(0, 5) });
          expect(book.topN(1_000)).toEqual(want);
          for (let t = 1; t <= 600; t += 37) expect(book.depthAt(t / 100)).toBe(ref.bids.get(t / 100) ?? ref.asks.get(t / 100) ?? 0);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keeps every live level when removals pile up below the best', () => {
    const book = new OrderBook('binance', 'AAA');
    const ref = new RefBook();
    const bids = Array.from({ length: 100 }, (_, i) => lv(1 + i / 100, 1 + i));
    book.applySnapshot(snapshot(0, bids, []));
    ref.load(bids, []);
    // Remove 80 levels below the best, every fifth kept, then bring a few back.
    const removed = bids.filter((_, i) => i < 99 && i % 5 !== 0).map((l) => lv(l.price, 0));
    let last = 0;
    for (const l of removed) {
      expect(book.applyChange(spot(++last, last, [l]))).toBe('applied');
      ref.apply([l], []);
    }
    const back = [lv(1.01, 7), lv(1.5, 8), lv(0.5, 9)];
    expect(book.applyChange(spot(++last, last, back))).toBe('applied');
    ref.apply(back, []);
    const want = ref.sorted().bids;
    expect(book.levelCount(false)).toBe(want.length);
    expect(Array.from({ length: want.length }, (_, i) => lv(book.levelPrice(false, i), book.levelAmount(false, i)))).toEqual(want);
    expect(book.topN(1000).bids).toEqual(want);
  });

  it('equals a reference map after a snapshot and pu-chained USD-M diffs', () => {
    fc.assert(
      fc.property(levels, levels, fc.integer({ min: 10, max: 1e9 }), diffs, (bids, asks, start, changes) => {
        const book = new OrderBook('binance-futures', 'AAA');
        const ref = new RefBook();
        book.applySnapshot(snapshot(start, bids, asks));
        ref.load(bids, asks);
        let last = start;
        let prev = start - 3; // the first diff's pu precedes the snapshot
        let first = true;
        for (const c of changes) {
          const U = first ? start - 2 : last + 1 + c.span; // later diffs may skip ids: only pu chains
          const u = Math.max(U, last) + c.span;
          expect(book.applyChange(usdm(U, u, first ? prev : last, c.bids, c.asks))).toBe('applied');
          ref.apply(c.bids, c.asks);
          prev = last;
          last = u;
          first = false;
        }
        expect(book.topN(1000)).toEqual(ref.sorted());
      }),
    );
  });

  it('becomes invalid on any out-of-sequence spot diff and stays so until a snapshot', () => {
    fc.assert(
      fc.property(diffs, fc.nat({ max: 39 }), fc.integer({ min: 2, max: 50 }), (changes, at, skip) => {
        const book = new OrderBook('binance', 'AAA');
        book.applySnapshot(snapshot(1000, [lv(1, 1)], [lv(2, 1)]));
        let last = 1000;
        const breakAt = Math.min(at, changes.length);
        for (let i = 0; i < breakAt; i++) {
          book.applyChange(spot(last + 1, last + 1 + changes[i]!.span, changes[i]!.bids, changes[i]!.asks));
          last += 1 + changes[i]!.span;
        }
        expect(book.applyChange(spot(last + skip, last + skip + 1))).toBe('gap');
        expect(book.valid).toBe(false);
        expect(book.applyChange(spot(last + 1, last + 1))).toBe('buffered');
        expect([book.gaps, book.unsynced, book.buffered]).toEqual([1, 2, 2]);
      }),
    );
  });

  it('becomes invalid on any USD-M diff whose pu is not the previous u', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.nat({ max: 29 }), fc.integer({ min: -5, max: 5 }).filter((d) => d !== 0), (n, at, off) => {
        const book = new OrderBook('binance-futures', 'AAA');
        book.applySnapshot(snapshot(1000, [lv(1, 1)], [lv(2, 1)]));
        let last = 1000;
        const breakAt = Math.min(at, n);
        for (let i = 0; i < breakAt; i++) {
          // The first straddles 1000; later ones leave holes in U (only pu chains on USD-M).
          expect(book.applyChange(usdm(i === 0 ? 990 : last + 7, last + 10, i === 0 ? 989 : last))).toBe('applied');
          last += 10;
        }
        const broken = breakAt === 0 ? usdm(1001 + Math.abs(off), 1020, 999) : usdm(last + 1, last + 10, last + off);
        expect(book.applyChange(broken)).toBe('gap');
        expect([book.valid, book.gaps]).toEqual([false, 1]);
      }),
    );
  });

  it('replays the diffs buffered before the snapshot, the straddling one first', () => {
    const book = new OrderBook('binance', 'AAA');
    expect(book.applyChange(spot(90, 95, [lv(1, 9)]))).toBe('buffered');
    expect(book.applyChange(spot(96, 104, [lv(1, 2)]))).toBe('buffered');
    expect(book.applyChange(spot(105, 106, [], [lv(3, 1)]))).toBe('buffered');
    book.applySnapshot(snapshot(100, [lv(1, 1)], [lv(2, 1)]));
    expect([book.valid, book.applied, book.dropped, book.unsynced, book.lastUpdateId]).toEqual([true, 2, 1, 0, 106]);
    expect(book.topN(5)).toEqual({ bids: [lv(1, 2)], asks: [lv(2, 1), lv(3, 1)] });
    expect(book.applyChange(spot(107, 107))).toBe('applied');
  });

  it('keeps only the latest diffs while waiting, counting the evicted ones unsynced', () => {
    const book = new OrderBook('binance-futures', 'AAA', 3);
    for (let i = 0; i < 10; i++) book.applyChange(usdm(10 * i + 1, 10 * i + 10, 10 * i));
    expect([book.buffered, book.unsynced]).toEqual([3, 10]);
    book.applySnapshot(snapshot(75, [], []));
    // 71..80 straddles 75; 81..90 and 91..100 chain by pu.
    expect([book.applied, book.unsynced, book.lastUpdateId, book.valid]).toEqual([3, 7, 100, true]);
  });

  it('leaves the book unchanged on a stale diff', () => {
    fc.assert(
      fc.property(levels, levels, levels, fc.integer({ min: 0, max: 100 }), (bids, asks, noise, back) => {
        const book = new OrderBook('binance', 'AAA');
        book.applySnapshot(snapshot(500, bids, asks));
        const before = book.topN(1000);
        expect(book.applyChange(spot(400, 500 - back, noise, noise))).toBe('dropped');
        expect(book.topN(1000)).toEqual(before);
      }),
    );
  });
});
