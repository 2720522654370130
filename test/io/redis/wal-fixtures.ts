/**
 * Journal entries for the Redis projection tests, with figures worked out by hand so the expected
 * decimals are independent of the code under test. Instrument: binance BTCUSDT, price precision 2,
 * size precision 4, quote precision 2.
 */
import { orderJsonFixture } from '../../support/order-json.js';
import type { OrderStatus } from '../../../src/model/order.js';
import type {
  AuditEntry,
  BarEntry,
  FillEntry,
  OrderEntry,
  OrderJson,
  RiskStateEntry,
  SignalEntry,
  StartEntry,
  TradeEntry,
  WalEntry,
} from '../../../src/model/wal-entry.js';

/** The tests' wall clock (µs); entries default to 1 ms before it (fresh). */
export const NOW_US = 1_700_000_000_000_000;
const TS = NOW_US - 1000;

export function trade(seq: number, price: number, id = `t${seq}`, ts = TS): TradeEntry {
  return { seq, ts, kind: 'trade', record: { type: 'trade', exchange: 'binance', symbol: 'BTCUSDT', ts: ts - 5, tsRecv: ts, id, price, amount: 0.015, side: 'buy' } };
}

export function bar(seq: number, interval: string, close: number, ts = TS): BarEntry {
  return {
    seq,
    ts,
    kind: 'bar',
    record: { type: 'trade_bar', exchange: 'binance', symbol: 'BTCUSDT', ts, tsRecv: ts, interval, open: 30000.5, high: 30100, low: 29950.25, close, volume: 1.25, buyVolume: 0.75, sellVolume: 0.5, trades: 42, vwap: 30020.1, openTs: ts - 60_000_000, closeTs: ts },
  };
}

/** A limit buy of 0.0150 at 30050.25. */
export function orderJson(clientOrderId: string, status: OrderStatus, over: Partial<OrderJson> = {}): OrderJson {
  return orderJsonFixture(clientOrderId, { quantity: '150', limitPrice: '3005025', status, createdTs: TS, updatedTs: TS, ...over });
}

export function order(seq: number, clientOrderId: string, status: OrderStatus, version = 1, ts = TS): OrderEntry {
  return { seq, ts, kind: 'order', version, order: orderJson(clientOrderId, status) };
}

/**
 * The whole order (0.0150 at 30050.25) filled in one: notional 450.75375 → 450.75 (half-even),
 * fee 0.45, cash 10000.00 − 450.75 − 0.45 = 9548.80, average price 450.75 / 0.0150 = 30050.00.
 */
export function fill(seq: number, clientOrderId: string, ts = TS, cash = '954880'): FillEntry {
  return {
    seq,
    ts,
    kind: 'fill',
    version: 3,
    order: orderJson(clientOrderId, 'FILLED', { filledQuantity: '150', fillNotional: '450753750', avgFillPrice: '3005025', fillCount: 1 }),
    fillId: `${clientOrderId}#1`,
    fill: { clientOrderId, exchange: 'binance', symbol: 'BTCUSDT', side: 'buy', quantity: '150', price: '3005025', fee: '45', liquidity: 'maker', ts },
    position: { exchange: 'binance', symbol: 'BTCUSDT', quantity: '150', sizePrecision: 4, pricePrecision: 2, costBasis: '45075', realizedPnl: '0', fees: '45', fillCount: 1 },
    cash,
    quotePrecision: 2,
  };
}

/** A partial fill of 0.0050 that leaves the order open (PARTIALLY_FILLED) and a short of −0.0050 on ETHUSDT. */
export function partialShortFill(seq: number, clientOrderId: string, ts = TS): FillEntry {
  return {
    seq,
    ts,
    kind: 'fill',
    version: 2,
    order: orderJson(clientOrderId, 'PARTIALLY_FILLED', { symbol: 'ETHUSDT', side: 'sell', filledQuantity: '50', fillNotional: '100000000', avgFillPrice: '200000', fillCount: 1 }),
    fillId: `${clientOrderId}#1`,
    fill: { clientOrderId, exchange: 'binance', symbol: 'ETHUSDT', side: 'sell', quantity: '50', price: '200000', fee: '1', liquidity: 'taker', ts },
    // Sold 0.0050 at 2000.00: −10.00 of cost basis, average 2000.00, fee 0.01, a past gain of 1.23.
    position: { exchange: 'binance', symbol: 'ETHUSDT', quantity: '-50', sizePrecision: 4, pricePrecision: 2, costBasis: '-1000', realizedPnl: '123', fees: '1', fillCount: 3 },
    cash: '1000999',
    quotePrecision: 2,
  };
}

export function riskState(seq: number, to: string, ts = TS): RiskStateEntry {
  return { seq, ts, kind: 'risk_state', from: 'ACTIVE', to, source: 'operator', reason: 'manual', detail: 'maintenance' };
}

export function signal(seq: number, target: number, ts = TS): SignalEntry {
  return { seq, ts, kind: 'signal', target: { type: 'target', exchange: 'binance', symbol: 'BTCUSDT', ts, strategy: 'sma', target, orderType: 'market', limitPrice: undefined } };
}

export function audit(seq: number, ts = TS): AuditEntry {
  return { seq, ts, kind: 'audit', command: 'set_trading_state', by: 'operator', ok: true, detail: '' };
}

export function start(seq: number, ts = TS): StartEntry {
  return { seq, ts, kind: 'start', restoredOrders: 0, restoredFills: 0, tradingState: 'ACTIVE' };
}

/** One entry of every kind, seq 1..9. */
export function everyKind(): WalEntry[] {
  return [
    start(1),
    trade(2, 30050.25),
    bar(3, '1m', 30060.5),
    order(4, 'o-1', 'ACCEPTED'),
    order(5, 'o-2', 'ACCEPTED'),
    fill(6, 'o-2'),
    riskState(7, 'REDUCING'),
    signal(8, 0.015),
    audit(9),
  ];
}

/** `count` entries from `firstSeq`, cycling through the kinds (for outage drills). */
export function mixed(firstSeq: number, count: number): WalEntry[] {
  const out: WalEntry[] = [];
  for (let seq = firstSeq; seq < firstSeq + count; seq++) {
    switch (seq % 5) {
      case 0:
        out.push(trade(seq, 30000 + seq / 100));
        break;
      case 1:
        out.push(order(seq, `o-${seq}`, 'ACCEPTED'));
        break;
      case 2:
        out.push(order(seq, `o-${seq - 1}`, seq % 10 === 2 ? 'CANCELED' : 'PENDING_CANCEL', 2));
        break;
      case 3:
        out.push(bar(seq, seq % 2 === 0 ? '1m' : '5m', 30000 + seq));
        break;
      default:
        out.push(fill(seq, `f-${seq}`, TS, String(954880 - seq)));
    }
  }
  return out;
}
