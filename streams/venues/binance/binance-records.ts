/**
 * The records a Binance trade, book ticker or depth update becomes, built in one place for the
 * parser's three paths (the ordered pass, the keyed pass and the general path), so every path
 * makes the same record, with its fields in one order (one hidden class per record type). Times
 * in milliseconds as Binance sends them; `ts` is in microseconds.
 */
import type { BookChange, BookLevel, BookTicker, Side, Trade } from '../../../src/model/records.js';

/** A trade (`trade` or `aggTrade`); `maker` 1 when the buyer was the maker (a sell). */
export function tradeRecord(exchange: string, symbol: string, timeMs: number, tsRecv: number, id: string, price: number, amount: number, maker: number): Trade {
  return { type: 'trade', exchange, symbol, ts: timeMs * 1000, tsRecv, id, price, amount, side: (maker === 1 ? 'sell' : 'buy') satisfies Side };
}

/** A book ticker; `eventMs` -1 when the message has no event time (spot): `ts` is then `tsRecv`. */
export function bookTickerRecord(exchange: string, symbol: string, eventMs: number, tsRecv: number, bidPrice: number, bidAmount: number, askPrice: number, askAmount: number): BookTicker {
  return { type: 'book_ticker', exchange, symbol, ts: eventMs >= 0 ? eventMs * 1000 : tsRecv, tsRecv, bidPrice, bidAmount, askPrice, askAmount };
}

/** A depth update; `prevUpdateId` -1 where the venue sends none (spot). */
export function bookChangeRecord(
  exchange: string,
  symbol: string,
  eventMs: number,
  tsRecv: number,
  firstUpdateId: number,
  lastUpdateId: number,
  prevUpdateId: number,
  bids: readonly BookLevel[],
  asks: readonly BookLevel[],
): BookChange {
  return { type: 'book_change', exchange, symbol, ts: eventMs * 1000, tsRecv, isSnapshot: false, firstUpdateId, lastUpdateId, prevUpdateId, bids, asks };
}
