/**
 * One message of a replay, as the feed server serves it: the venue's own JSON text (sent as is, so
 * a client decodes exactly what was recorded) beside the record the engine's Binance parser made
 * of it (which the server uses for its own book and for faults). Produced by the capture reader
 * and the simulated market's encoder; consumed by the replay timeline.
 */
import type { MarketRecord } from '../../model/records.js';

/** Which Binance market a server imitates: spot (`/api/v3`) or USD-M futures (`/fapi/v1`). */
export type FeedMarket = 'spot' | 'usdm';

/**
 * What an event is, for faults and REST: `snapshot` is a REST depth snapshot found in a capture
 * (never sent on a stream), `other` a stream message of a kind the server only passes through.
 */
export type FeedEventKind = 'trade' | 'bookTicker' | 'depth' | 'snapshot' | 'other';

/** One replayed message. Fields are set once, in one order (one hidden class for all events). */
export interface FeedEvent {
  /** Receive time of the capture, µs since the epoch: the replay clock. */
  readonly tsRecv: number;
  readonly kind: FeedEventKind;
  /** Upper-case symbol (`BTCUSDT`); empty when the message names none. */
  readonly symbol: string;
  /** The stream it is served on (`btcusdt@trade`); empty for a snapshot or a message on no stream. */
  readonly stream: string;
  /** The message JSON: what a raw stream (`/ws/...`) sends. */
  readonly data: string;
  /** The capture's own envelope `{"stream":..,"data":..}` when it names `stream`, else null. */
  readonly combined: string | null;
  /** The record decoded from it, or null (a message the parser skips or does not know). */
  readonly record: MarketRecord | null;
}

/** The stream name of a depth diff stream per market, as the captures record them. */
export const DEPTH_STREAM: Readonly<Record<FeedMarket, string>> = { spot: 'depth@100ms', usdm: 'depth@0ms' };

/**
 * Stream names a client may use for a served stream under another name: on USD-M, `<sym>@depth`
 * reads the captured `@depth@0ms` diffs (the capture holds one depth stream; serving it under the
 * default name lets clients that ask for the default work). The key and value are channel parts.
 */
const ALIASES: Readonly<Record<FeedMarket, Readonly<Record<string, string>>>> = {
  spot: {},
  usdm: { depth: 'depth@0ms' },
};

/** Stream names clients may subscribe to: `<symbol>@<channel>`, symbol lowercase, as Binance asks. */
const STREAM_NAME = /^[a-z0-9_\-.]{1,40}@[A-Za-z0-9_@]{1,40}$/;

/** True when `name` is a well-formed stream name (whether or not the recording carries it). */
export function isStreamName(name: string): boolean {
  return STREAM_NAME.test(name);
}

/** The served stream a client's stream name reads (itself unless it is an alias). */
export function canonicalStream(name: string, market: FeedMarket): string {
  const at = name.indexOf('@');
  const alias = ALIASES[market][name.slice(at + 1)];
  return alias === undefined ? name : `${name.slice(0, at)}@${alias}`;
}

/** The stream of a record with no envelope: `<symbol>@trade`, `@bookTicker` or the market's depth. */
export function streamOfRecord(record: MarketRecord, market: FeedMarket): string {
  const symbol = record.symbol.toLowerCase();
  switch (record.type) {
    case 'trade':
      return `${symbol}@trade`;
    case 'book_ticker':
      return `${symbol}@bookTicker`;
    case 'book_change':
      return `${symbol}@${DEPTH_STREAM[market]}`;
    default:
      return '';
  }
}

/** The event kind of a decoded record. */
export function kindOfRecord(record: MarketRecord | null): FeedEventKind {
  switch (record?.type) {
    case 'trade':
      return 'trade';
    case 'book_ticker':
      return 'bookTicker';
    case 'book_change':
      return 'depth';
    case 'depth_snapshot':
      return 'snapshot';
    default:
      return 'other';
  }
}
