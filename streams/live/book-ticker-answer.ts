/**
 * Binance's REST best bid and offer for one symbol (`GET /api/v3/ticker/bookTicker?symbol=` on
 * spot, `/fapi/v1/ticker/bookTicker` on USD-M), read once at the edge. Spot answers
 * `{symbol, bidPrice, bidQty, askPrice, askQty}`; USD-M adds `time` (ms) and `lastUpdateId`.
 *
 * A poll answers at about one request per second per symbol, so `JSON.parse` is fine here (the
 * socket path has its own fast parser). Prices and sizes are the venue's decimal strings, read as
 * numbers that round-trip to the same shortest decimal (see `src/model/records.ts`).
 */
import type { BinanceMarket } from './binance-feed-options.js';

/** REST path of the book ticker per market. */
export const BOOK_TICKER_PATH: Readonly<Record<BinanceMarket, string>> = { spot: '/api/v3/ticker/bookTicker', usdm: '/fapi/v1/ticker/bookTicker' };

/** `<rest>/api/v3/ticker/bookTicker?symbol=BTCUSDT` (spot) or `/fapi/v1/ticker/bookTicker` (USD-M). */
export function bookTickerUrl(restUrl: string, market: BinanceMarket, symbol: string): string {
  return `${restUrl}${BOOK_TICKER_PATH[market]}?symbol=${symbol}`;
}

/** One answer, read. `timeMs` and `updateId` are -1 where the venue sends none (spot). */
export interface BookTickerAnswer {
  readonly bidPrice: number;
  readonly bidAmount: number;
  readonly askPrice: number;
  readonly askAmount: number;
  readonly timeMs: number;
  readonly updateId: number;
}

const DECIMAL = /^\d{1,20}(\.\d{1,20})?$/;

/**
 * Reads the body of a 200 answer for `symbol`. Returns the answer, or a string saying what was wrong
 * (not JSON, another symbol, a price or size that is not a non-negative decimal string, a `time` or
 * `lastUpdateId` that is not a whole number). The update id is `lastUpdateId`, or `u` as the
 * stream spells it. Never throws.
 */
export function parseBookTickerAnswer(body: string, symbol: string): BookTickerAnswer | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return `not JSON (body starts ${JSON.stringify(body.slice(0, 60))})`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `not an object (body starts ${JSON.stringify(body.slice(0, 60))})`;
  const m = value as Record<string, unknown>;
  if (m['symbol'] !== symbol) return `symbol ${JSON.stringify(m['symbol'])} where ${symbol} was asked`;
  const bidPrice = decimal(m['bidPrice']);
  const bidAmount = decimal(m['bidQty']);
  const askPrice = decimal(m['askPrice']);
  const askAmount = decimal(m['askQty']);
  if (bidPrice < 0 || bidAmount < 0 || askPrice < 0 || askAmount < 0) return 'bidPrice, bidQty, askPrice and askQty must be decimal strings';
  const timeMs = whole(m['time']);
  const updateId = whole(m['lastUpdateId'] ?? m['u']);
  if (timeMs === -2 || updateId === -2) return 'time and lastUpdateId must be whole numbers';
  return { bidPrice, bidAmount, askPrice, askAmount, timeMs, updateId };
}

/** A decimal string as a number, or -1. */
function decimal(value: unknown): number {
  return typeof value === 'string' && DECIMAL.test(value) ? Number(value) : -1;
}

/** A whole number ≥ 0; -1 when absent, -2 when present but not one. */
function whole(value: unknown): number {
  if (value === undefined || value === null) return -1;
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : -2;
}
