/**
 * `BookView`: a strategy's read-only view of an instrument's book, over the latest conflated
 * snapshot the book actor published (`md.<exchange>.<symbol>.book`). Strategies read the book
 * through messages, never the book actor's own object: what a strategy sees is then fixed by the
 * order of its mailbox, so a replay stays deterministic however actors are scheduled, and a
 * strategy's restart loses nothing the next publication does not bring back. The price is
 * freshness (at most the publication period) and depth (the published levels).
 */
import type { BookReader, BookSnapshot } from '../../src/model/order-book.js';

/** A `BookReader` over a published `BookSnapshot`; one per instrument, its snapshot replaced in place. */
export class BookView implements BookReader {
  /** The latest snapshot received. */
  snapshot: BookSnapshot;

  constructor(snapshot: BookSnapshot) {
    this.snapshot = snapshot;
  }

  /** Venue time of the last diff in the snapshot (µs). */
  get ts(): number {
    return this.snapshot.ts;
  }

  bestBid(): number {
    const bids = this.snapshot.bids;
    return bids.length === 0 ? NaN : bids[0]!.price;
  }

  bestAsk(): number {
    const asks = this.snapshot.asks;
    return asks.length === 0 ? NaN : asks[0]!.price;
  }

  /**
   * Amount at exactly `price`: 0 between the best bid and ask or at a price inside the published
   * levels where none rests; `NaN` beyond the deepest published level of its side (not known).
   */
  depthAt(price: number): number {
    const { bids, asks } = this.snapshot;
    if (bids.length > 0 && price <= bids[0]!.price) {
      for (let i = 0; i < bids.length; i++) {
        const p = bids[i]!.price;
        if (p === price) return bids[i]!.amount;
        if (p < price) return 0;
      }
      return bids.length < this.snapshot.depth ? 0 : NaN; // fewer levels than the depth: the whole side
    }
    if (asks.length > 0 && price >= asks[0]!.price) {
      for (let i = 0; i < asks.length; i++) {
        const p = asks[i]!.price;
        if (p === price) return asks[i]!.amount;
        if (p > price) return 0;
      }
      return asks.length < this.snapshot.depth ? 0 : NaN;
    }
    return 0;
  }

  /** As `BookReader.imbalance`, over at most the published depth. */
  imbalance(levels: number): number {
    const { bids, asks } = this.snapshot;
    let bid = 0;
    let ask = 0;
    for (let i = 0; i < bids.length && i < levels; i++) bid += bids[i]!.amount;
    for (let i = 0; i < asks.length && i < levels; i++) ask += asks[i]!.amount;
    const total = bid + ask;
    return total === 0 ? NaN : (bid - ask) / total;
  }
}
