/**
 * Normalized market-data records. Field names follow tardis-dev's normalized types so quant users
 * recognise them. Every record carries `ts` (the venue's event time, or the receive time where the
 * venue gives none) and `tsRecv` (when we received it); both are integer microseconds since the
 * epoch. Engine time is `tsRecv` (DESIGN.md, Data model): replay order and the clock follow it.
 *
 * Market-data prices and amounts are JavaScript numbers: they were parsed from the venue's decimal
 * strings and round-trip to the same shortest decimal, so money code converts them to exact
 * integers at the instrument's precision (see `instrument.ts`) without loss.
 *
 * Shapes are monomorphic on purpose (every field always present, same order) so V8 keeps one hidden
 * class per record type on the hot path.
 */

/** Aggressor side of a trade. `unknown` where the venue or file does not say. */
export type Side = 'buy' | 'sell' | 'unknown';

/** One executed trade. `side` is the aggressor (taker) side. */
export interface Trade {
  readonly type: 'trade';
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly tsRecv: number;
  readonly id: string;
  readonly price: number;
  readonly amount: number;
  readonly side: Side;
}

/** Best bid and offer. */
export interface BookTicker {
  readonly type: 'book_ticker';
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly tsRecv: number;
  readonly bidPrice: number;
  readonly bidAmount: number;
  readonly askPrice: number;
  readonly askAmount: number;
}

/** One price level of an order book; `amount` 0 removes the level. */
export interface BookLevel {
  readonly price: number;
  readonly amount: number;
}

/**
 * An incremental L2 change (Binance `depthUpdate`). `firstUpdateId`/`lastUpdateId` are the venue's
 * `U`/`u`; `prevUpdateId` is USD-M's `pu` chain link, or -1 where the venue sends none.
 */
export interface BookChange {
  readonly type: 'book_change';
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly tsRecv: number;
  readonly isSnapshot: false;
  readonly firstUpdateId: number;
  readonly lastUpdateId: number;
  readonly prevUpdateId: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** A full L2 snapshot (Binance REST depth), the starting point for applying `book_change`s. */
export interface DepthSnapshot {
  readonly type: 'depth_snapshot';
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly tsRecv: number;
  readonly lastUpdateId: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/**
 * An OHLCV bar. `openTs` is the start of the interval (inclusive) and `closeTs` its end
 * (exclusive) for time bars, or the first and last trade's engine time for tick and volume bars.
 * A bar is known only when it closes, so `tsRecv` is `closeTs` (DESIGN.md). `interval` names the
 * aggregation (`1m`, `100t`, `10v`, `1m:mid`). `vwap` is volume-weighted over the bar's trades
 * (for quote bars, with no volume, it equals `close`).
 */
export interface TradeBar {
  readonly type: 'trade_bar';
  readonly exchange: string;
  readonly symbol: string;
  readonly ts: number;
  readonly tsRecv: number;
  readonly interval: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly trades: number;
  readonly vwap: number;
  readonly openTs: number;
  readonly closeTs: number;
}

/** Every normalized market-data record. */
export type MarketRecord = Trade | BookTicker | BookChange | DepthSnapshot | TradeBar;

/** The `type` tag of a normalized record. */
export type MarketRecordType = MarketRecord['type'];

/** Every record type, for subscribing to market records alone (not what actors derive from them on `md`). */
export const MARKET_RECORD_TYPES: readonly MarketRecordType[] = ['trade', 'book_ticker', 'book_change', 'depth_snapshot', 'trade_bar'];

/** Bus topic of a record: `md.<exchange>.<symbol>.<type>` (DESIGN.md, Data model). */
export function topicOf(record: MarketRecord): string {
  return `md.${record.exchange}.${record.symbol}.${record.type}`;
}

/**
 * The bus pattern for the records of `type` under a market-data prefix (`md` → `md.*.*.trade`,
 * `md.binance` → `md.binance.*.trade`); a prefix that is already a whole topic is kept.
 */
export function recordTypeTopic(prefix: string, type: string): string {
  const segments = prefix === '' ? [] : prefix.split('.');
  if (segments.length >= 4) return prefix;
  while (segments.length < 3) segments.push('*');
  return `${segments.join('.')}.${type}`;
}
