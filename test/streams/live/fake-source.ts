/** A record source fed by hand, and record builders, for the fallback feed's tests. */
import type { BookChange, BookTicker, DepthSnapshot, MarketRecord, Trade } from '../../../src/model/records.js';
import { MutableSourceStats, type RecordSource } from '../../../streams/record-source.js';

/** A source the test feeds by hand: `push` a chunk, `end()` it; counts the reads it is asked for. */
export class FakeSource implements RecordSource {
  readonly name: string;
  readonly stats: MutableSourceStats & { buffered: number };
  /** Calls of `next()`. */
  reads = 0;
  closed = false;
  private readonly chunks: MarketRecord[][] = [];
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(name: string) {
    this.name = name;
    this.stats = Object.assign(new MutableSourceStats(name, 'fake'), { buffered: 0 });
  }

  push(...records: MarketRecord[]): void {
    this.chunks.push(records);
    this.stats.buffered += records.length;
    this.signal();
  }

  end(): void {
    this.ended = true;
    this.signal();
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    this.reads++;
    for (;;) {
      if (this.closed) return null;
      const chunk = this.chunks.shift();
      if (chunk !== undefined) {
        this.stats.buffered -= chunk.length;
        return chunk;
      }
      if (this.ended) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

export function trade(id: number, tsRecv: number, symbol = 'BTCUSDT'): Trade {
  return { type: 'trade', exchange: 'binance', symbol, ts: tsRecv, tsRecv, id: String(id), price: 60_000 + id, amount: 0.01, side: 'buy' };
}

export function quote(bidPrice: number, tsRecv: number, symbol = 'BTCUSDT'): BookTicker {
  return { type: 'book_ticker', exchange: 'binance', symbol, ts: tsRecv, tsRecv, bidPrice, bidAmount: 1, askPrice: bidPrice + 0.01, askAmount: 2 };
}

export function diff(first: number, last: number, tsRecv: number, symbol = 'BTCUSDT'): BookChange {
  return { type: 'book_change', exchange: 'binance', symbol, ts: tsRecv, tsRecv, isSnapshot: false, firstUpdateId: first, lastUpdateId: last, prevUpdateId: -1, bids: [{ price: 60_000, amount: last }], asks: [] };
}

export function snapshot(lastUpdateId: number, tsRecv: number, symbol = 'BTCUSDT'): DepthSnapshot {
  return { type: 'depth_snapshot', exchange: 'binance', symbol, ts: tsRecv, tsRecv, lastUpdateId, bids: [{ price: 60_000, amount: 1 }], asks: [{ price: 60_001, amount: 1 }] };
}
