import { describe, expect, it } from 'vitest';
import { BookView } from '../../../actors/strategies/book-view.js';
import type { BookSnapshot } from '../../../src/model/order-book.js';
import type { BookLevel } from '../../../src/model/records.js';

const lv = (price: number, amount: number): BookLevel => ({ price, amount });

function snap(depth: number, bids: BookLevel[], asks: BookLevel[]): BookSnapshot {
  return { type: 'book_snapshot', exchange: 'x', symbol: 'AAA', ts: 1, tsRecv: 2, depth, valid: true, lastUpdateId: 9, bids, asks };
}

describe('BookView', () => {
  it('reads best levels, depth and imbalance from a published snapshot', () => {
    const view = new BookView(snap(2, [lv(100, 1), lv(98, 3)], [lv(101, 2), lv(104, 2)]));
    expect([view.bestBid(), view.bestAsk()]).toEqual([100, 101]);
    expect([view.depthAt(100), view.depthAt(98), view.depthAt(99), view.depthAt(100.5), view.depthAt(104), view.depthAt(103)]).toEqual([1, 3, 0, 0, 2, 0]);
    expect(view.imbalance(1)).toBeCloseTo(-1 / 3);
    expect(view.imbalance(10)).toBeCloseTo(0);
  });

  it('says NaN beyond the published depth, where the amount is not known', () => {
    const full = new BookView(snap(2, [lv(100, 1), lv(98, 3)], [lv(101, 2)]));
    expect(full.depthAt(97)).toBeNaN(); // two bids published, depth 2: there may be more
    expect(full.depthAt(105)).toBe(0); // one ask of depth 2: the whole side
    const empty = new BookView(snap(5, [], []));
    expect([empty.bestBid(), empty.bestAsk(), empty.imbalance(5), empty.depthAt(1)]).toEqual([NaN, NaN, NaN, 0]);
  });
});
