/**
 * What one batch of journal entries does to Redis, worked out before anything is sent: the state
 * writes (latest value per key only, since Redis holds latest state and an earlier value in the
 * same batch would be overwritten inside the same transaction anyway) and the notifications (one
 * per signal, order and fill entry: each is news, so none is compacted away).
 *
 * Pure, so the sink's transaction is a plain loop over `writes` and this file is testable
 * without a server. Order between entries is journal order (`seq`): a later entry for the same key
 * wins. Exact amounts are written as decimals at the precisions the entry carries (`formatUnits`),
 * never through floats. `audit` and `start` entries have no latest-state key: they only move the
 * cursor.
 */
import { divToScale, formatUnits } from '../../model/money.js';
import { orderView } from '../../model/order.js';
import { isTerminalStatus } from '../../model/order-transitions.js';
import { orderFromJson, type BarEntry, type FillEntry, type OrderJson, type RiskStateEntry, type TradeEntry, type WalEntry } from '../../model/wal-entry.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * One state write. `replace` deletes the hash and writes every field (so a field that no longer
 * applies, such as `avgPrice` of a flat position, does not linger, and a key of the wrong type is
 * overwritten rather than failing the transaction); `hset` / `hdel` touch one field of a hash
 * shared by many entities (`orders:open`).
 */
export type RedisWrite =
  | { readonly op: 'replace'; readonly key: string; readonly fields: Readonly<Record<string, string>> }
  | { readonly op: 'hset'; readonly key: string; readonly field: string; readonly value: string }
  | { readonly op: 'hdel'; readonly key: string; readonly field: string };

/** A pub/sub message to send once the state is committed; `ts` (µs) is the entry's, for staleness. */
export interface RedisNotification {
  readonly channel: string;
  readonly message: string;
  readonly ts: number;
}

/** The writes and notifications of one batch. */
export interface RedisBatch {
  readonly writes: readonly RedisWrite[];
  readonly notifications: readonly RedisNotification[];
}

/** Plans `entries` (in journal order) against the layout `keys`. */
export function planRedisBatch(entries: readonly WalEntry[], keys: RedisKeys): RedisBatch {
  // Keyed by Redis key (or key + field): a later entry replaces an earlier one's write.
  const writes = new Map<string, RedisWrite>();
  const notifications: RedisNotification[] = [];
  const put = (write: RedisWrite) => writes.set(write.op === 'replace' ? write.key : `${write.key}\n${write.field}`, write);
  const putOrder = (order: OrderJson, version: number | null, seq: number) => {
    put(
      isTerminalStatus(order.status)
        ? { op: 'hdel', key: keys.ordersOpen, field: order.clientOrderId }
        : { op: 'hset', key: keys.ordersOpen, field: order.clientOrderId, value: openOrderJson(order, version, seq) },
    );
  };
  for (const entry of entries) {
    switch (entry.kind) {
      case 'trade':
        put({ op: 'replace', key: keys.last(entry.record.exchange, entry.record.symbol), fields: tradeFields(entry) });
        break;
      case 'bar':
        put({ op: 'replace', key: keys.bar(entry.record.exchange, entry.record.symbol, entry.record.interval), fields: barFields(entry) });
        break;
      case 'order':
        putOrder(entry.order, entry.version, entry.seq);
        notifications.push({ channel: keys.orderChannel(entry.order.exchange, entry.order.symbol), message: JSON.stringify(entry), ts: entry.ts });
        break;
      case 'fill':
        if (entry.order !== null) putOrder(entry.order, entry.version, entry.seq);
        put({ op: 'replace', key: keys.position(entry.position.exchange, entry.position.symbol), fields: positionFields(entry) });
        put({ op: 'replace', key: keys.balance, fields: { cash: formatUnits(BigInt(entry.cash), entry.quotePrecision), quotePrecision: String(entry.quotePrecision), ts: String(entry.ts), seq: String(entry.seq) } });
        notifications.push({ channel: keys.fillChannel(entry.fill.exchange, entry.fill.symbol), message: JSON.stringify(entry), ts: entry.ts });
        break;
      case 'risk_state':
        put({ op: 'replace', key: keys.tradingState, fields: tradingStateFields(entry) });
        break;
      case 'signal':
        notifications.push({ channel: keys.signalChannel(entry.target.exchange, entry.target.symbol), message: JSON.stringify(entry), ts: entry.ts });
        break;
      case 'audit':
      case 'start':
        break;
    }
  }
  return { writes: [...writes.values()], notifications };
}

function tradeFields(entry: TradeEntry): Record<string, string> {
  const t = entry.record;
  // Market numbers: `String(x)` is the venue's decimal (they round-trip, see records.ts).
  return { price: String(t.price), amount: String(t.amount), side: t.side, tradeId: t.id, ts: String(t.ts), tsRecv: String(t.tsRecv), seq: String(entry.seq) };
}

function barFields(entry: BarEntry): Record<string, string> {
  const b = entry.record;
  return {
    interval: b.interval,
    open: String(b.open),
    high: String(b.high),
    low: String(b.low),
    close: String(b.close),
    volume: String(b.volume),
    buyVolume: String(b.buyVolume),
    sellVolume: String(b.sellVolume),
    trades: String(b.trades),
    vwap: String(b.vwap),
    openTs: String(b.openTs),
    closeTs: String(b.closeTs),
    ts: String(b.ts),
    tsRecv: String(b.tsRecv),
    seq: String(entry.seq),
  };
}

function positionFields(entry: FillEntry): Record<string, string> {
  const p = entry.position;
  const qp = entry.quotePrecision;
  const quantity = BigInt(p.quantity);
  const costBasis = BigInt(p.costBasis);
  const fields: Record<string, string> = {
    quantity: formatUnits(quantity, p.sizePrecision),
    costBasis: formatUnits(costBasis, qp),
    realizedPnl: formatUnits(BigInt(p.realizedPnl), qp),
    fees: formatUnits(BigInt(p.fees), qp),
    fillCount: String(p.fillCount),
    sizePrecision: String(p.sizePrecision),
    pricePrecision: String(p.pricePrecision),
    quotePrecision: String(qp),
    ts: String(entry.ts),
    seq: String(entry.seq),
  };
  // The portfolio's own rule (portfolio.ts `avgPriceOf`): cost basis over quantity, half-even at
  // the quote precision; absent when flat.
  if (quantity !== 0n) fields.avgPrice = formatUnits(divToScale(costBasis, qp, quantity, p.sizePrecision, qp), qp);
  return fields;
}

function tradingStateFields(entry: RiskStateEntry): Record<string, string> {
  return { state: entry.to, from: entry.from, source: entry.source, reason: entry.reason, detail: entry.detail, ts: String(entry.ts), seq: String(entry.seq) };
}

/** An open order as decimals at its precisions (the reports' `orderView`), with its version. */
function openOrderJson(order: OrderJson, version: number | null, seq: number): string {
  const view = orderView(orderFromJson(order));
  // null, not undefined, so every field is present for readers in other languages.
  return JSON.stringify({
    ...view,
    limitPrice: view.limitPrice ?? null,
    avgFillPrice: view.avgFillPrice ?? null,
    reason: view.reason ?? null,
    fillCount: order.fillCount,
    version,
    seq,
  });
}
