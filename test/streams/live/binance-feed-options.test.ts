/** Options of the live feed: defaults per market, and one clear `CONFIG_INVALID` per bad value. */
import { describe, expect, it } from 'vitest';
import { LiveClock } from '../../../src/runtime/clock.js';
import { isTickflowError } from '../../../src/runtime/errors.js';
import { resolveBinanceFeedOptions, type BinanceFeedOptions } from '../../../streams/live/binance-feed-options.js';
import { combinedStreamUrl, depthSnapshotUrl, streamNames } from '../../../streams/live/binance-stream-names.js';
import { liveFeedTimers } from '../../../streams/live/feed-timers.js';

const base: BinanceFeedOptions = {
  url: 'wss://stream.binance.com:9443/',
  restUrl: 'https://api.binance.com',
  symbols: ['btcusdt', 'ETHUSDT', 'BTCUSDT'],
  clock: new LiveClock(),
  timers: liveFeedTimers({ setTimeout, clearTimeout }),
};

function rejection(options: Partial<BinanceFeedOptions>): string {
  try {
    resolveBinanceFeedOptions({ ...base, ...options });
  } catch (error) {
    if (isTickflowError(error, 'CONFIG_INVALID')) return String(error.context.option);
    throw error;
  }
  throw new Error('accepted');
}

describe('binance feed options', () => {
  it('fills in Binance defaults per market', () => {
    const spot = resolveBinanceFeedOptions(base);
    expect(spot).toMatchObject({ market: 'spot', url: 'wss://stream.binance.com:9443', symbols: ['BTCUSDT', 'ETHUSDT'], channels: ['trade', 'bookTicker', 'depth'], depthStream: 'depth@100ms', exchange: 'binance', name: 'binance-spot', highWaterMark: 8192, lowWaterMark: 2048, maxConnectionAgeMs: 86_400_000, rolloverLeadMs: 300_000 });
    const usdm = resolveBinanceFeedOptions({ ...base, market: 'usdm', channels: ['depth', 'trade'] });
    expect(usdm).toMatchObject({ depthStream: 'depth', exchange: 'binance-futures', channels: ['trade', 'depth'] });
  });

  it('names the option that is wrong', () => {
    expect(rejection({ url: 'http://x' })).toBe('url');
    expect(rejection({ restUrl: 'not a url' })).toBe('restUrl');
    expect(rejection({ symbols: [] })).toBe('symbols');
    expect(rejection({ symbols: ['BTC/USDT'] })).toBe('symbols');
    expect(rejection({ channels: ['kline' as never] })).toBe('channels');
    expect(rejection({ market: 'coinm' as never })).toBe('market');
    expect(rejection({ highWaterMark: 10, lowWaterMark: 10 })).toBe('lowWaterMark');
    expect(rejection({ staleTimeoutMs: 0 })).toBe('staleTimeoutMs');
    expect(rejection({ maxConnectionAgeMs: 1000, rolloverLeadMs: 1000 })).toBe('rolloverLeadMs');
    expect(rejection({ backoff: { minUs: 10, maxUs: 5, factor: 2, jitter: 0, resetAfterUs: 0 } })).toBe('backoff');
  });

  it('builds the combined-stream and REST URLs Binance documents', () => {
    const names = streamNames(['BTCUSDT'], ['trade', 'bookTicker', 'depth'], 'depth@100ms');
    expect(combinedStreamUrl('wss://stream.binance.com:9443', names)).toBe('wss://stream.binance.com:9443/stream?streams=btcusdt@trade/btcusdt@bookTicker/btcusdt@depth@100ms');
    expect(depthSnapshotUrl('https://fapi.binance.com', 'usdm', 'BTCUSDT', 1000)).toBe('https://fapi.binance.com/fapi/v1/depth?symbol=BTCUSDT&limit=1000');
  });
});
