import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../../actors/execution/orders/portfolio.js';
import type { RiskContext } from '../../../actors/risk/pre-trade-checks.js';
import type { RiskCheck } from '../../../actors/risk/risk-check.js';
import { riskChecks } from '../../../actors/risk/risk-checks.js';
import { parseRiskConfig } from '../../../actors/risk/risk-config.js';
import { RiskGuard } from '../../../actors/risk/risk-guard.js';
import { RISK_OK, RISK_REASONS } from '../../../actors/risk/risk-reason.js';
import { createInstrument } from '../../../src/model/instrument.js';
import type { NewOrder, OrderSide } from '../../../src/model/order.js';

const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });
const QP = btc.quotePrecision;

function ctx(): RiskContext {
  const portfolio = new Portfolio({ quotePrecision: QP, initialCash: '100000' });
  return { now: 0, instrument: btc, portfolio, market: { bid: undefined, ask: undefined, last: 20_000, barClose: undefined, lastTickTs: 0 } };
}

function mkt(side: OrderSide, lots: number): NewOrder {
  return { clientOrderId: `o-${side}-${lots}`, exchange: 'binance', symbol: 'BTCUSDT', side, type: 'market', quantity: lots, limitPrice: undefined, ts: 0 };
}

/** A custom check: no order may open a short (a sell larger than the position). */
const noShort: RiskCheck = {
  name: 'NO_SHORT',
  configKeys: [],
  check(order, context) {
    if (order.side === 'buy' || order.quantity <= context.position) return RISK_OK;
    return { ok: false, reason: 'REDUCE_ONLY', detail: `no short: a sell of ${order.quantity} lots exceeds the position of ${context.position}` };
  },
};

describe('riskChecks', () => {
  it('runs the built-in checks in the documented order, that of RISK_REASONS', () => {
    const documented = [
      'TRADING_HALTED',
      'REDUCE_ONLY',
      'STALE_MARKET_DATA',
      'MAX_ORDER_QUANTITY',
      'NO_REFERENCE_PRICE',
      'PRICE_BAND',
      'MAX_ORDER_NOTIONAL',
      'MAX_POSITION',
      'MAX_GROSS_EXPOSURE',
      'ORDER_RATE',
    ];
    expect(riskChecks.map((c) => c.name)).toEqual(documented);
    expect(riskChecks.map((c) => c.name)).toEqual(RISK_REASONS);
  });

  it('runs a custom check added to the guard and denies with its reason and detail', () => {
    const g = new RiskGuard(parseRiskConfig({ maxOrderQuantity: '10' }), { quotePrecision: QP, checks: [...riskChecks, noShort] });
    expect(g.check(mkt('buy', 1_000), ctx())).toBe(RISK_OK);
    const verdict = g.check(mkt('sell', 1_000), ctx());
    expect(verdict).toEqual({ ok: false, reason: 'REDUCE_ONLY', detail: 'no short: a sell of 1000 lots exceeds the position of 0' });
    expect(g.denials().REDUCE_ONLY).toBe(1);
    // The built-in checks still run before it.
    expect(g.check(mkt('sell', 10_000), ctx())).toMatchObject({ ok: false, reason: 'MAX_ORDER_QUANTITY' });
  });

  it('gives precedence by place in the list', () => {
    const config = parseRiskConfig({ initialState: 'HALTED' });
    const first = new RiskGuard(config, { quotePrecision: QP, checks: [noShort, ...riskChecks] });
    const last = new RiskGuard(config, { quotePrecision: QP, checks: [...riskChecks, noShort] });
    expect(first.check(mkt('sell', 1_000), ctx())).toMatchObject({ ok: false, reason: 'REDUCE_ONLY' });
    expect(last.check(mkt('sell', 1_000), ctx())).toMatchObject({ ok: false, reason: 'TRADING_HALTED' });
  });

  it('leaves out a check none of whose config keys is set', () => {
    let calls = 0;
    const counting: RiskCheck = {
      name: 'COUNTING',
      configKeys: ['maxPosition'],
      check() {
        calls++;
        return RISK_OK;
      },
    };
    new RiskGuard(parseRiskConfig({}), { quotePrecision: QP, checks: [counting] }).check(mkt('buy', 1), ctx());
    expect(calls).toBe(0);
    new RiskGuard(parseRiskConfig({ symbols: { BTCUSDT: { maxPosition: '1' } } }), { quotePrecision: QP, checks: [counting] }).check(mkt('buy', 1), ctx());
    expect(calls).toBe(1);
  });
});
