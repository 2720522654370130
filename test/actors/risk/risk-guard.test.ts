import { describe, expect, it } from 'vitest';
import { Portfolio } from '../../../actors/execution/orders/portfolio.js';
import type { MarketSnapshot } from '../../../actors/risk/market-snapshot.js';
import type { RiskContext, RiskOpenOrders } from '../../../actors/risk/pre-trade-checks.js';
import { parseRiskConfig, type RiskConfig } from '../../../actors/risk/risk-config.js';
import { RiskGuard, createRiskGuard } from '../../../actors/risk/risk-guard.js';
import { RISK_REASONS, type RiskVerdict } from '../../../actors/risk/risk-reason.js';
import { createInstrument } from '../../../src/model/instrument.js';
import type { NewOrder, OrderSide } from '../../../src/model/order.js';

// Price grid 0.01 (ticks are cents), size grid 0.001 (lots are thousandths), quote precision 5.
const btc = createInstrument({ symbol: 'BTCUSDT', priceIncrement: '0.01', sizeIncrement: '0.001' });
const QP = btc.quotePrecision;

function guard(config: RiskConfig): RiskGuard {
  return createRiskGuard(config, { quotePrecision: QP });
}

/** A portfolio holding `lots` of BTCUSDT bought (or sold) at `priceTicks`, marked at `mark`. */
function portfolio(lots = 0, priceTicks = 2_000_000, mark?: number): Portfolio {
  const p = new Portfolio({ quotePrecision: QP, initialCash: '100000' });
  if (lots !== 0) p.applyFill({ exchange: 'binance', symbol: 'BTCUSDT', side: lots > 0 ? 'buy' : 'sell', quantity: lots > 0 ? lots : -lots, price: priceTicks, fee: 0n }, btc);
  if (mark !== undefined) p.mark('binance:BTCUSDT', mark);
  return p;
}

function market(over: Partial<MarketSnapshot> = {}): MarketSnapshot {
  return { bid: undefined, ask: undefined, last: 20_000, barClose: undefined, lastTickTs: 0, ...over };
}

/** Open (approved, unfilled) lots of BTCUSDT per side. */
function openOrders(open: { buy?: number; sell?: number }): RiskOpenOrders {
  return { openQuantity: (symbol, side) => (symbol === 'binance:BTCUSDT' ? (open[side] ?? 0) : 0) };
}

function ctx(over: Partial<RiskContext> = {}): RiskContext {
  return { now: 0, instrument: btc, portfolio: portfolio(), market: market(), ...over };
}

let seq = 0;
function mkt(side: OrderSide, lots: number): NewOrder {
  return { clientOrderId: `o${++seq}`, exchange: 'binance', symbol: 'BTCUSDT', side, type: 'market', quantity: lots, limitPrice: undefined, ts: 0 };
}
function lmt(side: OrderSide, lots: number, ticks: number): NewOrder {
  return { clientOrderId: `o${++seq}`, exchange: 'binance', symbol: 'BTCUSDT', side, type: 'limit', quantity: lots, limitPrice: ticks, ts: 0 };
}

function reason(v: RiskVerdict): string {
  return v.ok ? 'OK' : v.reason;
}

describe('RiskGuard pre-trade checks', () => {
  it('approves everything with the default config', () => {
    const g = guard({});
    expect(g.check(mkt('buy', 1_000_000), ctx({ market: undefined }))).toEqual({ ok: true });
    expect(g.approved).toBe(1);
  });

  it('MAX_ORDER_QUANTITY denies at the limit and passes just under it', () => {
    const g = guard({ maxOrderQuantity: '1' });
    expect(reason(g.check(mkt('buy', 1_000), ctx()))).toBe('MAX_ORDER_QUANTITY');
    expect(reason(g.check(mkt('sell', 1_000), ctx()))).toBe('MAX_ORDER_QUANTITY');
    expect(reason(g.check(mkt('buy', 999), ctx()))).toBe('OK');
  });

  it('applies a per-symbol quantity override', () => {
    const g = guard({ maxOrderQuantity: '1', symbols: { BTCUSDT: { maxOrderQuantity: '0.5' } } });
    expect(reason(g.check(mkt('buy', 500), ctx()))).toBe('MAX_ORDER_QUANTITY');
    expect(reason(g.check(mkt('buy', 499), ctx()))).toBe('OK');
  });

  it('MAX_ORDER_NOTIONAL denies at the limit and passes just under it, for limit orders at their price', () => {
    const g = guard({ maxOrderNotional: '10000' });
    // 0.5 × 20000.00 = 10000 exactly; 0.5 × 19999.99 = 9999.995.
    expect(reason(g.check(lmt('buy', 500, 2_000_000), ctx()))).toBe('MAX_ORDER_NOTIONAL');
    expect(reason(g.check(lmt('buy', 500, 1_999_999), ctx()))).toBe('OK');
  });

  it('reads each limit order at its own ticks and its instrument\'s price precision, whatever the order before', () => {
    const g = guard({ maxOrderNotional: '5000' });
    const fut = createInstrument({ symbol: 'BTCUSDT', exchange: 'binance', priceIncrement: '0.1', sizeIncrement: '0.001' });
    // 100,000 ticks: 1000.00 on the 0.01 grid (1 BTC: notional 1000), 10000.0 on the 0.1 grid (10000).
    expect(reason(g.check(lmt('buy', 1_000, 100_000), ctx()))).toBe('OK');
    expect(reason(g.check(lmt('buy', 1_000, 100_000), ctx()))).toBe('OK');
    expect(reason(g.check(lmt('buy', 1_000, 100_000), ctx({ instrument: fut })))).toBe('MAX_ORDER_NOTIONAL');
    expect(reason(g.check(lmt('buy', 1_000, 100_000), ctx()))).toBe('OK');
    expect(reason(g.check(lmt('buy', 1_000, 500_000), ctx()))).toBe('MAX_ORDER_NOTIONAL');
    expect(reason(g.check(lmt('buy', 1_000, 499_999), ctx()))).toBe('OK');
  });

  it('MAX_ORDER_NOTIONAL values a market order at the opposite top of book, else the reference', () => {
    const g = guard({ maxOrderNotional: '10000' });
    const quotes = market({ bid: 19_999.99, ask: 20_000, last: 1 });
    expect(reason(g.check(mkt('buy', 500), ctx({ market: quotes })))).toBe('MAX_ORDER_NOTIONAL');
    expect(reason(g.check(mkt('sell', 500), ctx({ market: quotes })))).toBe('OK');
    // No quotes: the last trade.
    expect(reason(g.check(mkt('buy', 500), ctx({ market: market({ last: 20_000 }) })))).toBe('MAX_ORDER_NOTIONAL');
    expect(reason(g.check(mkt('buy', 500), ctx({ market: market({ last: 19_999.99 }) })))).toBe('OK');
  });

  it('denies with NO_REFERENCE_PRICE when a price check has nothing to price a market order', () => {
    const g = guard({ maxOrderNotional: '10000' });
    expect(reason(g.check(mkt('buy', 1), ctx({ market: undefined })))).toBe('NO_REFERENCE_PRICE');
    expect(reason(g.check(mkt('buy', 1), ctx({ market: market({ last: undefined }) })))).toBe('NO_REFERENCE_PRICE');
    // A limit order carries its own price.
    expect(reason(g.check(lmt('buy', 1, 100), ctx({ market: undefined })))).toBe('OK');
  });

  it('MAX_POSITION denies an absolute position at the limit after the order and passes just under it', () => {
    const g = guard({ maxPosition: '2' });
    const long = ctx({ portfolio: portfolio(1_500) });
    expect(reason(g.check(mkt('buy', 500), long))).toBe('MAX_POSITION');
    expect(reason(g.check(mkt('buy', 499), long))).toBe('OK');
    const short = ctx({ portfolio: portfolio(-1_500) });
    expect(reason(g.check(mkt('sell', 500), short))).toBe('MAX_POSITION');
    expect(reason(g.check(mkt('sell', 499), short))).toBe('OK');
    // A flip lands on the other side: |-2| reaches the limit.
    expect(reason(g.check(mkt('sell', 3_500), long))).toBe('MAX_POSITION');
  });

  it('MAX_POSITION never blocks an order that lowers a position already above the limit', () => {
    const g = guard({ maxPosition: '1' });
    expect(reason(g.check(mkt('sell', 100), ctx({ portfolio: portfolio(1_500) })))).toBe('OK');
    expect(reason(g.check(mkt('buy', 1), ctx({ portfolio: portfolio(1_500) })))).toBe('MAX_POSITION');
  });

  it('MAX_GROSS_EXPOSURE denies gross exposure at the limit after the order and passes just under it', () => {
    const g = guard({ maxGrossExposure: '30000' });
    // Long 1 BTC marked at 20000: gross 20000. A buy of 0.5 at 20000.00 makes 30000.
    const c = ctx({ portfolio: portfolio(1_000, 2_000_000, 20_000) });
    expect(reason(g.check(lmt('buy', 500, 2_000_000), c))).toBe('MAX_GROSS_EXPOSURE');
    // 0.5 × 19999.98 = 9999.99: gross 29999.99.
    expect(reason(g.check(lmt('buy', 500, 1_999_998), c))).toBe('OK');
    // A sell lowers it, whatever its size within the position.
    const over = guard({ maxGrossExposure: '10000' });
    expect(reason(over.check(lmt('sell', 400, 2_000_000), c))).toBe('OK');
    // Selling through zero to a short of 1 keeps it at 20000: not larger, passes; 1.001 is larger.
    expect(reason(over.check(lmt('sell', 2_000, 2_000_000), c))).toBe('OK');
    expect(reason(over.check(lmt('sell', 2_001, 2_000_000), c))).toBe('MAX_GROSS_EXPOSURE');
  });

  it('MAX_POSITION counts open orders on the order\'s side: position plus open buys plus the buy', () => {
    const g = guard({ maxPosition: '1.5' });
    // Flat with a buy of 1 approved and not yet filled: another buy of 0.5 makes a worst case of 1.5.
    const c = ctx({ openOrders: openOrders({ buy: 1_000 }) });
    expect(reason(g.check(mkt('buy', 500), c))).toBe('MAX_POSITION');
    expect(reason(g.check(mkt('buy', 499), c))).toBe('OK');
    // Long 1 with an open sell of 1: a sell of 1.5 makes a worst case of 1 - 1 - 1.5 = -1.5.
    const l = ctx({ portfolio: portfolio(1_000), openOrders: openOrders({ sell: 1_000 }) });
    expect(reason(g.check(mkt('sell', 1_500), l))).toBe('MAX_POSITION');
    expect(reason(g.check(mkt('sell', 1_499), l))).toBe('OK');
    // Open orders on the other side never help nor hurt: a buy's worst case ignores open sells.
    const both = ctx({ portfolio: portfolio(1_000), openOrders: openOrders({ buy: 400, sell: 5_000 }) });
    expect(reason(g.check(mkt('buy', 100), both))).toBe('MAX_POSITION');
    expect(reason(g.check(mkt('buy', 99), both))).toBe('OK');
    // The denial names the worst case and its parts.
    const denied = g.check(mkt('buy', 500), c);
    expect(denied.ok ? '' : denied.detail).toMatch(/1\.500.*open buys 1\.000/);
  });

  it('MAX_POSITION still passes an order that lowers the worst case of its side', () => {
    const g = guard({ maxPosition: '1' });
    // Short 1.5 (above a lowered limit) with open sells: a buy still reduces.
    const c = ctx({ portfolio: portfolio(-1_500), openOrders: openOrders({ sell: 500 }) });
    expect(reason(g.check(mkt('buy', 1_000), c))).toBe('OK');
    expect(reason(g.check(mkt('sell', 1), c))).toBe('MAX_POSITION');
  });

  it('MAX_GROSS_EXPOSURE counts open orders on the order\'s side, valued at the order\'s price', () => {
    const g = guard({ maxGrossExposure: '30000' });
    // Flat, a buy of 1 open: at 20000.00 it is worth 20000; a buy of 0.5 more makes 30000.
    const c = ctx({ openOrders: openOrders({ buy: 1_000 }) });
    expect(reason(g.check(lmt('buy', 500, 2_000_000), c))).toBe('MAX_GROSS_EXPOSURE');
    expect(reason(g.check(lmt('buy', 499, 2_000_000), c))).toBe('OK');
    // A sell's worst case ignores the open buy: a sell of 1.4 at 20000 is 28000.
    expect(reason(g.check(lmt('sell', 1_400, 2_000_000), c))).toBe('OK');
  });

  it('PRICE_BAND denies a limit price at the band from the last trade and passes just inside', () => {
    const g = guard({ priceBand: { maxDeviation: '1%' }, referencePrice: ['last'] });
    const c = ctx({ market: market({ last: 100 }) });
    expect(reason(g.check(lmt('buy', 1, 10_100), c))).toBe('PRICE_BAND');
    expect(reason(g.check(lmt('buy', 1, 10_099), c))).toBe('OK');
    expect(reason(g.check(lmt('sell', 1, 9_900), c))).toBe('PRICE_BAND');
    expect(reason(g.check(lmt('sell', 1, 9_901), c))).toBe('OK');
  });

  it('PRICE_BAND checks a market order at the opposite top of book against the mid', () => {
    const g = guard({ priceBand: { maxDeviation: '100bps' } });
    // Mid 100.00, ask 101.00: 1% away.
    expect(reason(g.check(mkt('buy', 1), ctx({ market: market({ bid: 99, ask: 101 }) })))).toBe('PRICE_BAND');
    expect(reason(g.check(mkt('buy', 1), ctx({ market: market({ bid: 99.02, ask: 100.99 }) })))).toBe('OK');
    // No quotes: the order is priced at the reference itself, and passes.
    expect(reason(g.check(mkt('buy', 1), ctx({ market: market({ last: 100 }) })))).toBe('OK');
    const v = g.check(mkt('sell', 1), ctx({ market: market({ bid: 90, ask: 110 }) }));
    expect(v.ok ? '' : v.detail).toMatch(/1000\.00 bps/);
  });

  it('STALE_MARKET_DATA denies when the last tick is T old or more, or absent', () => {
    const g = guard({ staleMarketData: { maxAge: '1s' } });
    const m = market({ lastTickTs: 5_000_000 });
    expect(reason(g.check(mkt('buy', 1), ctx({ market: m, now: 6_000_000 })))).toBe('STALE_MARKET_DATA');
    expect(reason(g.check(mkt('buy', 1), ctx({ market: m, now: 5_999_999 })))).toBe('OK');
    expect(reason(g.check(mkt('buy', 1), ctx({ market: undefined, now: 1 })))).toBe('STALE_MARKET_DATA');
  });

  it('ORDER_RATE denies the order past N in the window, and the window slides', () => {
    const g = guard({ orderRate: { maxOrders: 2, interval: '1s' } });
    expect(reason(g.check(mkt('buy', 1), ctx({ now: 0 })))).toBe('OK');
    expect(reason(g.check(mkt('buy', 1), ctx({ now: 400_000 })))).toBe('OK');
    expect(reason(g.check(mkt('buy', 1), ctx({ now: 999_999 })))).toBe('ORDER_RATE');
    // The first order left the window at exactly 1 s.
    expect(reason(g.check(mkt('buy', 1), ctx({ now: 1_000_000 })))).toBe('OK');
    expect(reason(g.check(mkt('buy', 1), ctx({ now: 1_300_000 })))).toBe('ORDER_RATE');
    expect(reason(g.check(mkt('buy', 1), ctx({ now: 1_400_000 })))).toBe('OK');
  });

  it('does not let denied orders fill the rate window', () => {
    const g = guard({ orderRate: { maxOrders: 1, interval: '1s' }, maxOrderQuantity: '1' });
    expect(reason(g.check(mkt('buy', 5_000), ctx({ now: 0 })))).toBe('MAX_ORDER_QUANTITY');
    expect(reason(g.check(mkt('buy', 1), ctx({ now: 1 })))).toBe('OK');
  });

  it('reports the first failing check in the documented order', () => {
    const g = guard({ maxOrderQuantity: '1', maxPosition: '1', staleMarketData: { maxAge: '1s' } });
    expect(reason(g.check(mkt('buy', 5_000), ctx({ market: undefined })))).toBe('STALE_MARKET_DATA');
    expect(reason(g.check(mkt('buy', 5_000), ctx()))).toBe('MAX_ORDER_QUANTITY');
    g.setState('HALTED', 'test', 0);
    expect(reason(g.check(mkt('buy', 5_000), ctx({ market: undefined })))).toBe('TRADING_HALTED');
  });

  it('counts denials by reason, every reason listed', () => {
    const g = guard({ maxOrderQuantity: '1', maxPosition: '2' });
    g.check(mkt('buy', 1_000), ctx());
    g.check(mkt('buy', 2_000), ctx());
    g.check(mkt('buy', 999), ctx({ portfolio: portfolio(1_500) }));
    g.check(mkt('buy', 1), ctx());
    const d = g.denials();
    expect(Object.keys(d)).toEqual([...RISK_REASONS]);
    expect(d.MAX_ORDER_QUANTITY).toBe(2);
    expect(d.MAX_POSITION).toBe(1);
    expect(Object.values(d).reduce((a, b) => a + b, 0)).toBe(3);
    expect(g.approved).toBe(1);
  });
});

describe('RiskGuard trading state', () => {
  it('REDUCING passes a reducing order and denies an increasing one', () => {
    const g = guard({ initialState: 'REDUCING' });
    const long = ctx({ portfolio: portfolio(1_000) });
    expect(reason(g.check(mkt('sell', 500), long))).toBe('OK');
    expect(reason(g.check(mkt('sell', 1_000), long))).toBe('OK');
    expect(reason(g.check(mkt('sell', 1_001), long))).toBe('REDUCE_ONLY');
    expect(reason(g.check(mkt('buy', 1), long))).toBe('REDUCE_ONLY');
    const short = ctx({ portfolio: portfolio(-1_000) });
    expect(reason(g.check(mkt('buy', 1_000), short))).toBe('OK');
    expect(reason(g.check(mkt('sell', 1), short))).toBe('REDUCE_ONLY');
    expect(reason(g.check(mkt('buy', 1), ctx()))).toBe('REDUCE_ONLY');
  });

  it('HALTED denies new orders, even reducing ones, and passes cancels', () => {
    const g = guard({});
    const ev = g.setState('HALTED', 'operator pulled the plug', 42);
    expect(ev).toEqual({ type: 'risk_state', from: 'ACTIVE', to: 'HALTED', reason: 'operator pulled the plug', detail: 'operator pulled the plug', source: 'operator', ts: 42 });
    expect(reason(g.check(mkt('buy', 1), ctx()))).toBe('TRADING_HALTED');
    expect(reason(g.check(mkt('sell', 1), ctx({ portfolio: portfolio(1_000) })))).toBe('TRADING_HALTED');
    expect(g.checkCancel({ clientOrderId: 'x' })).toEqual({ ok: true });
    expect(g.denials().TRADING_HALTED).toBe(2);
  });

  it('reports no event when the operator sets the state it already has', () => {
    const g = guard({});
    expect(g.setState('ACTIVE', 'noop', 1)).toBeUndefined();
    expect(g.stateChanges).toBe(0);
  });
});

describe('RiskGuard kill switch', () => {
  const units = (s: string): bigint => parseRiskAmount(s);
  function parseRiskAmount(s: string): bigint {
    const [i, f = ''] = s.split('.');
    return BigInt(`${i}${f.padEnd(QP, '0')}`);
  }

  it('halts on a drawdown fraction reached from the peak, with the event', () => {
    const g = guard({ killSwitch: { maxDrawdown: '10%' } });
    expect(g.onEquity(units('100000'), 1)).toBeUndefined();
    expect(g.onEquity(units('120000'), 2)).toBeUndefined();
    expect(g.onEquity(units('108000.00001'), 3)).toBeUndefined();
    expect(g.state).toBe('ACTIVE');
    const ev = g.onEquity(units('108000'), 4);
    expect(ev).toMatchObject({ type: 'risk_state', from: 'ACTIVE', to: 'HALTED', reason: 'MAX_DRAWDOWN', source: 'kill_switch', ts: 4 });
    expect(ev?.detail).toMatch(/drawdown 12000\.00000 .* peak 120000\.00000/);
    expect(g.state).toBe('HALTED');
    expect(g.maxDrawdownSeen).toBe(units('12000'));
    // Already halted: no second event.
    expect(g.onEquity(units('100000'), 5)).toBeUndefined();
    expect(g.stateEvents()).toHaveLength(1);
  });

  it('trips on a drawdown amount reached, not just under it', () => {
    const g = guard({ killSwitch: { maxDrawdownAmount: '500' } });
    g.onEquity(units('10000'), 1);
    expect(g.onEquity(units('9500.00001'), 2)).toBeUndefined();
    expect(g.onEquity(units('9500'), 3)?.reason).toBe('MAX_DRAWDOWN');
  });

  it('halts on the loss since the start of the UTC day, measured from the equity at midnight', () => {
    const DAY = 86_400_000_000;
    const g = guard({ killSwitch: { maxDailyLoss: '500' } });
    g.onEquity(units('10000'), 1_000);
    expect(g.onEquity(units('9600'), DAY - 1)).toBeUndefined(); // day 1: -400
    // Day 2 starts at the equity in force at midnight (9600): a further -400 is within the limit.
    expect(g.onEquity(units('9200'), DAY + 10)).toBeUndefined();
    expect(g.onEquity(units('9100.00001'), DAY + 20)).toBeUndefined();
    const ev = g.onEquity(units('9100'), DAY + 30);
    expect(ev).toMatchObject({ from: 'ACTIVE', to: 'HALTED', reason: 'DAILY_LOSS', ts: DAY + 30 });
    expect(ev?.detail).toMatch(/loss 500\.00000 since the UTC day's start equity 9600\.00000/);
  });

  it('moves to REDUCING when configured, and never loosens a stricter state', () => {
    const g = guard({ killSwitch: { maxDailyLossFraction: '0.05', action: 'REDUCING' } });
    g.onEquity(units('1000'), 1);
    expect(g.onEquity(units('950'), 2)).toMatchObject({ from: 'ACTIVE', to: 'REDUCING', reason: 'DAILY_LOSS' });
    expect(g.state).toBe('REDUCING');
    expect(g.onEquity(units('900'), 3)).toBeUndefined();
    g.setState('HALTED', 'manual', 4);
    expect(g.onEquity(units('800'), 5)).toBeUndefined();
    expect(g.state).toBe('HALTED');
  });

  it('is re-armed by the operator from the latest equity, and trips again on a new loss', () => {
    const g = guard({ killSwitch: { maxDrawdownAmount: '100' } });
    g.onEquity(units('1000'), 1);
    expect(g.onEquity(units('900'), 2)?.to).toBe('HALTED');
    expect(g.setState('ACTIVE', 'loss acknowledged', 3)).toMatchObject({ from: 'HALTED', to: 'ACTIVE', source: 'operator' });
    // Still 100 under the old peak, but the peak restarted at 900.
    expect(g.onEquity(units('900'), 4)).toBeUndefined();
    expect(g.onEquity(units('800'), 5)?.to).toBe('HALTED');
    expect(g.stateEvents().map((e) => `${e.from}>${e.to}`)).toEqual(['ACTIVE>HALTED', 'HALTED>ACTIVE', 'ACTIVE>HALTED']);
  });

  it('takes the guard configuration from the parsed schema', () => {
    const g = new RiskGuard(parseRiskConfig({ initialState: 'HALTED' }), { quotePrecision: QP });
    expect(g.state).toBe('HALTED');
  });
});

describe('RiskGuard: limits per instrument (exchange and symbol)', () => {
  const spotBtc = createInstrument({ symbol: 'BTCUSDT', exchange: 'binance', priceIncrement: '0.01', sizeIncrement: '0.001' });
  const futBtc = createInstrument({ symbol: 'BTCUSDT', exchange: 'binance-futures', priceIncrement: '0.1', sizeIncrement: '0.001' });
  const on = (exchange: string, side: OrderSide, lots: number): NewOrder => ({ ...mkt(side, lots), exchange });

  it('counts a position on one exchange against that instrument’s limit only', () => {
    // 2 BTC long on spot; maxPosition 3 per instrument.
    const p = portfolio(2000);
    const g = guard({ maxPosition: '3' });
    expect(reason(g.check(on('binance', 'buy', 1500), ctx({ portfolio: p, instrument: spotBtc })))).toBe('MAX_POSITION');
    expect(reason(g.check(on('binance-futures', 'buy', 1500), ctx({ portfolio: p, instrument: futBtc })))).toBe('OK');
  });

  it('applies an exchange:SYMBOL override to that instrument, and a bare SYMBOL override to each instrument of the symbol', () => {
    const g = guard({ maxOrderQuantity: '10', symbols: { BTCUSDT: { maxOrderQuantity: '2' }, 'binance-futures:BTCUSDT': { maxOrderQuantity: '0.5' } } });
    expect(reason(g.check(on('binance-futures', 'buy', 500), ctx({ instrument: futBtc })))).toBe('MAX_ORDER_QUANTITY');
    expect(reason(g.check(on('binance-futures', 'buy', 400), ctx({ instrument: futBtc })))).toBe('OK');
    expect(reason(g.check(on('binance', 'buy', 1500), ctx({ instrument: spotBtc })))).toBe('OK');
    expect(reason(g.check(on('binance', 'buy', 2000), ctx({ instrument: spotBtc })))).toBe('MAX_ORDER_QUANTITY');
  });

  it('counts open orders of the order’s instrument only', () => {
    const g = guard({ maxPosition: '1' });
    const open: RiskOpenOrders = { openQuantity: (key, side) => (key === 'binance-futures:BTCUSDT' && side === 'buy' ? 900 : 0) };
    expect(reason(g.check(on('binance', 'buy', 900), ctx({ instrument: spotBtc, openOrders: open })))).toBe('OK');
    expect(reason(g.check(on('binance-futures', 'buy', 100), ctx({ instrument: futBtc, openOrders: open })))).toBe('MAX_POSITION');
  });
});
