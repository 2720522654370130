import { describe, expect, it } from 'vitest';
import { checkGrossExposure, checkOrderNotional, checkPosition, signedQuantity, type RiskPortfolio } from '../../../actors/risk/pre-trade-checks.js';
import { createInstrument } from '../../../src/model/instrument.js';
import { parseDecimal } from '../../../src/model/money.js';
import type { NewOrder, OrderSide } from '../../../src/model/order.js';

// Size grid 0.001 (lots are thousandths), quote precision 5.
const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });

function order(side: OrderSide, lots: number): NewOrder {
  return { clientOrderId: 'o1', exchange: 'binance', symbol: 'BTCUSDT', side, type: 'market', quantity: lots, limitPrice: undefined, ts: 0 };
}

const flat: RiskPortfolio = { quotePrecision: 5, positionQuantity: () => 0, marketValue: () => 0n, grossExposure: () => 0n };

describe('pre-trade checks on lots as numbers', () => {
  it('takes a notional of lots times a price beyond 2^53 units exactly', () => {
    // 2^53 - 1 lots (9007199254740.991 BTC) at 123456789.01: the product is far past 2^53.
    const lots = Number.MAX_SAFE_INTEGER;
    const price = parseDecimal('123456789.01');
    const exact = BigInt(lots) * 12_345_678_901n; // at scale 3 + 2
    const atLimit = { units: exact, scale: 5 };
    expect(checkOrderNotional(order('buy', lots), btc, price, atLimit)).toMatchObject({ reason: 'MAX_ORDER_NOTIONAL' });
    expect(checkOrderNotional(order('buy', lots), btc, price, { units: exact + 1n, scale: 5 })).toBeUndefined();
    // A price whose units are themselves past 2^53.
    const big = { units: 2n ** 60n + 1n, scale: 2 };
    const v = checkOrderNotional(order('buy', 3), btc, big, { units: 1n, scale: 0 });
    expect(v?.detail).toContain(`notional ${(3n * (2n ** 60n + 1n)).toString().replace(/(\d{5})$/, '.$1')} at`);
  });

  it('values open lots and the order at the order price, half-even at the quote precision', () => {
    // A lot (0.001 BTC) at 0.005 is 0.000005, half a quote unit: half-even to 0.00000 alone. Two
    // open lots are 0.00001 and with the order's lot 0.000015 → 0.00002, which reaches the limit.
    const price = parseDecimal('0.005');
    const limit = { units: 2n, scale: 5 }; // 0.00002
    expect(checkGrossExposure(order('buy', 1), btc, flat, price, 2, limit)).toMatchObject({ reason: 'MAX_GROSS_EXPOSURE' });
    expect(checkGrossExposure(order('buy', 1), btc, flat, price, 0, limit)).toBeUndefined();
  });

  it('checks the worst-case position in lots, reducing orders always let through', () => {
    const limit = parseDecimal('1.5');
    expect(checkPosition(order('buy', 500), btc, 600, 400, limit)).toMatchObject({ reason: 'MAX_POSITION' });
    expect(checkPosition(order('buy', 499), btc, 600, 400, limit)).toBeUndefined();
    expect(checkPosition(order('sell', 100), btc, 2_000, 0, limit)).toBeUndefined();
    expect(checkPosition(order('sell', 500), btc, -600, 400, limit)?.detail).toContain('position after the order -1.500 (filled -0.600, open sells 0.400)');
  });

  it('never makes -0 of a sell of nothing', () => {
    expect(Object.is(signedQuantity(order('sell', 0)), 0)).toBe(true);
    expect(signedQuantity(order('sell', 7))).toBe(-7);
    expect(signedQuantity(order('buy', 7))).toBe(7);
  });
});
