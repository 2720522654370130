import { describe, expect, it } from 'vitest';
import { recordRef } from '../../src/model/record-ref.js';
import { createOrder, applyOrderEvent } from '../../src/model/order.js';
import { createInstrument } from '../../src/model/instrument.js';

describe('recordRef', () => {
  it('names a trade by its id, a bar by its interval and close, anything else by its receive time', () => {
    expect(recordRef({ type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: 1, tsRecv: 2, id: '42', price: 1, amount: 1, side: 'buy' })).toBe('trade binance:BTCUSDT #42');
    expect(
      recordRef({ type: 'trade_bar', exchange: 'binance', symbol: 'BTCUSDT', ts: 9, tsRecv: 9, interval: '1s', open: 1, high: 1, low: 1, close: 1, volume: 1, buyVolume: 1, sellVolume: 0, trades: 1, vwap: 1, openTs: 8, closeTs: 9 }),
    ).toBe('trade_bar binance:BTCUSDT 1s 9');
    expect(recordRef({ type: 'book_ticker', exchange: 'binance', symbol: 'BTCUSDT', ts: 5, tsRecv: 6, bidPrice: 1, bidAmount: 1, askPrice: 2, askAmount: 1 })).toBe('book_ticker binance:BTCUSDT @6');
  });

  it('stays on every version of the order planned from it', () => {
    const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });
    const order = createOrder({ clientOrderId: 'a', exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', type: 'market', quantity: 5, ts: 1, cause: 'trade binance:BTCUSDT #42' }, btc);
    const next = applyOrderEvent(order, { type: 'submit', ts: 2 });
    expect(next.ok && next.order.cause).toBe('trade binance:BTCUSDT #42');
  });
});
