/**
 * Binance's names for what the feed asks for: stream names (`btcusdt@trade`), the combined-stream
 * URL that subscribes to all of them in the opening handshake (so a reconnect resubscribes by
 * construction, with no `SUBSCRIBE` message to count against the venue's message rate), and the
 * REST depth-snapshot URL per market.
 */
import type { BinanceMarket, FeedChannel } from './binance-feed-options.js';

/** REST path of the depth snapshot per market. */
export const DEPTH_PATH: Readonly<Record<BinanceMarket, string>> = { spot: '/api/v3/depth', usdm: '/fapi/v1/depth' };

/** The stream name of one channel of one symbol (`BTCUSDT`, `depth` → `btcusdt@depth@100ms`). */
export function streamName(symbol: string, channel: FeedChannel, depthStream: string): string {
  return `${symbol.toLowerCase()}@${channel === 'depth' ? depthStream : channel}`;
}

/** Every stream of `symbols` × `channels`, symbol by symbol, channels in the order given. */
export function streamNames(symbols: readonly string[], channels: readonly FeedChannel[], depthStream: string): string[] {
  const names: string[] = [];
  for (const symbol of symbols) for (const channel of channels) names.push(streamName(symbol, channel, depthStream));
  return names;
}

/** `<base>/stream?streams=a/b/c`: Binance's combined-stream endpoint (every frame in a `{stream, data}` envelope). */
export function combinedStreamUrl(baseUrl: string, names: readonly string[]): string {
  return `${baseUrl}/stream?streams=${names.join('/')}`;
}

/** `<rest>/api/v3/depth?symbol=BTCUSDT&limit=1000` (spot) or `/fapi/v1/depth` (USD-M). */
export function depthSnapshotUrl(restUrl: string, market: BinanceMarket, symbol: string, limit: number): string {
  return `${restUrl}${DEPTH_PATH[market]}?symbol=${symbol}&limit=${limit}`;
}
