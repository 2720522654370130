/**
 * The built-in simulated market (`streams/simulated-market.ts`) encoded as Binance spot messages,
 * so `serve-feed` runs a demo with no data file. Each trade becomes a `trade` message; each quote a
 * `depthUpdate` (the old best levels removed, the new ones set: a one-level book whose update ids
 * count quotes from 1) followed by a `bookTicker` with the same update id. The replay starts with
 * an empty depth snapshot at update id 0, so a client following Binance's book procedure stays in
 * sequence. Prices and amounts are written with 8 decimals, as Binance spot writes them. The same
 * seed gives the same messages on every run.
 */
import type { BookTicker, MarketRecord, Trade } from '../../model/records.js';
import type { RecordSource } from '../../../streams/record-source.js';
import { createSimulatedMarket, type SimulatedMarketOptions } from '../../../streams/simulated-market.js';
import type { FeedEventSource } from './capture-reader.js';
import { DEPTH_STREAM, type FeedEvent } from './feed-event.js';
import { FeedMessageDecoder } from './feed-message-decoder.js';

/** Options of the simulated feed: those of the simulated market (symbol default `SIMUSDT`). */
export type SimulatedFeedOptions = Pick<SimulatedMarketOptions, 'seed' | 'symbol' | 'records' | 'startUs' | 'startPrice'>;

/** Symbol of the simulated market when none is given. */
export const SIMULATED_SYMBOL = 'SIMUSDT';

/** A fresh pass over the simulated market as Binance spot events. */
export function createSimulatedFeed(options: SimulatedFeedOptions = {}): FeedEventSource {
  return new SimulatedFeed(options);
}

class SimulatedFeed implements FeedEventSource {
  private readonly market: RecordSource;
  private readonly symbol: string;
  private readonly lower: string;
  private readonly decoder: FeedMessageDecoder;
  private updateId: number;
  private bid: string;
  private ask: string;
  private started: boolean;

  constructor(options: SimulatedFeedOptions) {
    this.symbol = options.symbol ?? SIMULATED_SYMBOL;
    this.market = createSimulatedMarket({ ...options, symbol: this.symbol, exchange: 'binance' });
    this.lower = this.symbol.toLowerCase();
    this.decoder = new FeedMessageDecoder(this.symbol);
    this.updateId = 0;
    this.bid = '';
    this.ask = '';
    this.started = false;
  }

  async next(): Promise<FeedEvent[] | null> {
    const records = await this.market.next();
    if (records === null) return null;
    const out: FeedEvent[] = [];
    if (!this.started) {
      this.started = true;
      this.push(records[0]!.tsRecv, '{"lastUpdateId":0,"bids":[],"asks":[]}', out);
    }
    for (const record of records) this.encode(record, out);
    return out;
  }

  close(): void {
    void this.market.close();
  }

  private encode(record: MarketRecord, out: FeedEvent[]): void {
    if (record.type === 'trade') this.trade(record, out);
    else if (record.type === 'book_ticker') this.quote(record, out);
  }

  private trade(t: Trade, out: FeedEvent[]): void {
    const ms = Math.floor(t.ts / 1000);
    const data = `{"e":"trade","E":${ms},"s":"${this.symbol}","t":${t.id},"p":"${t.price.toFixed(8)}","q":"${t.amount.toFixed(8)}","T":${ms},"m":${t.side === 'sell'},"M":true}`;
    this.push(t.tsRecv, `{"stream":"${this.lower}@trade","data":${data}}`, out);
  }

  private quote(q: BookTicker, out: FeedEvent[]): void {
    const id = ++this.updateId;
    const bid = q.bidPrice.toFixed(8);
    const ask = q.askPrice.toFixed(8);
    const bidAmount = q.bidAmount.toFixed(8);
    const askAmount = q.askAmount.toFixed(8);
    // Remove the previous best levels unless they are the new ones, then set the new ones.
    const bids = `${this.bid !== '' && this.bid !== bid ? `["${this.bid}","0.00000000"],` : ''}["${bid}","${bidAmount}"]`;
    const asks = `${this.ask !== '' && this.ask !== ask ? `["${this.ask}","0.00000000"],` : ''}["${ask}","${askAmount}"]`;
    this.bid = bid;
    this.ask = ask;
    const ms = Math.floor(q.ts / 1000);
    const depth = `{"e":"depthUpdate","E":${ms},"s":"${this.symbol}","U":${id},"u":${id},"b":[${bids}],"a":[${asks}]}`;
    this.push(q.tsRecv, `{"stream":"${this.lower}@${DEPTH_STREAM.spot}","data":${depth}}`, out);
    const ticker = `{"u":${id},"s":"${this.symbol}","b":"${bid}","B":"${bidAmount}","a":"${ask}","A":"${askAmount}"}`;
    this.push(q.tsRecv, `{"stream":"${this.lower}@bookTicker","data":${ticker}}`, out);
  }

  private push(tsRecv: number, json: string, out: FeedEvent[]): void {
    const bytes = Buffer.from(json, 'utf8');
    const event = this.decoder.decode(bytes, 0, bytes.length, tsRecv);
    if (event !== null) out.push(event);
  }
}
