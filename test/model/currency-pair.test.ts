import { describe, expect, it } from 'vitest';
import { currencyPairOf } from '../../src/model/currency-pair.js';

describe('currencyPairOf', () => {
  it('splits a symbol at the longest known quote currency that ends it', () => {
    expect(currencyPairOf('BTCUSDT')).toEqual({ base: 'BTC', quote: 'USDT', quoteAssumed: false });
    expect(currencyPairOf('ETHBTC')).toEqual({ base: 'ETH', quote: 'BTC', quoteAssumed: false });
    expect(currencyPairOf('BTCFDUSD')).toEqual({ base: 'BTC', quote: 'FDUSD', quoteAssumed: false });
    expect(currencyPairOf('usd/jpy')).toEqual({ base: 'USD', quote: 'JPY', quoteAssumed: false });
    expect(currencyPairOf('XBTUSD')).toEqual({ base: 'XBT', quote: 'USD', quoteAssumed: false });
  });

  it('takes a symbol that ends in no known quote as its own base, quoted in USD, and says so', () => {
    expect(currencyPairOf('SPY')).toEqual({ base: 'SPY', quote: 'USD', quoteAssumed: true });
    expect(currencyPairOf('USDT')).toEqual({ base: 'USDT', quote: 'USD', quoteAssumed: true }); // never an empty base
  });
});
