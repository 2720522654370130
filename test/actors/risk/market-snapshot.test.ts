import { describe, expect, it } from 'vitest';
import { MarketSnapshots, exactMid, expectedMarketPrice, referencePrice } from '../../../actors/risk/market-snapshot.js';

const base = { exchange: 'binance', symbol: 'BTCUSDT' };

describe('MarketSnapshots', () => {
  it('keeps the last trade, quotes, bar close and tick time per symbol', () => {
    const m = new MarketSnapshots();
    expect(m.get('binance:BTCUSDT')).toBeUndefined();
    m.observe({ ...base, type: 'trade', ts: 1, tsRecv: 10, id: '1', price: 100.5, amount: 1, side: 'buy' });
    m.observe({ ...base, type: 'book_ticker', ts: 2, tsRecv: 20, bidPrice: 100.1, bidAmount: 1, askPrice: 100.3, askAmount: 1 });
    expect(m.get('binance:BTCUSDT')).toEqual({ bid: 100.1, ask: 100.3, last: 100.5, barClose: undefined, lastTickTs: 20 });
    m.observe({ ...base, type: 'book_change', ts: 3, tsRecv: 30, isSnapshot: false, firstUpdateId: 1, lastUpdateId: 2, prevUpdateId: -1, bids: [], asks: [] });
    expect(m.get('binance:BTCUSDT')?.lastTickTs).toBe(30);
  });

  it('prices exactly, in the configured preference order', () => {
    expect(exactMid(100.1, 100.2)).toEqual({ units: 10_015n, scale: 2 });
    expect(exactMid(100.1, 100.4)).toEqual({ units: 10_025n, scale: 2 });
    expect(exactMid(100.1, 100.3)).toEqual({ units: 1_002n, scale: 1 });
    expect(exactMid(100, 102)).toEqual({ units: 101n, scale: 0 });
    const snap = { bid: 99, ask: 101, last: 100.5, barClose: 98, lastTickTs: 0 };
    expect(referencePrice(snap, ['mid', 'last'])).toEqual({ units: 100n, scale: 0 });
    expect(referencePrice(snap, ['barClose', 'mid'])).toEqual({ units: 98n, scale: 0 });
    expect(referencePrice({ ...snap, bid: undefined }, ['mid', 'last'])).toEqual({ units: 1005n, scale: 1 });
    expect(referencePrice({ ...snap, bid: undefined }, ['mid'])).toBeUndefined();
    expect(expectedMarketPrice(snap, 'buy', ['last'])).toEqual({ units: 101n, scale: 0 });
    expect(expectedMarketPrice(snap, 'sell', ['last'])).toEqual({ units: 99n, scale: 0 });
    expect(expectedMarketPrice({ ...snap, bid: undefined }, 'sell', ['last'])).toEqual({ units: 1005n, scale: 1 });
  });
});
