/**
 * An `OrderJson` for journal-entry fixtures: a limit buy of `BTCUSDT` on binance (price precision 2,
 * size precision 4, quote precision 2), unfilled, with every field overridable. The PostgreSQL and
 * Redis fixtures give it their own quantities, prices and times.
 */
import type { OrderJson } from '../../src/model/wal-entry.js';

/** The fixture order, `over` applied. */
export function orderJsonFixture(clientOrderId: string, over: Partial<OrderJson> & Pick<OrderJson, 'quantity' | 'limitPrice' | 'status' | 'createdTs' | 'updatedTs'>): OrderJson {
  return {
    clientOrderId,
    exchange: 'binance',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    pricePrecision: 2,
    sizePrecision: 4,
    quotePrecision: 2,
    filledQuantity: '0',
    fillNotional: '0',
    avgFillPrice: null,
    fillCount: 0,
    timestamps: {},
    reason: null,
    cause: null,
    ...over,
  };
}
