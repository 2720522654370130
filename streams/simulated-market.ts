/**
 * The built-in simulated market: a seeded random walk of quotes and trades for one instrument, as
 * a pull source like any recording. It lets `npm start` and the tests run on a fresh machine with
 * no data files. The same seed gives the same records on every run and machine.
 *
 * The mid price follows a random walk whose drift switches regime every few minutes (so trend and
 * mean-reversion strategies both have something to find), with prices on a 0.01 grid and amounts
 * on a 0.001 grid. Every step moves engine time by 1 to 250 ms; a quote is emitted every step, a
 * trade (at the ask for buys, the bid for sells) on about a third of them.
 */
import type { BookTicker, MarketRecord, Trade } from '../src/model/records.js';
import { createRandom, type Random } from '../src/runtime/random.js';
import { DEFAULT_CHUNK_SIZE, MutableSourceStats, sizeOption, type RecordSource, type SourceStats } from './record-source.js';

/** Options of `createSimulatedMarket`. */
export interface SimulatedMarketOptions {
  readonly seed?: number;
  readonly exchange?: string;
  readonly symbol?: string;
  /** Engine time of the first record, µs (default 2024-01-01T00:00:00Z). */
  readonly startUs?: number;
  /** How many records to produce (default 200,000). */
  readonly records?: number;
  readonly startPrice?: number;
  readonly chunkSize?: number;
}

/** A seeded random-walk market as a `RecordSource`. */
export function createSimulatedMarket(options: SimulatedMarketOptions = {}): RecordSource {
  return new SimulatedMarket(options);
}

class SimulatedMarket implements RecordSource {
  readonly name: string;
  readonly stats: SourceStats;
  private readonly mutableStats: MutableSourceStats;
  private readonly random: Random;
  private readonly exchange: string;
  private readonly symbol: string;
  private readonly total: number;
  private readonly chunkSize: number;
  private produced = 0;
  private t: number;
  private mid: number;
  private drift = 0;
  private tradeId = 1;
  private closed = false;

  constructor(options: SimulatedMarketOptions) {
    this.exchange = options.exchange ?? 'sim';
    this.symbol = options.symbol ?? 'SIMUSDT';
    this.name = `simulated:${this.exchange}:${this.symbol}`;
    this.mutableStats = new MutableSourceStats(this.name, 'simulated');
    this.stats = this.mutableStats;
    this.random = createRandom(options.seed ?? 42).fork(this.name);
    this.total = options.records ?? 200_000;
    this.chunkSize = sizeOption(options.chunkSize, DEFAULT_CHUNK_SIZE, 'chunkSize');
    this.t = options.startUs ?? Date.UTC(2024, 0, 1) * 1000;
    this.mid = options.startPrice ?? 100;
  }

  async next(): Promise<readonly MarketRecord[] | null> {
    if (this.closed || this.produced >= this.total) {
      this.mutableStats.done = true;
      return null;
    }
    const out: MarketRecord[] = [];
    while (out.length < this.chunkSize && this.produced < this.total) {
      const record = this.step();
      out.push(record);
      this.produced++;
      this.mutableStats.lines++;
      this.mutableStats.records++;
      this.mutableStats.byType[record.type]++;
    }
    return out;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.mutableStats.done = true;
  }

  private step(): MarketRecord {
    const r = this.random;
    this.t += 1_000 + r.int(250_000);
    if (r.next() < 0.002) this.drift = (r.next() - 0.5) * 0.0004; // a new regime every ~500 steps
    const shock = (r.next() + r.next() + r.next() - 1.5) * 0.0008;
    this.mid = Math.max(1, this.mid * (1 + this.drift + shock));
    const bid = round(this.mid - 0.01, 100);
    const ask = round(Math.max(this.mid + 0.01, bid + 0.01), 100);
    if (r.next() < 0.33) {
      const buy = r.next() < 0.5;
      const trade: Trade = {
        type: 'trade',
        exchange: this.exchange,
        symbol: this.symbol,
        ts: this.t,
        tsRecv: this.t,
        id: String(this.tradeId++),
        price: buy ? ask : bid,
        amount: round(0.001 + r.next() * 2, 1000),
        side: buy ? 'buy' : 'sell',
      };
      return trade;
    }
    const quote: BookTicker = {
      type: 'book_ticker',
      exchange: this.exchange,
      symbol: this.symbol,
      ts: this.t,
      tsRecv: this.t,
      bidPrice: bid,
      bidAmount: round(0.5 + r.next() * 5, 1000),
      askPrice: ask,
      askAmount: round(0.5 + r.next() * 5, 1000),
    };
    return quote;
  }
}

function round(x: number, scale: number): number {
  return Math.round(x * scale) / scale;
}
